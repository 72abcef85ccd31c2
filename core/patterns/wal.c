/* wal.c - dk_wal_t: appending, group commit, fsync policies, checkpoints and replay. */
#include "designkit/locale.h"
#include "patterns/wal_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "designkit/alloc.h"
#include "designkit/units.h"

struct dk_wal {
    int fd;
    char *dir, *path, *tmp_path;
    dk_wal_options opts;
    unsigned char *buf; /* the records gathered for the next commit, already encoded */
    size_t buf_len, buf_cap;
    unsigned gathered;
    uint64_t first_seq, next_seq, written_seq, durable_seq;
    uint64_t records, bytes, writes, fsyncs, truncated;
    int64_t last_sync_ns;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static dk_status io_error(dk_error *err, const char *what, const char *path)
{
    return dk_error_set(err, DK_EIO, "cannot %s wal \"%s\": %s", what, path, strerror(errno));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads the whole file behind `fd` (its `size` bytes) into a new buffer the caller frees. */
static unsigned char *read_all(int fd, size_t size)
{
    unsigned char *data = dk_malloc(size ? size : 1);
    size_t got = 0;
    while (data && got < size) {
        ssize_t k = pread(fd, data + got, size - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            dk_free(data);
            return NULL;
        }
        got += (size_t)k;
    }
    return data;
}

/* The folder's entry must reach the disk too, or a new or renamed log can vanish on power
 * loss even though its bytes were fsynced. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = dk_malloc(n);
    if (s)
        dk_snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* Writes a log holding `body` after a header for `first_seq` to the temporary name, fsyncs
 * it and renames it over the log: the log is then the old one or this one, whatever happens. */
static dk_status replace_log(dk_wal_t *w, uint64_t first_seq, const unsigned char *body, size_t len,
                             dk_error *err)
{
    unsigned char head[DK__WAL_HEADER];
    dk__wal_header(head, first_seq);
    int fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return io_error(err, "create", w->tmp_path);
    if (write_all(fd, head, sizeof head) != 0 || write_all(fd, body, len) != 0 || fsync(fd) != 0) {
        dk_status st = io_error(err, "write", w->tmp_path);
        close(fd);
        unlink(w->tmp_path);
        return st;
    }
    close(fd);
    if (rename(w->tmp_path, w->path) != 0) {
        dk_status st = io_error(err, "rename", w->tmp_path);
        unlink(w->tmp_path);
        return st;
    }
    if (sync_dir(w->dir) != 0)
        return io_error(err, "sync the folder of", w->path);
    return DK_OK;
}

dk_status dk_wal_parse_fsync(const char *text, dk_wal_options *opts, dk_error *err)
{
    if (text && strcmp(text, "always") == 0) {
        opts->fsync = DK_WAL_FSYNC_ALWAYS;
        return DK_OK;
    }
    if (text && strcmp(text, "never") == 0) {
        opts->fsync = DK_WAL_FSYNC_NEVER;
        return DK_OK;
    }
    int64_t ns;
    if (text && dk_parse_duration(text, &ns, NULL) == DK_OK && ns > 0) {
        opts->fsync = DK_WAL_FSYNC_INTERVAL;
        opts->interval_ns = ns;
        return DK_OK;
    }
    return dk_error_set(err, DK_EINVAL,
                        "unknown fsync policy \"%s\" (always, never or a duration such as "
                        "\"100ms\")",
                        text ? text : "(null)");
}

/* Opens the log file, creating it with an empty header when missing, and recovers it. */
static dk_status open_and_recover(dk_wal_t *w, dk_error *err)
{
    if (mkdir(w->dir, 0755) != 0 && errno != EEXIST)
        return io_error(err, "create the folder of", w->path);
    unlink(w->tmp_path); /* a checkpoint the last process did not finish: the log is intact */
    w->fd = open(w->path, O_RDWR | O_APPEND);
    if (w->fd < 0 && errno == ENOENT) {
        dk_status st = replace_log(w, 1, NULL, 0, err);
        if (st != DK_OK)
            return st;
        w->fd = open(w->path, O_RDWR | O_APPEND);
    }
    if (w->fd < 0)
        return io_error(err, "open", w->path);
    struct stat sb;
    if (fstat(w->fd, &sb) != 0)
        return io_error(err, "read", w->path);
    size_t size = (size_t)sb.st_size;
    unsigned char *data = read_all(w->fd, size);
    if (data == NULL)
        return errno == 0 || errno == ENOMEM ? dk_error_set(err, DK_ENOMEM, "out of memory")
                                             : io_error(err, "read", w->path);
    dk__wal_scan scan;
    dk_status st = dk__wal_scan_file(data, size, w->path, &scan, err);
    dk_free(data);
    if (st != DK_OK)
        return st;
    if (scan.valid_end < size) {
        if (ftruncate(w->fd, (off_t)scan.valid_end) != 0 || fsync(w->fd) != 0)
            return io_error(err, "truncate the torn tail of", w->path);
        w->truncated = size - scan.valid_end;
    }
    w->first_seq = scan.first_seq;
    w->records = scan.records;
    w->next_seq = scan.first_seq + scan.records;
    w->written_seq = w->durable_seq = w->next_seq - 1; /* recovery fsynced what it kept */
    w->bytes = scan.valid_end;
    w->last_sync_ns = now_ns();
    return DK_OK;
}

dk_wal_t *dk_wal_open(const char *dir, const dk_wal_options *opts, dk_error *err)
{
    dk_wal_options o = opts ? *opts : (dk_wal_options){.fsync = DK_WAL_FSYNC_ALWAYS};
    if (dir == NULL || dir[0] == '\0') {
        dk_error_set(err, DK_EINVAL, "wal: dir must be a folder name");
        return NULL;
    }
    if (o.fsync > DK_WAL_FSYNC_NEVER || (o.fsync == DK_WAL_FSYNC_INTERVAL && o.interval_ns <= 0)) {
        dk_error_set(err, DK_EINVAL, "wal \"%s\": fsync interval must be positive", dir);
        return NULL;
    }
    dk_wal_t *w = dk_calloc(1, sizeof *w);
    if (w == NULL) {
        dk_error_set(err, DK_ENOMEM, "out of memory");
        return NULL;
    }
    w->fd = -1;
    w->opts = o;
    size_t n = strlen(dir) + 1;
    w->dir = dk_malloc(n);
    if (w->dir)
        memcpy(w->dir, dir, n);
    w->path = w->dir ? join(dir, "wal.log") : NULL;
    w->tmp_path = w->dir ? join(dir, "wal.log.tmp") : NULL;
    if (w->tmp_path == NULL) {
        dk_error_set(err, DK_ENOMEM, "out of memory");
        dk_wal_close(w, NULL);
        return NULL;
    }
    if (open_and_recover(w, err) != DK_OK) {
        if (w->fd >= 0)
            close(w->fd);
        w->fd = -1;
        dk_wal_close(w, NULL);
        return NULL;
    }
    return w;
}

static dk_status do_fsync(dk_wal_t *w, dk_error *err)
{
    if (fdatasync(w->fd) != 0)
        return io_error(err, "fsync", w->path);
    w->fsyncs++;
    w->durable_seq = w->written_seq;
    w->last_sync_ns = now_ns();
    return DK_OK;
}

dk_status dk_wal_commit(dk_wal_t *w, dk_error *err)
{
    if (w->buf_len > 0) {
        if (write_all(w->fd, w->buf, w->buf_len) != 0) {
            dk_status st = io_error(err, "write", w->path);
            /* Cut any part written so the file still ends on a whole record; should that fail
             * too, the next open's recovery cuts it as a torn tail. */
            if (ftruncate(w->fd, (off_t)w->bytes) != 0)
                errno = 0;
            return st;
        }
        w->writes++;
        w->bytes += w->buf_len;
        w->records += w->gathered;
        w->written_seq = w->next_seq - 1;
        w->buf_len = 0;
        w->gathered = 0;
    }
    if (w->durable_seq == w->written_seq)
        return DK_OK;
    if (w->opts.fsync == DK_WAL_FSYNC_ALWAYS || (w->opts.fsync == DK_WAL_FSYNC_INTERVAL &&
                                                 now_ns() - w->last_sync_ns >= w->opts.interval_ns))
        return do_fsync(w, err);
    return DK_OK;
}

dk_status dk_wal_append(dk_wal_t *w, const void *data, size_t len, uint64_t *seq, dk_error *err)
{
    if (len > DK_WAL_MAX_RECORD)
        return dk_error_set(err, DK_EINVAL, "wal \"%s\": record of %zu bytes is over the %u limit",
                            w->path, len, DK_WAL_MAX_RECORD);
    size_t need = w->buf_len + DK__WAL_RECORD_HEADER + len;
    if (need > w->buf_cap) {
        size_t cap = w->buf_cap ? w->buf_cap : 4096;
        while (cap < need)
            cap *= 2;
        unsigned char *nb = dk_realloc(w->buf, cap);
        if (nb == NULL)
            return dk_error_set(err, DK_ENOMEM, "out of memory");
        w->buf = nb;
        w->buf_cap = cap;
    }
    unsigned char *p = w->buf + w->buf_len;
    dk__wal_put32(p, (uint32_t)len);
    dk__wal_put64(p + 8, w->next_seq);
    if (len)
        memcpy(p + DK__WAL_RECORD_HEADER, data, len);
    dk__wal_put32(p + 4, dk__wal_record_crc(p + 8, p + DK__WAL_RECORD_HEADER, len));
    w->buf_len = need;
    w->gathered++;
    if (seq)
        *seq = w->next_seq;
    w->next_seq++;
    if (w->gathered >= w->opts.group)
        return dk_wal_commit(w, err);
    return DK_OK;
}

dk_status dk_wal_sync(dk_wal_t *w, dk_error *err)
{
    dk_status st = dk_wal_commit(w, err);
    if (st == DK_OK && w->durable_seq != w->written_seq)
        st = do_fsync(w, err);
    return st;
}

/* Byte offset of record `seq` (first_seq <= seq <= the last written + 1) in `data`. */
static size_t offset_of(const unsigned char *data, const dk_wal_t *w, uint64_t seq)
{
    size_t off = DK__WAL_HEADER;
    for (uint64_t s = w->first_seq; s < seq; s++)
        off += DK__WAL_RECORD_HEADER + dk__wal_get32(data + off);
    return off;
}

dk_status dk_wal_checkpoint(dk_wal_t *w, uint64_t upto, dk_error *err)
{
    dk_status st = dk_wal_commit(w, err);
    if (st != DK_OK)
        return st;
    if (upto >= w->next_seq)
        return dk_error_set(err, DK_ERANGE,
                            "wal \"%s\": checkpoint at record %llu, past the last (%llu)", w->path,
                            (unsigned long long)upto, (unsigned long long)(w->next_seq - 1));
    if (upto < w->first_seq)
        return DK_OK; /* already dropped */
    unsigned char *data = read_all(w->fd, (size_t)w->bytes);
    if (data == NULL)
        return io_error(err, "read", w->path);
    size_t off = offset_of(data, w, upto + 1);
    st = replace_log(w, upto + 1, data + off, (size_t)w->bytes - off, err);
    dk_free(data);
    if (st != DK_OK)
        return st;
    int fd = open(w->path, O_RDWR | O_APPEND);
    if (fd < 0)
        return io_error(err, "reopen", w->path);
    close(w->fd);
    w->fd = fd;
    w->bytes = DK__WAL_HEADER + (w->bytes - off);
    w->records -= upto + 1 - w->first_seq;
    w->first_seq = upto + 1;
    w->durable_seq = w->written_seq; /* the new file was fsynced whole */
    return DK_OK;
}

dk_status dk_wal_replay(dk_wal_t *w, dk_wal_replay_fn fn, void *ud, dk_error *err)
{
    dk_status st = dk_wal_commit(w, err);
    if (st != DK_OK)
        return st;
    unsigned char *data = read_all(w->fd, (size_t)w->bytes);
    if (data == NULL)
        return io_error(err, "read", w->path);
    size_t off = DK__WAL_HEADER;
    for (uint64_t s = w->first_seq; s <= w->written_seq; s++) {
        uint32_t len = dk__wal_get32(data + off);
        if (fn(s, data + off + DK__WAL_RECORD_HEADER, len, ud) != 0) {
            st = dk_error_set(err, DK_EINTR, "wal \"%s\": replay stopped at record %llu", w->path,
                              (unsigned long long)s);
            break;
        }
        off += DK__WAL_RECORD_HEADER + len;
    }
    dk_free(data);
    return st;
}

void dk_wal_stats_get(const dk_wal_t *w, dk_wal_stats *out)
{
    *out = (dk_wal_stats){.first_seq = w->first_seq,
                          .next_seq = w->next_seq,
                          .written_seq = w->written_seq,
                          .durable_seq = w->durable_seq,
                          .records = w->records,
                          .bytes = w->bytes,
                          .writes = w->writes,
                          .fsyncs = w->fsyncs,
                          .truncated_bytes = w->truncated};
}

dk_status dk_wal_close(dk_wal_t *w, dk_error *err)
{
    if (w == NULL)
        return DK_OK;
    dk_status st = DK_OK;
    if (w->fd >= 0) {
        st = dk_wal_commit(w, err);
        if (st == DK_OK && w->opts.fsync != DK_WAL_FSYNC_NEVER && w->durable_seq != w->written_seq)
            st = do_fsync(w, err);
        close(w->fd);
    }
    dk_free(w->buf);
    dk_free(w->dir);
    dk_free(w->path);
    dk_free(w->tmp_path);
    dk_free(w);
    return st;
}
