#include "pushsim/scheduler/types.hpp"

#include <charconv>

namespace pushsim::scheduler {

std::string_view to_string(org_type t) { return t == org_type::production ? "Production" : "Sandbox"; }

std::string_view to_string(org_status s) {
  switch (s) {
    case org_status::active: return "Active";
    case org_status::demo: return "Demo";
    case org_status::free: return "Free";
    case org_status::inactive: return "Inactive";
    case org_status::trial: return "Trial";
    case org_status::other: return "Other";
  }
  return "Active";
}

std::optional<org_type> parse_org_type(std::string_view text) {
  if (text == "Production") return org_type::production;
  if (text == "Sandbox") return org_type::sandbox;
  return std::nullopt;
}

std::optional<org_status> parse_org_status(std::string_view text) {
  for (auto s : {org_status::active, org_status::demo, org_status::free, org_status::inactive, org_status::trial,
                 org_status::other}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

std::optional<package_version> parse_package_version(std::string_view text) {
  int parts[4] = {0, 0, 0, 0};
  int n = 0;
  std::size_t i = 0;
  while (true) {
    if (n == 4) return std::nullopt;
    const char* first = text.data() + i;
    const char* last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, parts[n]);
    if (ec != std::errc{} || ptr == first || parts[n] < 0) return std::nullopt;
    ++n;
    i = static_cast<std::size_t>(ptr - text.data());
    if (i == text.size()) break;
    if (text[i] != '.') return std::nullopt;
    ++i;
  }
  if (n < 2) return std::nullopt;
  return package_version{parts[0], parts[1], parts[2], parts[3]};
}

std::string to_string(const package_version& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch) + "." +
         std::to_string(v.build);
}

}  // namespace pushsim::scheduler
