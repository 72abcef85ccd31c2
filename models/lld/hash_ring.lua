-- Reference solution of the hash_ring exercise (docs/exercises/hash_ring.md).
--
-- A consistent-hash ring: every node is placed on a circle of 2^32 positions at many points
-- (virtual nodes), and a key belongs to the node of the first point at or after the key's
-- position, going clockwise. Adding a node takes over only the arcs in front of its own points;
-- removing one hands only its arcs to the points after them. No other key moves, which is the
-- whole point compared with `hash(key) % n`, where almost every key moves when n changes.
--
-- The points are kept in one array sorted by (position, node name), so a lookup is a binary
-- search: O(log p) for p points. add sorts the new node's points and merges them in, remove
-- filters them out: O(p) each, and membership changes are rare next to lookups.

local Ring = {}
Ring.__index = Ring

local MASK = 0xffffffff

--- fnv1a32(s): the 32-bit FNV-1a hash of the string s, an integer in [0, 2^32).
local function fnv1a32(s)
  local h = 0x811c9dc5
  for i = 1, #s do
    h = ((h ~ s:byte(i)) * 0x01000193) & MASK -- 64-bit integers: the product cannot overflow
  end
  return h
end

--- mix32(h): MurmurHash3's 32-bit finaliser. FNV-1a alone leaves similar short strings
--- ("node-1#1", "node-1#2") close together on the ring; this spreads every input bit over the
--- whole word.
local function mix32(h)
  h = h ~ (h >> 16)
  h = (h * 0x85ebca6b) & MASK
  h = h ~ (h >> 13)
  h = (h * 0xc2b2ae35) & MASK
  return h ~ (h >> 16)
end

--- position(s): where the string s sits on the ring.
local function position(s)
  return mix32(fnv1a32(s))
end

--- Ring.new{ vnodes = 100 }: an empty ring; each node of weight w gets vnodes * w points.
function Ring.new(opts)
  opts = opts or {}
  local vnodes = opts.vnodes == nil and 100 or opts.vnodes
  if math.type(vnodes) ~= "integer" or vnodes < 1 then
    error(string.format("vnodes must be a positive integer (got %s)", tostring(vnodes)), 2)
  end
  return setmetatable({ vnodes = vnodes, weights = {}, points = {} }, Ring)
end

local function before(a, b)
  if a.pos ~= b.pos then return a.pos < b.pos end
  return a.node < b.node
end

-- Merges the sorted arrays a and b into a new sorted array.
local function merge(a, b)
  local out, i, j = {}, 1, 1
  while i <= #a or j <= #b do
    if j > #b or (i <= #a and before(a[i], b[j])) then
      out[#out + 1] = a[i]; i = i + 1
    else
      out[#out + 1] = b[j]; j = j + 1
    end
  end
  return out
end

--- ring:add(node [, weight]): places node (a non-empty string) on the ring.
function Ring:add(node, weight)
  if type(node) ~= "string" or node == "" then
    error(string.format("node must be a non-empty string (got %s)", tostring(node)), 2)
  end
  weight = weight == nil and 1 or weight
  if math.type(weight) ~= "integer" or weight < 1 then
    error(string.format("weight must be a positive integer (got %s)", tostring(weight)), 2)
  end
  if self.weights[node] then error(string.format("node %q is already on the ring", node), 2) end
  self.weights[node] = weight
  local mine = {}
  for i = 1, self.vnodes * weight do
    mine[i] = { pos = position(node .. "#" .. i), node = node }
  end
  table.sort(mine, before)
  self.points = merge(self.points, mine) -- O(p): the existing points are already sorted
end

--- ring:remove(node): takes node off the ring.
function Ring:remove(node)
  if self.weights[node] == nil then
    error(string.format("unknown node %s", tostring(node)), 2)
  end
  self.weights[node] = nil
  local kept = {}
  for _, p in ipairs(self.points) do
    if p.node ~= node then kept[#kept + 1] = p end
  end
  self.points = kept
end

--- ring:lookup(key): the node that owns key (a string), or nil on an empty ring.
function Ring:lookup(key)
  if type(key) ~= "string" then
    error(string.format("key must be a string (got %s)", tostring(key)), 2)
  end
  local points = self.points
  local n = #points
  if n == 0 then return nil end
  local h = position(key)
  -- The first point with pos >= h; past the last point the ring wraps to the first.
  local lo, hi = 1, n + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if points[mid].pos < h then lo = mid + 1 else hi = mid end
  end
  if lo > n then lo = 1 end
  return points[lo].node
end

--- ring:nodes(): the node names, sorted.
function Ring:nodes()
  local out = {}
  for node in pairs(self.weights) do out[#out + 1] = node end
  table.sort(out)
  return out
end

return { Ring = Ring, fnv1a32 = fnv1a32, position = position }
