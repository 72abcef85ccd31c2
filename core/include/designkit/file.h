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

/* Reads a whole file. *data (NUL-terminated, caller frees with dk_free) and *len on success;
 * DK_EIO with `err` naming the path and reason otherwise. */
dk_status dk_file_read(const char *path, char **data, size_t *len, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
