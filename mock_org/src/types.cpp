#include "pushsim/mock_org/types.hpp"

#include <charconv>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org {
namespace {
template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}
constexpr std::array<std::string_view, 2> org_type_names{"Production", "Sandbox"};
constexpr std::array<std::string_view, 6> org_status_names{"Active", "Demo", "Free", "Inactive", "Trial", "Other"};
constexpr std::array<std::string_view, 6> edition_names{"Professional", "Enterprise", "Unlimited",
                                                        "Performance",  "Developer",  "Other"};
constexpr std::array<std::string_view, platform_feature_count> feature_names{
    "MultiCurrency", "PersonAccounts",     "StateCountryPicklists", "TerritoryManagement",
    "Communities",   "PlatformEncryption", "EinsteinAnalytics",     "SalesforceCPQ"};
constexpr std::array<std::string_view, 6> status_names{"Created",   "Pending", "InProgress",
                                                       "Succeeded", "Failed",  "Canceled"};
constexpr std::array<std::string_view, error_type_count> error_names{
    "ApexTestFailure", "DeployError",    "FeatureMissing", "IneligibleUpgrade",
    "LimitExceeded",   "LockingFailure", "PACError",       "UnclassifiedError"};
constexpr std::array<std::string_view, break_cause_count> cause_names{"none", "saves_fail", "automation_errors",
                                                                      "integration_stops"};
constexpr std::array<std::string_view, 5> severity_names{"none", "low", "medium", "high", "critical"};

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

std::string_view to_string(org_type v) { return org_type_names[static_cast<std::size_t>(v)]; }
std::string_view to_string(org_status v) { return org_status_names[static_cast<std::size_t>(v)]; }
std::string_view to_string(edition v) { return edition_names[static_cast<std::size_t>(v)]; }
std::optional<org_type> parse_org_type(std::string_view s) { return lookup<org_type>(org_type_names, s); }
std::optional<org_status> parse_org_status(std::string_view s) { return lookup<org_status>(org_status_names, s); }
std::optional<edition> parse_edition(std::string_view s) { return lookup<edition>(edition_names, s); }

std::uint32_t custom_field_limit(edition e) {
  switch (e) {
    case edition::professional: return 100;
    case edition::enterprise: return 500;
    case edition::unlimited: return 800;
    case edition::performance: return 800;
    case edition::developer: return 500;
    case edition::other: return 500;
  }
  return 500;
}

std::string_view to_string(platform_feature f) { return feature_names[static_cast<std::size_t>(f)]; }
std::optional<platform_feature> parse_platform_feature(std::string_view s) {
  return lookup<platform_feature>(feature_names, s);
}

std::array<char, 3> id_checksum(std::string_view id15) {
  PUSHSIM_ASSERT(id15.size() == 15, "id_checksum needs a 15-character id");
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  std::array<char, 3> out{};
  for (std::size_t chunk = 0; chunk < 3; ++chunk) {
    unsigned bits = 0;
    for (std::size_t i = 0; i < 5; ++i) {
      // Branch-free: an upper-case letter sets bit i (ids are random text: a branch here mispredicts half the time).
      const auto c = static_cast<unsigned char>(id15[chunk * 5 + i]);
      bits |= static_cast<unsigned>(static_cast<unsigned char>(c - 'A') < 26u) << i;
    }
    out[chunk] = alphabet[bits];
  }
  return out;
}

std::string org_key::str18() const {
  std::string s = str();
  const auto sum = id_checksum(view());
  s.append(sum.data(), sum.size());
  return s;
}

std::optional<org_key> parse_org_key(std::string_view s) {
  if (s.size() != 15 && s.size() != 18) return std::nullopt;
  if (s.substr(0, 3) != "00D") return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i) {
    if (!is_alnum(s[i])) return std::nullopt;
  }
  if (s.size() == 18) {
    const auto sum = id_checksum(s.substr(0, 15));
    for (std::size_t i = 0; i < 3; ++i) {
      char c = s[15 + i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != sum[i]) return std::nullopt;
    }
  }
  org_key k;
  for (std::size_t i = 0; i < 15; ++i) k.chars[i] = s[i];
  return k;
}

std::string version_number::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<version_number> parse_version_number(std::string_view s) {
  version_number v;
  std::uint16_t* parts[3] = {&v.major, &v.minor, &v.patch};
  std::size_t part = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (true) {
    if (part >= 3) return std::nullopt;
    auto [next, ec] = std::from_chars(p, end, *parts[part]);
    if (ec != std::errc{} || next == p) return std::nullopt;
    ++part;
    p = next;
    if (p == end) break;
    if (*p != '.') return std::nullopt;
    ++p;
  }
  if (part < 2) return std::nullopt;
  return v;
}

std::string_view to_string(push_status s, bool spaced) {
  if (spaced && s == push_status::in_progress) return "In Progress";
  return status_names[static_cast<std::size_t>(s)];
}
std::optional<push_status> parse_push_status(std::string_view s) {
  if (s == "In Progress") return push_status::in_progress;
  return lookup<push_status>(status_names, s);
}

std::string_view to_string(error_type e) { return error_names[static_cast<std::size_t>(e)]; }
std::optional<error_type> parse_error_type(std::string_view s) { return lookup<error_type>(error_names, s); }
std::string_view to_string(break_cause c) { return cause_names[static_cast<std::size_t>(c)]; }
std::string_view to_string(severity s) { return severity_names[static_cast<std::size_t>(s)]; }

}  // namespace pushsim::mock_org
