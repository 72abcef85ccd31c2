-- lfu_cache: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every method below raises "not implemented": replace each body with your own.

local LFU = {}
LFU.__index = LFU

--- LFU.new(capacity): an empty cache holding at most `capacity` entries.
function LFU.new(capacity)
  error("not implemented: LFU.new", 2)
end

--- cache:get(key): the value under key (one more access), or nil.
function LFU:get(key)
  error("not implemented: LFU:get", 2)
end

--- cache:put(key, value): stores value; returns the evicted key and value, if any.
function LFU:put(key, value)
  error("not implemented: LFU:put", 2)
end

--- cache:delete(key): removes key; true when it was there.
function LFU:delete(key)
  error("not implemented: LFU:delete", 2)
end

--- cache:freq(key): the number of accesses to key since it entered, or nil.
function LFU:freq(key)
  error("not implemented: LFU:freq", 2)
end

--- cache:len(): the number of entries.
function LFU:len()
  error("not implemented: LFU:len", 2)
end

return { LFU = LFU }
