#pragma once
// Salesforce-style record ids for the rows the platform creates: a 3-character key prefix, a fixed pod/filler
// part and a base-62 sequence number, 15 characters plus the 3-character case-checksum (18 in all).
// The sequence number makes lookups by id O(1): parse_id gives it back.
//
// Prefixes used by pushsim: 033 MetadataPackage, 04t MetadataPackageVersion, 0Hf PackageSubscriber,
// 0DV PackagePushRequest, 0DX PackagePushJob, 0DY PackagePushError.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushsim::mock_org {

inline constexpr std::string_view package_prefix = "033";
inline constexpr std::string_view package_version_prefix = "04t";
inline constexpr std::string_view subscriber_prefix = "0Hf";
inline constexpr std::string_view push_request_prefix = "0DV";
inline constexpr std::string_view push_job_prefix = "0DX";
inline constexpr std::string_view push_error_prefix = "0DY";

// Largest sequence number an id can carry (62^6 - 1).
inline constexpr std::uint64_t max_id_sequence = 56'800'235'583ull;

// The 18-character id with this prefix and sequence number (sequence <= max_id_sequence).
std::string make_id(std::string_view prefix, std::uint64_t sequence);
// The sequence number of a 15- or 18-character id with this prefix, or nullopt if the text is not such an id
// (wrong prefix, length, characters, or a checksum that does not match; the checksum is case-insensitive).
std::optional<std::uint64_t> parse_id(std::string_view prefix, std::string_view id);

}  // namespace pushsim::mock_org
