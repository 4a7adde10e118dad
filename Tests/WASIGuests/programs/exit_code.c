/*
 * Exit codes: proc_exit called directly from deep in the call stack (the
 * rest of the program must not run, atexit handlers must not run), exit()
 * (flushes stdio, runs atexit handlers, then proc_exit), and a non-zero
 * return from main. The executable's status is the guest's code.
 *
 * run: -- proc_exit 42
 * exit: 42
 * run: -- exit 7
 * exit: 7
 * run: -- return 3
 * exit: 3
 * run: -- return 0
 * exit: 0
 * wasmc-run: yes
 */
#include <stdlib.h>

#include "guest.h"

static void at_exit(void) { printf("atexit handler ran\n"); }

static int descend(int depth, int code) {
  if (depth == 0) {
    fflush(stdout);
    __wasi_proc_exit(code);
  }
  return descend(depth - 1, code) + 1;
}

int main(int argc, char **argv) {
  atexit(at_exit);
  const char *how = argc > 1 ? argv[1] : "return";
  int code = argc > 2 ? atoi(argv[2]) : 0;
  say("exiting with", "%s %d", how, code);
  int sched = __wasi_sched_yield();
  show("sched_yield before exit", sched);
  if (strcmp(how, "proc_exit") == 0) {
    int never = descend(50, code);
    say("after proc_exit", "FAIL (returned %d)", never);
    return 99;
  }
  if (strcmp(how, "exit") == 0) {
    printf("buffered line before exit()\n"); /* flushed by exit() */
    exit(code);
  }
  printf("buffered line before return\n");
  return code;
}
