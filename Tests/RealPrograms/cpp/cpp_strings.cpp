// String work in C++: a template engine over string_view, word wrapping,
// case-insensitive sorting, split/join, and std::to_string / stod round trips.
// run:
// exit: 0
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

static std::string render(std::string_view tpl, const std::map<std::string, std::string, std::less<>> &vars) {
  std::string out;
  while (!tpl.empty()) {
    auto open = tpl.find("{{");
    out += tpl.substr(0, open);
    if (open == std::string_view::npos) break;
    auto close = tpl.find("}}", open);
    auto key = tpl.substr(open + 2, close - open - 2);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    auto found = vars.find(key);
    out += found != vars.end() ? found->second : "<" + std::string(key) + "?>";
    tpl.remove_prefix(close + 2);
  }
  return out;
}

static std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); i++)
    if (i == text.size() || text[i] == separator) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

static std::string wrap(const std::string &text, size_t width) {
  std::istringstream words(text);
  std::string word, line, out;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + '\n';
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line + '\n';
}

int main() {
  std::map<std::string, std::string, std::less<>> vars{{"name", "wasmc"}, {"lang", "C"}, {"count", "3"}};
  std::cout << render("{{ name }} turns wasm into {{lang}} in {{count}} steps; {{missing}} stays.", vars) << '\n';
  auto parts = split("alpha,beta,,gamma,delta,", ',');
  std::cout << parts.size() << " parts:";
  for (auto &p : parts) std::cout << " [" << p << ']';
  std::cout << '\n';
  std::vector<std::string> names{"banana", "Apple", "cherry", "apple", "Banana", "date", "Cherry", "éclair"};
  std::sort(names.begin(), names.end(), [](const std::string &a, const std::string &b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
    });
  });
  std::string joined;
  for (auto &n : names) joined += (joined.empty() ? "" : ", ") + n;
  std::cout << joined << '\n';
  std::cout << wrap("The WebAssembly binary is translated into readable C, compiled by clang with the runtime, "
                    "and linked into one native executable that runs several modules at once.",
                    32);
  for (double d : {0.1, 2.5, -1e-5, 123456789.0, 1.0 / 3}) {
    std::string s = std::to_string(d);
    std::cout << "to_string " << s << " stod " << std::stod(s) << '\n';
  }
  std::string text = "Mississippi";
  size_t count = 0;
  for (size_t at = text.find("ss"); at != std::string::npos; at = text.find("ss", at + 1)) count++;
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::reverse(text.begin(), text.end());
  std::cout << upper << ' ' << text << " \"ss\" x" << count << " starts_with " << (upper.rfind("MISS", 0) == 0)
            << '\n';
  std::string replaced = "a-b-c-d";
  for (size_t at; (at = replaced.find('-')) != std::string::npos;) replaced.replace(at, 1, " + ");
  std::cout << replaced << '\n';
  return 0;
}
