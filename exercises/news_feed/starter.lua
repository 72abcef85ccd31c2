-- A news feed with a fan-out strategy: see README.md.
local Feed = {}
Feed.__index = Feed

-- Feed.new(store, strategy): strategy(account, store) answers "write" or "read".
function Feed.new(store, strategy)
  return setmetatable({ store = store, strategy = strategy }, Feed)
end

-- feed:post(author, id): records post `id` (ids grow with time) by `author`.
function Feed:post(author, id)
  error("not implemented: Feed:post", 2)
end

-- feed:read(user, k): the newest k posts of the accounts `user` follows, newest first.
function Feed:read(user, k)
  error("not implemented: Feed:read", 2)
end

-- Feed.hybrid(threshold): a strategy: "read" for accounts with threshold followers or more.
function Feed.hybrid(threshold)
  error("not implemented: Feed.hybrid", 2)
end

return Feed
