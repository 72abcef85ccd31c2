-- lru_cache: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every method below raises "not implemented": replace each body with your own.

local LRU = {}
LRU.__index = LRU

--- LRU.new(capacity): an empty cache holding at most `capacity` entries.
function LRU.new(capacity)
  error("not implemented: LRU.new", 2)
end

--- cache:get(key): the value under key (now the most recently used), or nil.
function LRU:get(key)
  error("not implemented: LRU:get", 2)
end

--- cache:put(key, value): stores value; returns the evicted key and value, if any.
function LRU:put(key, value)
  error("not implemented: LRU:put", 2)
end

--- cache:delete(key): removes key; true when it was there.
function LRU:delete(key)
  error("not implemented: LRU:delete", 2)
end

--- cache:len(): the number of entries.
function LRU:len()
  error("not implemented: LRU:len", 2)
end

--- cache:keys(): the keys from the most to the least recently used.
function LRU:keys()
  error("not implemented: LRU:keys", 2)
end

local CachedRepository = {}
CachedRepository.__index = CachedRepository

--- CachedRepository.new(repo, cache): a repository that caches repo:load(id) in cache.
function CachedRepository.new(repo, cache)
  error("not implemented: CachedRepository.new", 2)
end

--- repository:load(id): the record, calling repo:load(id) only on a cache miss.
function CachedRepository:load(id)
  error("not implemented: CachedRepository:load", 2)
end

--- repository:invalidate(id): drops id from the cache.
function CachedRepository:invalidate(id)
  error("not implemented: CachedRepository:invalidate", 2)
end

return { LRU = LRU, CachedRepository = CachedRepository }
