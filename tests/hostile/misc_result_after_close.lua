-- hostile: keeps a run's result after closing its model, then reports and draws from it
-- exit: 0
-- stdout: report after close: ok
-- stdout: draw after close: model is closed
local dk = require "designkit"
local function design(name)
  local m = dk.model(name)
  local users = m:client "users" { rate = 50, mix = { a = 1, b = 1 } }
  local api, db, cache = m:service "api" {}, m:database "db" {}, m:cache "c" {}
  m:links { users >> api, api >> db, api >> cache }
  api:on("a", function(req) db:read(req.key) end)
  api:route("b", dk.cache_aside(cache, db))
  return m
end
local old = design("old")
local result = old:run { duration = "2s" }
old:close()
collectgarbage()
print("report after close: " .. (#result:json() > 0 and "ok" or "empty"))
local ok, err = pcall(old.draw, old, "after.svg", { after_run = result })
print("draw after close: " .. tostring(err))
return design("new")
