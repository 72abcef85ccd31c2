-- Spec of the url_shortener exercise (docs/exercises/url_shortener.md).
-- The learner's function builds a design from a catalogue of parts (fixed service times, a
-- price each); the spec adds the users, runs the design in designkit's simulator with a fixed
-- seed, and checks the p99 and availability targets and the budget. The checks read the
-- simulator's own measurements and price the parts from their options after the design is
-- built; nothing comes from the reference.
local dk = require "designkit"

local TARGET_P99 = 0.025 -- seconds, over every request after the warm-up
local TARGET_AVAILABILITY = 0.999
local BUDGET = 50 -- price units, on the main workload

local MAIN = { name = "main", rate = 4000, reads = 0.98, keys = 50000, skew = 0.99 }
local WRITE_HEAVY = { name = "write-heavy", rate = 2000, reads = 0.8, keys = 50000, skew = 0.8 }
local LIGHT = { name = "light", rate = 200, reads = 0.98, keys = 50000, skew = 0.99 }

-- ---- the catalogue: what a design may be made of ----

-- Each part: the options a design may set (with their checks), the options fixed by the
-- catalogue (set again after the design is built, so assigning them changes nothing), and its
-- price from its options.
local CATALOGUE = {
  balancer = {
    kind = "balancer",
    free = { algorithm = "string", replicas = "count" },
    fixed = {},
    price = function(o) return o.replicas end,
  },
  api = {
    kind = "service",
    free = { replicas = "count", workers = "count" },
    fixed = { time = dk.exp "2ms", queue = 64, dispatch = "least_connections", mode = "threads" },
    price = function(o) return o.replicas * o.workers end,
  },
  cache = {
    kind = "cache",
    free = { capacity = "count", policy = "string", ttl = "any" },
    fixed = { time = dk.exp "200us", workers = 0, replicas = 1, strategy = "aside" },
    price = function(o) return math.ceil(o.capacity / 5000) end,
  },
  database = {
    kind = "database",
    free = { replicas = "count", workers = "count" },
    fixed = { time = dk.lognormal("4ms", 0.5), queue = 64, dispatch = "least_connections", wal = "none" },
    price = function(o) return 4 * o.replicas * o.workers end,
  },
}

local function keys_of(t)
  local k = {}
  for name in pairs(t) do k[#k + 1] = name end
  table.sort(k)
  return table.concat(k, ", ")
end

-- parts for one model: parts.api "name" { replicas = 2, workers = 8 } (or parts.api(name, opts)).
local function make_parts(m)
  local made = {} -- name -> { part = ..., comp = ... }
  local parts = {}
  for pname, part in pairs(CATALOGUE) do
    local function build(name, opts)
      if type(name) ~= "string" then error("parts." .. pname .. ": the name must be a string", 3) end
      opts = opts or {}
      if type(opts) ~= "table" then error("parts." .. pname .. ": options must be a table", 3) end
      local all = {}
      for k, v in pairs(opts) do
        local want = part.free[k]
        if not want then
          error(("parts.%s %q: option '%s' is not yours to set (you may set: %s)"):format(pname, name,
            tostring(k), keys_of(part.free)), 3)
        end
        if want == "count" and (math.type(v) ~= "integer" or v < 1) then
          error(("parts.%s %q: %s must be a positive integer (got %s)"):format(pname, name, k, tostring(v)), 3)
        end
        all[k] = v
      end
      for k, v in pairs(part.fixed) do all[k] = v end
      local comp = m:component(part.kind, name, all)
      made[name] = { part = part, comp = comp, pname = pname }
      return comp
    end
    parts[pname] = function(name, opts)
      if opts == nil then return function(o) return build(name, o) end end
      return build(name, opts)
    end
  end
  return parts, made
end

-- Builds the learner's design for workload w: the model, its users and what was made.
local function build(design, w)
  local m = dk.model("url-shortener-" .. w.name)
  local users = m:client "users" { rate = w.rate, mix = { resolve = w.reads, shorten = 1 - w.reads },
                                   keys = dk.zipf { n = w.keys, s = w.skew } }
  local parts, made = make_parts(m)
  local view = {}
  for k, v in pairs(w) do view[k] = v end -- a copy: the design cannot change the workload
  design(m, users, parts, view)
  -- Only catalogue parts besides the users; their fixed options set again.
  for _, c in ipairs(m:components()) do
    if c.name ~= "users" then
      local rec = made[c.name]
      if not rec then
        error(("%s %q is not from the catalogue: build every part with parts.balancer, parts.api, " ..
          "parts.cache or parts.database"):format(c.kind, c.name), 0)
      end
      for k, v in pairs(rec.part.fixed) do c[k] = v end
    end
  end
  return m, made
end

-- The price of a built design, from its parts' options as they are now.
local function cost_of(made)
  local total = 0
  for _, rec in pairs(made) do
    local c = rec.comp
    local o = {}
    for k in pairs(rec.part.free) do o[k] = c[k] end
    o.replicas = o.replicas or c.replicas
    total = total + rec.part.price(o)
  end
  return total
end

local function run(design, w, seed)
  local m, made = build(design, w)
  local r = m:run { duration = "30s", warmup = "10s", seed = seed }
  return r, cost_of(made), m
end

local function ms(s) return ("%.2f ms"):format(s * 1000) end

local function class_of(r, name)
  for _, c in ipairs(r.classes) do if c.name == name then return c end end
  return nil
end

local function expect_targets(r, what)
  expect(r.total.latency.p99 * 1000, what .. ": p99 in ms (target " .. ms(TARGET_P99) .. ")")
    :to_be_less_than(TARGET_P99 * 1000 + 1e-9)
  expect(r.total.availability, what .. ": availability (target " .. TARGET_AVAILABILITY .. ")")
    :to_be_greater_than(TARGET_AVAILABILITY - 1e-12)
end

-- A design the spec knows is over budget: the docs' design, with its two api services of
-- 4 x 32 workers.
local function oversized(m, users, parts)
  local lb = parts.balancer "lb" { algorithm = "least_connections" }
  local api = parts.api "api" { replicas = 8, workers = 32 }
  local cache = parts.cache "redis" { capacity = 200000 }
  local db = parts.database "urls" { replicas = 2, workers = 64 }
  _ = users >> lb >> api
  api:route("resolve", dk.cache_aside(cache, db))
  api:route("shorten", dk.call(db))
end

-- ---- task 1 ----

task("A design that runs", function()
  it("builds only catalogue parts that the users reach, and runs", function()
    local r = run(solution(), LIGHT, 7)
    -- 200/s over the 20 s measured after the warm-up: about 4000 (Poisson: +-3% is 5 sigma)
    expect(r.total.created, "requests sent at 200/s in the 20 s measured"):to_be_greater_than(3800)
  end)

  it("at 200/s every resolve and every shorten is answered", function()
    local r = run(solution(), LIGHT, 7)
    for _, name in ipairs { "resolve", "shorten" } do
      local c = class_of(r, name)
      expect(c ~= nil, "class " .. name .. " in the run's report"):to_be(true)
      expect(c.completed, name .. " requests completed"):to_be_greater_than(0)
      expect(c.availability, name .. " availability at 200/s"):to_be(1.0)
    end
  end)

  it("a part made outside the catalogue is refused: your design plus an m:service fails", function()
    local design = solution()
    local function with_extra(m, users, parts, w)
      design(m, users, parts, w)
      m:service "extra" { workers = 1000 }
    end
    expect(function() build(with_extra, LIGHT) end, "your design with an extra m:service")
      :to_fail("not from the catalogue")
  end)

  it("shorten reaches the database (every write is a database call)", function()
    local r, _, m = run(solution(), LIGHT, 7)
    local writes = class_of(r, "shorten").completed
    local db_calls = 0
    for _, c in ipairs(r.components) do
      if c.kind == "database" then db_calls = db_calls + c.completed end
    end
    expect(db_calls, ("database calls (the run completed %d shortens)"):format(writes))
      :to_be_greater_than(writes - 1)
    expect(m ~= nil, "the model"):to_be(true)
  end)
end)

-- ---- task 2 ----

task("Meet the targets", function()
  it("main workload (4000/s, 98% resolves, Zipf 0.99), seed 7: p99 <= 25 ms", function()
    local r = run(solution(), MAIN, 7)
    score("p99", r.total.latency.p99 * 1000, { unit = "ms", better = "lower", target = TARGET_P99 * 1000 })
    expect(r.total.latency.p99 * 1000, "p99 in ms (target " .. ms(TARGET_P99) .. ")")
      :to_be_less_than(TARGET_P99 * 1000 + 1e-9)
  end)

  it("main workload, seed 7: availability >= 99.9%", function()
    local r = run(solution(), MAIN, 7)
    expect(r.total.availability, "availability"):to_be_greater_than(TARGET_AVAILABILITY - 1e-12)
  end)

  it("main workload, seed 11: both targets", function()
    expect_targets((run(solution(), MAIN, 11)), "main workload, seed 11")
  end)

  it("write-heavy workload (2000/s, 80% resolves, Zipf 0.8), seed 7: both targets", function()
    expect_targets((run(solution(), WRITE_HEAVY, 7)), "write-heavy workload, seed 7")
  end)
end)

-- ---- task 3 ----

task("Within the budget", function()
  it("main workload: targets met at a cost within the budget", function()
    local r, cost = run(solution(), MAIN, 7)
    score("cost", cost, { unit = "units", better = "lower", target = BUDGET })
    expect_targets(r, "main workload, seed 7")
    expect(cost, "the design's cost (budget " .. BUDGET .. ")"):to_be_less_than(BUDGET + 1)
  end)

  it("the budget check can fail: an oversized design is over budget where yours is not", function()
    local _, big = run(oversized, MAIN, 7)
    expect(big, "the oversized design's cost"):to_be_greater_than(BUDGET)
    local _, cost = run(solution(), MAIN, 7)
    expect(cost, "your design's cost (budget " .. BUDGET .. ")"):to_be_less_than(BUDGET + 1)
  end)

end)
