#include "pushsim/scheduler/profiles.hpp"

#include <date/tz.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace pushsim::scheduler {

bool profile_set::add(org_profile profile) {
  const auto index = static_cast<std::uint32_t>(profiles_.size());
  if (index_.insert(profile.org_key15, index)) return false;
  profile.zone_id = 0;
  if (!profile.time_zone.empty()) {
    const auto it = std::find(zone_names_.begin(), zone_names_.end(), profile.time_zone);
    profile.zone_id = static_cast<std::uint16_t>(it - zone_names_.begin());
    if (it == zone_names_.end()) zone_names_.push_back(profile.time_zone);
  }
  profiles_.push_back(std::move(profile));
  return true;
}

std::optional<int> profile_set::feature_bit(std::string_view name) {
  for (std::size_t i = 0; i < feature_names_.size(); ++i) {
    if (feature_names_[i] == name) return static_cast<int>(i);
  }
  if (feature_names_.size() == max_profile_features) return std::nullopt;
  feature_names_.emplace_back(name);
  return static_cast<int>(feature_names_.size() - 1);
}

const org_profile* profile_set::find(std::string_view key15) const {
  const auto i = index_.find(key15);
  return i ? &profiles_[*i] : nullptr;
}

namespace {

// "line 3", or "line 3, column 2 (time_zone)": where in the CSV.
std::string csv_pointer(std::size_t line, std::size_t column, const std::string& column_name) {
  std::string out = "line " + std::to_string(line);
  if (column > 0) {
    out += ", column " + std::to_string(column);
    if (!column_name.empty()) out += " (" + column_name + ")";
  }
  return out;
}

}  // namespace

std::string profiles_parse_result::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

bool is_known_time_zone(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, bool, std::less<>> cache;
  const std::lock_guard lock(mutex);
  if (const auto it = cache.find(name); it != cache.end()) return it->second;
  bool known = false;
  try {
    known = date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    known = false;
  }
  cache.emplace(std::string(name), known);
  return known;
}

std::string_view default_time_zone_for_instance(std::string_view instance) {
  // Longest matching region prefix first; the digits that follow name the pod.
  struct region {
    std::string_view prefix;
    std::string_view zone;
  };
  static constexpr region regions[] = {
      {"USA", "America/New_York"}, {"CAN", "America/Toronto"},  {"GBR", "Europe/London"},
      {"DEU", "Europe/Berlin"},    {"FRA", "Europe/Paris"},     {"JPN", "Asia/Tokyo"},
      {"IND", "Asia/Kolkata"},     {"AUS", "Australia/Sydney"}, {"BRA", "America/Sao_Paulo"},
      {"SGP", "Asia/Singapore"},   {"NA", "America/New_York"},  {"CS", "America/New_York"},
      {"UM", "America/Chicago"},   {"EU", "Europe/London"},     {"UK", "Europe/London"},
      {"DE", "Europe/Berlin"},     {"FR", "Europe/Paris"},      {"AP", "Asia/Tokyo"},
      {"JP", "Asia/Tokyo"},        {"AU", "Australia/Sydney"},  {"IN", "Asia/Kolkata"},
      {"CA", "America/Toronto"},   {"BR", "America/Sao_Paulo"}, {"SG", "Asia/Singapore"},
  };
  std::size_t letters = 0;
  while (letters < instance.size() && std::isalpha(static_cast<unsigned char>(instance[letters]))) ++letters;
  std::string upper;
  for (std::size_t i = 0; i < letters; ++i)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(instance[i])));
  for (const auto& r : regions) {
    if (upper == r.prefix) return r.zone;
  }
  return {};
}

namespace {

// Splits one CSV line (RFC 4180 quoting within the line). Returns false on an unterminated quote.
bool split_csv_line(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) return false;
  out.push_back(std::move(field));
  return true;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

enum class column_kind { org_key, time_zone, fiscal_month, tier, features, feature_flag };

}  // namespace

profiles_parse_result parse_profiles_csv(std::string_view text, const std::string& file) {
  profiles_parse_result result;
  profile_set set;
  std::vector<column_kind> kinds;
  std::vector<std::string> names;
  std::vector<int> flag_bits;                                  // for feature_flag columns
  std::map<std::string, std::size_t, std::less<>> first_line;  // org key -> line (only for duplicates' message)
  std::map<std::string, bool, std::less<>> zone_ok;
  std::vector<std::string> fields;
  bool header_done = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto err = [&](std::size_t column, std::string message) {
    result.errors.push_back(
        {file, csv_pointer(line_no, column, column > 0 && column <= names.size() ? names[column - 1] : std::string()),
         std::move(message)});
  };
  while (pos <= text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || line.front() == '#') continue;
    if (!split_csv_line(line, fields)) {
      err(0, "unterminated quoted field");
      continue;
    }
    if (!header_done) {
      header_done = true;
      for (std::size_t c = 0; c < fields.size(); ++c) {
        const std::string h = trim(fields[c]);
        names.push_back(h);
        flag_bits.push_back(-1);
        if (h == "org_key") kinds.push_back(column_kind::org_key);
        else if (h == "time_zone") kinds.push_back(column_kind::time_zone);
        else if (h == "fiscal_year_start_month") kinds.push_back(column_kind::fiscal_month);
        else if (h == "tier") kinds.push_back(column_kind::tier);
        else if (h == "features") kinds.push_back(column_kind::features);
        else if (h.rfind("feature:", 0) == 0 && h.size() > 8) {
          kinds.push_back(column_kind::feature_flag);
          const auto bit = set.feature_bit(h.substr(8));
          if (!bit) err(c + 1, "more than 64 distinct features");
          else flag_bits.back() = *bit;
        } else {
          kinds.push_back(column_kind::features);  // placeholder; reported below
          err(c + 1, "unknown column \"" + h +
                         "\" (expected org_key, time_zone, fiscal_year_start_month, tier, "
                         "features or feature:<name>)");
        }
        for (std::size_t d = 0; d < c; ++d) {
          if (names[d] == h) err(c + 1, "duplicate column \"" + h + "\"");
        }
      }
      if (std::find(kinds.begin(), kinds.end(), column_kind::org_key) == kinds.end()) {
        err(0, "the header has no org_key column");
      }
      if (!result.errors.empty()) break;
      continue;
    }
    if (fields.size() != kinds.size()) {
      err(0, "expected " + std::to_string(kinds.size()) + " fields, got " + std::to_string(fields.size()));
      continue;
    }
    org_profile prof;
    bool ok = true;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const std::string v = trim(fields[c]);
      switch (kinds[c]) {
        case column_kind::org_key: {
          auto k = normalize_org_key(v);
          if (!k) {
            err(c + 1, "expected a 15- or 18-character org id, got \"" + v + "\"");
            ok = false;
          } else {
            prof.org_key15 = *k;
          }
          break;
        }
        case column_kind::time_zone: {
          if (v.empty()) break;
          auto it = zone_ok.find(v);
          if (it == zone_ok.end()) it = zone_ok.emplace(v, is_known_time_zone(v)).first;
          if (!it->second) {
            err(c + 1, "unknown time zone \"" + v + "\" (expected an IANA name such as \"Europe/Berlin\")");
            ok = false;
          } else {
            prof.time_zone = v;
          }
          break;
        }
        case column_kind::fiscal_month: {
          if (v.empty()) break;
          int m = 0;
          const bool digits =
              v.size() <= 2 && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
          if (digits) m = std::stoi(v);
          if (!digits || m < 1 || m > 12) {
            err(c + 1, "expected a month number 1-12, got \"" + v + "\"");
            ok = false;
          } else {
            prof.fiscal_year_start_month = m;
          }
          break;
        }
        case column_kind::tier: prof.tier = v; break;
        case column_kind::features: {
          std::size_t b = 0;
          while (b <= v.size() && !v.empty()) {
            const std::size_t e = std::min(v.find(';', b), v.size());
            const std::string name = trim(std::string_view(v).substr(b, e - b));
            b = e + 1;
            if (name.empty()) continue;
            const auto bit = set.feature_bit(name);
            if (!bit) {
              err(c + 1, "more than 64 distinct features (at \"" + name + "\")");
              ok = false;
              break;
            }
            prof.features |= std::uint64_t{1} << *bit;
          }
          break;
        }
        case column_kind::feature_flag: {
          if (v == "1" || v == "true") {
            if (flag_bits[c] >= 0) prof.features |= std::uint64_t{1} << flag_bits[c];
          } else if (!(v == "0" || v == "false" || v.empty())) {
            err(c + 1, "expected 0 or 1, got \"" + v + "\"");
            ok = false;
          }
          break;
        }
      }
    }
    if (!ok) continue;
    const std::string key = prof.org_key15;
    if (!set.add(std::move(prof))) {
      const auto it = first_line.find(key);
      err(0, "duplicate org key " + key +
                 (it != first_line.end() ? " (first on line " + std::to_string(it->second) + ")" : std::string()));
    } else if (set.size() < 100000) {
      first_line.emplace(key, line_no);  // bounded: duplicates later than that report without the first line
    }
  }
  if (!header_done)
    result.errors.push_back({file, "line 1", "empty file: expected a header line starting with org_key"});
  if (result.errors.empty()) result.value = std::move(set);
  return result;
}

profiles_parse_result load_profiles_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    profiles_parse_result r;
    r.errors.push_back({path, "", "cannot read the profiles file"});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_profiles_csv(text.str(), path);
}

}  // namespace pushsim::scheduler
