// <algorithm> and <numeric> on generated data: sort, stable_sort,
// nth_element, partition, unique, permutations, set operations, accumulate.
// run:
// exit: 0
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

struct Employee {
  std::string name;
  int department;
  int salary;
};

int main() {
  std::vector<uint32_t> data(100000);
  uint32_t state = 2463534242u;
  for (auto &x : data) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    x = state % 1000000;
  }
  auto copy = data;
  std::nth_element(copy.begin(), copy.begin() + copy.size() / 2, copy.end());
  std::cout << "median " << copy[copy.size() / 2] << '\n';
  std::sort(data.begin(), data.end());
  std::cout << "min " << data.front() << " max " << data.back() << " sorted " << std::is_sorted(data.begin(), data.end())
            << '\n';
  auto end = std::unique(data.begin(), data.end());
  std::cout << "distinct " << std::distance(data.begin(), end) << '\n';
  auto range = std::equal_range(data.begin(), end, 500000u);
  std::cout << "lower_bound(500000) at " << std::distance(data.begin(), range.first) << '\n';
  uint64_t sum = std::accumulate(data.begin(), end, uint64_t{0});
  uint64_t squares = std::inner_product(data.begin(), data.begin() + 1000, data.begin(), uint64_t{0});
  std::cout << "sum " << sum << " squares " << squares << '\n';
  std::vector<Employee> staff;
  const char *names[] = {"ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "jo"};
  for (int i = 0; i < 30; i++) staff.push_back({names[i % 10] + std::to_string(i), i % 4, 1000 + (i * 37) % 500});
  std::stable_sort(staff.begin(), staff.end(), [](auto &a, auto &b) { return a.department < b.department; });
  for (int i = 0; i < 30; i += 6) std::cout << staff[i].name << ' ' << staff[i].department << ' ' << staff[i].salary << '\n';
  auto rich = std::partition(staff.begin(), staff.end(), [](auto &e) { return e.salary >= 1250; });
  std::cout << "earning >= 1250: " << std::distance(staff.begin(), rich) << '\n';
  auto top = std::max_element(staff.begin(), staff.end(), [](auto &a, auto &b) { return a.salary < b.salary; });
  std::cout << "top earner " << top->name << ' ' << top->salary << '\n';
  std::string letters = "abcde";
  int permutations = 0;
  std::string last;
  do {
    permutations++;
    last = letters;
  } while (std::next_permutation(letters.begin(), letters.end()));
  std::cout << permutations << " permutations, last " << last << '\n';
  std::vector<int> a{1, 3, 5, 7, 9, 11, 13}, b{3, 6, 9, 12, 15}, out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  for (int x : out) std::cout << x << ' ';
  std::cout << '\n';
  std::vector<int> iota(20);
  std::iota(iota.begin(), iota.end(), -5);
  std::rotate(iota.begin(), iota.begin() + 7, iota.end());
  std::transform(iota.begin(), iota.end(), iota.begin(), [](int x) { return x * x - 3 * x; });
  std::cout << "count_if even: " << std::count_if(iota.begin(), iota.end(), [](int x) { return x % 2 == 0; })
            << ", gcd " << std::gcd(462, 1071) << ", lcm " << std::lcm(21, 6) << '\n';
  std::vector<int> prefix(iota.size());
  std::partial_sum(iota.begin(), iota.end(), prefix.begin());
  std::cout << "prefix sums end with " << prefix.back() << '\n';
  return 0;
}
