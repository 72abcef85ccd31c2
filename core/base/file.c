/* file.c - whole-file reads and all-or-nothing writes (temporary file, fsync, rename). */
#include "designkit/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "designkit/alloc.h"

/* The mode a freshly created file would get: an existing target keeps its own, a new one gets
 * 0666 minus the umask. mkstemp's 0600 would otherwise make every output private. Reading the
 * umask means setting it, which is not thread-safe; outputs are written from one thread. */
static mode_t final_mode(const char *path)
{
    struct stat st;
    mode_t mask;
    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* The guard (dk_file_set_guard) and the temporary file being written (dk_file_pending). The
 * latter is read from signal handlers, hence volatile; outputs are written from one thread. */
static dk_file_guard_fn guard;
static void *guard_ud;
static const char *volatile pending;

void dk_file_set_guard(dk_file_guard_fn fn, void *ud)
{
    guard = fn;
    guard_ud = ud;
}

const char *dk_file_pending(void)
{
    return pending;
}

static dk_status ask_guard(void)
{
    return guard != NULL ? guard(guard_ud) : DK_OK;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * dk_file_write_atomic - writes through "<path>.tmp.XXXXXX" in the same folder (rename is only
 * atomic within one file system), flushed with fsync before the rename so that a crash cannot
 * leave the new name pointing at an empty file. Any failure unlinks the temporary file and
 * reports `cannot write "PATH": reason` with DK_EIO (DK_ENOMEM if the name cannot be built,
 * DK_EINVAL for NULL arguments, the guard's status when it says stop: see file.h). While the
 * temporary file exists, dk_file_pending names it.
 */
dk_status dk_file_write_atomic(const char *path, const void *data, size_t len, dk_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t plen;
    char *tmp;
    int fd, saved;

    dk_status st;

    if (path == NULL || (data == NULL && len > 0))
        return dk_error_set(err, DK_EINVAL, "cannot write: no %s", path == NULL ? "path" : "data");
    if ((st = ask_guard()) != DK_OK)
        return dk_error_set(err, st, "cannot write \"%s\": %s", path, dk_strerror(st));
    plen = strlen(path);
    tmp = dk_malloc(plen + sizeof suffix);
    if (tmp == NULL)
        return dk_error_set(err, DK_ENOMEM, "cannot write \"%s\": out of memory", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof suffix);

    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        dk_free(tmp);
        return dk_error_set(err, DK_EIO, "cannot write \"%s\": %s", path, strerror(saved));
    }
    pending = tmp;
    if (fchmod(fd, final_mode(path)) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        saved = errno;
        close(fd);
        goto fail;
    }
    if (close(fd) != 0) {
        saved = errno;
        goto fail;
    }
    /* Last word before the new file becomes visible: a command stopped meanwhile keeps none. */
    if ((st = ask_guard()) != DK_OK) {
        unlink(tmp);
        pending = NULL;
        dk_free(tmp);
        return dk_error_set(err, st, "cannot write \"%s\": %s", path, dk_strerror(st));
    }
    if (rename(tmp, path) != 0) {
        saved = errno;
        goto fail;
    }
    pending = NULL; /* only now: a handler unlinking the renamed name finds nothing (ENOENT) */
    dk_free(tmp);
    return DK_OK;

fail:
    unlink(tmp);
    pending = NULL;
    dk_free(tmp);
    return dk_error_set(err, DK_EIO, "cannot write \"%s\": %s", path, strerror(saved));
}

/*
 * dk_file_read - the whole file into *data (NUL-terminated, so text can be used as a string;
 * the caller frees it with dk_free) and its length into *len (may be NULL). Reads until end of
 * file rather than trusting the size, so pipes and /proc files work. DK_EIO with
 * `cannot read "PATH": reason`, DK_ENOMEM, or DK_EINVAL for NULL arguments; *data is NULL on
 * failure.
 */
dk_status dk_file_read(const char *path, char **data, size_t *len, dk_error *err)
{
    FILE *f;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int saved;

    if (data == NULL)
        return dk_error_set(err, DK_EINVAL, "cannot read: no output");
    *data = NULL;
    if (path == NULL)
        return dk_error_set(err, DK_EINVAL, "cannot read: no path");
    f = fopen(path, "rb");
    if (f == NULL) {
        saved = errno;
        return dk_error_set(err, DK_EIO, "cannot read \"%s\": %s", path, strerror(saved));
    }
    for (;;) {
        size_t got;
        if (cap - n < 2) {
            size_t want = cap < 4096 ? 4096 : cap * 2;
            char *p = want > cap ? dk_realloc(buf, want) : NULL;
            if (p == NULL) {
                dk_free(buf);
                fclose(f);
                return dk_error_set(err, DK_ENOMEM, "cannot read \"%s\": out of memory", path);
            }
            buf = p;
            cap = want;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        saved = errno;
        dk_free(buf);
        fclose(f);
        return dk_error_set(err, DK_EIO, "cannot read \"%s\": %s", path, strerror(saved));
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    if (len != NULL)
        *len = n;
    return DK_OK;
}
