-- rate_limiter: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every function below raises "not implemented": replace each body with your own.

local TokenBucket = {}
TokenBucket.__index = TokenBucket

--- TokenBucket.new{ rate = r, burst = b }: starts with b tokens, refills r tokens a second.
function TokenBucket.new(opts)
  error("not implemented: TokenBucket.new", 2)
end

--- bucket:allow(now [, cost]): true (and cost tokens taken, default 1) or false.
function TokenBucket:allow(now, cost)
  error("not implemented: TokenBucket:allow", 2)
end

local SlidingWindow = {}
SlidingWindow.__index = SlidingWindow

--- SlidingWindow.new{ limit = n, window = w }: about n requests in any w seconds.
function SlidingWindow.new(opts)
  error("not implemented: SlidingWindow.new", 2)
end

--- window:allow(now): true (and counted) or false.
function SlidingWindow:allow(now)
  error("not implemented: SlidingWindow:allow", 2)
end

local KeyedLimiter = {}
KeyedLimiter.__index = KeyedLimiter

--- KeyedLimiter.new(factory, idle): one limiter per key, factory(key) makes it; idle keys expire.
function KeyedLimiter.new(factory, idle)
  error("not implemented: KeyedLimiter.new", 2)
end

--- keyed:allow(key, now [, cost]): the key's limiter's answer.
function KeyedLimiter:allow(key, now, cost)
  error("not implemented: KeyedLimiter:allow", 2)
end

--- keyed:size(): the number of keys held.
function KeyedLimiter:size()
  error("not implemented: KeyedLimiter:size", 2)
end

return { TokenBucket = TokenBucket, SlidingWindow = SlidingWindow, KeyedLimiter = KeyedLimiter }
