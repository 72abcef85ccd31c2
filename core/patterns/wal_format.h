/* wal_format.h - the bytes of a WAL file, shared by the log (wal.c) and its recovery scan
 * (wal_recover.c). Little-endian whatever the host, so a log moves between machines.
 *
 *   header  (24 bytes): magic "DKWAL01\n" | first_seq u64 | crc32c(first 16 bytes) u32 | 0 u32
 *   record  (16 + len): len u32 | crc32c(seq, payload) u32 | seq u64 | payload
 *
 * Records carry consecutive sequence numbers from the header's first_seq; the CRC covers the
 * sequence number too, so a stale record from an older log cannot pass for a current one. */
#ifndef DK_PATTERNS_WAL_FORMAT_H
#define DK_PATTERNS_WAL_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/wal.h"

#define DK__WAL_MAGIC "DKWAL01\n"
#define DK__WAL_HEADER 24u
#define DK__WAL_RECORD_HEADER 16u

static inline void dk__wal_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void dk__wal_put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t dk__wal_get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint64_t dk__wal_get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* The checksum of a record: its sequence number then its payload. */
static inline uint32_t dk__wal_record_crc(const unsigned char *seq8, const void *payload,
                                          size_t len)
{
    return dk_crc32c(dk_crc32c(0, seq8, 8), payload, len);
}

/* What a scan of a file found. */
typedef struct dk__wal_scan {
    uint64_t first_seq; /* from the header */
    uint64_t records;   /* valid records from the start */
    size_t valid_end;   /* the byte after the last valid record: the torn tail starts here */
} dk__wal_scan;

/* Checks `data` (a whole file, `size` bytes): the header, then each record in turn. A bad
 * record that no valid later record follows ends the scan (a torn tail: `valid_end`); one
 * that a valid later record follows is corruption mid-log: DK_EPARSE, `err` naming `path`,
 * the record and its byte offset. A bad header is DK_EPARSE too. */
dk_status dk__wal_scan_file(const unsigned char *data, size_t size, const char *path,
                            dk__wal_scan *out, dk_error *err);

/* Writes a 24-byte header for `first_seq` into `out`. */
void dk__wal_header(unsigned char *out, uint64_t first_seq);

#endif
