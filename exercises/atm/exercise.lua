return {
  title = "ATM as a state machine",
  difficulty = "medium",
  track = "lld",
  summary = "An ATM written with the state pattern, checked by designkit's transition-covering paths",
  patterns = { "state" },
  reference = "models/lld/atm.lua",
  tasks = {
    { title = "The happy path", hints = {
      "Keep the current state's name in the ATM; state() returns it.",
      "Make each state an object (a table) whose fields are the events it accepts.",
    } },
    { title = "Refusals and the PIN limit", hints = {
      "Every event method of the ATM does the same: look the event up in the current state; missing means refused.",
      "The refusal names the event and the state: \"withdraw is not allowed in state idle\".",
      "Count PIN tries per card: reset the count when a card is inserted.",
    } },
    { title = "Checked against the state machine", hints = {
      "The tests walk the transition table of the statement with every event in every state: follow it exactly.",
      "A refused event (wrong PIN, insufficient funds) is still a transition in the table when the table lists it.",
    } },
  },
}
