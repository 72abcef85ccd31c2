-- The runner's own first exercise: small enough to read in a minute, it shows the format
-- (docs/exercises/authoring.md) and is what tests/cli/exercise_start.sh starts and tests.
return {
  title = "Hello, greeter",
  difficulty = "easy",
  track = "lld",
  summary = "a greeter object: greet by name, then count who was greeted",
  patterns = {},
  reference = "models/lld/hello.lua",
  tasks = {
    {
      title = "Greet by name",
      hints = {
        "Greeter.new() returns a table whose metatable's __index is Greeter.",
        "greet(name) falls back to \"World\" when name is nil.",
      },
    },
    {
      title = "Count the greetings",
      hints = { "Keep a table from name to count in the greeter itself, not in a global." },
    },
  },
}
