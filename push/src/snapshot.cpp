#include "pushsim/push/snapshot.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;
using json = nlohmann::json;

// One row, or why not.
std::variant<sch::subscriber, std::string> parse_row(const json& r) {
  if (!r.is_array() || r.size() != 7) return std::string("expected an array of 7 strings");
  for (const auto& v : r) {
    if (!v.is_string()) return std::string("expected an array of 7 strings");
  }
  const std::string& installed = r[5].get_ref<const std::string&>();
  if (installed != "i" && installed != "u") return std::string("installed status must be \"i\" or \"u\"");
  sch::subscriber_row row{r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<std::string>(),
                          r[3].get<std::string>(), r[4].get<std::string>(), installed,
                          r[6].get<std::string>()};
  std::string why;
  auto s = sch::to_subscriber(std::move(row), why);
  if (!s) return why.empty() ? std::string("not a subscriber row") : why;
  return std::move(*s);
}

}  // namespace

std::string snapshot_text(const std::vector<sch::subscriber>& subscribers) {
  json a = json::array();
  for (const auto& s : subscribers) {
    a.push_back(json::array({s.org_key, s.org_name, std::string(sch::to_string(s.type)),
                             std::string(sch::to_string(s.status)), s.instance_name,
                             s.installed == sch::installed_status::uninstalled ? "u" : "i", s.installed_version_id}));
  }
  return a.dump();
}

std::variant<std::vector<sch::subscriber>, std::string> parse_snapshot(std::string_view text,
                                                                       const std::string& where) {
  const json a = json::parse(text, nullptr, false);
  if (!a.is_array()) return where + ": not a subscriber snapshot (expected a JSON array of rows)";
  std::vector<sch::subscriber> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto row = parse_row(a[i]);
    if (auto* why = std::get_if<std::string>(&row)) return where + ": /" + std::to_string(i) + ": " + *why;
    out.push_back(std::move(std::get<sch::subscriber>(row)));
  }
  return out;
}

std::variant<std::vector<sch::subscriber>, std::string> read_snapshot_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "no subscriber snapshot at " + path;
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return "cannot read " + path;
  return parse_snapshot(ss.str(), path);
}

}  // namespace pushsim::push
