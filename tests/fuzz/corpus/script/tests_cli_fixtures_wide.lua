-- wide.lua - more components than a drawing shows one by one: 400 services behind a balancer,
-- each with a database of its own, and one odd service with a cache. The drawing folds the
-- alike into one node each ("api-1 ... api-400", x400) and keeps the odd one apart.
local dk = require "designkit"
local m = dk.model "wide"
local users = m:client "users" { rate = 1000 }
local lb = m:balancer "lb" {}
m:link(users, lb)
for i = 1, 400 do
  local s = m:service("api-" .. i, { workers = 4 })
  local d = m:database("db-" .. i, {})
  m:link(lb, s)
  m:link(s, d)
end
local odd = m:service "odd" {}
local c = m:cache "c" {}
m:link(lb, odd)
m:link(odd, c)
return m
