-- Reference solution of the lru_cache exercise (docs/exercises/lru_cache.md).
--
-- LRU: a hash table from key to node plus a doubly linked list of the nodes in recency order,
-- so get, put and delete are O(1): the table finds the node, the list moves or unlinks it
-- without a scan. One sentinel node closes the list into a ring (sentinel.next is the most
-- recently used entry, sentinel.prev the least), which removes every "is this the first or
-- last node?" branch.
--
-- CachedRepository: a decorator. It has the same interface as the repository it wraps
-- (load(id)) and adds caching in front of it; callers cannot tell the two apart. The cache it
-- uses is any object with get/put/delete, so the eviction policy (LRU here, LFU in the next
-- exercise) is a strategy chosen by whoever builds the decorator.

local LRU = {}
LRU.__index = LRU

local function check_capacity(capacity)
  if type(capacity) ~= "number" or capacity ~= math.floor(capacity) or capacity < 1 then
    error(string.format("capacity must be a positive integer (got %s)", tostring(capacity)), 3)
  end
end

--- LRU.new(capacity): an empty cache holding at most `capacity` entries.
function LRU.new(capacity)
  check_capacity(capacity)
  local ring = {}
  ring.next, ring.prev = ring, ring
  return setmetatable({ capacity = capacity, nodes = {}, ring = ring, size = 0 }, LRU)
end

local function unlink(node)
  node.prev.next, node.next.prev = node.next, node.prev
end

-- Inserts node right after the sentinel: the most recently used position.
local function push_front(ring, node)
  node.prev, node.next = ring, ring.next
  ring.next.prev = node
  ring.next = node
end

--- cache:get(key): the value stored under key (now the most recently used), or nil.
function LRU:get(key)
  local node = self.nodes[key]
  if node == nil then return nil end
  unlink(node)
  push_front(self.ring, node)
  return node.value
end

--- cache:put(key, value): stores value under key as the most recently used entry. When the
--- cache was full and key was new, evicts the least recently used entry and returns its key
--- and value; otherwise returns nothing.
function LRU:put(key, value)
  if key == nil then error("key must not be nil", 2) end
  if value == nil then error("value must not be nil (use delete to remove a key)", 2) end
  local node = self.nodes[key]
  if node then
    node.value = value
    unlink(node)
    push_front(self.ring, node)
    return
  end
  local evicted
  if self.size == self.capacity then
    evicted = self.ring.prev
    unlink(evicted)
    self.nodes[evicted.key] = nil
    self.size = self.size - 1
  end
  node = { key = key, value = value }
  push_front(self.ring, node)
  self.nodes[key] = node
  self.size = self.size + 1
  if evicted then return evicted.key, evicted.value end
end

--- cache:delete(key): removes key; true when it was there.
function LRU:delete(key)
  local node = self.nodes[key]
  if node == nil then return false end
  unlink(node)
  self.nodes[key] = nil
  self.size = self.size - 1
  return true
end

--- cache:len(): the number of entries.
function LRU:len()
  return self.size
end

--- cache:keys(): the keys from the most to the least recently used (does not touch recency).
function LRU:keys()
  local out, node = {}, self.ring.next
  while node ~= self.ring do
    out[#out + 1] = node.key
    node = node.next
  end
  return out
end

local CachedRepository = {}
CachedRepository.__index = CachedRepository

--- CachedRepository.new(repo, cache): a repository that answers load(id) from cache and
--- calls repo:load(id) only on a miss.
function CachedRepository.new(repo, cache)
  if type(repo) ~= "table" or type(repo.load) ~= "function" then
    error("repo must have a load method", 2)
  end
  if type(cache) ~= "table" or type(cache.get) ~= "function" or type(cache.put) ~= "function"
      or type(cache.delete) ~= "function" then
    error("cache must have get, put and delete methods", 2)
  end
  return setmetatable({ repo = repo, cache = cache }, CachedRepository)
end

--- repository:load(id): the record, from the cache when it is there. A missing record (nil)
--- is not cached, so a record created later is seen at once.
function CachedRepository:load(id)
  local value = self.cache:get(id)
  if value ~= nil then return value end
  value = self.repo:load(id)
  if value ~= nil then self.cache:put(id, value) end
  return value
end

--- repository:invalidate(id): drops id from the cache (after the record changed).
function CachedRepository:invalidate(id)
  self.cache:delete(id)
end

return { LRU = LRU, CachedRepository = CachedRepository }
