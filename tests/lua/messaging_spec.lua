-- messaging_spec: queues and topics through the script language. A producer waits for the
-- enqueue only; messages reach what follows the queue; handlers run per message; a slow
-- subscriber backs up only its own queue; bad options name the component and the field.
local dk = require "designkit"

local function find(r, name)
  for _, c in ipairs(r.components) do if c.name == name then return c end end
  error("no component " .. name)
end

-- client -> queue -> worker -> db, 205 requests (the design that delivered none of them).
local function pipeline(queue_opts)
  local m = dk.model "async"
  local users = m:client "users" { rate = 100, arrivals = "constant" }
  local q = m:queue "jobs" (queue_opts or { consumers = 2, enqueue = "0.1ms", time = "1ms" })
  local worker = m:service "worker" { workers = 4, time = "5ms" }
  local db = m:database "db" { time = "2ms" }
  m:links { users >> q >> worker >> db }
  return m, q, worker, db
end

describe("a queue in a pipeline", function()
  local m = pipeline()
  local r = m:run { requests = 205, duration = "60s" }

  it("delivers every request to the database", function()
    expect(r.total.completed):to_be(205)
    expect(find(r, "jobs").arrivals):to_be(205)
    expect(find(r, "worker").completed):to_be(205)
    expect(find(r, "db").arrivals):to_be(205)
    expect(find(r, "db").completed):to_be(205)
  end)

  it("answers the producer after the enqueue latency, not the work behind it", function()
    expect(r.total.latency.mean):to_be_near(0.0001, 1e-9)
    expect(r.total.latency.max):to_be_near(0.0001, 1e-9)
  end)

  it("reports its message figures", function()
    local q = find(r, "jobs")
    expect(q.consumed):to_be_near(205 / r.duration, 1e-9)
    expect(q.backlog):to_be(0)
    expect(q.dropped):to_be(0)
    -- 100/s, each holding a consumer 1 + 5 + 2 ms: one at a time, none ever waits.
    expect(q.max_depth):to_be(0)
    expect(q.age_mean):to_be(0)
    expect(q.utilisation):to_be_near(205 * 0.008 / 2 / r.duration, 1e-6)
  end)
end)

describe("a queue after a warm-up", function()
  it("counts only the messages of the measured time", function()
    -- 100/s for 3 s, the first second a warm-up: 200 messages measured over 2 s.
    local r = pipeline():run { duration = "3s", warmup = "1s" }
    local q = find(r, "jobs")
    expect(r.measured):to_be_near(2, 1e-9)
    expect(q.consumed):to_be_near(100, 0.01)
    expect(q.age_mean):to_be(0)
  end)
end)

describe("a queue's handler", function()
  it("runs once per message and calls onward", function()
    local m = dk.model "handled"
    local users = m:client "users" { rate = 50, arrivals = "constant", mix = { a = 1 } }
    local q = m:queue "jobs" { time = "0s" }
    local db = m:database "db" { time = "1ms" }
    local audit = m:database "audit" { time = "1ms" }
    m:links { users >> q, q >> db, q >> audit }
    q:on("a", function(req)
      db:write(req.key)
      audit:write(req.key)
    end)
    local r = m:run { requests = 40, duration = "10s" }
    expect(find(r, "db").completed):to_be(40)
    expect(find(r, "audit").completed):to_be(40)
    expect(r.total.latency.max):to_be(0)
  end)

  it("is cut off cleanly when the run ends with messages inside it", function()
    local m = dk.model "cut"
    local users = m:client "users" { rate = 1000 }
    local q = m:queue "jobs" { consumers = 1, time = "0s" }
    local db = m:database "db" { time = "50ms" }
    m:links { users >> q >> db }
    q:on("*", function(req) db:read(req.key) end)
    local r = m:run { duration = "200ms" }
    expect(find(r, "jobs").backlog):to_be_greater_than(100)
  end)
end)

describe("a full queue", function()
  -- Ten messages 1 ms apart, one consumer taking 2.3 ms, room for two waiting: see
  -- tests/core/test_actor_queue.c for the timeline worked out by hand.
  local function full(policy)
    local m = dk.model "full"
    local users = m:client "users" { rate = 1000, arrivals = "constant" }
    local q = m:queue "q" { capacity = 2, when_full = policy, time = "2.3ms" }
    _ = users >> q
    return m:run { requests = 10, duration = "1s" }
  end

  it("rejects 4 of 10 with reject", function()
    local r = full("reject")
    expect(find(r, "q").rejected):to_be(4)
    expect(find(r, "q").consumed * r.duration):to_be_near(6, 1e-9)
    expect(r.total.availability):to_be_near(0.6, 1e-12)
  end)

  it("drops 4 of 10 with drop_oldest, answering every producer", function()
    local r = full("drop_oldest")
    expect(find(r, "q").dropped):to_be(4)
    expect(find(r, "q").rejected):to_be(0)
    expect(r.total.completed):to_be(10)
  end)

  it("keeps the producers waiting with block, 23.1 ms in all", function()
    local r = full("block")
    expect(r.total.completed):to_be(10)
    expect(r.total.latency.mean):to_be_near(0.00231, 1e-6)
    expect(r.total.latency.max):to_be_near(0.0071, 1e-6)
  end)
end)

describe("a topic", function()
  local m = dk.model "fanout"
  local users = m:client "users" { rate = 100 }
  local t = m:topic "events" {}
  local fast = m:service "fast" { time = "1ms" }
  local slow = m:service "slow" { time = "20ms" }
  m:links { users >> t, t >> fast, t >> slow }
  local r = m:run { duration = "5s", seed = 3 }

  it("gives each subscriber its own queue", function()
    expect(find(r, "events/fast").kind):to_be("subscription")
    expect(find(r, "events/slow").arrivals):to_be(find(r, "events").arrivals)
  end)

  it("keeps the fast subscriber's lag near zero while the slow one's grows", function()
    local f, s = find(r, "events/fast"), find(r, "events/slow")
    expect(f.age_mean):to_be_less_than(0.001)
    expect(f.backlog):to_be_less_than(3)
    expect(s.age_mean):to_be_greater_than(1)
    expect(s.backlog):to_be_greater_than(150)
    -- the fast subscriber got nearly every publish, the slow one about half
    expect(find(r, "fast").completed):to_be_greater_than(find(r, "events").completed - 3)
    expect(find(r, "slow").completed):to_be_less_than(252)
  end)
end)

describe("bad queue and topic options", function()
  it("name the component and the field", function()
    local m = dk.model "bad"
    expect(function() m:queue "q1" { capacity = -5 } end):to_fail('queue "q1": capacity')
    expect(function() m:queue "q2" { when_full = "sometimes" } end)
        :to_fail('queue "q2": when_full must be one of reject, block, drop_oldest')
    expect(function() m:queue "q3" { consumers = 0 } end):to_fail('queue "q3": consumers')
    expect(function() m:topic "t1" { capacity = -1 } end):to_fail('topic "t1": capacity')
    expect(function() m:topic "t2" { when_full = "wait" } end):to_fail('topic "t2": when_full')
    expect(function() m:topic "t3" { consumers = 0 } end):to_fail('topic "t3": consumers')
  end)
end)
