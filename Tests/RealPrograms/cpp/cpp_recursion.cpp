// Recursion in C++: N-Queens by backtracking, a recursive binary tree (built,
// balanced and walked), memoised partition counts, and a Sudoku solver.
// run: 8
// exit: 0
// run: 10
// exit: 0
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

static int queens(int n, int row, uint32_t columns, uint32_t diagonals, uint32_t anti) {
  if (row == n) return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    uint32_t d = 1u << (row + c), a = 1u << (row - c + n);
    if ((columns >> c & 1) || (diagonals & d) || (anti & a)) continue;
    count += queens(n, row + 1, columns | 1u << c, diagonals | d, anti | a);
  }
  return count;
}

struct Node {
  int key;
  std::unique_ptr<Node> left, right;
};

static std::unique_ptr<Node> insert(std::unique_ptr<Node> node, int key) {
  if (!node) return std::unique_ptr<Node>(new Node{key, nullptr, nullptr});
  if (key < node->key) node->left = insert(std::move(node->left), key);
  else node->right = insert(std::move(node->right), key);
  return node;
}
static int height(const Node *n) { return n ? 1 + std::max(height(n->left.get()), height(n->right.get())) : 0; }
static void inorder(const Node *n, std::vector<int> &out) {
  if (!n) return;
  inorder(n->left.get(), out);
  out.push_back(n->key);
  inorder(n->right.get(), out);
}
static std::unique_ptr<Node> balanced(const std::vector<int> &keys, int lo, int hi) {
  if (lo > hi) return nullptr;
  int mid = (lo + hi) / 2;
  auto node = std::unique_ptr<Node>(new Node{keys[mid], nullptr, nullptr});
  node->left = balanced(keys, lo, mid - 1);
  node->right = balanced(keys, mid + 1, hi);
  return node;
}

static std::map<std::pair<int, int>, uint64_t> memo;
static uint64_t partitions(int n, int largest) {
  if (n == 0) return 1;
  if (n < 0 || largest == 0) return 0;
  auto key = std::make_pair(n, largest);
  auto found = memo.find(key);
  if (found != memo.end()) return found->second;
  return memo[key] = partitions(n - largest, largest) + partitions(n, largest - 1);
}

static bool solve(std::string &grid, int cell = 0) {
  if (cell == 81) return true;
  if (grid[cell] != '.') return solve(grid, cell + 1);
  int r = cell / 9, c = cell % 9;
  for (char digit = '1'; digit <= '9'; digit++) {
    bool ok = true;
    for (int i = 0; i < 9 && ok; i++)
      ok = grid[r * 9 + i] != digit && grid[i * 9 + c] != digit &&
           grid[(r / 3 * 3 + i / 3) * 9 + c / 3 * 3 + i % 3] != digit;
    if (!ok) continue;
    grid[cell] = digit;
    if (solve(grid, cell + 1)) return true;
  }
  grid[cell] = '.';
  return false;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 8;
  for (int q = 4; q <= n; q++) std::cout << q << "-queens: " << queens(q, 0, 0, 0, 0) << " solutions\n";
  std::unique_ptr<Node> root;
  /* Sorted insertions make a degenerate tree 1500 deep. */
  for (int i = 0; i < 1500; i++) root = insert(std::move(root), i);
  std::vector<int> keys;
  inorder(root.get(), keys);
  std::cout << "degenerate tree: " << keys.size() << " keys, height " << height(root.get()) << '\n';
  root = balanced(keys, 0, static_cast<int>(keys.size()) - 1);
  std::cout << "balanced height " << height(root.get()) << '\n';
  for (int k : {10, 50, 100, 200, 400}) std::cout << "p(" << k << ") = " << partitions(k, k) << '\n';
  std::string grid = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
  std::cout << "sudoku " << (solve(grid) ? "solved" : "unsolvable") << ":\n";
  for (int r = 0; r < 9; r++) std::cout << grid.substr(r * 9, 9) << '\n';
  return 0;
}
