return {
  title = "Elevator dispatch strategy",
  difficulty = "hard",
  track = "lld",
  summary = "Write a dispatch strategy for dk.elevator that beats FCFS's mean wait by 25%, safely (scored)",
  patterns = { "strategy" },
  reference = "models/lld/elevator_dispatch.lua",
  tasks = {
    { title = "A strategy that serves its car", hints = {
      "A floor strictly between the car and its next stop is passed without opening: no car call may be there.",
      "The nearest call in the direction of travel is always safe; a call at the car's own floor means: open here.",
      "With calls ahead, carry on; with none ahead, turn round (LOOK); with none at all, nil.",
    } },
    { title = "Safe under load", hints = {
      "dk.elevator checks the invariants before every move: a run that ends without an error kept them.",
      "Never return nil while the car has calls: its passengers would wait for ever.",
    } },
    { title = "Beat FCFS (scored)", hints = {
      "Plain LOOK beats FCFS between floors but not in the up-peak: there, every trip starts at the lobby.",
      "What does an idle car do? Where it waits decides how long the next passenger waits.",
      "Send an idle car home to the lobby (return 0 when it has no calls and is not there).",
    } },
  },
}
