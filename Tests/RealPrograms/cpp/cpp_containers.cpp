// The standard containers on a word index: map, multimap, set, unordered_map,
// vector, deque, list, priority_queue, and an LRU cache built from list + map.
// run:
// exit: 0
// explicit: yes
#include <algorithm>
#include <cctype>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <queue>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

static const char *text =
    "Call me Ishmael. Some years ago never mind how long precisely having little or no money in my purse, "
    "and nothing particular to interest me on shore, I thought I would sail about a little and see the "
    "watery part of the world. It is a way I have of driving off the spleen and regulating the circulation. "
    "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly November in my soul; "
    "whenever I find myself involuntarily pausing before coffin warehouses, and bringing up the rear of every "
    "funeral I meet; then, I account it high time to get to sea as soon as I can.";

class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity) {}
  bool get(const std::string &key, int &value) {
    auto found = index_.find(key);
    if (found == index_.end()) return false;
    order_.splice(order_.begin(), order_, found->second);
    value = found->second->second;
    return true;
  }
  void put(const std::string &key, int value) {
    int ignored;
    if (get(key, ignored)) {
      order_.front().second = value;
      return;
    }
    order_.emplace_front(key, value);
    index_[key] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }
  std::string keys() const {
    std::string out;
    for (auto &entry : order_) out += entry.first + " ";
    return out;
  }

 private:
  size_t capacity_;
  std::list<std::pair<std::string, int>> order_;
  std::map<std::string, std::list<std::pair<std::string, int>>::iterator> index_;
};

int main() {
  std::vector<std::string> words;
  std::string word;
  for (const char *c = text;; c++) {
    if (*c && std::isalpha(static_cast<unsigned char>(*c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    } else {
      if (!word.empty()) words.push_back(word);
      word.clear();
      if (!*c) break;
    }
  }
  std::map<std::string, int> counts;
  std::unordered_map<std::string, std::vector<size_t>> positions;
  for (size_t i = 0; i < words.size(); i++) {
    counts[words[i]]++;
    positions[words[i]].push_back(i);
  }
  std::multimap<int, std::string, std::greater<int>> by_count;
  for (auto &[w, n] : counts) by_count.emplace(n, w);
  std::cout << words.size() << " words, " << counts.size() << " distinct\n";
  int shown = 0;
  for (auto &[n, w] : by_count) {
    if (shown++ == 8) break;
    std::cout << w << ": " << n << " at";
    for (size_t p : positions[w]) std::cout << ' ' << p;
    std::cout << '\n';
  }
  std::set<size_t> lengths;
  for (auto &w : words) lengths.insert(w.size());
  std::cout << "lengths:";
  for (size_t n : lengths) std::cout << ' ' << n;
  std::cout << "\nfirst >= \"m\": " << counts.lower_bound("m")->first << '\n';
  std::deque<std::string> window;
  std::string longest_window;
  for (auto &w : words) {
    window.push_back(w);
    if (window.size() > 3) window.pop_front();
    std::string joined = window.front() + "-" + window.back();
    if (joined.size() > longest_window.size()) longest_window = joined;
  }
  std::cout << "longest window ends: " << longest_window << '\n';
  std::priority_queue<std::pair<size_t, std::string>> heap;
  for (auto &[w, n] : counts) heap.emplace(w.size() * 10 + n, w);
  for (int i = 0; i < 5; i++) {
    std::cout << "heap: " << heap.top().second << ' ' << heap.top().first << '\n';
    heap.pop();
  }
  LruCache cache(4);
  for (auto &w : words) {
    int seen;
    cache.put(w, cache.get(w, seen) ? seen + 1 : 1);
  }
  std::cout << "lru keys: " << cache.keys() << '\n';
  std::unordered_map<int, int> squares;
  for (int i = 0; i < 20000; i++) squares[i * 7919 % 100003] = i;
  long long total = 0;
  for (int i = 0; i < 100003; i += 11) {
    auto found = squares.find(i);
    if (found != squares.end()) total += found->second;
  }
  std::cout << "unordered_map: " << squares.size() << " entries, probe total " << total << '\n';
  return 0;
}
