/* mqueue.h - what a topic needs of the message queue actor: its subscriptions (internal). */
#ifndef DK_SIM_MQUEUE_H
#define DK_SIM_MQUEUE_H

#include "designkit/sim.h"

/* Called when a producer's message, kept waiting for room (block), gets in: `front` is the
 * actor that owes `producer` its answer (the topic). */
typedef void (*dk__mq_admit_fn)(dk_actor_t *front, dk_call_t *producer);

typedef enum dk__mq_offer_result {
    DK__MQ_ADMITTED, /* in the queue (or with a consumer already) */
    DK__MQ_REFUSED,  /* full, when_full = reject (or the run was aborted) */
    DK__MQ_WAITING   /* full, when_full = block: admit() will be called */
} dk__mq_offer_result;

/* Adds a subscription: a queue actor of kind "subscription" whose consumers deliver each
 * message as a call from `from` over its link number `link_index` (an index into from's links,
 * which must exist), whose answers come back to `from` and go to dk__mq_delivered. Messages
 * are offered by dk__mq_offer_copy; each counts as an arrival, answered when delivered
 * (completed), refused (rejected), dropped or not delivered (failed). NULL with `err`. */
dk_actor_t *dk__mq_add_subscription(dk_sim_t *sim, const char *name, const dk_queue_config *cfg,
                                    dk_actor_t *from, size_t link_index, dk__mq_admit_fn admit,
                                    dk_error *err);

/* Offers subscription `sub` a copy of `producer` (same class, key, op and birth). */
dk__mq_offer_result dk__mq_offer_copy(dk_actor_t *sub, dk_call_t *producer);

/* The answer to a delivery a consumer of `sub` made has reached `from`: the consumer is done
 * with the message. Releases `delivery`. */
void dk__mq_delivered(dk_actor_t *sub, dk_call_t *delivery);

#endif
