/* areas: base patterns */
/* test_wal.c - the write-ahead log: CRC check values, append/replay, group commit and fsync
 * counts, checkpoints, and recovery from a torn tail, a zero-filled tail and damage mid-log. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "designkit/wal.h"

/* A fresh folder for one test: under the build directory (the test's working directory). */
static void fresh_dir(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "wal-test-%s-%ld", name, (long)getpid());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    ck_assert_int_eq(system(cmd), 0);
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static dk_wal_t *must_open(const char *dir, dk_wal_fsync policy, unsigned group)
{
    dk_wal_options o = {.fsync = policy, .interval_ns = 1000000, .group = group};
    dk_error err = {0};
    dk_wal_t *w = dk_wal_open(dir, &o, &err);
    ck_assert_msg(w != NULL, "open %s: %s", dir, err.message);
    return w;
}

/* The payload of record `seq`: its number in text, repeated to a length that varies. */
static size_t payload(uint64_t seq, char *buf)
{
    size_t len = 1 + (size_t)(seq * 7 % 50);
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('a' + (seq + i) % 26);
    return len;
}

static void append_n(dk_wal_t *w, uint64_t from, uint64_t n)
{
    char buf[64];
    for (uint64_t s = from; s < from + n; s++) {
        uint64_t got;
        dk_error err;
        ck_assert_int_eq(dk_wal_append(w, buf, payload(s, buf), &got, &err), DK_OK);
        ck_assert_uint_eq(got, s);
    }
}

typedef struct seen {
    uint64_t first, last, count;
    int bad;
} seen;

static int check_record(uint64_t seq, const void *data, size_t len, void *ud)
{
    seen *s = ud;
    char want[64];
    size_t n = payload(seq, want);
    if (len != n || memcmp(data, want, n) != 0 || (s->count && seq != s->last + 1))
        s->bad++;
    if (s->count == 0)
        s->first = seq;
    s->last = seq;
    s->count++;
    return 0;
}

static seen replay(dk_wal_t *w)
{
    seen s = {0};
    dk_error err;
    ck_assert_int_eq(dk_wal_replay(w, check_record, &s, &err), DK_OK);
    ck_assert_int_eq(s.bad, 0);
    return s;
}

/* ---- CRC: published check values and a bit-by-bit reference ---- */

static uint32_t bitwise_crc(uint32_t poly, const char *s, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)s[i];
        for (int b = 0; b < 8; b++)
            c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    }
    return ~c;
}

START_TEST(crc_check_values)
{
    ck_assert_uint_eq(dk_crc32c(0, "123456789", 9), 0xE3069283u);
    ck_assert_uint_eq(dk_crc32(0, "123456789", 9), 0xCBF43926u);
    ck_assert_uint_eq(dk_crc32c(0, "", 0), 0);
    /* In pieces as in one go. */
    ck_assert_uint_eq(dk_crc32c(dk_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    /* RFC 3720 B.4: 32 bytes of zeros -> 0x8A9136AA, of 0xFF -> 0x62A8AB43. */
    char z[32], f[32];
    memset(z, 0, sizeof z);
    memset(f, 0xFF, sizeof f);
    ck_assert_uint_eq(dk_crc32c(0, z, 32), 0x8A9136AAu);
    ck_assert_uint_eq(dk_crc32c(0, f, 32), 0x62A8AB43u);
    char buf[300];
    for (int i = 0; i < 300; i++)
        buf[i] = (char)(i * 31 + 7);
    for (size_t n = 0; n <= sizeof buf; n += 13) {
        ck_assert_uint_eq(dk_crc32c(0, buf, n), bitwise_crc(0x82F63B78u, buf, n));
        ck_assert_uint_eq(dk_crc32(0, buf, n), bitwise_crc(0xEDB88320u, buf, n));
    }
}
END_TEST

/* ---- appending, replay, group commit, policies ---- */

START_TEST(append_replay_reopen)
{
    char dir[256];
    fresh_dir(dir, sizeof dir, "basic");
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    append_n(w, 1, 100);
    seen s = replay(w);
    ck_assert_uint_eq(s.first, 1);
    ck_assert_uint_eq(s.last, 100);
    ck_assert_int_eq(dk_wal_close(w, NULL), DK_OK);

    w = must_open(dir, DK_WAL_FSYNC_NEVER, 1);
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.next_seq, 101);
    ck_assert_uint_eq(st.records, 100);
    ck_assert_uint_eq(st.truncated_bytes, 0);
    append_n(w, 101, 5);
    s = replay(w);
    ck_assert_uint_eq(s.count, 105);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

START_TEST(group_commit_and_fsync_counts)
{
    char dir[256];
    fresh_dir(dir, sizeof dir, "group");
    /* always, one by one: a write and an fsync per record. */
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    append_n(w, 1, 40);
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.writes, 40);
    ck_assert_uint_eq(st.fsyncs, 40);
    ck_assert_uint_eq(st.durable_seq, 40);
    dk_wal_close(w, NULL);
    remove_dir(dir);

    /* always, groups of 8: 40 records, 5 writes, 5 fsyncs; a partial group waits in memory. */
    w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 8);
    append_n(w, 1, 43);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.writes, 5);
    ck_assert_uint_eq(st.fsyncs, 5);
    ck_assert_uint_eq(st.written_seq, 40);
    ck_assert_uint_eq(st.durable_seq, 40);
    ck_assert_int_eq(dk_wal_commit(w, NULL), DK_OK);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.durable_seq, 43);
    dk_wal_close(w, NULL);
    remove_dir(dir);

    /* never: writes but no fsync until an explicit sync. */
    w = must_open(dir, DK_WAL_FSYNC_NEVER, 1);
    append_n(w, 1, 10);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.fsyncs, 0);
    ck_assert_uint_eq(st.written_seq, 10);
    ck_assert_uint_eq(st.durable_seq, 0);
    ck_assert_int_eq(dk_wal_sync(w, NULL), DK_OK);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.fsyncs, 1);
    ck_assert_uint_eq(st.durable_seq, 10);
    dk_wal_close(w, NULL);
    remove_dir(dir);

    /* every 50ms: a burst of appends in far less than 50ms takes no fsync; after a pause one
     * commit takes it. */
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_INTERVAL, .interval_ns = 50000000, .group = 1};
    w = dk_wal_open(dir, &o, NULL);
    ck_assert_ptr_nonnull(w);
    append_n(w, 1, 5);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.fsyncs, 0);
    struct timespec pause = {0, 60000000};
    nanosleep(&pause, NULL);
    append_n(w, 6, 1);
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.fsyncs, 1);
    ck_assert_uint_eq(st.durable_seq, 6);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

START_TEST(checkpoint_drops_what_it_covers)
{
    char dir[256];
    fresh_dir(dir, sizeof dir, "ckpt");
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 4);
    append_n(w, 1, 30); /* 28 committed, 2 gathered: checkpoint commits them first */
    dk_error err;
    ck_assert_int_eq(dk_wal_checkpoint(w, 20, &err), DK_OK);
    seen s = replay(w);
    ck_assert_uint_eq(s.first, 21);
    ck_assert_uint_eq(s.last, 30);
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.records, 10);
    append_n(w, 31, 3);
    ck_assert_int_eq(dk_wal_checkpoint(w, 99, &err), DK_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "past the last (33)"));
    ck_assert_int_eq(dk_wal_checkpoint(w, 5, &err), DK_OK); /* already covered: nothing */
    dk_wal_close(w, NULL);

    w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    s = replay(w);
    ck_assert_uint_eq(s.first, 21);
    ck_assert_uint_eq(s.last, 33);
    ck_assert_int_eq(dk_wal_checkpoint(w, 33, &err), DK_OK); /* everything: an empty log */
    append_n(w, 34, 1);
    dk_wal_close(w, NULL);
    w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    s = replay(w);
    ck_assert_uint_eq(s.first, 34);
    ck_assert_uint_eq(s.count, 1);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

/* ---- damage ---- */

static void log_path(char *buf, size_t size, const char *dir)
{
    snprintf(buf, size, "%s/wal.log", dir);
}

static long file_size(const char *path)
{
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    return (long)sb.st_size;
}

/* Makes a log of `n` records and closes it; returns its size. */
static long make_log(const char *dir, uint64_t n)
{
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_NEVER, 1);
    append_n(w, 1, n);
    dk_wal_close(w, NULL);
    char path[300];
    log_path(path, sizeof path, dir);
    return file_size(path);
}

static void poke(const char *dir, long at, const void *bytes, size_t n)
{
    char path[300];
    log_path(path, sizeof path, dir);
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, bytes, n, at), (ssize_t)n);
    close(fd);
}

static void cut(const char *dir, long size)
{
    char path[300];
    log_path(path, sizeof path, dir);
    ck_assert_int_eq(truncate(path, size), 0);
}

/* Record sizes are known: 16 bytes of header + payload(seq). Offset of record `seq`. */
static long offset_of(uint64_t seq)
{
    long off = 24;
    char buf[64];
    for (uint64_t s = 1; s < seq; s++)
        off += 16 + (long)payload(s, buf);
    return off;
}

START_TEST(torn_tail_truncated)
{
    char dir[256], path[300];
    fresh_dir(dir, sizeof dir, "torn");
    log_path(path, sizeof path, dir);
    long size = make_log(dir, 49);
    ck_assert_int_eq(size, offset_of(50));
    /* Cut in the middle of record 49's payload (44 bytes). */
    cut(dir, offset_of(49) + 20);
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.next_seq, 49);
    ck_assert_uint_eq(st.truncated_bytes, 20);
    ck_assert_int_eq(file_size(path), offset_of(49));
    append_n(w, 49, 1); /* the log goes on where it was cut */
    ck_assert_uint_eq(replay(w).last, 49);
    dk_wal_close(w, NULL);

    /* Cut inside a record header (3 bytes of it). */
    cut(dir, offset_of(49) + 3);
    w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    ck_assert_uint_eq(replay(w).last, 48);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

START_TEST(zero_filled_tail_truncated)
{
    /* A file system that extended the file but had not written the data: zeros. */
    char dir[256], path[300];
    fresh_dir(dir, sizeof dir, "zeros");
    log_path(path, sizeof path, dir);
    long size = make_log(dir, 30);
    char zeros[4096] = {0};
    poke(dir, size, zeros, sizeof zeros);
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    dk_wal_stats st;
    dk_wal_stats_get(w, &st);
    ck_assert_uint_eq(st.next_seq, 31);
    ck_assert_uint_eq(st.truncated_bytes, sizeof zeros);
    ck_assert_int_eq(file_size(path), size);
    dk_wal_close(w, NULL);

    /* The last record's bytes zeroed (allocated, never written): it goes too. */
    poke(dir, offset_of(30), zeros, (size_t)(size - offset_of(30)));
    w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    ck_assert_uint_eq(replay(w).last, 29);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

START_TEST(flipped_byte_mid_log_refused)
{
    char dir[256], path[300];
    fresh_dir(dir, sizeof dir, "flip");
    log_path(path, sizeof path, dir);
    long size = make_log(dir, 40);
    /* A payload byte of record 10. */
    unsigned char b;
    int fd = open(path, O_RDWR);
    ck_assert_int_eq(pread(fd, &b, 1, offset_of(10) + 17), 1);
    b ^= 0x10;
    ck_assert_int_eq(pwrite(fd, &b, 1, offset_of(10) + 17), 1);
    close(fd);
    dk_error err = {0};
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_ALWAYS};
    ck_assert_ptr_null(dk_wal_open(dir, &o, &err));
    ck_assert_int_eq(err.status, DK_EPARSE);
    char want[200];
    snprintf(want, sizeof want, "record 10 at byte %ld: checksum mismatch, 30 valid records follow",
             offset_of(10));
    ck_assert_msg(strstr(err.message, want) != NULL, "message: %s", err.message);
    ck_assert_int_eq(file_size(path), size); /* refused, not truncated */

    /* Undo it, then a length field mid-log past the end of the file. */
    b ^= 0x10;
    poke(dir, offset_of(10) + 17, &b, 1);
    unsigned char big[4] = {0xF0, 0xFF, 0x00, 0x00}; /* 65520 bytes: past the end */
    poke(dir, offset_of(12), big, 4);
    ck_assert_ptr_null(dk_wal_open(dir, &o, &err));
    ck_assert_msg(strstr(err.message, "record 12") && strstr(err.message, "length past the end"),
                  "message: %s", err.message);
    /* Put record 12's length back; the same bad length on the last record is a torn tail. */
    char lenbuf[64];
    unsigned char len12[4] = {(unsigned char)payload(12, lenbuf), 0, 0, 0};
    poke(dir, offset_of(12), len12, 4);
    poke(dir, offset_of(40), big, 4);
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_ALWAYS, 1);
    ck_assert_uint_eq(replay(w).last, 39);
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

START_TEST(bad_header_and_options)
{
    char dir[256];
    fresh_dir(dir, sizeof dir, "header");
    make_log(dir, 3);
    poke(dir, 0, "XX", 2);
    dk_error err = {0};
    ck_assert_ptr_null(dk_wal_open(dir, NULL, &err));
    ck_assert_int_eq(err.status, DK_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "bad header (not a designkit WAL)"));
    poke(dir, 0, "DK", 2);
    poke(dir, 9, "\x7f", 1); /* first_seq changed under its checksum */
    ck_assert_ptr_null(dk_wal_open(dir, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "bad header (checksum mismatch)"));
    cut(dir, 10);
    ck_assert_ptr_null(dk_wal_open(dir, NULL, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "bad header"));
    remove_dir(dir);

    dk_wal_options o = {0};
    ck_assert_int_eq(dk_wal_parse_fsync("always", &o, &err), DK_OK);
    ck_assert_int_eq(o.fsync, DK_WAL_FSYNC_ALWAYS);
    ck_assert_int_eq(dk_wal_parse_fsync("250ms", &o, &err), DK_OK);
    ck_assert_int_eq(o.fsync, DK_WAL_FSYNC_INTERVAL);
    ck_assert_int_eq(o.interval_ns, 250000000);
    ck_assert_int_eq(dk_wal_parse_fsync("never", &o, &err), DK_OK);
    ck_assert_int_eq(dk_wal_parse_fsync("sometimes", &o, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "unknown fsync policy \"sometimes\" (always, never or a duration such as "
                     "\"100ms\")");
    ck_assert_int_eq(dk_wal_parse_fsync("0ms", &o, &err), DK_EINVAL);
    o = (dk_wal_options){.fsync = DK_WAL_FSYNC_INTERVAL, .interval_ns = 0};
    ck_assert_ptr_null(dk_wal_open(dir, &o, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_null(dk_wal_open("", NULL, &err));
    ck_assert_ptr_null(dk_wal_open("/proc/no-such-dir/wal", NULL, &err));
    ck_assert_int_eq(err.status, DK_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "/proc/no-such-dir/wal/wal.log"));
    dk_wal_close(NULL, NULL);
}
END_TEST

START_TEST(oversized_record_refused)
{
    char dir[256];
    fresh_dir(dir, sizeof dir, "big");
    dk_wal_t *w = must_open(dir, DK_WAL_FSYNC_NEVER, 1);
    dk_error err;
    static char one;
    ck_assert_int_eq(dk_wal_append(w, &one, (size_t)DK_WAL_MAX_RECORD + 1, NULL, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "over the"));
    dk_wal_close(w, NULL);
    remove_dir(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("wal");
    TCase *tc = tcase_create("crc");
    tcase_add_test(tc, crc_check_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("log");
    tcase_add_test(tc, append_replay_reopen);
    tcase_add_test(tc, group_commit_and_fsync_counts);
    tcase_add_test(tc, checkpoint_drops_what_it_covers);
    tcase_add_test(tc, oversized_record_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("recovery");
    tcase_add_test(tc, torn_tail_truncated);
    tcase_add_test(tc, zero_filled_tail_truncated);
    tcase_add_test(tc, flipped_byte_mid_log_refused);
    tcase_add_test(tc, bad_header_and_options);
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
