return {
  title = "Circuit breaker",
  difficulty = "medium",
  track = "lld",
  summary = "Closed, open and half-open as state objects, a failure count window, trial calls, listeners, an injected clock",
  patterns = { "state", "observer" },
  reference = "models/lld/circuit_breaker.lua",
  tasks = {
    {
      title = "Closed and open",
      hints = {
        "Keep the outcomes of the last `window` calls (a ring buffer, or a list you trim) and count the failures in it.",
        "call(fn, ...) is acquire, then pcall(fn, ...), then success() or failure(); return pcall's results with table.pack/table.unpack.",
        "When open, acquire() returns false and call() returns false, \"circuit open\" without running fn.",
      },
    },
    {
      title = "Half-open trials",
      hints = {
        "Remember when the breaker opened; the first acquire() or state() at now >= opened + wait makes it half-open.",
        "In half-open, count the permits granted and the trials that succeeded; a failure reopens it at once.",
        "Make each state an object with acquire/success/failure and let the breaker forward to the current one: the state pattern.",
      },
    },
    {
      title = "Listeners",
      hints = {
        "on_change(fn) appends to a list; one transition function calls every listener with (from, to, now).",
        "Route every state change through that function, including the lazy open -> half_open in state() and acquire().",
      },
    },
  },
}
