// Ways a C program ends badly: a failed assert (message on stderr, then
// abort), abort itself, a division by zero, a wild pointer, and exit codes.
// run: assert
// exit: 134
// run: abort
// exit: 134
// run: divide
// exit: 134
// run: wild
// exit: 134
// run: exit
// exit: 3
// run: fine
// exit: 0
// explicit: yes
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checked_average(const int *values, int count) {
  assert(count > 0 && "average of nothing");
  long total = 0;
  for (int i = 0; i < count; i++) total += values[i];
  return (int)(total / count);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "fine";
  int values[] = {4, 8, 15, 16, 23, 42};
  printf("average of six: %d\n", checked_average(values, 6));
  fflush(stdout);
  if (!strcmp(mode, "assert")) {
    printf("average of none: %d\n", checked_average(values, argc - 2));
  } else if (!strcmp(mode, "abort")) {
    fprintf(stderr, "giving up\n");
    abort();
  } else if (!strcmp(mode, "divide")) {
    volatile int zero = argc - 2;
    printf("%d\n", 10 / zero);
  } else if (!strcmp(mode, "wild")) {
    volatile uintptr_t address = 0xfffffff0u;
    printf("%d\n", *(volatile int *)address);
  } else if (!strcmp(mode, "exit")) {
    fprintf(stderr, "exiting with 3\n");
    exit(3);
  }
  printf("done\n");
  return 0;
}
