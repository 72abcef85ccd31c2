-- Tests of the pubsub exercise: exact delivery schedules worked out by hand, and a random
-- ack/crash scenario replayed on a model written here, never the reference solution.

-- A broker on a clock the test moves.
local function broker(visibility, max_deliveries)
  local now = 0
  local b = solution().Broker.new { visibility = visibility or 10, max_deliveries = max_deliveries or 3,
                                    clock = function() return now end }
  return b, function(t) now = t end
end

-- "id@attempt" for each delivery of a poll, so schedules read compactly.
local function got(deliveries)
  local out = {}
  for i, d in ipairs(deliveries) do out[i] = d.id .. "@" .. d.attempt end
  return out
end

task("Topics and fan-out", function()
  it("every subscription of a topic gets every message, oldest first", function()
    local b = broker()
    local a1 = b:subscribe("orders", "billing")
    local a2 = b:subscribe("orders", "shipping")
    local p = b:subscribe("payments", "billing")
    expect(b:publish("orders", "o1"), "id of the first message"):to_be(1)
    expect(b:publish("payments", "p1"), "id of the second message"):to_be(2)
    expect(b:publish("orders", "o2"), "id of the third message"):to_be(3)
    local d = a1:poll()
    expect({ d[1] and d[1].payload, d[2] and d[2].payload, #d }, "billing's poll on orders (payloads, count)"):to_equal({ "o1", "o2", 2 })
    expect(got(a2:poll()), "shipping's poll on orders"):to_equal({ "1@1", "3@1" })
    expect(got(p:poll()), "billing's poll on payments"):to_equal({ "2@1" })
  end)

  it("a subscriber gets only what is published after it subscribed; a topic without subscribers drops", function()
    local b = broker()
    b:publish("news", "early")
    local late = b:subscribe("news", "late")
    b:publish("news", "on time")
    expect(got(late:poll()), "poll of a subscription made after message 1"):to_equal({ "2@1" })
  end)

  it("ack removes a message for that subscription only", function()
    local b = broker()
    local x, y = b:subscribe("t", "x"), b:subscribe("t", "y")
    b:publish("t", "m")
    x:poll(); y:poll()
    expect(x:ack(1), "x:ack(1)"):to_be(true)
    expect(x:ack(1), "x:ack(1) again"):to_be(false)
    expect(x:pending(), "x:pending() after its ack"):to_be(0)
    expect(y:pending(), "y:pending(): y has not acked"):to_be(1)
    expect(x:ack(99), "x:ack(99) of an unknown id"):to_be(false)
  end)

  it("poll(max) hands out at most max messages", function()
    local b = broker()
    local s = b:subscribe("t", "s")
    for i = 1, 5 do b:publish("t", i) end
    expect(got(s:poll(2)), "poll(2)"):to_equal({ "1@1", "2@1" })
    expect(got(s:poll(2)), "poll(2) again"):to_equal({ "3@1", "4@1" })
    expect(got(s:poll()), "poll()"):to_equal({ "5@1" })
  end)

  it("rejects bad options and arguments, naming them", function()
    local Broker = solution().Broker
    local clock = function() return 0 end
    expect(function() Broker.new { visibility = 0, max_deliveries = 3, clock = clock } end, "visibility = 0"):to_fail("visibility")
    expect(function() Broker.new { visibility = 5, max_deliveries = 0, clock = clock } end, "max_deliveries = 0"):to_fail("max_deliveries")
    expect(function() Broker.new { visibility = 5, max_deliveries = 3 } end, "no clock"):to_fail("clock")
    local b = Broker.new { visibility = 5, max_deliveries = 3, clock = clock }
    expect(function() b:publish(nil, "x") end, "publish(nil, \"x\")"):to_fail("topic")
    expect(function() b:publish("t", nil) end, "publish(\"t\", nil)"):to_fail("payload")
    local s = b:subscribe("t", "s")
    expect(function() b:subscribe("t", "s") end, "subscribing \"s\" to \"t\" twice"):to_fail("already")
    expect(function() s:poll(0) end, "poll(0)"):to_fail("max")
  end)
end)

task("Acks and redelivery", function()
  it("an unacked message is delivered again when its visibility timeout ends", function()
    local b, at = broker(10, 5)
    local s = b:subscribe("t", "s")
    b:publish("t", "a"); b:publish("t", "b")
    expect(got(s:poll()), "poll at t=0"):to_equal({ "1@1", "2@1" })
    at(1); s:ack(2)
    at(9.5)
    expect(got(s:poll()), "poll at t=9.5 (hidden until 10)"):to_equal({})
    at(10)
    expect(got(s:poll()), "poll at t=10"):to_equal({ "1@2" })
    at(15); b:publish("t", "c")
    expect(got(s:poll()), "poll at t=15 (1 hidden until 20)"):to_equal({ "3@1" })
    at(20)
    expect(got(s:poll()), "poll at t=20"):to_equal({ "1@3" })
  end)

  it("a late ack still counts while the message is held", function()
    local b, at = broker(10, 5)
    local s = b:subscribe("t", "s")
    b:publish("t", "a")
    s:poll()
    at(15) -- visible again since 10, not yet redelivered
    expect(s:ack(1), "ack(1) at t=15 after the timeout"):to_be(true)
    expect(got(s:poll()), "poll at t=15 after the ack"):to_equal({})
  end)

  it("a message not yet delivered cannot be acked", function()
    local b = broker()
    local s = b:subscribe("t", "s")
    b:publish("t", "a")
    expect(s:ack(1), "ack(1) before any poll"):to_be(false)
    expect(got(s:poll()), "poll after the refused ack"):to_equal({ "1@1" })
  end)
end)

task("Dead letters and never losing a message", function()
  it("after max_deliveries unacked deliveries the message goes to the dead-letter queue", function()
    local b, at = broker(10, 3)
    local s = b:subscribe("t", "s")
    b:publish("t", "poison"); b:publish("t", "fine")
    expect(got(s:poll()), "poll at t=0"):to_equal({ "1@1", "2@1" })
    s:ack(2)
    at(10); expect(got(s:poll()), "poll at t=10"):to_equal({ "1@2" })
    at(20); expect(got(s:poll()), "poll at t=20"):to_equal({ "1@3" })
    at(29.5)
    expect(s:dead_letters(), "dead letters at t=29.5"):to_equal({})
    at(30)
    expect(s:dead_letters(), "dead letters at t=30"):to_equal({ { id = 1, payload = "poison", attempts = 3 } })
    expect(got(s:poll()), "poll at t=30"):to_equal({})
    expect(s:ack(1), "ack(1) of a dead-lettered message"):to_be(false)
    expect(s:pending(), "pending() at t=30"):to_be(0)
  end)

  it("each message is dead-lettered once, when its own last timeout ends", function()
    local b, at = broker(10, 1)
    local s = b:subscribe("t", "s")
    b:publish("t", "a"); b:publish("t", "b"); b:publish("t", "c")
    s:poll(1)          -- 1 hidden until 10
    at(2); s:poll(2)   -- 2 and 3 hidden until 12
    at(11)
    expect(s:dead_letters(), "dead letters at t=11"):to_equal({ { id = 1, payload = "a", attempts = 1 } })
    expect(s:pending(), "pending() at t=11"):to_be(2)
    at(50)
    expect(s:dead_letters(), "dead letters at t=50"):to_equal({
      { id = 1, payload = "a", attempts = 1 }, { id = 2, payload = "b", attempts = 1 },
      { id = 3, payload = "c", attempts = 1 } })
  end)

  it("a random ack/crash run agrees with a model: every message acked or dead-lettered (seed 23)", function()
    local V, MAX = 5, 3
    local b, at = broker(V, MAX)
    local subs = { b:subscribe("jobs", "w1"), b:subscribe("jobs", "w2") }
    -- The model, per subscription: held messages { id, n = deliveries, vis = visible from }.
    local model = { {}, {} }
    local dead = { {}, {} }
    local acked = { {}, {} }
    local function model_expire(m, d, now)
      local keep, died = {}, {}
      for _, x in ipairs(m) do
        if x.n >= MAX and x.vis <= now then died[#died + 1] = x else keep[#keep + 1] = x end
      end
      table.sort(died, function(p, q) if p.vis ~= q.vis then return p.vis < q.vis end return p.id < q.id end)
      for _, x in ipairs(died) do d[#d + 1] = x.id end
      return keep
    end
    math.randomseed(23)
    local published, in_hand, refused = 0, { {}, {} }, 0
    local t = 0
    for step = 1, 400 do
      t = t + math.random(0, 2)
      at(t)
      if math.random() < 0.4 then
        published = published + 1
        b:publish("jobs", "job" .. published)
        for w = 1, 2 do model[w][#model[w] + 1] = { id = published, n = 0, vis = -math.huge } end
      end
      for w = 1, 2 do
        model[w] = model_expire(model[w], dead[w], t)
        if math.random() < 0.5 then
          local max = math.random(1, 3)
          local want = {}
          for _, x in ipairs(model[w]) do
            if #want >= max then break end
            if x.vis <= t then
              x.n = x.n + 1; x.vis = t + V
              want[#want + 1] = x.id .. "@" .. x.n
            end
          end
          local deliveries = subs[w]:poll(max)
          expect(got(deliveries), "step " .. step .. " t=" .. t .. ": w" .. w .. ":poll(" .. max .. ")"):to_equal(want)
          for _, dlv in ipairs(deliveries) do
            local r = math.random()
            if r < 0.4 then in_hand[w][#in_hand[w] + 1] = dlv.id -- acks later
            elseif r < 0.7 then
              expect(subs[w]:ack(dlv.id), "step " .. step .. ": w" .. w .. ":ack(" .. dlv.id .. ") right away"):to_be(true)
              for i, x in ipairs(model[w]) do if x.id == dlv.id then table.remove(model[w], i); break end end
              acked[w][dlv.id] = true
            end -- else the consumer crashed: no ack
          end
        end
        if #in_hand[w] > 0 and math.random() < 0.3 then
          local id = table.remove(in_hand[w], 1)
          local held = false
          for i, x in ipairs(model[w]) do
            if x.id == id then held = true; table.remove(model[w], i); break end
          end
          if held then acked[w][id] = true else refused = refused + 1 end
          expect(subs[w]:ack(id), "step " .. step .. " t=" .. t .. ": w" .. w .. ":ack(" .. id .. ") later"):to_be(held)
        end
      end
    end
    -- Drain: well past every timeout, poll and ack everything still held.
    at(t + 1000)
    for w = 1, 2 do
      model[w] = model_expire(model[w], dead[w], t + 1000)
      for _, dlv in ipairs(subs[w]:poll()) do
        subs[w]:ack(dlv.id)
        acked[w][dlv.id] = true
      end
      local dl = {}
      for i, d in ipairs(subs[w]:dead_letters()) do dl[i] = d.id end
      expect(dl, "w" .. w .. " dead-letter ids"):to_equal(dead[w])
      -- Never lost: every published message is acked or dead-lettered, exactly one of the two.
      local in_dlq = {}
      for _, id in ipairs(dl) do in_dlq[id] = true end
      for id = 1, published do
        local n = (acked[w][id] and 1 or 0) + (in_dlq[id] and 1 or 0)
        if n ~= 1 then expect(n, "w" .. w .. ": message " .. id .. " acked + dead-lettered"):to_be(1) end
      end
      expect(subs[w]:pending(), "w" .. w .. ":pending() at the end"):to_be(0)
    end
    -- The scenario itself must reach the interesting cases.
    expect(published, "messages published"):to_be_greater_than(100)
    expect(#dead[1] + #dead[2], "messages dead-lettered"):to_be_greater_than(10)
    expect(refused, "late acks of dead-lettered messages"):to_be_greater_than(0)
  end, { timeout = 30 })
end)
