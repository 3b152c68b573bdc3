#pragma once
// Small value types of the simulated world: org attributes (type, status, edition, platform features), org keys,
// package version numbers, push statuses, error types and breakage causes, with their Salesforce spellings.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushsim::mock_org {

// PackageSubscriber.OrgType.
enum class org_type : std::uint8_t { production, sandbox };
// PackageSubscriber.OrgStatus.
// `other`: a status an imported export spelled in a way the model does not know (counted in a warning).
enum class org_status : std::uint8_t { active, demo, free, inactive, trial, other };
// Salesforce edition; decides the custom-field-per-object limit.
// `other`: an edition an imported export names that the model does not know (custom-field limit as Enterprise).
enum class edition : std::uint8_t { professional, enterprise, unlimited, performance, developer, other };
inline constexpr std::size_t edition_count = 6;

std::string_view to_string(org_type v);
std::string_view to_string(org_status v);
std::string_view to_string(edition v);
std::optional<org_type> parse_org_type(std::string_view s);
std::optional<org_status> parse_org_status(std::string_view s);
std::optional<edition> parse_edition(std::string_view s);
// Custom fields allowed per object in this edition (subscriber + managed fields count against it).
std::uint32_t custom_field_limit(edition e);

// Platform features an org may have enabled; a bit set in `feature_set`.
enum class platform_feature : std::uint8_t {
  multi_currency,
  person_accounts,
  state_country_picklists,
  territory_management,
  communities,
  platform_encryption,
  einstein_analytics,
  salesforce_cpq,
};
inline constexpr std::size_t platform_feature_count = 8;
using feature_set = std::uint16_t;
constexpr feature_set feature_bit(platform_feature f) {
  return static_cast<feature_set>(1u << static_cast<unsigned>(f));
}
// Spelling used in specs and messages, e.g. "MultiCurrency".
std::string_view to_string(platform_feature f);
std::optional<platform_feature> parse_platform_feature(std::string_view s);

// A subscriber org id, normalised to its 15-character case-sensitive form ("00D" + 12 characters).
struct org_key {
  std::array<char, 15> chars{};
  std::string_view view() const { return {chars.data(), chars.size()}; }
  std::string str() const { return std::string(view()); }
  // The 18-character form (15 characters + Salesforce's case-checksum suffix).
  std::string str18() const;
  friend bool operator==(const org_key&, const org_key&) = default;
  friend auto operator<=>(const org_key&, const org_key&) = default;
};
// Parses "00D" + 12 alphanumerics (15 characters) or the 18-character form (the last three must be the correct
// case-checksum; compared case-insensitively). nullopt if it is not an org key.
std::optional<org_key> parse_org_key(std::string_view s);
// The three-character case-checksum suffix Salesforce appends to a 15-character id.
std::array<char, 3> id_checksum(std::string_view id15);

// major.minor.patch of a package version.
struct version_number {
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  std::uint16_t patch = 0;
  friend bool operator==(const version_number&, const version_number&) = default;
  friend auto operator<=>(const version_number&, const version_number&) = default;
  std::string str() const;
};
// Parses "2.4" or "2.4.1".
std::optional<version_number> parse_version_number(std::string_view s);

// PackagePushRequest.Status and PackagePushJob.Status.
enum class push_status : std::uint8_t { created, pending, in_progress, succeeded, failed, canceled };
// Wire spelling: "Created", "Pending", "InProgress" (or "In Progress" when `spaced`), ...
std::string_view to_string(push_status s, bool spaced = false);
std::optional<push_status> parse_push_status(std::string_view s);
constexpr bool is_terminal(push_status s) {
  return s == push_status::succeeded || s == push_status::failed || s == push_status::canceled;
}

// PackagePushError.ErrorType.
enum class error_type : std::uint8_t {
  apex_test_failure,
  deploy_error,
  feature_missing,
  ineligible_upgrade,
  limit_exceeded,
  locking_failure,
  pac_error,
  unclassified_error,
};
inline constexpr std::size_t error_type_count = 8;
// "ApexTestFailure", "DeployError", ...
std::string_view to_string(error_type e);
std::optional<error_type> parse_error_type(std::string_view s);

// Why an org that upgraded successfully is broken afterwards.
enum class break_cause : std::uint8_t { none, saves_fail, automation_errors, integration_stops };
inline constexpr std::size_t break_cause_count = 4;
// "none", "saves_fail", "automation_errors", "integration_stops".
std::string_view to_string(break_cause c);

// How bad a post-upgrade breakage is (ordered).
enum class severity : std::uint8_t { none, low, medium, high, critical };
std::string_view to_string(severity s);

}  // namespace pushsim::mock_org
