/* areas: base patterns */
/* test_wal_kill.c - the kill -9 harness: a child appends and acknowledges through a pipe, the
 * parent kills it with SIGKILL at seeded random moments, recovers the log and checks that no
 * acknowledged record is lost; it also measures what each fsync policy leaves at risk.
 *
 * What SIGKILL measures: the process dies, the kernel does not, so whatever write(2) handed to
 * the page cache survives. The harness therefore proves the log's own part (acknowledge only
 * after the durability point, recover every whole record, cut a torn tail) under every policy;
 * what a power loss would take is what was acknowledged but not yet fsynced at the kill, which
 * the child reports as well and the harness prints as "at risk". */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "designkit/wal.h"

#define KILLS 200

/* What the child writes to the pipe after each acknowledgement. */
typedef struct ack {
    uint64_t acked, durable;
} ack;

/* The payload of record `seq`: checkable without the log (the recovery must give it back). */
static size_t payload(uint64_t seq, unsigned char *buf)
{
    size_t len = 8 + (size_t)(seq % 120);
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)(seq * 131 + i);
    return len;
}

/* The child: append forever, acknowledging each record once the policy says it is safe. */
static void child(const char *dir, const dk_wal_options *o, int fd)
{
    dk_wal_t *w = dk_wal_open(dir, o, NULL);
    if (w == NULL)
        _exit(3);
    unsigned char buf[256];
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    uint64_t last_acked = st.next_seq - 1;
    for (;;) {
        dk_wal_stats_get(w, &st);
        if (dk_wal_append(w, buf, payload(st.next_seq, buf), NULL, NULL) != DK_OK)
            _exit(4);
        /* Checkpoint now and then, so some kills land in the middle of one. */
        if (st.next_seq % 500 == 0 && dk_wal_checkpoint(w, st.next_seq - 100, NULL) != DK_OK)
            _exit(6);
        dk_wal_stats_get(w, &st);
        /* The durability point: fsynced under "always", written under the others. */
        uint64_t safe = o->fsync == DK_WAL_FSYNC_ALWAYS ? st.durable_seq : st.written_seq;
        if (safe != last_acked) {
            ack a = {safe, st.durable_seq};
            if (write(fd, &a, sizeof a) != (ssize_t)sizeof a)
                _exit(5);
            last_acked = safe;
        }
    }
}

typedef struct check_state {
    uint64_t next;
    int bad;
} check_state;

static int check_record(uint64_t seq, const void *data, size_t len, void *ud)
{
    check_state *c = ud;
    unsigned char want[256];
    size_t n = payload(seq, want);
    if (seq != c->next || len != n || memcmp(data, want, n) != 0)
        c->bad++;
    c->next = seq + 1;
    return 0;
}

typedef struct outcome {
    int kills;
    uint64_t lost;          /* acknowledged records missing after recovery */
    uint64_t at_risk_total; /* acknowledged but not fsynced at the kill, summed */
    uint64_t at_risk_max;
    uint64_t torn;    /* recoveries that cut a torn tail */
    uint64_t records; /* records acknowledged in all */
} outcome;

static outcome harness(const char *name, dk_wal_options o, unsigned seed)
{
    char dir[256], cmd[300];
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : ".";
    snprintf(dir, sizeof dir, "%s/dk-wal-kill-%s-%ld", base, name, (long)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    srand(seed);
    outcome out = {0};
    uint64_t acked_so_far = 0;
    for (int k = 0; k < KILLS; k++) {
        int p[2];
        ck_assert_int_eq(pipe(p), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            close(p[0]);
            child(dir, &o, p[1]);
        }
        close(p[1]);
        /* A random moment: 0.2 to 3 ms after the fork, past the child's open most times. */
        struct timespec t = {0, 200000 + (long)(rand() % 2800) * 1000};
        nanosleep(&t, NULL);
        kill(pid, SIGKILL);
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFSIGNALED(status), "child %d ended by itself (status %d)", k, status);
        ack a = {0, 0}, last = {0, 0};
        int got = 0;
        for (;;) {
            ssize_t r = read(p[0], &a, sizeof a);
            if (r < 0 && errno == EINTR)
                continue;
            if (r != (ssize_t)sizeof a) /* a pipe write of 16 bytes is atomic: whole or none */
                break;
            last = a;
            got = 1;
        }
        close(p[0]);
        if (got) {
            ck_assert_uint_ge(last.acked, acked_so_far);
            out.records += last.acked - acked_so_far;
            acked_so_far = last.acked;
            uint64_t risk = last.acked - last.durable;
            out.at_risk_total += risk;
            if (risk > out.at_risk_max)
                out.at_risk_max = risk;
        }

        dk_error err = {0};
        dk_wal_t *w = dk_wal_open(dir, &o, &err);
        ck_assert_msg(w != NULL, "kill %d: recovery failed: %s", k, err.message);
        dk_wal_stats st;
        dk_wal_stats_get(w, &st);
        out.torn += st.truncated_bytes > 0;
        if (st.next_seq - 1 < acked_so_far)
            out.lost += acked_so_far - (st.next_seq - 1);
        check_state c = {st.first_seq, 0};
        ck_assert_int_eq(dk_wal_replay(w, check_record, &c, &err), DK_OK);
        ck_assert_msg(c.bad == 0, "kill %d: %d records came back wrong", k, c.bad);
        /* Records past the last acknowledgement may survive too: they become acknowledged
         * now, as a restarted server would treat them. */
        acked_so_far = st.next_seq - 1;
        /* Keep the log short: a checkpoint of all but the last few. */
        if (st.next_seq > 64)
            ck_assert_int_eq(dk_wal_checkpoint(w, st.next_seq - 33, &err), DK_OK);
        dk_wal_close(w, NULL);
        out.kills++;
    }
    ck_assert_int_eq(system(cmd), 0);
    fprintf(stderr,
            "wal kill harness %-8s: %d kills, %llu records acknowledged, %llu lost, "
            "at risk of power loss per kill: mean %.1f max %llu, torn tails cut %llu\n",
            name, out.kills, (unsigned long long)out.records, (unsigned long long)out.lost,
            (double)out.at_risk_total / out.kills, (unsigned long long)out.at_risk_max,
            (unsigned long long)out.torn);
    return out;
}

START_TEST(always_loses_nothing_acknowledged)
{
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_ALWAYS, .group = 1};
    outcome r = harness("always", o, 20261130);
    ck_assert_int_eq(r.kills, KILLS);
    ck_assert_uint_eq(r.lost, 0);
    ck_assert_uint_eq(r.at_risk_max, 0);
    ck_assert_uint_gt(r.records, 0);
}
END_TEST

START_TEST(group_commit_loses_nothing_acknowledged)
{
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_ALWAYS, .group = 8};
    outcome r = harness("group8", o, 7);
    ck_assert_uint_eq(r.lost, 0);
    ck_assert_uint_eq(r.at_risk_max, 0);
}
END_TEST

/* The weaker policies: SIGKILL loses nothing written (the page cache survives), and the
 * harness measures what a power loss at that moment would have taken. */
START_TEST(interval_and_never_measured)
{
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_INTERVAL, .interval_ns = 1000000, .group = 1};
    outcome r = harness("1ms", o, 11);
    ck_assert_uint_eq(r.lost, 0);
    o = (dk_wal_options){.fsync = DK_WAL_FSYNC_NEVER, .group = 1};
    r = harness("never", o, 13);
    ck_assert_uint_eq(r.lost, 0);
    /* Nothing is ever fsynced under "never" beyond recovery's own fsync of what it kept. */
    ck_assert_uint_gt(r.at_risk_max, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("wal_kill");
    TCase *tc = tcase_create("kill9");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, always_loses_nothing_acknowledged);
    tcase_add_test(tc, group_commit_loses_nothing_acknowledged);
    tcase_add_test(tc, interval_and_never_measured);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
