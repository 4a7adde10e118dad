// Floating point through wasi-libc's libm: elementary functions on a grid,
// printed exactly (%.17g and %a), plus an n-body integration.
// run:
// exit: 0
// explicit: yes
#include <float.h>
#include <math.h>
#include <stdio.h>

static void show(const char *name, double value) { printf("%-10s %.17g %a\n", name, value, value); }

int main(void) {
  const double xs[] = {-3.5, -1.0, -0.5, 1e-8, 0.25, 1.0, 2.0, 3.14159265358979, 10.0, 123.456};
  for (int i = 0; i < 10; i++) {
    double x = xs[i];
    printf("x = %g\n", x);
    show("sin", sin(x)); show("cos", cos(x)); show("tan", tan(x)); show("atan", atan(x));
    show("exp", exp(x)); show("expm1", expm1(x)); show("cbrt", cbrt(x)); show("sinh", sinh(x));
    show("tanh", tanh(x)); show("erf", erf(x)); show("atan2", atan2(x, 0.75));
    show("fmod", fmod(x, 0.7)); show("floor", floor(x)); show("round", round(x)); show("trunc", trunc(x));
    if (x > 0) {
      show("log", log(x)); show("log10", log10(x)); show("log1p", log1p(x)); show("sqrt", sqrt(x));
      show("pow", pow(x, 1.0 / 3)); show("lgamma", lgamma(x)); show("tgamma", tgamma(x));
      show("hypot", hypot(x, 1.5));
    }
  }
  show("DBL_MIN", DBL_MIN); show("DBL_MAX", DBL_MAX); show("DBL_EPS", DBL_EPSILON);
  show("nextup", nextafter(1.0, 2.0)); show("ldexp", ldexp(0.75, -1070)); show("sqrtf", sqrtf(2.0f));
  int exponent;
  double mantissa = frexp(1234.5, &exponent);
  printf("frexp: %.17g * 2^%d, isnan %d, isinf %d, signbit %d\n", mantissa, exponent, isnan(NAN), isinf(-INFINITY),
         signbit(-0.0) != 0);
  /* The Sun and the four outer planets, 100000 steps of leapfrog. */
  const double pi = 3.141592653589793, solar_mass = 4 * pi * pi, days = 365.24;
  double body[5][7] = {
      {0, 0, 0, 0, 0, 0, solar_mass},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * days,
       7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days, 9.54791938424326609e-04 * solar_mass},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * days,
       4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days, 2.85885980666130812e-04 * solar_mass},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * days,
       2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days, 4.36624404335156298e-05 * solar_mass},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * days,
       1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days, 5.15138902046611451e-05 * solar_mass}};
  for (int step = 0; step < 100000; step++) {
    for (int i = 0; i < 5; i++)
      for (int j = i + 1; j < 5; j++) {
        double dx = body[i][0] - body[j][0], dy = body[i][1] - body[j][1], dz = body[i][2] - body[j][2];
        double d2 = dx * dx + dy * dy + dz * dz, mag = 0.01 / (d2 * sqrt(d2));
        body[i][3] -= dx * body[j][6] * mag; body[i][4] -= dy * body[j][6] * mag; body[i][5] -= dz * body[j][6] * mag;
        body[j][3] += dx * body[i][6] * mag; body[j][4] += dy * body[i][6] * mag; body[j][5] += dz * body[i][6] * mag;
      }
    for (int i = 0; i < 5; i++)
      for (int k = 0; k < 3; k++) body[i][k] += 0.01 * body[i][k + 3];
  }
  for (int i = 0; i < 5; i++) printf("body %d: %.12f %.12f %.12f\n", i, body[i][0], body[i][1], body[i][2]);
  return 0;
}
