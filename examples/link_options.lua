-- Run with: designkit examples/link_options.lua
-- Options on links (docs/script-reference.md "Link options"). A balancer's weighted algorithms
-- read each link's weight: smooth weighted round robin over weights 5, 1, 1 sends 7 requests
-- as a,a,b,a,c,a,a. Geo sends to the nearest link first. Resilience written on a link, here
-- api -> dep, gives the link a guard of its own, named "api>dep" in the report and drawn as
-- the link's label: the same numbers, for the same seed, as a guard component of that name.
-- tests/lua/link_options_spec.lua checks the counts and the equality.
local dk = require "designkit"

-- Weights: 700 requests, one every 10 ms, over three backends weighted 5, 1, 1.
local function weighted(n)
  local m = dk.model "weighted"
  local users = m:client "users" { rate = 100, arrivals = "constant" }
  local lb = m:balancer "lb" { algorithm = "weighted_round_robin" }
  local a, b, c = m:service "a" {}, m:service "b" {}, m:service "c" {}
  m:link(users, lb)
  m:link(lb, a, { weight = 5 })
  m:link(lb, b, { weight = 1 })
  m:link(lb, c, { weight = 1 })
  local r = m:run { duration = (n / 100) .. "s", seed = 1 }
  local by = {}
  for _, x in ipairs(r.components) do by[x.name] = x.arrivals end
  return { a = by.a, b = by.b, c = by.c }
end

-- Geo: the nearest backend ("near", 5 ms away) takes everything while it answers; it fails
-- from 1 s to 2 s, is ejected after its first error, and "mid" (10 ms) takes over.
local function geo()
  local m = dk.model "geo"
  local users = m:client "users" { rate = 100, arrivals = "constant" }
  local lb = m:balancer "lb" { algorithm = "geo", eject_after = 1, eject_base = "500ms" }
  local far = m:service "far" {}
  local near = m:service "near" { fail_from = "1s", fail_to = "2s" }
  local mid = m:service "mid" {}
  m:link(users, lb)
  m:link(lb, far, { distance = "40ms" })
  m:link(lb, near, { distance = "5ms" })
  m:link(lb, mid, { distance = "10ms" })
  local r = m:run { duration = "3s", seed = 1 }
  local by = {}
  for _, x in ipairs(r.components) do by[x.name] = x end
  return { far = by.far.arrivals, near = by.near.arrivals, mid = by.mid.arrivals }
end

-- Resilience: a dependency failing from 20 s to 40 s of a minute, retried up to 4 times with a
-- circuit breaker, written on the link or as a guard component named as the link's guard is.
local retry = { attempts = 4, base = "100ms", cap = "2s", jitter = "full" }
local breaker = { window = 20, failure_rate = 0.5, wait = "2s", half_open = 3 }

local function storm(on_link)
  local m = dk.model "retry-storm"
  local users = m:client "users" { rate = 100 }
  local api = m:service "api" { workers = 1000, time = dk.exp "2ms" }
  local dep = m:database "dep" { workers = 0, time = "20ms", fail_from = "20s", fail_to = "40s" }
  if on_link then
    m:link(users, api)
    m:link(api, dep, { timeout = "500ms", retry = retry, breaker = breaker })
  else
    local g = m:guard "api>dep" {
      timeout = "500ms", attempts = retry.attempts, base = retry.base, cap = retry.cap,
      jitter = retry.jitter, breaker_window = breaker.window, failure_rate = breaker.failure_rate,
      breaker_wait = breaker.wait, half_open = breaker.half_open,
    }
    m:links { users >> api >> g >> dep }
  end
  local r = m:run { duration = "60s", seed = 1 }
  local by = {}
  for _, x in ipairs(r.components) do by[x.name] = x end
  local g = by["api>dep"]
  return { kind = g.kind, dep_calls = by.dep.arrivals, completed = r.total.completed,
           retries = g.retries, short_circuited = g.short_circuited, timeouts = g.timeouts,
           p99 = r.total.latency.p99 }
end

local w, g = weighted(700), geo()
print(string.format("weighted 5,1,1 over 700 requests: a %d, b %d, c %d", w.a, w.b, w.c))
print(string.format("geo: near %d, mid %d, far %d", g.near, g.mid, g.far))
local rows = { guard = storm(false), link = storm(true) }
print(string.format("%-6s %10s %10s %8s %16s %9s", "form", "dep calls", "completed", "retries",
  "short-circuited", "p99"))
for _, form in ipairs { "guard", "link" } do
  local s = rows[form]
  print(string.format("%-6s %10d %10d %8d %16d %9s", form, s.dep_calls, s.completed, s.retries,
    s.short_circuited, dk.format_duration(s.p99)))
end
return { weighted = weighted, geo = g, storm = rows }
