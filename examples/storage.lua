-- storage.lua - a write-ahead log and the page reads an index saves (docs/patterns/storage.md).
-- Plain script: designkit examples/storage.lua; the log part needs a folder to write in:
--   designkit --allow-write out/ examples/storage.lua
local dk = require "designkit"

-- An index turns a query's page reads from "every page" into "one per level".
local n = 200000
local ix = dk.index { kind = "btree", order = 64 }
local h = dk.index { kind = "hash", order = 64 }
for i = 1, n do
  local key = (i * 7919) % n -- a scrambled order, as rows arrive
  ix:put(key, i)
  h:put(key, i)
end
local st = ix:stats()
print(string.format("%d rows, B+tree of order 64: height %d, %d leaf pages", n, st.height,
                    st.leaf_pages))

ix:reset_reads()
ix:get(12345)
local point = ix:stats().page_reads
ix:reset_reads()
ix:range(1000, 1999)
local range = ix:stats().page_reads
h:reset_reads()
h:get(12345)
local hash_point = h:stats().page_reads
h:reset_reads()
h:range(1000, 1999)
local hash_range = h:stats().page_reads
print(string.format("point query: btree %d pages, hash %d, full scan %d (%.0fx fewer)", point,
                    hash_point, st.leaf_pages, st.leaf_pages / point))
print(string.format("1000-row range: btree %d pages, hash %d (a hash has no order), full scan %d",
                    range, hash_range, st.leaf_pages))

-- The log: every record is acknowledged after its fsync ("always"); groups of 8 share one.
local w, err = dk.wal { dir = "out/storage-example-wal", fsync = "always", group = 8 }
if not w then
  print("log skipped: " .. err)
  return
end
for i = 1, 20 do w:append("set k" .. i .. " = " .. i * i) end
w:sync()
local ws = w:stats()
print(string.format("log: %d records, %d writes, %d fsyncs", ws.records, ws.writes, ws.fsyncs))
w:checkpoint(15) -- the first 15 are applied elsewhere: drop them
w:replay(function(seq, data) print("  replay", seq, data) end)
w:close()
