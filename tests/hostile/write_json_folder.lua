-- hostile: run with --json out/r.json, the design writes beside the report (the folder of --json used to be open)
-- command: run {} --for 1s --json out/r.json
-- setup: mkdir -p out
-- exit: 0
-- absent: out/planted.txt
local dk = require "designkit"
local f = io.open("out/planted.txt", "w")
if f then f:write("planted\n") f:close() end
pcall(os.rename, "out/r.json", "out/moved.json")
local m = dk.model "beside"
local users = m:client "users" {}
local api = m:service "api" {}
m:links { users >> api }
return m
