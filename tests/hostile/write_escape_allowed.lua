-- hostile: given --allow-write scratch, the design climbs out of it with .. and a symbolic link
-- command: run {} --for 1s --allow-write scratch
-- setup: mkdir -p scratch && ln -s .. scratch/up
-- exit: 0
-- absent: escaped.txt
-- absent: linked.txt
local dk = require "designkit"
for _, path in ipairs { "scratch/../escaped.txt", "scratch/up/linked.txt" } do
  local f = io.open(path, "w")
  if f then f:write("out\n") f:close() end
end
local inside = assert(io.open("scratch/fine.txt", "w")) -- inside is fine
inside:write("ok\n")
inside:close()
local m = dk.model "climber"
local users = m:client "users" {}
local api = m:service "api" {}
m:links { users >> api }
return m
