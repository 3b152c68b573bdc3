#pragma once
// The subscriber snapshot (<journal>.subscribers.json): the PackageSubscriber rows a run planned from, made
// durable before the first side-effecting call so that a resumed run plans exactly the same slots.
// Format: one JSON array of rows [OrgKey, OrgName, OrgType, OrgStatus, InstanceName, "i"|"u" (installed or
// not), MetadataPackageVersionId]. Reading is strict: anything else is an error, never a skipped row.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pushsim/scheduler/subscriber.hpp"

namespace pushsim::push {

// The snapshot text of these subscribers.
std::string snapshot_text(const std::vector<scheduler::subscriber>& subscribers);

// The subscribers of a snapshot text, or why it is not one (naming the row); where names the source.
std::variant<std::vector<scheduler::subscriber>, std::string> parse_snapshot(std::string_view text,
                                                                             const std::string& where);

// Reads and parses a snapshot file; a missing or unreadable file is an error too.
std::variant<std::vector<scheduler::subscriber>, std::string> read_snapshot_file(const std::string& path);

}  // namespace pushsim::push
