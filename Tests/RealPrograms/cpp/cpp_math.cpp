// Numerics: an FFT on std::complex<double>, polynomial multiplication through
// it, Newton's method, Simpson integration, and <cmath> printed exactly.
// run:
// exit: 0
// explicit: yes
#include <cmath>
#include <complex>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <vector>

using cd = std::complex<double>;

static void fft(std::vector<cd> &a, bool invert) {
  size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; i++) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t length = 2; length <= n; length <<= 1) {
    double angle = 2 * M_PI / static_cast<double>(length) * (invert ? -1 : 1);
    cd step(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; i += length) {
      cd w(1);
      for (size_t j = 0; j < length / 2; j++) {
        cd u = a[i + j], v = a[i + j + length / 2] * w;
        a[i + j] = u + v;
        a[i + j + length / 2] = u - v;
        w *= step;
      }
    }
  }
  if (invert)
    for (cd &x : a) x /= static_cast<double>(n);
}

template <typename F>
static double simpson(F f, double a, double b, int n) {
  double h = (b - a) / n, sum = f(a) + f(b);
  for (int i = 1; i < n; i++) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

int main() {
  std::vector<cd> signal(64);
  for (size_t i = 0; i < signal.size(); i++)
    signal[i] = std::sin(2 * M_PI * 5 * i / 64.0) + 0.5 * std::cos(2 * M_PI * 12 * i / 64.0);
  fft(signal, false);
  std::cout << std::setprecision(10);
  for (size_t k = 0; k < 16; k++) std::cout << "bin " << k << ": " << std::abs(signal[k]) << '\n';
  std::vector<int> p{3, 0, 2, 7, 1, 9, 4}, q{5, 1, 8, 0, 6};
  size_t n = 16;
  std::vector<cd> fp(p.begin(), p.end()), fq(q.begin(), q.end());
  fp.resize(n);
  fq.resize(n);
  fft(fp, false);
  fft(fq, false);
  for (size_t i = 0; i < n; i++) fp[i] *= fq[i];
  fft(fp, true);
  std::cout << "product:";
  for (size_t i = 0; i < p.size() + q.size() - 1; i++) std::cout << ' ' << std::lround(fp[i].real());
  std::cout << '\n';
  double x = 1;
  for (int i = 0; i < 8; i++) {
    x -= (x * x * x - 2 * x - 5) / (3 * x * x - 2);
    std::printf("newton %d: %.17g\n", i, x);
  }
  std::printf("simpson sin 0..pi: %.17g\n", simpson([](double t) { return std::sin(t); }, 0, M_PI, 1000));
  std::printf("simpson exp(-t^2) -3..3: %.17g\n", simpson([](double t) { return std::exp(-t * t); }, -3, 3, 2000));
  cd z(1.5, -0.75);
  for (auto v : {std::exp(z), std::log(z), std::sqrt(z), std::pow(z, 2.5), std::sin(z), std::atanh(z)})
    std::printf("complex: %.17g %+.17gi\n", v.real(), v.imag());
  for (double v : {std::remainder(10.5, 3.0), std::fma(0.1, 10.0, -1.0), std::scalbn(1.0, -1074), std::nearbyint(2.5),
                   std::asinh(1e300), std::acosh(1.0000001), std::copysign(3.0, -0.0), std::fdim(2.0, 5.0)})
    std::printf("cmath: %.17g\n", v);
  return 0;
}
