-- bench_cache_lua.lua [OPERATIONS] - the cost of a dk.cache get from Lua against a plain Lua
-- table read, the same keys in the same run (best of three). Reports a ratio; asserts nothing.
local dk = require "designkit"
local n = tonumber(arg and arg[1]) or 2000000
local cap = 1000

local keys = {}
for i = 1, 4096 do keys[i] = (i * 2654435761) % (2 * cap) end

local function best(f)
  local b = math.huge
  for _ = 1, 3 do
    local t0 = os.clock()
    f()
    b = math.min(b, os.clock() - t0)
  end
  return b
end

local t = {}
for i = 0, 2 * cap do t[i] = i end
local sink = 0
local plain = best(function()
  for i = 1, n do
    local v = t[keys[(i & 4095) + 1]]
    if v then sink = sink + 1 end
  end
end)
print(("%-12s %8.1f ns/op"):format("lua table", 1e9 * plain / n))
for _, policy in ipairs { "lru", "arc" } do
  local c = dk.cache { policy = policy, capacity = cap }
  local s = best(function()
    for i = 1, n do
      local k = keys[(i & 4095) + 1]
      if c:get(k) == nil then c:put(k, k) end
    end
  end)
  print(("%-12s %8.1f ns/op  %.1fx the table read"):format("dk.cache " .. policy, 1e9 * s / n, s / plain))
end
