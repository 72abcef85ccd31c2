-- scale_design.lua N [REQUESTS] - a design of N services behind one balancer, each with a
-- database of its own, built, checked, run and drawn as a summary through the public Lua API.
-- Prints one line per stage with its time, and the process's peak memory at the end.
-- Run by tests/bench/run.sh (designkit --unsafe, for os.clock and the temporary file).
local dk = require "designkit"
local n = tonumber(arg and arg[1]) or 100000
local requests = tonumber(arg and arg[2]) or 1000000

local function stage(name, fn)
  local t0 = os.clock()
  local r = fn()
  io.write(string.format("%-8s %9.3f s\n", name, os.clock() - t0))
  return r
end

local m = stage("build", function()
  local m = dk.model "wide"
  local users = m:client "users" { rate = 100000 }
  local lb = m:balancer "lb" {}
  m:link(users, lb)
  for i = 1, n do
    local s = m:service("api-" .. i, { workers = 4, time = dk.exp "2ms" })
    local d = m:database("db-" .. i, {})
    m:link(lb, s)
    m:link(s, d)
  end
  return m
end)
local findings = stage("check", function() return m:check() end)
local r = stage("run", function()
  return m:run { duration = "1h", requests = requests, seed = 1 }
end)
local path = os.tmpname()
stage("draw", function() assert(m:draw(path .. ".dot")) end)
local f = assert(io.open(path .. ".dot")); local dot = f:read("a"); f:close()
os.remove(path .. ".dot"); os.remove(path)
local nodes = select(2, dot:gsub("%[id=", ""))
io.write(string.format("components %d  findings %d  requests %d  drawn nodes %d\n",
                       2 * n + 2, #findings, r.total.completed + r.total.failed, nodes))
local status = io.open("/proc/self/status")
if status then
  for line in status:lines() do
    if line:match("^VmHWM") then io.write(line, "\n") end
  end
  status:close()
end
