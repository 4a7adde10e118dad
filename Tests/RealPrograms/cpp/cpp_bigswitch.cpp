// A lexer whose character classes and keyword table are one switch of 512
// cases over a byte pair (clang lowers it to a br_table), run over generated
// source text.
// run:
// exit: 0
#include <array>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>

#define K(n) case n: return static_cast<int>(((n) * 2654435761u >> 13) % 23);
#define K8(b) K((b) + 0) K((b) + 1) K((b) + 2) K((b) + 3) K((b) + 4) K((b) + 5) K((b) + 6) K((b) + 7)
#define K64(b) K8((b) + 0) K8((b) + 8) K8((b) + 16) K8((b) + 24) K8((b) + 32) K8((b) + 40) K8((b) + 48) K8((b) + 56)

/* Token class of a (previous, current) character pair folded into 9 bits. */
static int classify(unsigned pair) {
  switch (pair) {
    K64(0) K64(64) K64(128) K64(192) K64(256) K64(320) K64(384) K64(448)
    default: return -1;
  }
}

int main() {
  std::string source;
  uint32_t seed = 7;
  const char *fragments[] = {"let ", "x", " = ", "42", ";\n", "fn ", "(", ")", " { ", "}", "if ", "else ",
                             "while ", "return ", "\"str\"", " + ", " * ", "[", "]", "->"};
  for (int i = 0; i < 40000; i++) {
    seed = seed * 1664525u + 1013904223u;
    source += fragments[(seed >> 16) % 20];
  }
  std::array<long, 23> classes{};
  std::map<int, long> transitions;
  int previous_class = 0;
  unsigned previous = 0;
  for (unsigned char c : source) {
    int cls = classify(((previous << 4) ^ c) & 511);
    classes[cls]++;
    transitions[previous_class * 100 + cls]++;
    previous_class = cls;
    previous = c;
  }
  std::cout << source.size() << " characters\n";
  for (int i = 0; i < 23; i++) std::cout << "class " << i << ": " << classes[i] << '\n';
  long most = 0;
  int which = 0;
  for (auto &[key, count] : transitions)
    if (count > most) most = count, which = key;
  std::cout << transitions.size() << " transitions, most common " << which / 100 << "->" << which % 100 << " x" << most
            << '\n';
  std::cout << "classify(600) = " << classify(600) << '\n';
  return 0;
}
