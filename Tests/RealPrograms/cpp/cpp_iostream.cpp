// iostream formatting: widths, fill, alignment, fixed/scientific/hex floats,
// bases, booleans, and parsing back with istringstream.
// run:
// exit: 0
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

struct Point {
  double x, y;
};
std::ostream &operator<<(std::ostream &out, const Point &p) { return out << '(' << p.x << ", " << p.y << ')'; }

int main() {
  const std::vector<double> values{0.0, 1.0, -2.5, 3.141592653589793, 1e-7, 6.02214076e23, 1.0 / 3};
  for (double v : values) {
    std::cout << std::setw(14) << v << " | " << std::fixed << std::setprecision(4) << std::setw(16) << v << " | "
              << std::scientific << std::setprecision(3) << v << " | " << std::hexfloat << v << std::defaultfloat
              << std::setprecision(6) << '\n';
  }
  std::cout << std::setprecision(17) << 0.1 << ' ' << 1e21 << ' ' << std::numeric_limits<double>::max() << '\n'
            << std::setprecision(6);
  for (int n : {0, 7, 255, -42, 1 << 30}) {
    std::cout << std::dec << std::setw(11) << std::setfill('.') << n << ' ' << std::hex << std::showbase << n << ' '
              << std::oct << n << std::noshowbase << std::dec << ' ' << std::left << std::setw(6) << std::setfill('*')
              << n % 1000 << std::right << std::setfill(' ') << '\n';
  }
  std::cout << std::boolalpha << true << ' ' << (1 > 2) << std::noboolalpha << ' ' << true << '\n';
  std::cout << std::uppercase << std::hex << 0xdeadbeefu << std::nouppercase << ' ' << 0xcafeu << std::dec << '\n';
  std::cout << INT64_MIN << ' ' << UINT64_MAX << ' ' << std::showpos << 5 << ' ' << 0 << std::noshowpos << '\n';
  std::cout << Point{1.5, -2} << ' ' << std::internal << std::setw(8) << -17 << std::right << '\n';
  std::istringstream input("42 3.75 hello 0x1f 1e3 true");
  int i;
  double d;
  std::string word;
  int hex;
  double exp;
  bool flag;
  input >> i >> d >> word >> std::hex >> hex >> std::dec >> exp >> std::boolalpha >> flag;
  std::cout << "parsed: " << i << ' ' << d << ' ' << word << ' ' << hex << ' ' << exp << ' ' << flag << '\n';
  std::ostringstream table;
  table << std::left << std::setw(10) << "name" << std::right << std::setw(8) << "value" << '\n';
  for (int k = 1; k <= 5; k++)
    table << std::left << std::setw(10) << ("row" + std::to_string(k)) << std::right << std::setw(8) << std::fixed
          << std::setprecision(2) << k * 1.125 << '\n';
  std::cout << table.str();
  std::cerr << "to stderr: " << 12.5 << std::endl;
  return 0;
}
