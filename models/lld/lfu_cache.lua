-- Reference solution of the lfu_cache exercise (docs/exercises/lfu_cache.md).
--
-- An O(1) LFU cache after Shah, Mitra and Matani ("An O(1) algorithm for implementing the LFU
-- cache eviction scheme", 2010): the entries are grouped in frequency buckets, and the buckets
-- form a list in increasing frequency. An access moves an entry from bucket f to bucket f + 1,
-- which is the next bucket or a new one inserted right after f; an empty bucket is unlinked. The
-- least frequently used entries are therefore always in the first bucket, with no min-heap and
-- no scan, and delete needs no "recompute the minimum" step either.
--
-- Within a bucket the entries are kept in the order they arrived in it, most recent at the
-- front. An entry arrives in its bucket when it is accessed, so the back of the first bucket is
-- the least recently used of the least frequently used: the stated tie-break.
--
-- Both lists are rings closed by a sentinel, so no insertion or removal needs an end-of-list case.

local LFU = {}
LFU.__index = LFU

local function ring()
  local r = {}
  r.next, r.prev = r, r
  return r
end

local function unlink(x)
  x.prev.next, x.next.prev = x.next, x.prev
end

local function insert_after(at, x)
  x.prev, x.next = at, at.next
  at.next.prev = x
  at.next = x
end

--- LFU.new(capacity): an empty cache holding at most `capacity` entries.
function LFU.new(capacity)
  if type(capacity) ~= "number" or capacity ~= math.floor(capacity) or capacity < 1 then
    error(string.format("capacity must be a positive integer (got %s)", tostring(capacity)), 2)
  end
  -- buckets: the ring of frequency buckets, lowest frequency first; each bucket holds a ring
  -- of entry nodes.
  return setmetatable({ capacity = capacity, size = 0, nodes = {}, buckets = ring() }, LFU)
end

-- The bucket of frequency `freq` right after `after` (a bucket or the sentinel), created when
-- the next one has another frequency.
local function bucket_after(self, after, freq)
  local b = after.next
  if b ~= self.buckets and b.freq == freq then return b end
  b = { freq = freq, entries = ring() }
  insert_after(after, b)
  return b
end

-- Takes node out of its bucket, dropping the bucket when it becomes empty.
local function detach(node)
  local b = node.bucket
  unlink(node)
  if b.entries.next == b.entries then unlink(b) end
end

-- One more access to node: it moves to the front of the bucket of the next frequency.
local function touch(self, node)
  local from = node.bucket
  local to = bucket_after(self, from, from.freq + 1)
  detach(node) -- may unlink `from`; `to` stays linked where it was inserted
  insert_after(to.entries, node)
  node.bucket = to
end

--- cache:get(key): the value under key (its frequency goes up by one), or nil.
function LFU:get(key)
  local node = self.nodes[key]
  if node == nil then return nil end
  touch(self, node)
  return node.value
end

--- cache:put(key, value): stores value. A stored key gets the new value and one more access.
--- A new key starts at frequency 1; when the cache was full, the least frequently used entry
--- (the least recently used among those) is evicted first and its key and value returned.
function LFU:put(key, value)
  if key == nil then error("key must not be nil", 2) end
  if value == nil then error("value must not be nil (use delete to remove a key)", 2) end
  local node = self.nodes[key]
  if node then
    node.value = value
    touch(self, node)
    return
  end
  local evicted
  if self.size == self.capacity then
    evicted = self.buckets.next.entries.prev -- the back of the lowest bucket
    detach(evicted)
    self.nodes[evicted.key] = nil
    self.size = self.size - 1
  end
  node = { key = key, value = value }
  node.bucket = bucket_after(self, self.buckets, 1)
  insert_after(node.bucket.entries, node)
  self.nodes[key] = node
  self.size = self.size + 1
  if evicted then return evicted.key, evicted.value end
end

--- cache:delete(key): removes key; true when it was there.
function LFU:delete(key)
  local node = self.nodes[key]
  if node == nil then return false end
  detach(node)
  self.nodes[key] = nil
  self.size = self.size - 1
  return true
end

--- cache:freq(key): how many times key was accessed (put or get) since it entered, or nil.
function LFU:freq(key)
  local node = self.nodes[key]
  return node and node.bucket.freq
end

--- cache:len(): the number of entries.
function LFU:len()
  return self.size
end

return { LFU = LFU }
