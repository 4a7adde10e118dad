// fstream through a pre-opened directory (/data): parse a CSV of cities,
// aggregate per country, write a summary and a binary file, read them back,
// rename and remove.
// run:
// exit: 0
// dir: yes
// explicit: yes
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

struct City {
  std::string name, country;
  long population;
  double area;
  int founded;
};

int main() {
  std::ifstream in("/data/records.csv");
  if (!in) {
    std::cerr << "cannot open records.csv" << std::endl;
    return 1;
  }
  std::string line;
  std::getline(in, line);
  std::cout << "header: " << line << '\n';
  std::vector<City> cities;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    City c;
    std::string population, area, founded;
    std::getline(fields, c.name, ',');
    std::getline(fields, c.country, ',');
    std::getline(fields, population, ',');
    std::getline(fields, area, ',');
    std::getline(fields, founded, ',');
    c.population = std::stol(population);
    c.area = std::stod(area);
    c.founded = std::stoi(founded);
    cities.push_back(c);
  }
  std::map<std::string, std::pair<long, double>> by_country;
  for (auto &c : cities) {
    by_country[c.country].first += c.population;
    by_country[c.country].second += c.area;
  }
  {
    std::ofstream summary("/data/summary.txt");
    summary << std::fixed << std::setprecision(1);
    for (auto &[country, totals] : by_country)
      summary << country << ' ' << totals.first << ' ' << totals.second << ' ' << totals.first / totals.second << '\n';
    const City *oldest = &cities[0];
    for (auto &c : cities)
      if (c.founded < oldest->founded) oldest = &c;
    summary << "oldest: " << oldest->name << " (" << oldest->founded << ")\n";
  }
  {
    std::ofstream append("/data/summary.txt", std::ios::app);
    append << "cities: " << cities.size() << '\n';
  }
  std::ifstream back("/data/summary.txt");
  std::cout << back.rdbuf();
  {
    std::ofstream binary("/data/populations.bin", std::ios::binary);
    for (auto &c : cities) binary.write(reinterpret_cast<const char *>(&c.population), sizeof c.population);
  }
  std::ifstream binary("/data/populations.bin", std::ios::binary | std::ios::ate);
  std::streamoff size = binary.tellg();
  binary.seekg(static_cast<std::streamoff>(3 * sizeof(long)));
  long fourth = 0;
  binary.read(reinterpret_cast<char *>(&fourth), sizeof fourth);
  std::cout << "populations.bin: " << size << " bytes, fourth " << fourth << '\n';
  binary.close();
  std::cout << "rename: " << std::rename("/data/populations.bin", "/data/notes/populations.bin") << '\n';
  std::cout << "remove words.txt: " << std::remove("/data/words.txt") << '\n';
  std::cout << "open removed: " << static_cast<bool>(std::ifstream("/data/words.txt")) << '\n';
  std::cout << "open outside: " << static_cast<bool>(std::ifstream("/etc/hostname")) << '\n';
  return 0;
}
