return {
  title = "News feed: fan-out on write, on read, or both",
  difficulty = "hard",
  track = "hld",
  summary = "Build a feed whose fan-out is a strategy, then a hybrid that keeps celebrities' posts off the write path; scored by counted store work",
  patterns = { "strategy" },
  reference = "models/hld/news_feed_solution.lua",
  tasks = {
    {
      title = "A correct feed",
      hints = {
        "Ask the strategy once per post: self.strategy(author, self.store) is \"write\" or \"read\"; anything else is an error naming the strategy.",
        "On write: push the post id to every follower's inbox. On read: publish it to the author's outbox.",
        "A read merges the reader's inbox with the outboxes of the followed accounts that fan out on read, sorts newest first (ids grow with time) and keeps k.",
      },
    },
    {
      title = "Fan-out on write, fan-out on read",
      hints = {
        "Each store call is one unit of work: ask for each outbox and the inbox once per read, with the same k.",
        "Whatever the strategy, the read path is the same code: the inbox holds what was pushed, the outboxes what was not.",
      },
    },
    {
      title = "Hybrid for celebrities",
      hints = {
        "store:follower_count(account) is free: use it in the strategy, not store:followers.",
        "Feed.hybrid(threshold) returns a function(account, store): \"read\" when the account has threshold followers or more, else \"write\".",
        "A celebrity's post then costs one outbox write instead of ~600 pushes, and a reader pays one outbox call per celebrity it follows.",
      },
    },
  },
}
