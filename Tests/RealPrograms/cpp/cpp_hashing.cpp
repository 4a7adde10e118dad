// Hashing with libc++: std::hash of strings and integers, unordered_set
// bucket statistics, a custom hash for a struct key, and a Bloom filter.
// run:
// exit: 0
#include <bitset>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct Cell {
  int x, y;
  bool operator==(const Cell &other) const { return x == other.x && y == other.y; }
};
struct CellHash {
  size_t operator()(const Cell &c) const {
    size_t h = std::hash<int>()(c.x);
    return h ^ (std::hash<int>()(c.y) + 0x9e3779b9 + (h << 6) + (h >> 2));
  }
};

class Bloom {
 public:
  void add(const std::string &s) {
    for (int k = 0; k < 4; k++) bits_.set(index(s, k));
  }
  bool maybe(const std::string &s) const {
    for (int k = 0; k < 4; k++)
      if (!bits_.test(index(s, k))) return false;
    return true;
  }
  size_t count() const { return bits_.count(); }

 private:
  static size_t index(const std::string &s, int k) {
    uint32_t h = 2166136261u + static_cast<uint32_t>(k) * 16777619u;
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    return h % 8192;
  }
  std::bitset<8192> bits_;
};

int main() {
  for (const char *s : {"", "a", "wasmc", "WebAssembly to C", "the quick brown fox"})
    std::cout << "hash(\"" << s << "\") = " << std::hash<std::string>()(s) << '\n';
  for (long long v : {0LL, 1LL, -1LL, 1LL << 40}) std::cout << "hash(" << v << ") = " << std::hash<long long>()(v) << '\n';
  std::cout << "hash(2.5) = " << std::hash<double>()(2.5) << '\n';
  std::unordered_set<std::string> set;
  for (int i = 0; i < 5000; i++) set.insert("key" + std::to_string(i * 31 % 7919));
  size_t longest = 0, empty = 0;
  for (size_t b = 0; b < set.bucket_count(); b++) {
    longest = std::max(longest, set.bucket_size(b));
    empty += set.bucket_size(b) == 0;
  }
  std::cout << set.size() << " keys in " << set.bucket_count() << " buckets, longest chain " << longest << ", empty "
            << empty << ", load " << set.load_factor() << '\n';
  std::unordered_map<Cell, int, CellHash> life;
  for (int y = 0; y < 60; y++)
    for (int x = 0; x < 60; x++)
      if ((x * 7 + y * 13) % 5 == 0 || (x ^ y) % 11 == 0) life[{x, y}] = 1;
  for (int generation = 0; generation < 20; generation++) {
    std::unordered_map<Cell, int, CellHash> neighbours;
    for (auto &[cell, alive] : life)
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          if (dx || dy) neighbours[{cell.x + dx, cell.y + dy}]++;
    std::unordered_map<Cell, int, CellHash> next;
    for (auto &[cell, n] : neighbours)
      if (n == 3 || (n == 2 && life.count(cell))) next[cell] = 1;
    life.swap(next);
  }
  long long checksum = 0;
  for (auto &[cell, alive] : life) checksum += cell.x * 1000 + cell.y;
  std::cout << "life after 20 generations: " << life.size() << " cells, checksum " << checksum << '\n';
  Bloom bloom;
  for (int i = 0; i < 500; i++) bloom.add("member" + std::to_string(i));
  int false_positives = 0;
  for (int i = 0; i < 5000; i++) false_positives += bloom.maybe("stranger" + std::to_string(i));
  std::cout << "bloom: " << bloom.count() << " bits set, member0 " << bloom.maybe("member0") << ", "
            << false_positives << " false positives in 5000\n";
  return 0;
}
