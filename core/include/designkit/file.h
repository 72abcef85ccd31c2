/* file.h - whole-file reads and all-or-nothing writes. */
#ifndef DESIGNKIT_FILE_H
#define DESIGNKIT_FILE_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes `len` bytes to `path` through a temporary file in the same folder, flushed and renamed
 * into place, so a reader sees the old file or the whole new one, never a part. On failure
 * nothing is left behind and `err` names the path and the system's reason:
 *   cannot write "out/x.svg": No such file or directory                      -> DK_EIO */
dk_status dk_file_write_atomic(const char *path, const void *data, size_t len, dk_error *err);

/* A guard dk_file_write_atomic asks before it starts and again just before it renames the new
 * file into place: DK_OK lets the write go on; any other status (a host's limit or an
 * interrupt: DK_ELIMIT, DK_EINTR) abandons it, unlinks the temporary file and fails with that
 * status and `cannot write "PATH": <dk_strerror>`. Process-wide, as the allocation hooks; NULL
 * removes it. A stopped command must leave no output, finished or not. */
typedef dk_status (*dk_file_guard_fn)(void *ud);
void dk_file_set_guard(dk_file_guard_fn fn, void *ud);

/* The temporary file of the atomic write in progress, or NULL: for a signal handler that must
 * end the process at once, which may unlink(2) it (async-signal-safe) and nothing else. The
 * name may already have been renamed into place, which makes the unlink a harmless ENOENT.
 * Borrowed; valid until the write returns. */
const char *dk_file_pending(void);

/* Reads a whole file. *data (NUL-terminated, caller frees with dk_free) and *len on success;
 * DK_EIO with `err` naming the path and reason otherwise. */
dk_status dk_file_read(const char *path, char **data, size_t *len, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
