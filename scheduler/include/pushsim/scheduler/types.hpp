#pragma once
// Small value types shared by the plan, the planner and the executor: the PackageSubscriber enums as the push
// API spells them, and package version numbers.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushsim::scheduler {

// PackageSubscriber.OrgType.
enum class org_type : std::uint8_t { production, sandbox };
// PackageSubscriber.OrgStatus.
enum class org_status : std::uint8_t { active, demo, free, inactive, trial, other };
// PackageSubscriber.InstalledStatus ("i" installed, "u" uninstalled on the wire).
enum class installed_status : std::uint8_t { installed, uninstalled };

// The wire spelling ("Production", "Active", ...) and back (case-sensitive, as the API returns them).
std::string_view to_string(org_type t);
std::string_view to_string(org_status s);
std::optional<org_type> parse_org_type(std::string_view text);
std::optional<org_status> parse_org_status(std::string_view text);

// A managed-package version number Major.Minor.Patch.Build (MetadataPackageVersion fields). Ordered.
struct package_version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  int build = 0;
  auto operator<=>(const package_version&) const = default;
};

// Parses "2.4", "2.4.1" or "2.4.1.7" (missing parts are 0). Empty optional when malformed.
std::optional<package_version> parse_package_version(std::string_view text);
// "2.4.1.7".
std::string to_string(const package_version& v);

}  // namespace pushsim::scheduler
