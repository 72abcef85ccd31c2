-- bench_cache_lua.lua [OPERATIONS] - the cost of dk.cache operations from Lua against a plain
-- Lua table read of the same keys, in the same run (best of three). Reports ratios; asserts
-- nothing. Three paths, measured apart because they cost different things:
--   hit    c:get of a key the cache holds (integer keys, then string keys) against t[k]
--   put    c:put of a key the cache holds (a refresh) against t[k] = v
--   mixed  get, and put on a miss, over twice as many keys as the cache holds (half miss, and
--          every miss evicts): what a simulation-style loop does
local dk = require "designkit"
local n = tonumber(arg and arg[1]) or 2000000
local cap = 4096

local function best(f)
  local b = math.huge
  for _ = 1, 3 do
    local t0 = os.clock()
    f()
    b = math.min(b, os.clock() - t0)
  end
  return b
end

local ikeys, skeys, mkeys = {}, {}, {}
for i = 1, cap do
  ikeys[i] = (i * 2654435761) % (1 << 40)
  skeys[i] = "user:" .. ikeys[i]
  mkeys[i] = (i * 2654435761) % (2 * cap)
end

local function report(what, s, base)
  print(("%-24s %8.1f ns/op  %5.1fx the table"):format(what, 1e9 * s / n, s / base))
end

for _, set in ipairs { { "integer", ikeys }, { "string", skeys } } do
  local name, keys = set[1], set[2]
  local t = {}
  for i = 1, cap do t[keys[i]] = i end
  local sink = 0
  local read = best(function()
    for i = 1, n do
      if t[keys[(i & (cap - 1)) + 1]] then sink = sink + 1 end
    end
  end)
  print(("%-24s %8.1f ns/op"):format("table read, " .. name, 1e9 * read / n))
  local write = best(function()
    for i = 1, n do t[keys[(i & (cap - 1)) + 1]] = i end
  end)
  print(("%-24s %8.1f ns/op"):format("table write, " .. name, 1e9 * write / n))
  for _, policy in ipairs { "lru", "arc" } do
    local c = dk.cache { policy = policy, capacity = cap }
    for i = 1, cap do c:put(keys[i], i) end
    report(("get hit %s %s"):format(policy, name), best(function()
      for i = 1, n do
        if c:get(keys[(i & (cap - 1)) + 1]) then sink = sink + 1 end
      end
    end), read)
    report(("put refresh %s %s"):format(policy, name), best(function()
      for i = 1, n do c:put(keys[(i & (cap - 1)) + 1], i) end
    end), write)
  end
end

local t = {}
for i = 0, 2 * cap do t[i] = i end
local sink = 0
local plain = best(function()
  for i = 1, n do
    if t[mkeys[(i & (cap - 1)) + 1]] then sink = sink + 1 end
  end
end)
for _, policy in ipairs { "lru", "arc" } do
  local c = dk.cache { policy = policy, capacity = cap // 2 }
  report("mixed get/put " .. policy, best(function()
    for i = 1, n do
      local k = mkeys[(i & (cap - 1)) + 1]
      if c:get(k) == nil then c:put(k, k) end
    end
  end), plain)
end
