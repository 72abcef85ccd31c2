-- resilience_spec: dk.breaker, dk.retry, dk.bulkhead and dk.health from Lua, against hand-computed
-- sequences and the AWS blog's jitter formulas; every option's bad input.
local dk = require "designkit"

describe("dk.breaker", function()
  it("opens at the failure rate, waits, then judges its half-open trials", function()
    local b = dk.breaker { window = 4, failure_rate = 0.5, wait = "30s", half_open_calls = 2 }
    local seen = {}
    b:on_change(function(from, to, t) seen[#seen + 1] = from .. ">" .. to .. "@" .. t end)
    -- ok, fail, ok: 3 < 4 calls; fail: 2 of 4 = 0.5 -> open at 3 s
    for i, ok in ipairs { true, false, true, false } do
      expect(b:allow(i - 1)):to_be(true)
      b:record(ok, "10ms", i - 1)
    end
    expect(b:state()):to_be("open")
    expect(b:allow(32.999)):to_be(false)
    local r, why = b:call(function() return 1 end)
    expect(r):to_be(nil)
    expect(why):to_be("breaker is open")
    expect(b:state(33)):to_be("half_open")
    expect(b:allow()):to_be(true)
    expect(b:allow()):to_be(true)
    expect(b:allow()):to_be(false)
    b:record(true, 0.01, 34)
    b:record(true, 0.01, 34)
    expect(b:state()):to_be("closed")
    expect(table.concat(seen, " ")):to_be("closed>open@3.0 open>half_open@33.0 half_open>closed@34.0")
    local st = b:stats()
    expect(st.rejected):to_be(3)
    expect(st.transitions):to_be(3)
  end)

  it("counts slow calls and measures b:call by its own time", function()
    local b = dk.breaker { window = 2, slow = "1s", slow_rate = 0.5 }
    expect(b:call(function() b:advance "200ms"; return "fast" end)):to_be("fast")
    expect(b:call(function() b:advance "1s"; return "slow" end)):to_be("slow")
    expect(b:state()):to_be("open")
    expect(b:stats().transitions):to_be(1)
  end)

  it("records an error from b:call as a failure and raises it again", function()
    local b = dk.breaker { window = 1 }
    expect(function() b:call(function() error("boom") end) end):to_fail("boom")
    expect(b:state()):to_be("open")
  end)

  it("has a time-based window", function()
    local b = dk.breaker { window_type = "time", window = 10, min_calls = 3 }
    b:record(false, 0, 0)
    b:record(false, 0, 1)
    b:record(true, 0, 10.5)  -- seconds 1..10: F, ok
    b:record(false, 0, 11.2) -- seconds 2..11: ok, F
    expect(b:state()):to_be("closed")
    b:record(false, 0, 11.5) -- ok, F, F: 2/3
    expect(b:state()):to_be("open")
  end)

  it("can be forced open and disabled", function()
    local b = dk.breaker { window = 1, wait = "1s" }
    b:force "forced_open"
    expect(b:allow(1000)):to_be(false)
    b:force "disabled"
    for _ = 1, 10 do b:record(false, 0) end
    expect(b:state()):to_be("disabled")
    expect(tostring(b)):to_be("breaker (disabled)")
  end)

  it("rejects bad options, naming them", function()
    expect(function() dk.breaker { window = 0 } end)
      :to_fail("resilience_spec.lua:%d+: breaker: window must be a whole number from 1 to 1000000 %(got 0%)")
    expect(function() dk.breaker { failure_rate = 1.5 } end)
      :to_fail("breaker: failure_rate must be in %(0, 1%] %(got 1.5%)")
    expect(function() dk.breaker { failure_rate = "half" } end)
      :to_fail("breaker: failure_rate must be a number %(got string%)")
    expect(function() dk.breaker { slow_rate = 0 } end):to_fail("breaker: slow_rate must be in")
    expect(function() dk.breaker { slow = "0s" } end):to_fail("breaker: slow must be a positive duration")
    expect(function() dk.breaker { wait = "soon" } end):to_fail("breaker: wait: ")
    expect(function() dk.breaker { min_calls = 0 } end):to_fail("breaker: min_calls must be a whole number")
    expect(function() dk.breaker { half_open_calls = 1.5 } end):to_fail("breaker: half_open_calls must be a whole number")
    expect(function() dk.breaker { window_type = "sliding" } end)
      :to_fail('breaker: window_type: unknown window_type "sliding" %(use count, time%)')
    expect(function() dk.breaker { windw = 3 } end):to_fail("windw")
    local b = dk.breaker {}
    b:record(true, 0, 5)
    expect(function() b:allow(4) end):to_fail("breaker:allow: time 4.0+ s is before the latest time given")
    expect(function() b:force "ajar" end):to_fail("invalid option 'ajar'")
    expect(function() b:on_change(5) end):to_fail("function expected")
    b:close()
    expect(function() b:allow() end):to_fail("closed")
  end)

  it("raises a listener's error after the transition is done", function()
    local b = dk.breaker { window = 1 }
    b:on_change(function() error("listener failed") end)
    expect(function() b:record(false, 0) end):to_fail("listener failed")
    b:on_change(nil)
    expect(b:state()):to_be("open")
  end)
end)

describe("dk.retry", function()
  it("retries until success, moving its time by each backoff", function()
    local r = dk.retry { attempts = 4, base = "100ms", cap = "1s", jitter = "none" }
    local ok, v, attempts, waited = r:call(function(n) return n == 3 and "done" end)
    expect(ok):to_be(true)
    expect(v):to_be("done")
    expect(attempts):to_be(3)
    expect(waited):to_be_near(0.1 + 0.2, 1e-12)
    ok, v, attempts, waited = r:call(function() error("down") end)
    expect(ok):to_be(false)
    expect(tostring(v)):to_match("down")
    expect(attempts):to_be(4)
    expect(waited):to_be_near(0.1 + 0.2 + 0.4, 1e-12)
    local st = r:stats()
    expect(st.requests):to_be(2)
    expect(st.retries):to_be(5)
    expect(st.exhausted):to_be(1)
  end)

  it("draws full and equal jitter around their formula means", function()
    local full = dk.retry { base = "100ms", cap = "10s", jitter = "full", seed = 3 }
    local equal = dk.retry { base = "100ms", cap = "10s", jitter = "equal", seed = 3 }
    for n = 1, 4 do
      local e = math.min(10, 0.1 * 2 ^ (n - 1))
      local sf, se, N = 0, 0, 20000
      for _ = 1, N do
        local f, q = full:backoff(n), equal:backoff(n)
        assert(f >= 0 and f < e and q >= e / 2 and q < e)
        sf, se = sf + f, se + q
      end
      expect(sf / N):to_be_near(e / 2, 0.02)
      expect(se / N):to_be_near(3 * e / 4, 0.02)
    end
  end)

  it("keeps retries within the budget", function()
    local r = dk.retry { attempts = 5, base = "1ms", budget = { ratio = 0.1, min_per_second = 0 } }
    local retries = 0
    for _ = 1, 100 do
      local _, _, attempts = r:call(function() return false end)
      retries = retries + attempts - 1
    end
    expect(retries):to_be(10)
    expect(r:stats().budget_denied):to_be(100)
  end)

  it("rejects bad options, naming them", function()
    expect(function() dk.retry { attempts = 0 } end)
      :to_fail("retry: attempts must be a whole number from 1 to 1000 %(got 0%)")
    expect(function() dk.retry { base = "-1s" } end):to_fail("retry: base: ")
    expect(function() dk.retry { base = "1s", cap = "10ms" } end):to_fail("retry: cap must be at least base")
    expect(function() dk.retry { multiplier = 0.5 } end):to_fail("retry: multiplier must be a finite number >= 1")
    expect(function() dk.retry { jitter = "fuzzy" } end)
      :to_fail('retry: jitter: unknown jitter "fuzzy" %(use none, full, equal, decorrelated%)')
    expect(function() dk.retry { timeout = "forever" } end):to_fail("retry: timeout: ")
    expect(function() dk.retry { seed = -1 } end):to_fail("retry: seed must be a whole number")
    expect(function() dk.retry { budget = 0.2 } end):to_fail("retry: budget must be a table")
    expect(function() dk.retry { budget = { ratio = -1 } } end):to_fail("retry: budget ratio must be from 0 to 1000")
    expect(function() dk.retry { budget = { rate = 1 } } end):to_fail("rate")
    expect(function() dk.retry { budget = { min_per_second = "x" } } end)
      :to_fail("retry: budget: min_per_second must be a number")
    expect(function() dk.retry { budget = { window = 0 } } end):to_fail("budget window must be a positive duration")
    expect(function() dk.retry {}:backoff(0) end):to_fail("retry number must be at least 1")
  end)
end)

describe("dk.bulkhead", function()
  it("runs, queues, hands slots on in order and times waiters out", function()
    local h = dk.bulkhead { max_concurrent = 2, max_waiting = 2, max_wait = "1s" }
    expect(h:enter(1, 0)):to_be("entered")
    expect(h:enter(2, 0)):to_be("entered")
    expect(h:enter(3, 0)):to_be("waiting")
    expect(h:enter(4, 0.1)):to_be("waiting")
    expect(h:enter(5, 0.1)):to_be("rejected")
    expect(h:leave(0.5)):to_be(3)
    expect(h:leave(2)):to_be(nil)
    local gone = h:expire()
    expect(#gone):to_be(1)
    expect(gone[1]):to_be(4)
    local st = h:stats()
    expect(st.active):to_be(1)
    expect(st.rejected):to_be(1)
    expect(st.timed_out):to_be(1)
  end)

  it("rejects bad options and misuse", function()
    expect(function() dk.bulkhead {} end):to_fail("bulkhead: max_concurrent is missing")
    expect(function() dk.bulkhead { max_concurrent = 0 } end)
      :to_fail("bulkhead: max_concurrent must be a whole number from 1 to 1000000 %(got 0%)")
    expect(function() dk.bulkhead { max_concurrent = 1, max_waiting = -1 } end)
      :to_fail("bulkhead: max_waiting must be a whole number from 0")
    expect(function() dk.bulkhead { max_concurrent = 1, max_wait = -1 } end):to_fail("bulkhead: max_wait: ")
    expect(function() dk.bulkhead { max_concurrent = 1, queue = 3 } end):to_fail("queue")
    local h = dk.bulkhead { max_concurrent = 1 }
    expect(function() h:leave() end):to_fail("bulkhead:leave: no call is running")
  end)
end)

describe("dk.health", function()
  it("marks a target unhealthy after its threshold and heals it by a restart", function()
    local hc = dk.health { interval = "10s", timeout = "2s", healthy = 2, unhealthy = 3,
                           restart_after = "30s" }
    expect(hc:probe(true, 0.1, 0)):to_be(false)
    expect(hc:next_probe()):to_be(10)
    hc:probe(false, 0.1, 10)
    hc:probe(true, 3, 20) -- answered after the timeout: a failure
    expect(hc:probe(false, 0.1, 30)):to_be(true)
    expect(hc:healthy()):to_be(false)
    expect(hc:due_restart(59)):to_be(false)
    expect(hc:due_restart(60)):to_be(true)
    hc:restarted(60)
    hc:probe(true, 0.1, 70)
    hc:probe(true, 0.1, 80)
    expect(hc:healthy()):to_be(true)
    local st = hc:stats(100)
    expect(st.availability):to_be_near(0.5, 1e-12) -- healthy 0..30 and 80..100 of 100 s
    expect(st.restarts):to_be(1)
  end)

  it("rejects bad options", function()
    expect(function() dk.health { interval = 0 } end):to_fail("health: interval must be a positive duration")
    expect(function() dk.health { interval = "1s", timeout = "2s" } end)
      :to_fail("health: timeout must be positive and at most the interval")
    expect(function() dk.health { healthy = 0 } end):to_fail("health: healthy must be a whole number from 1 to 1000")
    expect(function() dk.health { unhealthy = 1e6 } end):to_fail("health: unhealthy must be a whole number")
    expect(function() dk.health { restart_after = "later" } end):to_fail("health: restart_after: ")
    expect(function() dk.health { every = 1 } end):to_fail("every")
  end)
end)
