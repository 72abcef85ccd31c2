/* wal_recover.c - reading a WAL file back: header check, record walk, torn tail vs corruption. */
#include "patterns/wal_format.h"

#include <string.h>

void dk__wal_header(unsigned char *out, uint64_t first_seq)
{
    memcpy(out, DK__WAL_MAGIC, 8);
    dk__wal_put64(out + 8, first_seq);
    dk__wal_put32(out + 16, dk_crc32c(0, out, 16));
    dk__wal_put32(out + 20, 0);
}

/* Is there a whole, checksummed record at `off` with sequence number `seq`? Its length in
 * *len when so. */
static int record_ok(const unsigned char *data, size_t size, size_t off, uint64_t seq,
                     uint32_t *len)
{
    if (size - off < DK__WAL_RECORD_HEADER)
        return 0;
    const unsigned char *p = data + off;
    uint32_t n = dk__wal_get32(p);
    if (n > DK_WAL_MAX_RECORD || n > size - off - DK__WAL_RECORD_HEADER)
        return 0;
    if (dk__wal_get64(p + 8) != seq)
        return 0;
    if (dk__wal_record_crc(p + 8, p + DK__WAL_RECORD_HEADER, n) != dk__wal_get32(p + 4))
        return 0;
    *len = n;
    return 1;
}

/* After a bad record where `seq` was expected at `bad`: how many valid records follow it.
 * A crash tears only the end of a file (appends are sequential), so any valid record later
 * on, with a later sequence number, means the bad bytes are damage in the middle. Every byte
 * offset is tried because the bad record's own length cannot be trusted. Cost: one pass over
 * the tail, a CRC only where a plausible sequence number sits. */
static uint64_t valid_records_after(const unsigned char *data, size_t size, size_t bad,
                                    uint64_t seq)
{
    for (size_t p = bad + 1; p + DK__WAL_RECORD_HEADER <= size; p++) {
        uint64_t s = dk__wal_get64(data + p + 8);
        if (s <= seq || s - seq > size / DK__WAL_RECORD_HEADER)
            continue;
        uint32_t len;
        if (!record_ok(data, size, p, s, &len))
            continue;
        uint64_t n = 0;
        while (record_ok(data, size, p, s, &len)) {
            n++;
            s++;
            p += DK__WAL_RECORD_HEADER + len;
        }
        return n;
    }
    return 0;
}

dk_status dk__wal_scan_file(const unsigned char *data, size_t size, const char *path,
                            dk__wal_scan *out, dk_error *err)
{
    if (size < DK__WAL_HEADER || memcmp(data, DK__WAL_MAGIC, 8) != 0)
        return dk_error_set(err, DK_EPARSE, "wal \"%s\": bad header (not a designkit WAL)", path);
    if (dk_crc32c(0, data, 16) != dk__wal_get32(data + 16))
        return dk_error_set(err, DK_EPARSE, "wal \"%s\": bad header (checksum mismatch)", path);
    out->first_seq = dk__wal_get64(data + 8);
    if (out->first_seq == 0)
        return dk_error_set(err, DK_EPARSE, "wal \"%s\": bad header (first record 0)", path);
    out->records = 0;
    size_t off = DK__WAL_HEADER;
    uint64_t seq = out->first_seq;
    uint32_t len;
    while (off < size && record_ok(data, size, off, seq, &len)) {
        off += DK__WAL_RECORD_HEADER + len;
        seq++;
        out->records++;
    }
    out->valid_end = off;
    if (off == size)
        return DK_OK;
    uint64_t after = valid_records_after(data, size, off, seq);
    if (after == 0)
        return DK_OK; /* a torn tail: the caller truncates it */
    const char *why = "checksum mismatch";
    if (size - off >= DK__WAL_RECORD_HEADER) {
        uint32_t n = dk__wal_get32(data + off);
        if (n > DK_WAL_MAX_RECORD || n > size - off - DK__WAL_RECORD_HEADER)
            why = "length past the end";
        else if (dk__wal_get64(data + off + 8) != seq)
            why = "sequence number out of order";
    }
    return dk_error_set(err, DK_EPARSE,
                        "wal \"%s\": record %llu at byte %zu: %s, %llu valid records follow "
                        "(damage in the middle of the log, not a torn tail)",
                        path, (unsigned long long)seq, off, why, (unsigned long long)after);
}
