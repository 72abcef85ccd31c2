-- Reference solution of the news_feed exercise (docs/exercises/news_feed.md).
-- A feed service whose fan-out is a strategy: for each author, a function decides whether a
-- post is pushed to every follower's inbox when it is written ("write") or pulled from the
-- author's outbox when a follower reads ("read"). A feed read merges the two: the reader's
-- inbox, plus the outboxes of the accounts it follows that fan out on read.
local Feed = {}
Feed.__index = Feed

local MODES = { write = true, read = true }

-- Feed.new(store, strategy): strategy(account, store) -> "write" | "read".
function Feed.new(store, strategy)
  if type(store) ~= "table" then error("Feed.new: store must be the store table (got " .. type(store) .. ")", 2) end
  if type(strategy) ~= "function" then
    error("Feed.new: strategy must be a function(account, store) (got " .. type(strategy) .. ")", 2)
  end
  return setmetatable({ store = store, strategy = strategy }, Feed)
end

-- The fan-out of one account, checked: a strategy is outside code.
function Feed:mode(account)
  local m = self.strategy(account, self.store)
  if not MODES[m] then
    error(("Feed: the strategy answered %s for account %s (want \"write\" or \"read\")")
      :format(tostring(m), tostring(account)), 3)
  end
  return m
end

-- post(author, id): ids grow with time, so every list below stays newest-last.
function Feed:post(author, id)
  if self:mode(author) == "write" then
    for _, follower in ipairs(self.store:followers(author)) do self.store:push(follower, id) end
  else
    self.store:publish(author, id)
  end
end

-- read(user, k): the newest k posts of the accounts `user` follows, newest first.
function Feed:read(user, k)
  if math.type(k) ~= "integer" or k < 1 then
    error("Feed:read: k must be a positive integer (got " .. tostring(k) .. ")", 2)
  end
  local posts = self.store:inbox(user, k)
  for _, account in ipairs(self.store:following(user)) do
    if self:mode(account) == "read" then
      for _, id in ipairs(self.store:outbox(account, k)) do posts[#posts + 1] = id end
    end
  end
  table.sort(posts, function(a, b) return a > b end)
  for i = #posts, k + 1, -1 do posts[i] = nil end
  return posts
end

-- Feed.hybrid(threshold): the strategy for celebrities. An account followed by `threshold`
-- users or more fans out on read (one outbox write per post instead of a push per follower);
-- every other account fans out on write (its followers' reads stay one inbox call).
function Feed.hybrid(threshold)
  if math.type(threshold) ~= "integer" or threshold < 1 then
    error("Feed.hybrid: threshold must be a positive integer (got " .. tostring(threshold) .. ")", 2)
  end
  return function(account, store)
    return store:follower_count(account) >= threshold and "read" or "write"
  end
end

return Feed
