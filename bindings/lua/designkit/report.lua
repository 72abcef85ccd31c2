-- designkit.report - the text report of a run: one table per component, one per request class
-- end to end, then the expectations with PASS or FAIL. Pure Lua, so stock lua5.4 can use it.
--
-- report.format(result [, {color = boolean}]) -> text. Deterministic: the same result gives the
-- same bytes (no clock, no locale: numbers are formatted with string.format only).

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
function report.duration(s)
  if not is_number(s) then
    return "-"
  end
  if s == 0 then
    return "0"
  end
  local a = math.abs(s)
  local value, unit
  if a >= 7200 then
    value, unit = s / 3600, "h"
  elseif a >= 120 then
    value, unit = s / 60, "m"
  elseif a >= 1 then
    value, unit = s, "s"
  elseif a >= 1e-3 then
    value, unit = s * 1e3, "ms"
  elseif a >= 1e-6 then
    value, unit = s * 1e6, "us"
  else
    value, unit = s * 1e9, "ns"
  end
  return sig(value) .. unit
end

-- Per second: "950/s", "12.5k/s", "3.2M/s".
function report.rate(r)
  if not is_number(r) then
    return "-"
  end
  if r >= 1e6 then
    return sig(r / 1e6) .. "M/s"
  elseif r >= 1e4 then
    return sig(r / 1e3) .. "k/s"
  end
  return sig(r) .. "/s"
end

-- A fraction as a percentage, with enough digits to tell 99.9% from 99.99%.
function report.percent(f)
  if not is_number(f) then
    return "-"
  end
  local p = f * 100
  if p >= 99 and p < 100 then
    local s = ("%.3f"):format(p):gsub("0+$", ""):gsub("%.$", "")
    return s .. "%"
  end
  return ("%.1f%%"):format(p)
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
    widths[c] = #h
  end
  for _, row in ipairs(rows) do
    for c, cell in ipairs(row) do
      widths[c] = math.max(widths[c] or 0, #cell)
    end
  end
  local lines = {}
  local function line(cells)
    local parts = {}
    for c, cell in ipairs(cells) do
      local gap = (" "):rep(widths[c] - #cell)
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

local function latency(l, key)
  return report.duration(type(l) == "table" and l[key] or nil)
end

-- Whether components of `kind` are entry points (clients): the registry says, through
-- dk.kind_info; a kind it does not know (a simulator built by hand) is not one.
local function is_entry(kind)
  local ok, dk = pcall(require, "designkit")
  if not ok or type(dk) ~= "table" or type(dk.kind_info) ~= "function" then return false end
  local found, info = pcall(dk.kind_info, kind)
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
      report.percent(c.utilisation), fixed(c.mean_queue, 2), report.percent(c.hit_ratio),
      latency(l, "p50"), latency(l, "p99"),
    }
  end
  if #rows == 0 then
    return ""
  end
  return tabulate({ "component", "kind", "arrivals", "throughput", "util", "queue", "hits",
                    "p50", "p99" }, rows, 2)
end

local function class_row(name, c)
  return {
    name, count(c.completed or c.created), report.rate(c.throughput),
    report.percent(c.availability), latency(c.latency, "mean"), latency(c.latency, "p50"),
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

-- The run words its expectations itself ("resolve p99 12ms <= 50ms"); a result read from
-- elsewhere may not, so build the same shape from the fields.
local function expectation_text(e)
  if type(e.text) == "string" and e.text ~= "" then
    return e.text
  end
  local metric = tostring(e.metric)
  local at_most = metric:match("^p%d") or metric == "mean" or metric == "utilisation"
  local relation
  if at_most then
    relation = e.ok and "<=" or ">"
  else
    relation = e.ok and ">=" or "<"
  end
  return ("%s%s %s %s %s"):format(e.class and (tostring(e.class) .. " ") or "", metric,
                                  metric_value(metric, e.value), relation,
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
  local head = ("%s: %s simulated, seed %s, %s events"):format(tostring(result.model or "model"),
                                                                report.duration(result.duration),
                                                                tostring(result.seed),
                                                                count(result.events))
  parts[#parts + 1] = (color and ("\27[1m" .. head .. "\27[0m") or head) .. "\n"
  for _, block in ipairs { components_table(result), classes_table(result) } do
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
