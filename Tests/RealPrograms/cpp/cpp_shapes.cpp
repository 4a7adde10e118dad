// Object-oriented C++: a class hierarchy with virtual calls (call_indirect),
// unique_ptr/shared_ptr ownership, std::function callbacks, std::variant and
// std::optional, templates, and an event simulation over them.
// run:
// exit: 0
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

class Shape {
 public:
  virtual ~Shape() { destroyed++; }
  virtual double area() const = 0;
  virtual double perimeter() const = 0;
  virtual std::string name() const = 0;
  static int destroyed;
};
int Shape::destroyed = 0;

class Circle : public Shape {
 public:
  explicit Circle(double r) : r_(r) {}
  double area() const override { return M_PI * r_ * r_; }
  double perimeter() const override { return 2 * M_PI * r_; }
  std::string name() const override { return "circle"; }

 private:
  double r_;
};

class Rectangle : public Shape {
 public:
  Rectangle(double w, double h) : w_(w), h_(h) {}
  double area() const override { return w_ * h_; }
  double perimeter() const override { return 2 * (w_ + h_); }
  std::string name() const override { return w_ == h_ ? "square" : "rectangle"; }

 private:
  double w_, h_;
};

class Triangle : public Shape {
 public:
  Triangle(double a, double b, double c) : a_(a), b_(b), c_(c) {}
  double area() const override {
    double s = (a_ + b_ + c_) / 2;
    return std::sqrt(s * (s - a_) * (s - b_) * (s - c_));
  }
  double perimeter() const override { return a_ + b_ + c_; }
  std::string name() const override { return "triangle"; }

 private:
  double a_, b_, c_;
};

using Token = std::variant<long, double, std::string>;

static std::optional<Token> parse(const std::string &text) {
  if (text.empty()) return std::nullopt;
  char *end;
  long l = std::strtol(text.c_str(), &end, 10);
  if (*end == 0) return Token{l};
  double d = std::strtod(text.c_str(), &end);
  if (*end == 0) return Token{d};
  return Token{text};
}

template <typename T>
static T clamp_sum(const std::vector<T> &values, T limit) {
  T total{};
  for (const T &v : values) total = total + v > limit ? limit : total + v;
  return total;
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 12; i++) {
    if (i % 3 == 0) shapes.push_back(std::make_unique<Circle>(i * 0.5));
    else if (i % 3 == 1) shapes.push_back(std::make_unique<Rectangle>(i, i % 4 ? i + 1.5 : i));
    else shapes.push_back(std::make_unique<Triangle>(i, i + 1, i + 2));
  }
  std::map<std::string, double> area_by_kind;
  for (auto &s : shapes) {
    area_by_kind[s->name()] += s->area();
    std::printf("%-9s area %10.4f perimeter %8.4f\n", s->name().c_str(), s->area(), s->perimeter());
  }
  for (auto &[kind, area] : area_by_kind) std::printf("total %s: %.6f\n", kind.c_str(), area);
  shapes.erase(shapes.begin(), shapes.begin() + 5);
  std::cout << "destroyed after erase: " << Shape::destroyed << '\n';
  auto shared = std::make_shared<Circle>(2.0);
  std::vector<std::shared_ptr<Shape>> owners(5, shared);
  std::cout << "use_count " << shared.use_count() << '\n';
  owners.clear();
  std::cout << "use_count " << shared.use_count() << '\n';
  std::map<std::string, std::function<double(double, double)>> operations{
      {"add", [](double a, double b) { return a + b; }},
      {"hypot", [](double a, double b) { return std::hypot(a, b); }},
      {"pow", [](double a, double b) { return std::pow(a, b); }}};
  double scale = 3;
  operations["scaled"] = [scale](double a, double b) { return (a - b) * scale; };
  for (auto &[name, op] : operations) std::printf("%s(3, 4) = %.6f\n", name.c_str(), op(3, 4));
  for (const char *text : {"42", "-7", "2.75", "1e3", "word", ""}) {
    auto token = parse(text);
    if (!token) {
      std::cout << "(empty)\n";
      continue;
    }
    std::visit([](auto &&v) { std::cout << "token " << v << " of size " << sizeof(v) << '\n'; }, *token);
  }
  std::cout << clamp_sum<int>({5, 10, 20, 40}, 50) << ' ' << clamp_sum<double>({0.5, 0.25}, 10) << ' '
            << clamp_sum<std::string>({"ab", "cd"}, "zz") << '\n';
  /* A tiny discrete-event simulation: callbacks scheduled by time. */
  std::multimap<int, std::function<void()>> agenda;
  int served = 0, now = 0;
  std::function<void(int)> arrive = [&](int customer) {
    agenda.emplace(now + 3 + customer % 4, [&, customer] { served++; (void)customer; });
    if (customer < 20) agenda.emplace(now + 1 + customer % 3, [&, customer] { arrive(customer + 1); });
  };
  agenda.emplace(0, [&] { arrive(0); });
  while (!agenda.empty()) {
    auto next = agenda.begin();
    now = next->first;
    auto action = next->second;
    agenda.erase(next);
    action();
  }
  std::cout << "served " << served << " customers by t=" << now << '\n';
  return 0;
}
