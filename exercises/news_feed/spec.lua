-- Spec of the news_feed exercise (docs/exercises/news_feed.md).
-- The learner's Feed runs over a store written here that counts its calls: the work of a post
-- is the store calls made while feed:post runs, the cost of a feed read the calls made while
-- feed:read runs. Every feed read is compared with the spec's own answer (the newest k posts
-- of the accounts the reader follows, from a per-author log), and the work is summed over a
-- seeded workload with celebrity accounts.
local READ_BUDGET = 10 -- p99 of the store calls one feed read makes
local WRITE_BUDGET = 60000 -- store calls made by all the posts of the workload
local K = 10 -- posts per feed read

-- ---- the store ----

local function copy(list, k)
  local out = {}
  local n = #list
  for i = n, math.max(1, n - k + 1), -1 do out[#out + 1] = list[i] end -- newest first
  return out
end

-- A store over a fixed follow graph: followers[a] and following[u] are arrays of user ids.
local function new_store(graph)
  local store = { calls = 0 }
  local inboxes, outboxes = {}, {}
  local function user(id, what)
    if math.type(id) ~= "integer" or id < 1 or id > graph.users then
      error(("store:%s: no user %s (users are 1..%d)"):format(what, tostring(id), graph.users), 3)
    end
  end
  local function count_k(k, what)
    if math.type(k) ~= "integer" or k < 1 then
      error(("store:%s: k must be a positive integer (got %s)"):format(what, tostring(k)), 3)
    end
  end
  function store:followers(a)
    user(a, "followers"); self.calls = self.calls + 1
    return copy(graph.followers[a], math.huge)
  end
  function store:following(u)
    user(u, "following"); self.calls = self.calls + 1
    return copy(graph.following[u], math.huge)
  end
  function store:follower_count(a) -- free: a counter kept beside the account
    user(a, "follower_count")
    return #graph.followers[a]
  end
  function store:push(u, post)
    user(u, "push"); self.calls = self.calls + 1
    local box = inboxes[u] or {}
    inboxes[u] = box
    box[#box + 1] = post
  end
  function store:inbox(u, k)
    user(u, "inbox"); count_k(k, "inbox"); self.calls = self.calls + 1
    return copy(inboxes[u] or {}, k)
  end
  function store:publish(a, post)
    user(a, "publish"); self.calls = self.calls + 1
    local box = outboxes[a] or {}
    outboxes[a] = box
    box[#box + 1] = post
  end
  function store:outbox(a, k)
    user(a, "outbox"); count_k(k, "outbox"); self.calls = self.calls + 1
    return copy(outboxes[a] or {}, k)
  end
  return store
end

-- ---- graphs and workloads ----

-- A graph from a list of { follower, followee } pairs over `users` users.
local function graph_of(users, pairs_list)
  local g = { users = users, followers = {}, following = {} }
  for u = 1, users do g.followers[u], g.following[u] = {}, {} end
  for _, p in ipairs(pairs_list) do
    local f, a = p[1], p[2]
    g.following[f][#g.following[f] + 1] = a
    g.followers[a][#g.followers[a] + 1] = f
  end
  return g
end

-- A small deterministic random generator (64-bit LCG, Knuth's MMIX constants): the workload is
-- the same on every machine and in every Lua state.
local function rng(seed)
  local x = seed
  return function(n) -- an integer in 1..n
    x = x * 6364136223846793005 + 1442695040888963407
    return ((x >> 33) % n) + 1
  end
end

-- The seeded workload: 1000 users; users 1-5 are celebrities, each followed by about 60% of
-- the users; everyone also follows 5 to 30 ordinary accounts at random. 7000 events: a post
-- (2 in 7; a celebrity's 1 time in 5) or a feed read by a random user.
local function workload(seed)
  local r = rng(seed)
  local users, celebrities = 1000, 5
  local pairs_list = {}
  for u = 1, users do
    local seen = { [u] = true }
    for c = 1, celebrities do
      if not seen[c] and r(10) <= 6 then pairs_list[#pairs_list + 1] = { u, c }; seen[c] = true end
    end
    local n = 4 + r(26)
    while n > 0 do
      local a = celebrities + r(users - celebrities)
      if not seen[a] then pairs_list[#pairs_list + 1] = { u, a }; seen[a] = true; n = n - 1 end
    end
  end
  local events = {}
  for _ = 1, 7000 do
    if r(7) <= 2 then
      local author = r(5) == 1 and r(celebrities) or celebrities + r(users - celebrities)
      events[#events + 1] = { "post", author }
    else
      events[#events + 1] = { "read", r(users) }
    end
  end
  return graph_of(users, pairs_list), events
end

-- The expected feed: the newest k posts of the accounts u follows, newest first, from a log
-- of each author's posts (independent of any fan-out).
local function expected_feed(graph, by_author, u, k)
  local all = {}
  for _, a in ipairs(graph.following[u]) do
    local posts = by_author[a]
    if posts then
      for i = #posts, math.max(1, #posts - k + 1), -1 do all[#all + 1] = posts[i] end
    end
  end
  table.sort(all, function(x, y) return x > y end)
  local out = {}
  for i = 1, math.min(k, #all) do out[i] = all[i] end
  return out
end

local function show(list)
  if type(list) ~= "table" then return tostring(list) end
  local parts = {}
  for i, v in ipairs(list) do parts[i] = tostring(v) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function same(a, b)
  if type(a) ~= "table" or #a ~= #b then return false end
  for i = 1, #b do if a[i] ~= b[i] then return false end end
  return true
end

-- Runs the events through Feed.new(store, strategy). Returns the work figures; raises at the
-- first feed that differs from the expected one (when check is true).
local function replay(Feed, graph, events, strategy, check)
  local store = new_store(graph)
  local feed = Feed.new(store, strategy)
  local by_author, next_id = {}, 0
  local write_work, read_costs = 0, {}
  for i, e in ipairs(events) do
    local kind, who = e[1], e[2]
    local before = store.calls
    if kind == "post" then
      next_id = next_id + 1
      feed:post(who, next_id)
      local log = by_author[who] or {}
      by_author[who] = log
      log[#log + 1] = next_id
      write_work = write_work + (store.calls - before)
    else
      local got = feed:read(who, K)
      read_costs[#read_costs + 1] = store.calls - before
      if check then
        local want = expected_feed(graph, by_author, who, K)
        if not same(got, want) then
          error(("event %d, user %d's feed: expected %s, got %s"):format(i, who, show(want), show(got)), 0)
        end
      end
    end
  end
  table.sort(read_costs)
  local read_work = 0
  for _, c in ipairs(read_costs) do read_work = read_work + c end
  local p99 = read_costs[math.ceil(0.99 * #read_costs)]
  return { write = write_work, read = read_work, total = write_work + read_work, p99 = p99,
           reads = #read_costs }
end

local function on_write() return "write" end
local function on_read() return "read" end

-- A small graph: 1 follows 2 and 3; 4 follows 2; 2 follows 1; 5 follows nobody.
local function small()
  return graph_of(5, { { 1, 2 }, { 1, 3 }, { 4, 2 }, { 2, 1 } })
end

local function small_feeds(strategy)
  local Feed = solution()
  local store = new_store(small())
  local feed = Feed.new(store, strategy)
  feed:post(2, 1); feed:post(3, 2); feed:post(1, 3); feed:post(2, 4)
  return feed
end

-- ---- task 1 ----

task("A correct feed", function()
  it("fan-out on write: a follower's feed is the newest posts of whom they follow, newest first", function()
    local feed = small_feeds(on_write)
    expect(feed:read(1, 10), "user 1's feed (follows 2 and 3; posts 1 and 4 by 2, 2 by 3)"):to_equal { 4, 2, 1 }
    expect(feed:read(4, 10), "user 4's feed (follows 2)"):to_equal { 4, 1 }
    expect(feed:read(1, 2), "user 1's feed, k = 2"):to_equal { 4, 2 }
  end)

  it("fan-out on read: the same feeds", function()
    local feed = small_feeds(on_read)
    expect(feed:read(1, 10), "user 1's feed"):to_equal { 4, 2, 1 }
    expect(feed:read(4, 10), "user 4's feed"):to_equal { 4, 1 }
    expect(feed:read(1, 2), "user 1's feed, k = 2"):to_equal { 4, 2 }
  end)

  it("a feed shows only followed accounts: not one's own posts, not strangers'", function()
    for _, strategy in ipairs { on_write, on_read } do
      local feed = small_feeds(strategy)
      expect(feed:read(2, 10), "user 2's feed (follows 1 only; wrote 1 and 4)"):to_equal { 3 }
      expect(feed:read(5, 10), "user 5's feed (follows nobody)"):to_equal {}
    end
  end)

  it("bad input: k must be a positive integer, and the strategy must answer write or read", function()
    local feed = small_feeds(on_write)
    for _, k in ipairs { 0, -1, 1.5, "3" } do
      expect(function() feed:read(1, k) end, "feed:read(1, " .. tostring(k) .. ")"):to_fail("k")
    end
    local Feed = solution()
    local odd = Feed.new(new_store(small()), function() return "both" end)
    expect(function() odd:post(2, 1) end, "a strategy answering \"both\""):to_fail("strategy")
  end)
end)

-- ---- task 2 ----

task("Fan-out on write, fan-out on read", function()
  it("fan-out on write: every read of the seeded workload is right", function()
    local graph, events = workload(42)
    replay(solution(), graph, events, on_write, true)
  end, { timeout = 120, instructions = 1e9 })

  it("fan-out on read: every read of the seeded workload is right", function()
    local graph, events = workload(42)
    replay(solution(), graph, events, on_read, true)
  end, { timeout = 120, instructions = 1e9 })

  it("fan-out on write: a post costs at most followers + 2 calls, a read at most 2", function()
    local Feed = solution()
    local graph = small()
    local store = new_store(graph)
    local feed = Feed.new(store, on_write)
    local before = store.calls
    feed:post(2, 1)
    expect(store.calls - before, "calls for a post by user 2 (2 followers)"):to_be_less_than(2 + 2 + 1)
    before = store.calls
    expect(feed:read(1, 10), "user 1's feed"):to_equal { 1 }
    expect(store.calls - before, "calls for one feed read"):to_be_less_than(2 + 1)
  end)

  it("fan-out on read: a post costs at most 2 calls, a read at most following + 2", function()
    local Feed = solution()
    local store = new_store(small())
    local feed = Feed.new(store, on_read)
    local before = store.calls
    feed:post(2, 1)
    expect(store.calls - before, "calls for a post"):to_be_less_than(2 + 1)
    before = store.calls
    expect(feed:read(1, 10), "user 1's feed"):to_equal { 1 }
    expect(store.calls - before, "calls for a read by user 1 (follows 2)"):to_be_less_than(2 + 2 + 1)
  end)
end)

-- ---- task 3 ----

task("Hybrid for celebrities", function()
  it("hybrid (threshold 100): every read of the seeded workload is right", function()
    local Feed = solution()
    local graph, events = workload(42)
    replay(Feed, graph, events, Feed.hybrid(100), true)
  end, { timeout = 120, instructions = 1e9 })

  it("pure fan-out on write blows the write budget: celebrities have ~600 followers", function()
    local graph, events = workload(42)
    local w = replay(solution(), graph, events, on_write, false)
    expect(w.write, "write work of fan-out on write (budget " .. WRITE_BUDGET .. ")"):to_be_greater_than(WRITE_BUDGET)
  end, { timeout = 120, instructions = 1e9 })

  it("pure fan-out on read blows the read budget: p99 read cost over " .. READ_BUDGET, function()
    local graph, events = workload(42)
    local r = replay(solution(), graph, events, on_read, false)
    expect(r.p99, "p99 store calls per feed read of fan-out on read"):to_be_greater_than(READ_BUDGET)
  end, { timeout = 120, instructions = 1e9 })

  it("hybrid keeps both budgets: writes <= " .. WRITE_BUDGET .. ", p99 read cost <= " .. READ_BUDGET, function()
    local Feed = solution()
    local graph, events = workload(42)
    local h = replay(Feed, graph, events, Feed.hybrid(100), false)
    score("write work", h.write, { unit = "calls", better = "lower", target = WRITE_BUDGET })
    score("p99 read cost", h.p99, { unit = "calls", better = "lower", target = READ_BUDGET })
    expect(h.write, "write work of the hybrid"):to_be_less_than(WRITE_BUDGET + 1)
    expect(h.p99, "p99 store calls per feed read of the hybrid"):to_be_less_than(READ_BUDGET + 1)
  end, { timeout = 120, instructions = 1e9 })

  it("hybrid does less total work than both pure strategies", function()
    local Feed = solution()
    local graph, events = workload(42)
    local w = replay(Feed, graph, events, on_write, false)
    local r = replay(Feed, graph, events, on_read, false)
    local h = replay(Feed, graph, events, Feed.hybrid(100), false)
    score("total work", h.total, { unit = "calls", better = "lower", baseline = math.min(w.total, r.total) })
    expect(h.total, ("hybrid's total work (on write %d, on read %d)"):format(w.total, r.total))
      :to_be_less_than(math.min(w.total, r.total))
  end, { timeout = 120, instructions = 1e9 })

  it("Feed.hybrid rejects a threshold that is not a positive integer, naming it", function()
    local Feed = solution()
    for _, t in ipairs { 0, -5, 2.5, "100" } do
      expect(function() Feed.hybrid(t) end, "Feed.hybrid(" .. tostring(t) .. ")"):to_fail("threshold")
    end
  end)
end)
