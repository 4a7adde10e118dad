// Deep recursion: Ackermann, a recursive-descent evaluator over an expression
// nested 1000 deep, a recursive flood fill, and (second case) recursion that
// never ends, which must trap as stack exhaustion rather than crash.
// run:
// exit: 0
// run: forever
// exit: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static const char *p;
static long expression(void);
static long factor(void) {
  if (*p == '(') {
    p++;
    long value = expression();
    p++; /* ) */
    return value;
  }
  long value = 0;
  while (*p >= '0' && *p <= '9') value = value * 10 + (*p++ - '0');
  return value;
}
static long term(void) {
  long value = factor();
  while (*p == '*') { p++; value = value * factor() % 1000003; }
  return value;
}
static long expression(void) {
  long value = term();
  while (*p == '+' || *p == '-') {
    char op = *p++;
    long rhs = term();
    value = op == '+' ? value + rhs : value - rhs;
  }
  return value;
}

#define W 60
#define H 40
static char grid[H][W + 1];
static int fill(int y, int x) {
  if (y < 0 || y >= H || x < 0 || x >= W || grid[y][x] != '.') return 0;
  grid[y][x] = '#';
  return 1 + fill(y, x + 1) + fill(y + 1, x) + fill(y, x - 1) + fill(y - 1, x);
}

/* No locals in linear memory: only the native stack grows. */
static unsigned long long forever(unsigned long long n) {
  if (n == ~0ull) return 0; /* never: 2^64 calls deep */
  return forever(n + 1) * 3 + n;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "forever")) {
    printf("recursing forever\n");
    fflush(stdout);
    return (int)forever(0);
  }
  for (unsigned m = 0; m <= 3; m++)
    for (unsigned n = 0; n <= 5; n++) printf("A(%u,%u)=%u%s", m, n, ackermann(m, n), n == 5 ? "\n" : " ");
  printf("A(2,1000)=%u\n", ackermann(2, 1000));
  int depth = 1000;
  char *text = malloc(depth * 6 + 16);
  char *out = text;
  for (int i = 0; i < depth; i++) out += sprintf(out, "(%d+", i % 10);
  out += sprintf(out, "1");
  for (int i = 0; i < depth; i++) *out++ = ')';
  *out = 0;
  p = text;
  printf("nested %d deep: %ld\n", depth, expression());
  p = "2*3*(4+5)-6*(7-8*9)+10";
  printf("2*3*(4+5)-6*(7-8*9)+10 = %ld\n", expression());
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) grid[y][x] = (x % 37 == 0 && y % 11 != 5) || (y % 29 == 0 && x % 13 != 7) ? 'X' : '.';
  printf("flood fill reached %d cells\n", fill(1, 1));
  return 0;
}
