-- designkit.estimate: back-of-the-envelope capacity estimates and queueing formulas (pure Lua).
local dk = require "designkit"

local DAY = 86400

local valid = { "peak", "reads_per_user", "record", "retention", "users", "writes_per_user" }
local valid_set = {}
for _, k in ipairs(valid) do valid_set[k] = true end

-- Raises `msg` at the script's call site: `depth` counts the helpers between dk.estimate and
-- here (0 when dk.estimate calls fail itself).
local function fail(msg, depth) error("estimate: " .. msg, 3 + (depth or 0)) end

local function strip(msg) return (tostring(msg):gsub("^[^:\n]+:%d+: ", "")) end

local function number_opt(o, key, default, min)
  local v = o[key]
  if v == nil then return default end
  if type(v) ~= "number" then fail(key .. " must be a number (got " .. type(v) .. ")", 1) end
  if v ~= v or v < min then fail(string.format("%s must be >= %g (got %g)", key, min, v), 1) end
  return v
end

local function unit_opt(o, key, default, parse)
  local v = o[key]
  if v == nil then return default end
  local ok, r = pcall(parse, v)
  if not ok then fail(key .. ": " .. strip(r), 1) end
  return r
end

--- dk.estimate { users, reads_per_user, writes_per_user, peak, record, retention }
--- Reads and writes are per user per day; peak multiplies the average; record is the size of one
--- write ("500B"); retention how long writes are kept ("5y"). Rates are per second, sizes bytes.
function dk.estimate(o)
  if type(o) ~= "table" then fail("expects a table of options (got " .. type(o) .. ")") end
  local bad = {}
  for k in pairs(o) do
    if not valid_set[k] then bad[#bad + 1] = tostring(k) end
  end
  if #bad > 0 then
    table.sort(bad)
    fail(string.format('unknown option "%s" (valid: %s)', bad[1], table.concat(valid, ", ")))
  end
  if o.users == nil then fail("users is required") end
  local users = number_opt(o, "users", 0, 0)
  local reads = number_opt(o, "reads_per_user", 0, 0)
  local writes = number_opt(o, "writes_per_user", 0, 0)
  local peak = number_opt(o, "peak", 1, 1)
  local record = unit_opt(o, "record", 0, dk.size)
  local retention = unit_opt(o, "retention", 0, dk.duration)

  local e = {}
  e.read_qps = users * reads / DAY
  e.write_qps = users * writes / DAY
  e.avg_qps = e.read_qps + e.write_qps
  e.peak_qps = e.avg_qps * peak
  e.peak_read_qps = e.read_qps * peak
  e.peak_write_qps = e.write_qps * peak
  e.records = e.write_qps * retention -- records kept at the end of the retention period
  e.storage_bytes = e.records * record
  e.storage = dk.format_size(e.storage_bytes)
  e.read_bandwidth = e.read_qps * record -- bytes per second, on average
  e.write_bandwidth = e.write_qps * record
  e.bandwidth = e.peak_qps * record -- bytes per second at peak, reads and writes
  e.read_write_ratio = e.write_qps > 0 and e.read_qps / e.write_qps or math.huge
  return e
end

-- The most servers dk.erlang_c takes: its loop runs once per server, so a bound keeps a typo
-- (c = 1e15) from running for days; 10^7 servers take well under a second.
local ERLANG_MAX_SERVERS = 10000000

--- Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a
--- (lambda / mu, in erlangs) and c servers. Needs a < c and c <= 10^7.
-- Through Erlang B's recurrence B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1, then
-- C = B / (1 - rho (1 - B)): every B(k) lies in (0, 1], so nothing overflows where the series
-- a^k / k! does (a^c / c! is inf in a double from c = 171 at a >= c / 2, and inf / inf is NaN).
function dk.erlang_c(c, a)
  if type(c) ~= "number" or c < 1 or c ~= math.floor(c) then
    error("erlang_c: servers must be a whole number >= 1", 2)
  end
  if c > ERLANG_MAX_SERVERS then
    error(string.format("erlang_c: servers must be at most %d (got %.0f)", ERLANG_MAX_SERVERS, c), 2)
  end
  if type(a) ~= "number" or a ~= a or a < 0 or a >= c then
    error("erlang_c: the offered load must be in [0, servers)", 2)
  end
  local b = 1.0
  for k = 1, math.tointeger(c) do
    b = a * b / (k + a * b)
  end
  return b / (1 - a / c * (1 - b))
end

--- dk.mmc { lambda =, mu =, c = 1 }: the steady state of an M/M/c queue (rates per second).
function dk.mmc(o)
  if type(o) ~= "table" then error("mmc: expects { lambda =, mu =, c = }", 2) end
  local lambda, mu, c = o.lambda, o.mu, o.c or 1
  if type(lambda) ~= "number" or type(mu) ~= "number" or lambda <= 0 or mu <= 0 then
    error("mmc: lambda and mu must be positive numbers", 2)
  end
  local a = lambda / mu
  if type(c) ~= "number" or c < 1 or c ~= math.floor(c) or c > ERLANG_MAX_SERVERS then
    error(string.format("mmc: c must be a whole number from 1 to %d", ERLANG_MAX_SERVERS), 2)
  end
  if a >= c then error(string.format("mmc: unstable (utilisation %g >= 1)", a / c), 2) end
  local pw = dk.erlang_c(c, a)
  local wait = pw / (c * mu - lambda)
  return {
    utilisation = a / c,
    wait_probability = pw,
    mean_wait = wait,
    mean_latency = wait + 1 / mu,
    mean_queue = lambda * wait,
    mean_in_system = lambda * (wait + 1 / mu),
  }
end

return dk
