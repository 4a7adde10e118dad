/* measure: run a program and record what it cost, for wasmc-bench.
 *
 *   measure RESULT_FILE PROGRAM [ARGS...]
 *
 * Forks, execs PROGRAM with the inherited stdin/stdout/stderr, reaps it with
 * wait4 and writes one line to RESULT_FILE:
 *
 *   status wall_ns user_us system_us peak_rss_kib
 *
 * (status: the exit code, or 128 + the signal that ended it; 127 if the exec
 * failed). Exits with 0 when the line was written.
 *
 * Why a separate process: Linux carries a process's peak RSS over exec, so a
 * child spawned straight from the harness (a large Swift process, spawning with
 * vfork) would report the harness's peak instead of its own. Forked from this
 * small program, the child's peak is its own (plus this program's ~1 MiB, the
 * same floor as /usr/bin/time). The wall time runs from fork to exit, without
 * the harness's own spawn overhead. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static int64_t microseconds(struct timeval time) { return (int64_t)time.tv_sec * 1000000 + time.tv_usec; }

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure RESULT_FILE PROGRAM [ARGS...]\n");
        return 2;
    }
    int64_t start = nanoseconds();
    pid_t child = fork();
    if (child < 0) {
        perror("measure: fork");
        return 2;
    }
    if (child == 0) {
        execv(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("measure: wait4");
            return 2;
        }
    }
    int64_t wall = nanoseconds() - start;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *result = fopen(argv[1], "w");
    if (!result) {
        perror("measure: cannot write the result");
        return 2;
    }
    fprintf(result, "%d %lld %lld %lld %ld\n", code, (long long)wall, (long long)microseconds(usage.ru_utime),
            (long long)microseconds(usage.ru_stime), usage.ru_maxrss);
    return fclose(result) == 0 ? 0 : 2;
}
