/* wal.h - a write-ahead log on disk: CRC-checked records, group commit, fsync policies,
 * torn-tail recovery, checkpoints and replay. Not thread-safe; one owner per log. */
#ifndef DESIGNKIT_WAL_H
#define DESIGNKIT_WAL_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32C (Castagnoli, reflected 0x82F63B78; "123456789" -> 0xE3069283), the log's checksum,
 * and CRC-32 (IEEE 802.3, reflected 0xEDB88320; "123456789" -> 0xCBF43926). `crc` is the value
 * so far (0 to start), so a checksum can be computed in pieces. Table-driven, thread-safe. */
uint32_t dk_crc32c(uint32_t crc, const void *data, size_t len);
uint32_t dk_crc32(uint32_t crc, const void *data, size_t len);

/* When the log calls fsync(2): after every commit (nothing acknowledged is lost, even on power
 * loss), at most every `interval_ns` (a commit that finds the last fsync older than that makes
 * one), or never (the operating system writes back when it likes). */
typedef enum dk_wal_fsync {
    DK_WAL_FSYNC_ALWAYS,
    DK_WAL_FSYNC_INTERVAL,
    DK_WAL_FSYNC_NEVER
} dk_wal_fsync;

typedef struct dk_wal_options {
    dk_wal_fsync fsync;
    int64_t interval_ns; /* DK_WAL_FSYNC_INTERVAL only; > 0 */
    unsigned group;      /* records gathered per commit (group commit); 0 and 1 mean each */
} dk_wal_options;

/* Reads a policy as a user writes it: "always", "never" or a duration ("100ms": INTERVAL).
 * DK_EINVAL with `err` naming the text otherwise:
 *   unknown fsync policy "sometimes" (always, never or a duration such as "100ms") */
dk_status dk_wal_parse_fsync(const char *text, dk_wal_options *opts, dk_error *err);

/* What open found and what the log has done since. Sequence numbers start at 1. */
typedef struct dk_wal_stats {
    uint64_t first_seq;       /* the oldest record still in the log (after checkpoints) */
    uint64_t next_seq;        /* the number the next append gets */
    uint64_t written_seq;     /* the last record handed to write(2) (0: none) */
    uint64_t durable_seq;     /* the last record fsync(2) has covered (0: none) */
    uint64_t records;         /* records in the log now */
    uint64_t bytes;           /* the file's size */
    uint64_t writes, fsyncs;  /* system calls made since open */
    uint64_t truncated_bytes; /* torn tail cut off by open's recovery */
} dk_wal_stats;

typedef struct dk_wal dk_wal_t;

/* The largest record payload; a length beyond it in a file is corruption. */
#define DK_WAL_MAX_RECORD (16u << 20)

/*
 * dk_wal_open - opens (creating when missing) the log `dir`/wal.log, `dir` made if missing.
 * Recovery runs first: the header is checked, every record's length and CRC-32C are checked,
 * and a torn tail (a record cut short, a zero-filled or garbage end, a last record whose CRC
 * fails) is truncated and fsynced away. A record whose CRC fails but which valid records
 * follow is corruption in the middle, not a crash: open refuses (DK_EPARSE) rather than drop
 * acknowledged records after it. Returns what the caller closes with dk_wal_close, or NULL:
 *   wal "d/wal.log": bad header (not a designkit WAL)                        -> DK_EPARSE
 *   wal "d/wal.log": record 7 at byte 312: checksum mismatch, 5 valid records follow -> DK_EPARSE
 *   cannot open wal "d/wal.log": Permission denied                           -> DK_EIO
 * and DK_EINVAL for bad options, DK_ENOMEM.
 */
dk_wal_t *dk_wal_open(const char *dir, const dk_wal_options *opts, dk_error *err);

/* Closes: commits what is gathered, fsyncs unless the policy is "never", frees. NULL is a
 * no-op. Returns the first failure. */
dk_status dk_wal_close(dk_wal_t *w, dk_error *err);

/* Adds a record (copied) and gives its sequence number in *seq (may be NULL). With group > 1
 * the record waits in memory until `group` are gathered or dk_wal_commit runs; otherwise it
 * is committed at once. A record is acknowledged when dk_wal_stats says it is written (or
 * durable, under "always"). DK_EINVAL for a record over DK_WAL_MAX_RECORD, DK_EIO. */
dk_status dk_wal_append(dk_wal_t *w, const void *data, size_t len, uint64_t *seq, dk_error *err);

/* Writes the gathered records with one write(2), then fsyncs as the policy says. */
dk_status dk_wal_commit(dk_wal_t *w, dk_error *err);

/* Commits and fsyncs whatever the policy: everything appended is durable on return. */
dk_status dk_wal_sync(dk_wal_t *w, dk_error *err);

/* Drops the records up to and including `upto` (their effects are saved elsewhere): the rest
 * is copied to a new file, fsynced and renamed over the log, so a crash leaves the old log or
 * the new one. DK_ERANGE when `upto` is past the last record appended. */
dk_status dk_wal_checkpoint(dk_wal_t *w, uint64_t upto, dk_error *err);

/* Calls fn(seq, data, len, ud) for every committed record still in the log, oldest first
 * (gathered records are committed first). A non-zero return from fn stops the replay and is
 * returned as DK_EINTR. `data` is borrowed for the call. */
typedef int (*dk_wal_replay_fn)(uint64_t seq, const void *data, size_t len, void *ud);
dk_status dk_wal_replay(dk_wal_t *w, dk_wal_replay_fn fn, void *ud, dk_error *err);

void dk_wal_stats_get(const dk_wal_t *w, dk_wal_stats *out);

#ifdef __cplusplus
}
#endif
#endif
