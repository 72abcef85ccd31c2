-- storage_spec: dk.wal and dk.index from Lua: a log's round trip through close and reopen,
-- group commit, checkpoints, the write guard and bad options; indexes against a plain Lua
-- table and their page reads against the B-tree height formula.
local dk = require "designkit"

local out = assert(os.getenv("DK_SPEC_OUT"), "run by ctest, which sets DK_SPEC_OUT")
local serial = 0
local function fresh_dir()
  serial = serial + 1
  local dir = string.format("%s/wal-spec-%d-%d", out, os.time(), serial)
  os.remove(dir .. "/wal.log")
  os.remove(dir)
  return dir
end
local function remove(dir)
  os.remove(dir .. "/wal.log")
  os.remove(dir)
end

describe("dk.wal", function()
  it("gives back every record after close and reopen", function()
    local dir = fresh_dir()
    local w = assert(dk.wal { dir = dir, fsync = "always" })
    for i = 1, 50 do expect(w:append("record " .. i)):to_be(i) end
    expect(w:close()):to_be(true)
    w = assert(dk.wal { dir = dir, fsync = "never" })
    local seen = {}
    expect(w:replay(function(seq, data) seen[#seen + 1] = { seq, data } end)):to_be(50)
    expect(#seen):to_be(50)
    expect(seen[1][2]):to_be("record 1")
    expect(seen[50][1]):to_be(50)
    expect(seen[50][2]):to_be("record 50")
    local st = w:stats()
    expect(st.next_seq):to_be(51)
    expect(st.truncated_bytes):to_be(0)
    w:close()
    remove(dir)
  end)

  it("commits in groups: one write and one fsync per group", function()
    local dir = fresh_dir()
    local w = assert(dk.wal { dir = dir, fsync = "always", group = 8 })
    for i = 1, 20 do w:append(("x"):rep(i)) end
    local st = w:stats()
    expect(st.writes):to_be(2)
    expect(st.fsyncs):to_be(2)
    expect(st.durable_seq):to_be(16)
    w:sync()
    expect(w:stats().durable_seq):to_be(20)
    w:close()
    remove(dir)
  end)

  it("checkpoints drop what they cover; replay can stop early", function()
    local dir = fresh_dir()
    local w <close> = assert(dk.wal { dir = dir, fsync = "100ms" })
    for i = 1, 10 do w:append(tostring(i)) end
    w:checkpoint(6)
    local first
    local n = w:replay(function(seq) first = first or seq; return false end)
    expect(first):to_be(7)
    expect(n):to_be(1)
    expect(w:stats().records):to_be(4)
    expect(function() w:checkpoint(99) end):to_fail("past the last (10)")
    w:close()
    expect(function() w:append("late") end):to_fail("wal: the log is closed")
    remove(dir)
  end)

  it("refuses bad options with the option named", function()
    expect(function() dk.wal { dir = out .. "/x", fsync = "sometimes" } end)
      :to_fail('unknown fsync policy "sometimes" (always, never or a duration such as "100ms")')
    expect(function() dk.wal { dir = out .. "/x", fsnyc = "always" } end)
      :to_fail('did you mean "fsync"?')
    expect(function() dk.wal { dir = out .. "/x", group = 0 } end)
      :to_fail("group must be a whole number from 1 to 1000000 (got 0)")
    expect(function() dk.wal { fsync = "always" } end):to_fail("dir must be a folder name")
  end)

  it("writes only inside --allow-write", function()
    local w, err = dk.wal { dir = "/tmp/designkit-wal-spec-refused" }
    expect(w):to_be(nil)
    expect(err):to_match("cannot write")
  end)
end)

describe("dk.index", function()
  it("agrees with a plain table under random puts, deletes and ranges", function()
    for _, kind in ipairs { "btree", "hash" } do
      local ix = dk.index { kind = kind, order = 5 }
      local ref = {}
      local rng = 12345
      local function rand(n) rng = (rng * 1103515245 + 12345) % 2147483648; return rng % n end
      for _ = 1, 5000 do
        local k, op = rand(800), rand(10)
        if op < 5 then
          ix:put(k, k * 3 + op); ref[k] = k * 3 + op
        elseif op < 7 then
          expect(ix:delete(k)):to_be(ref[k] ~= nil); ref[k] = nil
        else
          expect(ix:get(k)):to_be(ref[k])
        end
      end
      local keys, values = ix:range(100, 300)
      local want = 0
      for k = 100, 300 do if ref[k] then want = want + 1 end end
      expect(#keys):to_be(want)
      for i, k in ipairs(keys) do
        expect(values[i]):to_be(ref[k])
        if kind == "btree" and i > 1 then expect(k > keys[i - 1]):to_be(true) end
      end
      ix:close()
    end
  end)

  it("reads height pages per point query, height = ceil(log_f n) +- 1", function()
    local n, f = 20000, 16
    local ix = dk.index { kind = "btree", order = f }
    for i = 1, n do ix:put((i * 7919) % n, i) end
    local st = ix:stats()
    expect(st.count):to_be(n)
    local ideal = math.ceil(math.log(n) / math.log(f))
    expect(math.abs(st.height - ideal) <= 1):to_be(true)
    ix:reset_reads()
    for k = 0, 99 do ix:get(k) end
    expect(ix:stats().page_reads):to_be(100 * st.height)
    local h = dk.index { kind = "hash", order = 16 }
    for i = 1, n do h:put(i, i) end
    h:reset_reads()
    for k = 1, 1000 do h:get(k) end
    expect(h:stats().page_reads < 1200):to_be(true)
  end)

  it("refuses bad options", function()
    expect(function() dk.index { kind = "btree", order = 0 } end)
      :to_fail("btree: order must be between 3 and 65536 (got 0)")
    expect(function() dk.index { kind = "skiplist" } end)
      :to_fail("unknown kind skiplist (valid: btree, hash)")
    expect(function() dk.index { kind = "btree" }:get(-1) end):to_fail("a key is a whole number >= 0")
  end)
end)

describe("a database's wal option in the simulator", function()
  -- A service writes every request to the database; workers = 0 (no limit) so nothing queues
  -- and the database's mean latency is its service time plus what its log adds to a write.
  local function db_latency(opts, mix)
    local m = dk.model "wal-cost"
    local users = m:client "users" { rate = 200, mix = mix or { w = 1 } }
    local api = m:service "api" { time = "100us", workers = 1000 }
    local db_opts = { time = "1ms", workers = 0 }
    for k, v in pairs(opts) do db_opts[k] = v end
    local db = m:database "db" (db_opts)
    m:links { users >> api >> db }
    api:on("w", function(req) db:write(req.key) end)
    api:on("r", function(req) db:read(req.key) end)
    local r = m:run { duration = "20s", seed = 3 }
    for _, c in ipairs(r.components) do
      if c.name == "db" then return c.latency.mean end
    end
  end

  it("adds fsync_time / group_commit to each write under always, nothing under never", function()
    local base = db_latency {}
    expect(base):to_be_near(0.001, 1e-9)
    -- The formula: added mean = fsync_time / group_commit (each write's share of one fsync).
    expect(db_latency { wal = "always", fsync_time = "2ms" } - base):to_be_near(0.002, 1e-9)
    expect(db_latency { wal = "always", fsync_time = "2ms", group_commit = 8 } - base)
      :to_be_near(0.002 / 8, 1e-9)
    expect(db_latency { wal = "never", fsync_time = "2ms" } - base):to_be_near(0, 1e-12)
    -- Reads pay nothing: with half the requests reads, the mean rises by half as much.
    local mixed = db_latency({ wal = "always", fsync_time = "2ms" }, { w = 1, r = 1 })
    expect(math.abs(mixed - 0.002) < 0.0002):to_be(true)
  end)

  it("refuses bad wal options with the component named", function()
    local m = dk.model "bad-wal"
    expect(function() m:database "db" { wal = "sometimes" } end):to_fail('database "db"')
    expect(function() m:database "db2" { group_commit = 0 } end):to_fail("group_commit")
  end)
end)
