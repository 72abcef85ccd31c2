/* areas: base */
/* test_file_guard.c - dk_file_set_guard and dk_file_pending: a stopped command leaves no output
 * and no temporary file, and a signal handler can name the temporary file of a write. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "designkit/alloc.h"
#include "designkit/file.h"

static char dir[64], target[128];

static void setup(void)
{
    strcpy(dir, "/tmp/dk_test_file_guard.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(target, sizeof target, "%s/out.json", dir);
}

/* The names in `dir`, sorted by nothing, joined with spaces. */
static const char *listing(void)
{
    static char names[1024];
    DIR *d = opendir(dir);
    struct dirent *e;
    names[0] = '\0';
    while (d != NULL && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            strncat(names, e->d_name, sizeof names - strlen(names) - 2);
            strcat(names, " ");
        }
    if (d != NULL)
        closedir(d);
    return names;
}

static void teardown(void)
{
    dk_file_set_guard(NULL, NULL);
    unlink(target);
    rmdir(dir);
}

static char *slurp(const char *path)
{
    char *data = NULL;
    ck_assert_int_eq(dk_file_read(path, &data, NULL, NULL), DK_OK);
    return data;
}

/* A guard that says stop at its `stop_at`-th question, and notes what was pending then. */
typedef struct guard_state {
    int asked, stop_at;
    dk_status status;
    char pending_seen[256];
    int pending_existed;
} guard_state;

static dk_status guard(void *ud)
{
    guard_state *g = ud;
    const char *p = dk_file_pending();
    g->asked++;
    if (p != NULL) {
        snprintf(g->pending_seen, sizeof g->pending_seen, "%s", p);
        g->pending_existed = access(p, F_OK) == 0;
    }
    return g->asked >= g->stop_at ? g->status : DK_OK;
}

START_TEST(asked_before_and_before_the_rename)
{
    guard_state g = {0, 99, DK_OK, "", 0};
    dk_file_set_guard(guard, &g);
    ck_assert_int_eq(dk_file_write_atomic(target, "{}", 2, NULL), DK_OK);
    ck_assert_int_eq(g.asked, 2);
    /* At the second question the temporary file existed, next to the target. */
    ck_assert_int_eq(g.pending_existed, 1);
    ck_assert_int_eq(strncmp(g.pending_seen, target, strlen(target)), 0);
    ck_assert_int_eq(strncmp(g.pending_seen + strlen(target), ".tmp.", 5), 0);
    ck_assert_ptr_null(dk_file_pending()); /* nothing pending once the write is over */
    char *data = slurp(target);
    ck_assert_str_eq(data, "{}");
    dk_free(data);
}
END_TEST

START_TEST(stopped_before_it_starts)
{
    guard_state g = {0, 1, DK_EINTR, "", 0};
    dk_error err;
    dk_error_clear(&err);
    dk_file_set_guard(guard, &g);
    ck_assert_int_eq(dk_file_write_atomic(target, "{}", 2, &err), DK_EINTR);
    ck_assert_int_eq(err.status, DK_EINTR);
    char want[256];
    snprintf(want, sizeof want, "cannot write \"%s\": interrupted", target);
    ck_assert_str_eq(err.message, want);
    ck_assert_str_eq(listing(), ""); /* no output, no temporary file */
}
END_TEST

START_TEST(stopped_before_the_rename_keeps_the_old_file)
{
    ck_assert_int_eq(dk_file_write_atomic(target, "old", 3, NULL), DK_OK);
    guard_state g = {0, 2, DK_ELIMIT, "", 0};
    dk_error err;
    dk_error_clear(&err);
    dk_file_set_guard(guard, &g);
    ck_assert_int_eq(dk_file_write_atomic(target, "new", 3, &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, ": limit reached"));
    ck_assert_int_eq(g.pending_existed, 1);
    ck_assert_int_eq(access(g.pending_seen, F_OK), -1); /* the temporary file is gone */
    ck_assert_ptr_null(dk_file_pending());
    ck_assert_str_eq(listing(), "out.json ");
    dk_file_set_guard(NULL, NULL);
    char *data = slurp(target);
    ck_assert_str_eq(data, "old");
    dk_free(data);
}
END_TEST

START_TEST(without_a_guard_nothing_changes)
{
    dk_file_set_guard(NULL, NULL);
    ck_assert_ptr_null(dk_file_pending());
    ck_assert_int_eq(dk_file_write_atomic(target, "x", 1, NULL), DK_OK);
    ck_assert_ptr_null(dk_file_pending());
    ck_assert_str_eq(listing(), "out.json ");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("file_guard");
    TCase *tc = tcase_create("guard");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, asked_before_and_before_the_rename);
    tcase_add_test(tc, stopped_before_it_starts);
    tcase_add_test(tc, stopped_before_the_rename_keeps_the_old_file);
    tcase_add_test(tc, without_a_guard_nothing_changes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
