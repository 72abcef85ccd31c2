-- hash_ring: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every function below raises "not implemented": replace each body with your own.

--- fnv1a32(s): the 32-bit FNV-1a hash of the string s.
local function fnv1a32(s)
  error("not implemented: fnv1a32", 2)
end

--- position(s): where s sits on the ring, mix32(fnv1a32(s)) (see the statement).
local function position(s)
  error("not implemented: position", 2)
end

local Ring = {}
Ring.__index = Ring

--- Ring.new{ vnodes = 100 }: an empty ring.
function Ring.new(opts)
  error("not implemented: Ring.new", 2)
end

--- ring:add(node [, weight]): places node on the ring at vnodes * weight points.
function Ring:add(node, weight)
  error("not implemented: Ring:add", 2)
end

--- ring:remove(node): takes node off the ring.
function Ring:remove(node)
  error("not implemented: Ring:remove", 2)
end

--- ring:lookup(key): the node owning key, or nil on an empty ring.
function Ring:lookup(key)
  error("not implemented: Ring:lookup", 2)
end

--- ring:nodes(): the node names, sorted.
function Ring:nodes()
  error("not implemented: Ring:nodes", 2)
end

return { Ring = Ring, fnv1a32 = fnv1a32, position = position }
