/* fib: call-heavy recursion — naive Fibonacci, Ackermann and Takeuchi.
 *
 * Stresses function call and return overhead, argument passing and deep
 * native stacks (Ackermann(3, n) nests about 2^(n+3) frames). Almost no
 * memory traffic beyond the stack.
 *
 * usage: fib [scale]   (scale 0 runs a tiny version; default 3)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_SCALE 3

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static uint32_t ackermann(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint64_t tak_calls;

__attribute__((noinline)) static int tak(int x, int y, int z) {
    tak_calls++;
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    uint32_t fib_n = 36 + (uint32_t)scale;
    uint32_t f = fib(fib_n);
    /* Ackermann stays at depth <= 2^13 frames; repetitions with alternating
       arguments add work without deepening the stack. */
    uint32_t ack_sum = 0;
    int ack_reps = 4 * scale;
    for (int i = 0; i < ack_reps; i++) ack_sum += ackermann(3, 9 + (uint32_t)(i & 1));
    int tx = 21 + 3 * scale, ty = 14 + 2 * scale, tz = 7 + scale;
    int t = tak(tx, ty, tz);
    printf("fib(%u) = %u\n", fib_n, f);
    printf("ackermann(3, 9|10) x %d sum = %u\n", ack_reps, ack_sum);
    printf("tak(%d, %d, %d) = %d calls %llu\n", tx, ty, tz, t, (unsigned long long)tak_calls);
    return 0;
}
