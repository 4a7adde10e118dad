// Formatting with wasi-libc's printf family: every conversion, flags, widths,
// precisions, snprintf truncation and strtod/strtol round trips.
// run:
// exit: 0
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const int ints[] = {0, 1, -1, 42, -42, 65535, INT_MAX, INT_MIN};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    printf("[%d] [%5i] [%-8d] [%+d] [%08d] [% d] [%x] [%#o] [%X]\n", ints[i], ints[i], ints[i], ints[i],
           ints[i], ints[i], (unsigned)ints[i], (unsigned)ints[i], (unsigned)ints[i]);
  const long long wides[] = {0, LLONG_MAX, LLONG_MIN, 1234567890123LL};
  for (size_t i = 0; i < sizeof wides / sizeof wides[0]; i++)
    printf("%lld %llu %llx %" PRId64 " %" PRIx64 "\n", wides[i], (unsigned long long)wides[i],
           (unsigned long long)wides[i], (int64_t)wides[i], (uint64_t)wides[i]);
  const double doubles[] = {0.0, -0.0, 1.0, 0.1, 1e-310, 123456.789, 1e22, 2.5, 3.5, -7.0 / 3, 1e300 * 10};
  for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
    double d = doubles[i];
    printf("%f|%.0f|%10.3f|%-12.4e|%g|%G|%.17g|%a\n", d, d, d, d, d, d, d, d);
  }
  printf("nan: %f %e %g\n", 0.0 / 0.0 > 0 ? 1.0 : __builtin_nan(""), -__builtin_nan(""), __builtin_inf());
  printf("[%s] [%10s] [%-10s] [%.3s] [%c] [%5c] [%%]\n", "text", "right", "left", "truncate", 'x', 'y');
  char small[8];
  int wanted = snprintf(small, sizeof small, "%s-%d", "overflowing", 12345);
  printf("snprintf: wanted %d, got \"%s\"\n", wanted, small);
  int count = 0;
  printf("abc%ndef\n", &count);
  printf("chars before %%n: %d\n", count);
  const char *numbers[] = {"3.14159", "-2.5e-3", "0x1.8p1", "1e400", "inf", "  42abc", "0x7fffffff", "-077"};
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
    char *end;
    double d = strtod(numbers[i], &end);
    long l = strtol(numbers[i], NULL, 0);
    printf("%-12s -> %.17g (rest \"%s\"), strtol %ld\n", numbers[i], d, end, l);
  }
  char buffer[64];
  for (int i = 0; i < 5; i++) {
    double x = 1.0 / (i + 3);
    snprintf(buffer, sizeof buffer, "%.17g", x);
    printf("round trip %s: %s\n", buffer, strtod(buffer, NULL) == x ? "exact" : "LOST");
  }
  int year, month, day;
  char name[16];
  if (sscanf("2026-12-03 wasmc", "%d-%d-%d %15s", &year, &month, &day, name) == 4)
    printf("sscanf: %04d/%02d/%02d %s\n", year, month, day, name);
  return 0;
}
