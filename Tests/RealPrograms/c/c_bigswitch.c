// A bytecode machine whose dispatch is one switch of 600 cases, which clang
// lowers to a br_table over 600 nested blocks; run on a generated program.
// run: 200000
// exit: 0
// run: 5
// exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define OP(n) \
  case n: acc = (acc ^ ((uint32_t)(n) * 2654435761u)) + (acc >> ((n) % 7 + 1)) + stack[(n) % 8]; stack[(n) % 8] = acc; break;
#define OP10(b) OP((b) + 0) OP((b) + 1) OP((b) + 2) OP((b) + 3) OP((b) + 4) OP((b) + 5) OP((b) + 6) OP((b) + 7) OP((b) + 8) OP((b) + 9)
#define OP100(b) OP10((b) + 0) OP10((b) + 10) OP10((b) + 20) OP10((b) + 30) OP10((b) + 40) OP10((b) + 50) OP10((b) + 60) OP10((b) + 70) OP10((b) + 80) OP10((b) + 90)

static uint32_t run(const uint16_t *code, size_t length, uint32_t *histogram) {
  uint32_t acc = 1, stack[8] = {0};
  for (size_t pc = 0; pc < length; pc++) {
    uint16_t op = code[pc];
    histogram[op / 100]++;
    switch (op) {
      OP100(0) OP100(100) OP100(200) OP100(300) OP100(400) OP100(500)
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
    code[i] = (uint16_t)((seed >> 8) % 610); /* a few past the last case: the default */
  }
  uint32_t histogram[7] = {0};
  uint32_t result = run(code, length, histogram);
  printf("%zu instructions, accumulator %08x\n", length, result);
  for (int i = 0; i < 7; i++) printf("opcodes %d..%d: %u\n", i * 100, i * 100 + 99, histogram[i]);
  return 0;
}
