-- exec.lua - a design that tries to run a program (line 5): refused unless --unsafe.
local dk = require "designkit"
local m = dk.model "exec"
m:link(m:client "users" { rate = "10/s" }, m:service "api" { replicas = 2 })
os.execute("true")
return m
