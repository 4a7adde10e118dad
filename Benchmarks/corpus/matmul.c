/* matmul: dense double-precision matrix multiply, plain and cache-blocked.
 *
 * Stresses f64 multiply-add in nested loops over row-major arrays (the
 * bounds-check and address-arithmetic cost per load is what shows up under
 * wasm). Both kernels accumulate every C[i][j] in increasing k, so their
 * results must agree bit for bit; the program exits with status 1 otherwise.
 *
 * usage: matmul [rounds]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 30
#define N 384
#define TILE 48

static void multiply_plain(const double *a, const double *b, double *c) {
    memset(c, 0, sizeof(double) * N * N);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i * N + k];
            for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
        }
}

static void multiply_tiled(const double *a, const double *b, double *c) {
    memset(c, 0, sizeof(double) * N * N);
    for (int kk = 0; kk < N; kk += TILE)
        for (int ii = 0; ii < N; ii += TILE)
            for (int jj = 0; jj < N; jj += TILE)
                for (int i = ii; i < ii + TILE; i++)
                    for (int k = kk; k < kk + TILE; k++) {
                        double aik = a[i * N + k];
                        for (int j = jj; j < jj + TILE; j++) c[i * N + j] += aik * b[k * N + j];
                    }
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    double *a = malloc(sizeof(double) * N * N), *b = malloc(sizeof(double) * N * N);
    double *c1 = malloc(sizeof(double) * N * N), *c2 = malloc(sizeof(double) * N * N);
    if (!a || !b || !c1 || !c2) return 2;
    uint32_t x = 12345;
    for (int i = 0; i < N * N; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (double)(x >> 8) / 16777216.0 - 0.5;
        x = x * 1103515245u + 12345u;
        b[i] = (double)(x >> 8) / 16777216.0 - 0.5;
    }
    double trace_sum = 0, total = 0;
    for (int r = 0; r < rounds; r++) {
        multiply_plain(a, b, c1);
        multiply_tiled(a, b, c2);
        if (memcmp(c1, c2, sizeof(double) * N * N) != 0) {
            fprintf(stderr, "round %d: plain and tiled products differ\n", r);
            return 1;
        }
        double trace = 0;
        for (int i = 0; i < N; i++) trace += c1[i * N + i];
        trace_sum += trace;
        /* Feed the product back (rescaled) so each round depends on the last. */
        double max = 0;
        for (int i = 0; i < N * N; i++) {
            double v = c1[i] < 0 ? -c1[i] : c1[i];
            if (v > max) max = v;
        }
        for (int i = 0; i < N * N; i++) a[i] = c1[i] / max;
        total = 0;
        for (int i = 0; i < N * N; i++) total += c1[i];
    }
    printf("rounds %d n %d\n", rounds, N);
    printf("trace-sum %.12e last-total %.12e\n", trace_sum, total);
    free(a);
    free(b);
    free(c1);
    free(c2);
    return 0;
}
