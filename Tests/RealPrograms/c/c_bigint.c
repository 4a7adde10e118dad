// Arbitrary-precision arithmetic in base 10^9: factorials, Fibonacci numbers,
// powers of two and digits of e, printed in full.
// run:
// exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 1000000000u
typedef struct { uint32_t *limb; size_t n, cap; } big;

static void reserve(big *x, size_t cap) {
  if (cap > x->cap) { x->limb = realloc(x->limb, cap * sizeof *x->limb); x->cap = cap; }
}
static big from(uint32_t v) { big x = {0}; reserve(&x, 4); x.limb[0] = v; x.n = 1; return x; }
static void mul_small(big *x, uint32_t m) {
  uint64_t carry = 0;
  for (size_t i = 0; i < x->n; i++) {
    uint64_t t = (uint64_t)x->limb[i] * m + carry;
    x->limb[i] = (uint32_t)(t % BASE);
    carry = t / BASE;
  }
  while (carry) { reserve(x, x->n + 1); x->limb[x->n++] = (uint32_t)(carry % BASE); carry /= BASE; }
}
static void add(big *x, const big *y) {
  reserve(x, (x->n > y->n ? x->n : y->n) + 1);
  uint32_t carry = 0;
  for (size_t i = 0; i < y->n || carry; i++) {
    if (i == x->n) x->limb[x->n++] = 0;
    uint32_t t = x->limb[i] + carry + (i < y->n ? y->limb[i] : 0);
    carry = t >= BASE;
    x->limb[i] = carry ? t - BASE : t;
  }
}
static uint32_t div_small(big *x, uint32_t d) {
  uint64_t rest = 0;
  for (size_t i = x->n; i-- > 0;) {
    uint64_t t = rest * BASE + x->limb[i];
    x->limb[i] = (uint32_t)(t / d);
    rest = t % d;
  }
  while (x->n > 1 && !x->limb[x->n - 1]) x->n--;
  return (uint32_t)rest;
}
static void print(const char *label, const big *x) {
  printf("%s = %u", label, x->limb[x->n - 1]);
  for (size_t i = x->n - 1; i-- > 0;) printf("%09u", x->limb[i]);
  printf("\n");
}
static unsigned digit_sum(const big *x) {
  unsigned sum = 0;
  for (size_t i = 0; i < x->n; i++) for (uint32_t v = x->limb[i]; v; v /= 10) sum += v % 10;
  return sum;
}

int main(void) {
  big f = from(1);
  for (uint32_t i = 2; i <= 300; i++) mul_small(&f, i);
  print("300!", &f);
  printf("digit sum of 300! = %u\n", digit_sum(&f));
  big a = from(0), b = from(1);
  for (int i = 0; i < 2000; i++) { add(&a, &b); big t = a; a = b; b = t; }
  print("fib(2000)", &a);
  big p = from(1);
  for (int i = 0; i < 1000; i++) mul_small(&p, 2);
  print("2^1000", &p);
  printf("2^1000 mod 97 = %u, digit sum %u\n", div_small(&p, 97), digit_sum(&p));
  /* e = sum 1/k!, with 500 digits: scaled integer arithmetic. */
  big term = from(1), e = from(0);
  for (int i = 0; i < 56; i++) mul_small(&term, BASE);
  for (uint32_t k = 1; term.n > 1 || term.limb[0]; k++) { add(&e, &term); div_small(&term, k); }
  print("e * 10^504", &e);
  return 0;
}
