#include "pushsim/push/journal_binding.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pushsim/base/random.hpp"

namespace pushsim::push {
namespace {

using json = nlohmann::json;

// A journal line that parses: a JSON object with a string "t".
bool is_record(const json& j) { return j.is_object() && j.contains("t") && j["t"].is_string(); }

// The journal's lines without their newlines (empty lines dropped).
std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > at) lines.emplace_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

}  // namespace

std::string plan_content_hash(std::string_view plan_bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash_name(plan_bytes)));
  return std::string("fnv1a64:") + hex;
}

std::string encode_binding(const journal_binding& b) {
  json j{{"t", "bind"},
         {"instance", b.instance_org_id},
         {"package", b.package_id},
         {"version", b.target_version_id},
         {"plan", b.plan_hash}};
  if (!b.adopted_request_ids.empty()) j["adopted"] = b.adopted_request_ids;
  return j.dump();
}

std::variant<journal_binding, std::string> decode_binding(std::string_view line) {
  const json j = json::parse(line, nullptr, false);
  if (!is_record(j) || j["t"] != "bind") return std::string("the first record is not a bind record");
  journal_binding b;
  const std::pair<const char*, std::string*> fields[] = {{"instance", &b.instance_org_id},
                                                         {"package", &b.package_id},
                                                         {"version", &b.target_version_id},
                                                         {"plan", &b.plan_hash}};
  for (const auto& [key, into] : fields) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get_ref<const std::string&>().empty()) {
      return std::string("the bind record lacks \"") + key + "\"";
    }
    *into = j[key].get<std::string>();
  }
  if (!j.contains("adopted")) return b;
  const json& adopted = j["adopted"];
  const auto is_id = [](const json& v) { return v.is_string() && !v.get_ref<const std::string&>().empty(); };
  if (!adopted.is_array() || !std::all_of(adopted.begin(), adopted.end(), is_id)) {
    return std::string("the bind record's \"adopted\" is not a list of push request ids");
  }
  for (const auto& id : adopted) b.adopted_request_ids.push_back(id.get<std::string>());
  return b;
}

std::vector<std::string> binding_mismatches(const journal_binding& journal, const journal_binding& now) {
  std::vector<std::string> out;
  auto check = [&](const char* field, const std::string& was, const std::string& is) {
    if (was != is) out.push_back(std::string(field) + ": journal " + was + " vs now " + is);
  };
  check("instance", journal.instance_org_id, now.instance_org_id);
  check("package", journal.package_id, now.package_id);
  check("target version", journal.target_version_id, now.target_version_id);
  check("plan", journal.plan_hash, now.plan_hash);
  return out;
}

std::variant<bound_journal, std::string> parse_bound_journal(std::string_view text, const std::string& where) {
  std::vector<std::string> lines = split_lines(text);
  if (lines.empty()) return "journal " + where + " is empty: nothing to resume";
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (!is_record(json::parse(lines[i], nullptr, false))) {
      return "journal " + where + ": line " + std::to_string(i + 1) + " is not a journal record";
    }
  }
  auto bound = decode_binding(lines.front());
  if (auto* why = std::get_if<std::string>(&bound)) return "journal " + where + ": line 1: " + *why;
  lines.erase(lines.begin());
  scheduler::journal_state state = scheduler::read_journal(lines);
  // The executor's reader skips what it cannot read: only a torn last line may be skipped.
  const bool last_unreadable = !lines.empty() && scheduler::read_journal({lines.back()}).lines_ignored == 1;
  if (state.lines_ignored > (last_unreadable ? 1u : 0u)) {
    return "journal " + where + ": " + std::to_string(state.lines_ignored) +
           " lines the executor cannot read (only a torn last line may be)";
  }
  return bound_journal{std::get<journal_binding>(bound), std::move(state)};
}

std::variant<bound_journal, std::string> read_bound_journal(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "no journal at " + path + ": nothing to resume (check --journal)";
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return "cannot read journal " + path;
  return parse_bound_journal(ss.str(), path);
}

}  // namespace pushsim::push
