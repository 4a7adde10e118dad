/*
 * Traps end the program with status 134 and one line on stderr, and what
 * the program wrote before the trap (flushed) is still there. Each run traps
 * a different way: unreachable (abort()), integer division by zero, a load
 * out of linear memory's bounds, an indirect call through a bad table index, and recursion without end (call stack exhausted).
 *
 * run: -- unreachable
 * exit: 134
 * run: -- divide
 * exit: 134
 * run: -- memory
 * exit: 134
 * run: -- table
 * exit: 134
 * run: -- recursion
 * exit: 134
 */
#include <stdlib.h>

#include "guest.h"

/* A function pointer is an index into the wasm table; this one is far past its end. */
typedef int (*unary)(int);

/*
 * Recursion clang cannot turn into a loop: each call goes through a pointer
 * it cannot see through, and is not in tail position.
 */
static int descend(int depth);
static int (*volatile next)(int) = descend;
static int descend(int depth) { return next(depth + 1) + depth; }

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "unreachable";
  say("about to trap", "%s", how);
  fflush(stdout);
  volatile int zero = 0, numerator = 12345;
  volatile uint32_t far = 0xfffffff0u;
  volatile uintptr_t index = 1000000;
  if (strcmp(how, "unreachable") == 0)
    abort();
  if (strcmp(how, "divide") == 0)
    say("quotient", "%d FAIL", numerator / zero);
  if (strcmp(how, "memory") == 0)
    say("loaded", "%d FAIL", *(volatile int *)(uintptr_t)far);
  if (strcmp(how, "table") == 0)
    say("called", "%d FAIL", ((unary)index)(1));
  if (strcmp(how, "recursion") == 0)
    say("recursed", "%d FAIL", descend(0));
  say("still running", "FAIL");
  return 0;
}
