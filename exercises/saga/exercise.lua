return {
  title = "Saga with compensations",
  difficulty = "medium",
  track = "lld",
  summary = "An orchestrator that runs steps and, when one fails, compensates the completed ones in reverse, retrying and logging",
  patterns = { "command" },
  reference = "models/lld/saga.lua",
  tasks = {
    {
      title = "Run the steps",
      hints = {
        "Keep the steps in an array of { name, action, compensation } and a set of names to refuse duplicates.",
        "Run each action with pcall(action, ctx) and append \"run NAME\" before it and \"done NAME\" after it to the log.",
      },
    },
    {
      title = "Compensate in reverse",
      hints = {
        "When the action of step k fails, log \"fail NAME: MESSAGE\" and walk j = k - 1 down to 1.",
        "The failed step is not compensated: its action did not complete. Steps without a compensation are skipped.",
      },
    },
    {
      title = "Retry and record failed compensations",
      hints = {
        "Try each compensation up to 1 + retries times, logging \"undo\" before each attempt and \"undo failed NAME: MESSAGE\" after a failing one.",
        "After the last failed attempt log \"gave up NAME\", remember the saga is \"failed\", and go on with the other compensations.",
        "tostring(err) can itself raise (a __tostring that errors): call it under pcall.",
      },
    },
  },
}
