return {
  title = "Pub/sub with at-least-once delivery",
  difficulty = "medium",
  track = "lld",
  summary = "Topics fan out to subscriptions; acks, redelivery after a visibility timeout, and a dead-letter queue",
  patterns = { "observer" },
  reference = "models/lld/pubsub.lua",
  tasks = {
    {
      title = "Topics and fan-out",
      hints = {
        "A topic keeps the list of its subscriptions; publish notifies each one (the observer pattern).",
        "Each subscription is its own queue of messages in id order: acks in one do not touch another.",
      },
    },
    {
      title = "Acks and redelivery",
      hints = {
        "Give each held message a visible_at time (minus infinity until first delivered) and a delivery count.",
        "poll hands out messages with visible_at <= now, oldest first, and sets visible_at = now + visibility.",
        "ack removes a held message that was delivered at least once, even after its timeout, until it is redelivered or dead-lettered.",
      },
    },
    {
      title = "Dead letters and never losing a message",
      hints = {
        "A message delivered max_deliveries times is dead-lettered at its visible_at, not made visible again.",
        "Apply the timeouts lazily: at the start of every poll, ack, pending and dead_letters, move every such message whose visible_at <= now.",
      },
    },
  },
}
