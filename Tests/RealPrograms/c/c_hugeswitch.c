// The machine of c_bigswitch.c with 3000 cases: a br_table over 3000 nested
// blocks, deeper than a C compiler accepts braces when nested one per block.
// run: 200000
// exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define OP(n) \
  case n: acc = (acc ^ ((uint32_t)(n) * 2654435761u)) + (acc >> ((n) % 7 + 1)) + stack[(n) % 8]; stack[(n) % 8] = acc; break;
#define OP10(b) OP((b) + 0) OP((b) + 1) OP((b) + 2) OP((b) + 3) OP((b) + 4) OP((b) + 5) OP((b) + 6) OP((b) + 7) OP((b) + 8) OP((b) + 9)
#define OP100(b) OP10((b) + 0) OP10((b) + 10) OP10((b) + 20) OP10((b) + 30) OP10((b) + 40) OP10((b) + 50) OP10((b) + 60) OP10((b) + 70) OP10((b) + 80) OP10((b) + 90)

#define OP1000(b) OP100((b) + 0) OP100((b) + 100) OP100((b) + 200) OP100((b) + 300) OP100((b) + 400) \
  OP100((b) + 500) OP100((b) + 600) OP100((b) + 700) OP100((b) + 800) OP100((b) + 900)

static uint32_t run(const uint16_t *code, size_t length, uint32_t *histogram) {
  uint32_t acc = 1, stack[8] = {0};
  for (size_t pc = 0; pc < length; pc++) {
    uint16_t op = code[pc];
    histogram[op / 500]++;
    switch (op) {
      OP1000(0) OP1000(1000) OP1000(2000)
    default:
      acc = ~acc;
    }
  }
  return acc;
}

int main(int argc, char **argv) {
  size_t length = argc > 1 ? (size_t)atol(argv[1]) : 1000;
  uint16_t *code = malloc(length * sizeof *code);
  uint32_t seed = 12345;
  for (size_t i = 0; i < length; i++) {
    seed = seed * 1103515245u + 12345u;
    code[i] = (uint16_t)((seed >> 8) % 3050); /* a few past the last case: the default */
  }
  uint32_t histogram[7] = {0};
  uint32_t result = run(code, length, histogram);
  printf("%zu instructions, accumulator %08x\n", length, result);
  for (int i = 0; i < 7; i++) printf("opcodes %d..%d: %u\n", i * 500, i * 500 + 499, histogram[i]);
  return 0;
}
