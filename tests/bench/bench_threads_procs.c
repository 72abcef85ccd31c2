/* bench_threads_procs.c - threads against processes for the same Lua work (docs/concurrency.md,
 * "Threads vs processes"): K workers each make a Lua state and count the primes of one chunk,
 * as pthreads of this process (what dk.thread and dk.pool do) and as forked processes that send
 * their count back through a pipe. An empty chunk measures what starting a worker costs alone.
 * Prints the times and their ratio; asserts only that every way finds the same count.
 *
 * Usage: bench_threads_procs [N [K [ROUNDS]]]   (defaults 2000000 4 3)
 * The scripts cannot fork (the sandbox refuses processes, by design), hence a C benchmark. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

static const char *const work = "local lo, hi = ...\n"
                                "local n = 0\n"
                                "for x = math.max(lo, 2), hi do\n"
                                "  local prime = true\n"
                                "  for d = 2, math.floor(math.sqrt(x)) do\n"
                                "    if x % d == 0 then prime = false; break end\n"
                                "  end\n"
                                "  if prime then n = n + 1 end\n"
                                "end\n"
                                "return n\n";

typedef struct chunk {
    long lo, hi, count;
} chunk;

/* A fresh state counts the primes of `c` (the worker's whole job, state included). */
static long count_in_new_state(long lo, long hi)
{
    lua_State *L = luaL_newstate();
    long n = -1;
    if (L == NULL)
        return -1;
    luaL_openlibs(L);
    if (luaL_loadstring(L, work) == LUA_OK) {
        lua_pushinteger(L, lo);
        lua_pushinteger(L, hi);
        if (lua_pcall(L, 2, 1, 0) == LUA_OK)
            n = (long)lua_tointeger(L, -1);
    }
    lua_close(L);
    return n;
}

static void *thread_main(void *arg)
{
    chunk *c = arg;
    c->count = count_in_new_state(c->lo, c->hi);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void split(chunk *cs, int k, long n)
{
    for (int i = 0; i < k; i++) {
        cs[i].lo = n * i / k + 1;
        cs[i].hi = n * (i + 1) / k;
        cs[i].count = 0;
    }
}

static long by_threads(chunk *cs, int k)
{
    pthread_t *tids = calloc((size_t)k, sizeof *tids);
    long total = 0;
    for (int i = 0; i < k; i++)
        pthread_create(&tids[i], NULL, thread_main, &cs[i]);
    for (int i = 0; i < k; i++) {
        pthread_join(tids[i], NULL);
        total += cs[i].count;
    }
    free(tids);
    return total;
}

static long by_processes(chunk *cs, int k)
{
    int(*fds)[2] = calloc((size_t)k, sizeof *fds);
    pid_t *pids = calloc((size_t)k, sizeof *pids);
    long total = 0;
    for (int i = 0; i < k; i++) {
        if (pipe(fds[i]) != 0 || (pids[i] = fork()) < 0) {
            perror("bench_threads_procs");
            exit(3);
        }
        if (pids[i] == 0) {
            long n = count_in_new_state(cs[i].lo, cs[i].hi);
            ssize_t w = write(fds[i][1], &n, sizeof n);
            _exit(w == (ssize_t)sizeof n ? 0 : 1);
        }
        close(fds[i][1]);
    }
    for (int i = 0; i < k; i++) {
        long n = -1;
        if (read(fds[i][0], &n, sizeof n) != (ssize_t)sizeof n)
            n = -1;
        close(fds[i][0]);
        waitpid(pids[i], NULL, 0);
        total += n;
    }
    free(fds);
    free(pids);
    return total;
}

/* The best of `rounds` runs of `way` on n numbers in k chunks; the count found in *found. */
static double best(long (*way)(chunk *, int), long n, int k, int rounds, long *found)
{
    chunk *cs = calloc((size_t)k, sizeof *cs);
    double t = 1e300;
    for (int r = 0; r < rounds; r++) {
        split(cs, k, n);
        double t0 = now();
        *found = way(cs, k);
        double dt = now() - t0;
        if (dt < t)
            t = dt;
    }
    free(cs);
    return t;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    int k = argc > 2 ? atoi(argv[2]) : 4;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    long c1, c2, c3, e1, e2;
    if (n < 0 || k < 1 || k > 256 || rounds < 1) {
        fprintf(stderr, "usage: bench_threads_procs [N [K [ROUNDS]]]\n");
        return 2;
    }
    double one = best(by_threads, n, 1, rounds, &c1);
    double th = best(by_threads, n, k, rounds, &c2);
    double pr = best(by_processes, n, k, rounds, &c3);
    double th0 = best(by_threads, 0, k, rounds, &e1);
    double pr0 = best(by_processes, 0, k, rounds, &e2);
    printf("primes up to %ld in %d chunks, best of %d (%ld CPUs online)\n", n, k, rounds,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("  one worker            %8.4f s   count %ld\n", one, c1);
    printf("  %3d threads           %8.4f s   count %ld   speed-up %.2fx\n", k, th, c2, one / th);
    printf("  %3d processes         %8.4f s   count %ld   speed-up %.2fx\n", k, pr, c3, one / pr);
    printf("  processes / threads   %8.2fx\n", pr / th);
    printf("  start %3d, no work:   threads %.6f s, processes %.6f s (%.1fx)\n", k, th0, pr0,
           pr0 / th0);
    if (c1 != c2 || c1 != c3 || e1 != 0 || e2 != 0) {
        fprintf(stderr, "bench_threads_procs: the counts differ\n");
        return 1;
    }
    return 0;
}
