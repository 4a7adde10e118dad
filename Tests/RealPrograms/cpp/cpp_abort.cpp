// C++ failures without exceptions (libc++ built with -fno-exceptions):
// vector::at out of range, std::abort after a message, a failed assert,
// a call through a null std::function, and an orderly exit code.
// run: at
// exit: 134
// run: abort
// exit: 134
// run: assert
// exit: 134
// run: function
// exit: 134
// run: exit
// exit: 9
// run: fine
// exit: 0
// explicit: yes
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <vector>

static int sum_first(const std::vector<int> &values, size_t count) {
  int total = 0;
  for (size_t i = 0; i < count; i++) total += values.at(i);
  return total;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "fine";
  std::vector<int> values{1, 2, 3, 4, 5};
  std::cout << "sum of 5: " << sum_first(values, 5) << std::endl;
  if (!std::strcmp(mode, "at")) {
    std::cout << "sum of 6: " << sum_first(values, 6) << std::endl;
  } else if (!std::strcmp(mode, "abort")) {
    std::cerr << "fatal: giving up" << std::endl;
    std::abort();
  } else if (!std::strcmp(mode, "assert")) {
    assert(values.size() == static_cast<size_t>(argc) && "size matches arguments");
  } else if (!std::strcmp(mode, "function")) {
    std::function<int(int)> nothing;
    std::cout << nothing(1) << std::endl;
  } else if (!std::strcmp(mode, "exit")) {
    std::cerr << "leaving with 9" << std::endl;
    std::exit(9);
  }
  std::cout << "done" << std::endl;
  return 0;
}
