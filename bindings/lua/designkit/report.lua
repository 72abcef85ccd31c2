-- designkit.report - the text report of a run: one table per component, one per request class
-- end to end, then the expectations with PASS or FAIL. Pure Lua, so stock lua5.4 can use it.
--
-- report.format(result [, {color = boolean}]) -> text. Deterministic: the same result gives the
-- same bytes (no clock, no locale: numbers are formatted with string.format only). A figure the
-- JSON report writes as null (no utilisation for a client, no latency where nothing was
-- recorded, no availability where nothing was answered) prints as "-".
--
-- What it uses is taken when it loads (before the CLI runs any script), so a script that
-- replaces tostring or table.concat cannot change the report the host prints.

local function copy(t)
  local c = {}
  for k, v in next, t do
    c[k] = v
  end
  return c
end
local ipairs, pairs, pcall, tonumber, tostring, type = ipairs, pairs, pcall, tonumber, tostring, type
local table, math, utf8 = copy(table), copy(math), copy(utf8)
local loaded, dk = pcall(require, "designkit")
local kind_info = loaded and type(dk) == "table" and dk.kind_info or nil
local format_size = loaded and type(dk) == "table" and dk.format_size or nil
local _ENV = nil

local report = {}

local function is_number(x)
  return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge
end

-- Four significant digits at most, never an exponent: 0.1234, 12.35, 1234.
local function sig(x)
  if x >= 1000 then
    return ("%.0f"):format(x)
  end
  local s = ("%.4g"):format(x)
  if s:find("e") then
    s = ("%.4f"):format(x)
  end
  return s
end

-- Seconds as "250us", "2.5ms", "1.25s", "2.5m", "3h".
-- The unit report.duration writes `s` seconds in: its size in seconds and its name.
local function duration_unit(s)
  local a = math.abs(s)
  if a >= 7200 then
    return 3600, "h"
  elseif a >= 120 then
    return 60, "m"
  elseif a >= 1 then
    return 1, "s"
  elseif a >= 1e-3 then
    return 1e-3, "ms"
  elseif a >= 1e-6 then
    return 1e-6, "us"
  end
  return 1e-9, "ns"
end

function report.duration(s)
  if not is_number(s) then
    return "-"
  end
  if s == 0 then
    return "0"
  end
  local size, unit = duration_unit(s)
  return sig(s / size) .. unit
end

-- Per second: "950/s", "12.5k/s", "3.2M/s".
-- The unit report.rate writes `r` per second in.
local function rate_unit(r)
  if r >= 1e6 then
    return 1e6, "M/s"
  elseif r >= 1e4 then
    return 1e3, "k/s"
  end
  return 1, "/s"
end

function report.rate(r)
  if not is_number(r) then
    return "-"
  end
  local size, unit = rate_unit(r)
  return sig(r / size) .. unit
end

-- A half-width: two significant digits (its own error is larger than that), never an exponent.
local function sig2(x)
  if x >= 100 then
    return ("%.0f"):format(x)
  end
  local s = ("%.2g"):format(x)
  if s:find("e") then
    s = ("%.4f"):format(x)
  end
  return s
end

-- An estimate with its 95% half-width in the unit of the estimate: "1.95ms ± 0.061",
-- "492.7/s ± 4.1", "48.99% ± 0.52". Without a half-width (fewer than two batches or runs to
-- measure the spread), the estimate alone. `kind` is "duration", "rate" or "percent".
function report.interval(kind, value, half)
  local text = report[kind](value)
  if not is_number(value) or not is_number(half) then
    return text
  end
  local size = 0.01
  if kind == "duration" then
    size = value ~= 0 and duration_unit(value) or 1e-9
  elseif kind == "rate" then
    size = rate_unit(value)
  end
  return text .. " ± " .. sig2(half / size)
end

-- The one precision of every percentage in the report: two decimals, enough to tell 99.9% from
-- 99.99%, in every column alike.
local PERCENT_DIGITS = 2

-- A fraction as a percentage: "5.60%", "99.95%", "100.00%". Rounding never reaches a bound the
-- value did not: 0.99999 is "99.99%", not "100.00%" (an availability that lost calls), and
-- 0.00001 is "0.01%", not "0.00%" (a failure rate that failed some).
function report.percent(f)
  if not is_number(f) then
    return "-"
  end
  local p = f * 100
  local s = ("%." .. PERCENT_DIGITS .. "f"):format(p)
  local step = 10 ^ -PERCENT_DIGITS
  if p < 100 and tonumber(s) >= 100 then
    s = ("%." .. PERCENT_DIGITS .. "f"):format(100 - step)
  elseif p > 0 and tonumber(s) <= 0 then
    s = ("%." .. PERCENT_DIGITS .. "f"):format(step)
  end
  return s .. "%"
end

local function count(n)
  if not is_number(n) then
    return "-"
  end
  return ("%d"):format(math.floor(n + 0.5))
end

local function fixed(x, digits)
  if not is_number(x) then
    return "-"
  end
  return ("%." .. digits .. "f"):format(x)
end

-- Lays out rows of strings under headers: the first `left` columns (names) left-aligned, the
-- numbers right-aligned.
local function tabulate(headers, rows, left)
  local widths = {}
  for c, h in ipairs(headers) do
    widths[c] = utf8.len(h) or #h
  end
  for _, row in ipairs(rows) do
    for c, cell in ipairs(row) do
      widths[c] = math.max(widths[c] or 0, utf8.len(cell) or #cell)
    end
  end
  local lines = {}
  local function line(cells)
    local parts = {}
    for c, cell in ipairs(cells) do
      local gap = (" "):rep(widths[c] - (utf8.len(cell) or #cell)) -- "±" is one column
      parts[c] = c <= left and (cell .. gap) or (gap .. cell)
    end
    lines[#lines + 1] = (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  line(headers)
  for _, row in ipairs(rows) do
    line(row)
  end
  return table.concat(lines, "\n") .. "\n"
end

-- A latency figure, "-" where nothing was recorded (the JSON report has null there: a 0 would
-- read as a very fast component).
local function latency(l, key)
  if type(l) ~= "table" or (is_number(l.count) and l.count == 0) then
    return "-"
  end
  return report.duration(l[key])
end

-- Whether components of `kind` are entry points (clients): the registry says, through
-- dk.kind_info; a kind it does not know (a simulator built by hand) is not one.
local function is_entry(kind)
  if type(kind_info) ~= "function" then return false end
  local found, info = pcall(kind_info, kind)
  return found and info.traits.entry == true
end

local function components_table(result)
  local rows = {}
  local entry = {}
  for _, c in ipairs(result.components or {}) do
    -- An entry point's latency is end to end: it is in the table below, per class.
    if entry[c.kind] == nil then entry[c.kind] = is_entry(c.kind) end
    local l = not entry[c.kind] and c.latency or nil
    rows[#rows + 1] = {
      tostring(c.name), tostring(c.kind or "-"), count(c.arrivals), report.rate(c.throughput),
      report.percent(c.utilisation), report.percent(c.held), fixed(c.mean_queue, 2),
      report.percent(c.hit_ratio), latency(l, "p50"), latency(l, "p99"), count(c.rejected),
      count(c.failed),
    }
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "component", "kind", "arrivals", "throughput", "util", "held", "queue",
                    "hits", "p50", "p99", "rejected", "failed" }, rows, 2)
end

-- The mean latency with the half-width of its batch-means interval when the run has one.
local function mean_latency(l)
  local text = latency(l, "mean")
  local ci = type(l) == "table" and l.mean_ci95
  if text == "-" or type(ci) ~= "table" or not is_number(ci[1]) or not is_number(ci[2]) then
    return text
  end
  return report.interval("duration", l.mean, (ci[2] - ci[1]) / 2)
end

-- Queues and topic subscriptions (the components whose result has message figures): how fast
-- messages are handled, how many wait (the mean, the most at once, at the end) and how long.
local function messages_table(result)
  local rows = {}
  for _, c in ipairs(result.components or {}) do
    if c.max_depth ~= nil then
      rows[#rows + 1] = {
        tostring(c.name), tostring(c.kind or "-"), report.rate(c.consumed),
        fixed(c.mean_queue, 2), count(c.max_depth), count(c.backlog), report.duration(c.age_mean),
        report.duration(c.age_p99), count(c.dropped), report.percent(c.utilisation),
      }
    end
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "messages", "kind", "consumed", "depth", "max", "backlog", "age mean",
                    "age p99", "dropped", "consumers" }, rows, 2)
end

-- A byte count as the size parser reads it ("64KiB"), or the bare count without the binding.
local function bytes(n)
  if not is_number(n) then
    return "-"
  end
  return format_size and format_size(n) or count(n)
end

-- Caches counted in bytes (the components whose result has bytes_capacity): how full they are
-- and how many objects were too big to hold at all (docs/patterns/caching.md).
local function cache_bytes_table(result)
  local rows = {}
  for _, c in ipairs(result.components or {}) do
    if c.bytes_capacity ~= nil then
      local cap = tonumber(c.bytes_capacity) or 0
      rows[#rows + 1] = {
        tostring(c.name), tostring(c.kind or "-"), bytes(c.bytes_capacity), bytes(c.bytes_used),
        report.percent(cap > 0 and c.bytes_used / cap or nil), bytes(c.bytes_peak),
        report.percent(c.hit_ratio), count(c.too_big),
      }
    end
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "cache bytes", "kind", "capacity", "used", "used %", "peak", "hits",
                    "too big" }, rows, 2)
end

-- Gateways (the components whose result counts limited requests): what their rate limiter let
-- through and what it refused, the refusals being their own outcome, apart from failures.
local function limits_table(result)
  local rows = {}
  for _, c in ipairs(result.components or {}) do
    if c.limited ~= nil then
      local arrivals = tonumber(c.arrivals) or 0
      rows[#rows + 1] = {
        tostring(c.name), tostring(c.kind or "-"), count(c.arrivals), report.rate(c.throughput),
        count(c.limited), report.percent(arrivals > 0 and c.limited / arrivals or nil),
      }
    end
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "rate limits", "kind", "arrivals", "let through", "limited", "limited %" },
                  rows, 2)
end

-- Guards (the components whose result counts attempts): how their retries, timeouts and circuit
-- breaker shaped the calls to what they guard (docs/patterns/resilience.md).
local function resilience_table(result)
  local rows = {}
  for _, c in ipairs(result.components or {}) do
    if c.attempts ~= nil then
      rows[#rows + 1] = {
        tostring(c.name), count(c.arrivals), count(c.attempts), count(c.retries),
        count(c.timeouts), count(c.short_circuited), count(c.breaker_changes),
        count(c.bulkhead_rejected),
      }
    end
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "resilience", "arrivals", "attempts", "retries", "timeouts",
                    "short-circuited", "breaker changes", "bulkhead rejected" }, rows, 1)
end

-- Balancers with health checks (the components whose result has `health`): per backend, the
-- probes sent and failed, the time judged unhealthy, the restarts ordered and the verdict at the
-- end (docs/patterns/resilience.md).
local function health_table(result)
  local rows = {}
  for _, c in ipairs(result.components or {}) do
    for _, h in ipairs(type(c.health) == "table" and c.health or {}) do
      rows[#rows + 1] = {
        tostring(c.name), tostring(h.backend), count(h.probes), count(h.failures),
        report.duration(h.unhealthy), count(h.restarts), h.healthy and "healthy" or "unhealthy",
      }
    end
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "health checks", "backend", "probes", "failed", "unhealthy", "restarts",
                    "at the end" }, rows, 2)
end

local function class_row(name, c)
  return {
    name, count(c.completed or c.created), report.rate(c.throughput),
    report.percent(c.availability), mean_latency(c.latency), latency(c.latency, "p50"),
    latency(c.latency, "p90"), latency(c.latency, "p99"), latency(c.latency, "p999"),
  }
end

local function classes_table(result)
  local rows = {}
  for _, c in ipairs(result.classes or {}) do
    rows[#rows + 1] = class_row(tostring(c.name), c)
  end
  if type(result.total) == "table" and #rows ~= 1 then
    rows[#rows + 1] = class_row("(all)", result.total)
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "end to end", "count", "throughput", "avail", "mean", "p50", "p90", "p99",
                    "p99.9" }, rows, 1)
end

-- An estimate across replications ({mean, half, ...} or nil) as "mean ± half".
local function estimate(kind, e)
  if type(e) ~= "table" then
    return "-"
  end
  return report.interval(kind, e.mean, e.half)
end

-- What the replications found: each figure's mean across them and its 95% half-width.
local function replications_block(result)
  local reps = result.replications
  if type(reps) ~= "table" or type(reps.classes) ~= "table" then
    return ""
  end
  local seeds = reps.seeds or {}
  local range = #seeds > 0 and ("seeds %s..%s"):format(tostring(seeds[1]), tostring(seeds[#seeds]))
                    or "seeds -"
  local lines = { ("over %s replications (%s): mean ± 95%% half-width\n"):format(
      count(reps.count), range) }
  local rows = {}
  local function class_rows(name, c)
    rows[#rows + 1] = { name, estimate("rate", c.throughput), estimate("duration", c.mean),
                        estimate("duration", c.p50), estimate("duration", c.p99) }
  end
  for _, c in ipairs(reps.classes) do
    class_rows(tostring(c.name), c)
  end
  if type(reps.total) == "table" and #rows ~= 1 then
    class_rows("(all)", reps.total)
  end
  if #rows > 0 then
    lines[#lines + 1] = tabulate({ "end to end", "throughput", "mean", "p50", "p99" }, rows, 1)
  end
  rows = {}
  for _, c in ipairs(reps.components or {}) do
    rows[#rows + 1] = { tostring(c.name), estimate("rate", c.throughput),
                        estimate("percent", c.utilisation) }
  end
  if #rows > 0 then
    lines[#lines + 1] = "\n" .. tabulate({ "component", "throughput", "util" }, rows, 1)
  end
  return table.concat(lines)
end

-- How a measured value of `metric` reads: latencies as durations, ratios as percentages.
local function metric_value(metric, v)
  if type(v) ~= "number" then
    return v == nil and "-" or tostring(v)
  end
  metric = tostring(metric or "")
  if metric:match("^p%d") or metric == "mean" or metric == "max" or metric:match("latency") or
      metric:match("lag") or metric:match("stale") then
    return report.duration(v)
  elseif metric:match("availability") or metric:match("ratio") or metric:match("util") or
      metric:match("error") then
    return report.percent(v)
  elseif metric:match("throughput") or metric:match("rate") then
    return report.rate(v)
  end
  return sig(v)
end

-- The run words its expectations itself ("resolve p99 12ms <= 50ms", "availability: no data
-- (>= 99.9%)"). The figures are written again here from the fields, so that a percentage reads
-- with the report's one precision; the run's words give the relation (which way the metric
-- must go is the run's to say). A result read from elsewhere may have no words: then the
-- relation comes from the metric's name.
local function expectation_text(e)
  local metric = tostring(e.metric)
  local class = e.class and (tostring(e.class) .. " ") or ""
  local text = type(e.text) == "string" and e.text or ""
  if text:find(": no data", 1, true) then
    local relation = text:match("%((%S+) ") or ">="
    return ("%s%s: no data (%s %s)"):format(class, metric, relation, metric_value(metric, e.limit))
  end
  if type(e.value) ~= "number" and text ~= "" then
    return text
  end
  local relation = text:match(" ([<>]=?) [^<>]*$")
  if relation == nil then
    local at_most = metric:match("^p%d") or metric == "mean" or metric == "utilisation"
    if at_most then
      relation = e.ok and "<=" or ">"
    else
      relation = e.ok and ">=" or "<"
    end
  end
  return ("%s%s %s %s %s"):format(class, metric, metric_value(metric, e.value), relation,
                                  metric_value(metric, e.limit))
end

local function expectations_block(result, color)
  local list = result.expectations or {}
  if #list == 0 then
    return "", 0
  end
  local lines, failed = { "expectations" }, 0
  for _, e in ipairs(list) do
    local mark = e.ok and "PASS" or "FAIL"
    if not e.ok then
      failed = failed + 1
    end
    if color then
      mark = (e.ok and "\27[32m" or "\27[1;31m") .. mark .. "\27[0m"
    end
    lines[#lines + 1] = ("  %s  %s"):format(mark, expectation_text(e))
  end
  return table.concat(lines, "\n") .. "\n", failed
end

function report.format(result, opts)
  local color = opts and opts.color
  local parts = {}
  local simulated = report.duration(result.duration) .. " simulated"
  if is_number(result.warmup) and result.warmup > 0 then
    simulated = ("%s (the first %s warm-up, not counted)"):format(simulated,
                                                                 report.duration(result.warmup))
  end
  local head = ("%s: %s, seed %s, %s events"):format(tostring(result.model or "model"),
                                                                simulated, tostring(result.seed),
                                                                count(result.events))
  parts[#parts + 1] = (color and ("\27[1m" .. head .. "\27[0m") or head) .. "\n"
  for _, block in ipairs { components_table(result), messages_table(result),
                          cache_bytes_table(result), limits_table(result),
                          resilience_table(result), health_table(result), classes_table(result),
                          replications_block(result) } do
    if block ~= "" then
      parts[#parts + 1] = "\n" .. block
    end
  end
  local block, failed = expectations_block(result, color)
  if block ~= "" then
    local n = #result.expectations
    parts[#parts + 1] = "\n" .. block
    parts[#parts + 1] = ("\n%d expectation%s: %d passed, %d failed\n"):format(n, n == 1 and "" or
                                                                                  "s", n - failed,
                                                                              failed)
  end
  return table.concat(parts)
end

return report
