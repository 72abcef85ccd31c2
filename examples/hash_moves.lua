-- Run with: designkit examples/hash_moves.lua
-- The share of keys that move when an (n+1)-th node joins n: about 1/(n+1) under jump, ring,
-- Maglev and rendezvous, about n/(n+1) under a plain hash mod N. Prints the Markdown table that
-- docs/patterns/load-balancing.md shows (tests/cli/hash_moves.sh checks the two agree).
local dk = require "designkit"

local KEYS = 20000
local keys = {}
for k = 1, KEYS do keys[k] = "key:" .. k end

local function names(n)
  local t = {}
  for i = 1, n do t[i] = "node-" .. i end
  return t
end

-- Each scheme: a function of n giving a lookup from key to node.
local schemes = {
  { "mod-N", function(n) return function(k) return dk.hash.key(k) % n end end },
  { "jump", function(n) return function(k) return dk.hash.jump(k, n) end end },
  { "ring (100 vnodes)", function(n)
      local r = dk.hash.ring { nodes = names(n), vnodes = 100 }
      return function(k) return r:get(k) end
    end },
  { "maglev", function(n)
      local m = dk.hash.maglev { nodes = names(n) }
      return function(k) return m:get(k) end
    end },
  { "rendezvous", function(n)
      local h = dk.hash.rendezvous { nodes = names(n) }
      return function(k) return h:get(k) end
    end },
}

local sizes = { 1, 2, 4, 9, 19, 49 }
local header, rule = { "n -> n+1", "1/(n+1)" }, { "---", "---:" }
for _, s in ipairs(schemes) do
  header[#header + 1] = s[1]
  rule[#rule + 1] = "---:"
end
print("| " .. table.concat(header, " | ") .. " |")
print("|" .. table.concat(rule, "|") .. "|")
for _, n in ipairs(sizes) do
  local row = { string.format("%d -> %d", n, n + 1), string.format("%.3f", 1 / (n + 1)) }
  for _, s in ipairs(schemes) do
    local before, after, moved = s[2](n), s[2](n + 1), 0
    for _, k in ipairs(keys) do
      if before(k) ~= after(k) then moved = moved + 1 end
    end
    row[#row + 1] = string.format("%.3f", moved / KEYS)
  end
  print("| " .. table.concat(row, " | ") .. " |")
end
