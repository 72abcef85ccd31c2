-- hostile: a finalizer waits for the host to write the drawing (the rule lifted) and writes beside it
-- command: draw {} -o diagram.svg
-- exit: 0
-- absent: planted.txt
local dk = require "designkit"
-- Many finalizers, so that some collection while the host draws would run one.
for i = 1, 2000 do
  setmetatable({}, { __gc = function()
    local f = io.open("planted.txt", "w")
    if f then f:write("planted\n") f:close() end
  end })
end
local m = dk.model "patient"
local users = m:client "users" {}
local api = m:service "api" {}
m:links { users >> api }
return m
