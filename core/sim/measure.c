/* measure.c - what a run measures and when: the warm-up, after which every statistic starts
 * again, and the batches of each class's answers behind the batch-means interval. */
#include <string.h>

#include "sim/engine.h"

dk_status dk_sim_set_warmup(dk_sim_t *sim, dk_time_t warmup)
{
    if (sim->ran)
        return DK_ESTATE;
    if (warmup < 0)
        return DK_EINVAL;
    sim->warmup = warmup;
    return DK_OK;
}

dk_time_t dk_sim_warmup(const dk_sim_t *sim)
{
    return sim->warmup;
}

dk_time_t dk_sim_measured_time(const dk_sim_t *sim)
{
    return sim->end_time > sim->stats_from ? sim->end_time - sim->stats_from : 0;
}

int dk_sim_class_batch(const dk_sim_t *sim, uint32_t cls, size_t b, double *sum, uint64_t *count)
{
    int ok = cls < sim->batch_classes && b < DK_SIM_BATCHES;
    const dk__batch *x = ok ? &sim->batches[b * sim->batch_classes + cls] : NULL;
    if (sum != NULL)
        *sum = ok ? x->sum : 0;
    if (count != NULL)
        *count = ok ? x->n : 0;
    return ok;
}

/* The end of batch `b` (the last one never ends). */
static dk_time_t batch_end(const dk_sim_t *sim, size_t b)
{
    return b + 1 < DK_SIM_BATCHES ? sim->stats_from + sim->batch_span * (dk_time_t)(b + 1)
                                  : INT64_MAX;
}

/* The present batch takes what the class histograms gained since it began. */
void dk__sim_close_batch(dk_sim_t *sim)
{
    if (sim->batches == NULL)
        return;
    dk__sim_flush_records(sim);
    dk__batch *row = sim->batches + sim->batch_at * sim->batch_classes;
    for (size_t c = 0; c < sim->batch_classes; c++) {
        const dk_hist_t *h = sim->classes[c].stats.latency;
        dk__batch_mark now = {dk_hist_sum(h), dk_hist_count(h)};
        row[c].sum = (double)(now.sum - sim->marks[c].sum);
        row[c].n = now.n - sim->marks[c].n;
        sim->marks[c] = now;
    }
}

void dk__sim_next_batch(dk_sim_t *sim)
{
    dk__sim_close_batch(sim);
    while (sim->now >= sim->batch_end)
        sim->batch_end = batch_end(sim, ++sim->batch_at);
}

/* The batches cover [from, until] from now on, emptied. */
void dk__sim_start_batches(dk_sim_t *sim, dk_time_t from, dk_time_t until)
{
    sim->stats_from = from;
    sim->batch_span = until > from ? (until - from) / DK_SIM_BATCHES : 0;
    if (sim->batch_span < 1)
        sim->batch_span = 1;
    sim->batch_at = 0;
    sim->batch_end = batch_end(sim, 0);
    if (sim->batches != NULL)
        memset(sim->batches, 0, sim->batch_classes * DK_SIM_BATCHES * sizeof *sim->batches);
    if (sim->marks != NULL) /* the histograms start from nothing here too */
        memset(sim->marks, 0, sim->batch_classes * sizeof *sim->marks);
}

/* The end of the warm-up: every statistic starts again from now, as if the run began here with
 * the calls it holds. An actor's arrivals become the calls it holds (they are answered, or
 * still held, by the end, so arrivals == completed + rejected + failed + held keeps holding),
 * and a class's created calls become its root calls still alive. The integrals start from now;
 * the present counts (busy, queued, waiting) stay, they describe the state, not the past. */
void dk__sim_reset_statistics(dk_sim_t *sim, dk_time_t until)
{
    dk__sim_flush_records(sim); /* pending latencies belong to the warm-up */
    for (size_t i = 0; i < sim->nactors; i++) {
        dk_actor_t *a = sim->actors[i];
        dk_actor_stats *s = &a->stats;
        s->arrivals = a->ops->held != NULL ? a->ops->held(a) : 0;
        s->completed = s->rejected = s->failed = 0;
        s->hits = s->misses = 0;
        s->busy_area = s->queue_area = s->waiting_area = 0;
        s->last_change = s->waiting_change = sim->now;
        dk_hist_reset(s->latency);
        for (size_t l = 0; l < a->nout; l++)
            a->out[l].calls = 0;
        if (a->reset != NULL)
            a->reset(a);
    }
    for (size_t c = 0; c < sim->nclasses; c++) {
        dk_class_stats *cs = &sim->classes[c].stats;
        cs->created = cs->completed = cs->failed = 0;
        dk_hist_reset(cs->latency);
    }
    for (dk__call_chunk *ch = sim->chunks; ch != NULL; ch = ch->next)
        for (size_t i = 0; i < ch->n; i++) {
            const dk__call_slot *slot = &ch->slots[i];
            if (slot->live && slot->root && slot->call.cls < sim->nclasses)
                sim->classes[slot->call.cls].stats.created++;
        }
    dk__sim_start_batches(sim, sim->now, until);
}
