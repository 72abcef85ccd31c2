/* areas: base */
/* test_file.c - atomic writes and whole-file reads. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "designkit/alloc.h"
#include "designkit/file.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/dk_test_file.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Number of entries in `dir` other than . and .. */
static int entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[400];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* ---- writing ---- */

START_TEST(write_then_read_back)
{
    char path[128], *data;
    size_t len;
    dk_error e;
    static const char bin[] = {'a', '\0', 'b', '\n', '\xff'};
    make_dir();
    snprintf(path, sizeof path, "%s/out.json", dir);
    ck_assert_int_eq(dk_file_write_atomic(path, "{\"x\": 1}\n", 9, &e), DK_OK);
    ck_assert_int_eq(dk_file_read(path, &data, &len, &e), DK_OK);
    ck_assert_uint_eq(len, 9);
    ck_assert_str_eq(data, "{\"x\": 1}\n");
    dk_free(data);

    /* overwrite with binary data: the whole new content, NUL-terminated for convenience */
    ck_assert_int_eq(dk_file_write_atomic(path, bin, sizeof bin, &e), DK_OK);
    ck_assert_int_eq(dk_file_read(path, &data, &len, &e), DK_OK);
    ck_assert_uint_eq(len, sizeof bin);
    ck_assert_int_eq(memcmp(data, bin, sizeof bin), 0);
    ck_assert_int_eq(data[len], '\0');
    dk_free(data);

    /* empty file */
    ck_assert_int_eq(dk_file_write_atomic(path, NULL, 0, &e), DK_OK);
    ck_assert_int_eq(dk_file_read(path, &data, NULL, &e), DK_OK);
    ck_assert_str_eq(data, "");
    dk_free(data);
    ck_assert_int_eq(entries(), 1); /* no temporary files left */
    remove_dir();
}
END_TEST

START_TEST(large_file_round_trip)
{
    char path[128], *data, *back;
    size_t n = 3 * 1000 * 1000 + 7, len, bad = 0;
    make_dir();
    snprintf(path, sizeof path, "%s/big.bin", dir);
    data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 131 % 251);
    ck_assert_int_eq(dk_file_write_atomic(path, data, n, NULL), DK_OK);
    ck_assert_int_eq(dk_file_read(path, &back, &len, NULL), DK_OK);
    ck_assert_uint_eq(len, n);
    for (size_t i = 0; i < n; i++)
        bad += back[i] != data[i];
    ck_assert_uint_eq(bad, 0);
    free(data);
    dk_free(back);
    remove_dir();
}
END_TEST

START_TEST(new_file_gets_normal_permissions)
{
    char path[128];
    struct stat st;
    mode_t old = umask(022);
    make_dir();
    snprintf(path, sizeof path, "%s/report.txt", dir);
    ck_assert_int_eq(dk_file_write_atomic(path, "x", 1, NULL), DK_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644); /* not mkstemp's 0600 */
    chmod(path, 0640);
    ck_assert_int_eq(dk_file_write_atomic(path, "y", 1, NULL), DK_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640); /* an existing file keeps its mode */
    umask(old);
    remove_dir();
}
END_TEST

START_TEST(missing_folder_is_reported)
{
    char path[128];
    dk_error e;
    char want[256];
    make_dir();
    snprintf(path, sizeof path, "%s/no/such/dir/x.svg", dir);
    ck_assert_int_eq(dk_file_write_atomic(path, "x", 1, &e), DK_EIO);
    ck_assert_int_eq(e.status, DK_EIO);
    snprintf(want, sizeof want, "cannot write \"%s\": No such file or directory", path);
    ck_assert_str_eq(e.message, want);
    ck_assert_int_eq(entries(), 0);
    remove_dir();
}
END_TEST

START_TEST(rename_failure_leaves_nothing)
{
    /* The target is a non-empty directory: the temporary file is written, the rename fails,
     * and the temporary file must be gone. */
    char path[128], inner[160];
    dk_error e;
    make_dir();
    snprintf(path, sizeof path, "%s/target", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(inner, sizeof inner, "%s/keep", path);
    ck_assert_int_eq(dk_file_write_atomic(inner, "k", 1, NULL), DK_OK);
    ck_assert_int_eq(dk_file_write_atomic(path, "x", 1, &e), DK_EIO);
    ck_assert_msg(strncmp(e.message, "cannot write \"", 14) == 0, "%s", e.message);
    ck_assert_int_eq(entries(), 1); /* just the directory */
    unlink(inner);
    rmdir(path);
    remove_dir();
}
END_TEST

START_TEST(write_out_of_memory)
{
    dk_error e;
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_file_write_atomic("/tmp/x", "x", 1, &e), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert_str_eq(e.message, "cannot write \"/tmp/x\": out of memory");
    ck_assert_int_eq(dk_file_write_atomic(NULL, "x", 1, &e), DK_EINVAL);
    ck_assert_int_eq(dk_file_write_atomic("/tmp/x", NULL, 1, &e), DK_EINVAL);
}
END_TEST

/* ---- reading ---- */

START_TEST(read_missing_file_names_it)
{
    char *data = (char *)1;
    dk_error e;
    ck_assert_int_eq(dk_file_read("/nonexistent/design.lua", &data, NULL, &e), DK_EIO);
    ck_assert_ptr_null(data);
    ck_assert_str_eq(e.message,
                     "cannot read \"/nonexistent/design.lua\": No such file or directory");
}
END_TEST

START_TEST(read_directory_fails)
{
    char *data;
    dk_error e;
    ck_assert_int_eq(dk_file_read("/tmp", &data, NULL, &e), DK_EIO);
    ck_assert_str_eq(e.message, "cannot read \"/tmp\": Is a directory");
    ck_assert_int_eq(dk_file_read(NULL, &data, NULL, &e), DK_EINVAL);
    ck_assert_int_eq(dk_file_read("/tmp", NULL, NULL, &e), DK_EINVAL);
}
END_TEST

START_TEST(read_out_of_memory)
{
    char path[128], *data;
    dk_error e;
    make_dir();
    snprintf(path, sizeof path, "%s/f", dir);
    ck_assert_int_eq(dk_file_write_atomic(path, "hello", 5, NULL), DK_OK);
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_file_read(path, &data, NULL, &e), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert_ptr_null(data);
    remove_dir();
}
END_TEST

static Suite *file_suite(void)
{
    Suite *s = suite_create("file");
    TCase *tc = tcase_create("write");
    tcase_add_test(tc, write_then_read_back);
    tcase_add_test(tc, large_file_round_trip);
    tcase_add_test(tc, new_file_gets_normal_permissions);
    tcase_add_test(tc, missing_folder_is_reported);
    tcase_add_test(tc, rename_failure_leaves_nothing);
    tcase_add_test(tc, write_out_of_memory);
    suite_add_tcase(s, tc);
    tc = tcase_create("read");
    tcase_add_test(tc, read_missing_file_names_it);
    tcase_add_test(tc, read_directory_fails);
    tcase_add_test(tc, read_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(file_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
