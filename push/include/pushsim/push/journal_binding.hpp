#pragma once
// The journal's contract: its FIRST record binds it to one push —
//   {"t":"bind","instance":"00D...","package":"033...","version":"04t...","plan":"fnv1a64:0123456789abcdef",
//    "adopted":["0DV...",...]}
// (instance: the packaging org's Organization Id; plan: FNV-1a 64 of the plan file's bytes, 16 hex digits;
// adopted, only when non-empty: the open requests a fresh run took over with --adopt-open-requests, so that a
// --resume after a crash still schedules the ones left in Created and waits for all of them).
// --resume reads the journal strictly (every line an object with "t", except a torn LAST line left by a crash),
// and refuses a journal whose binding differs from the push asked for now.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pushsim/scheduler/journal.hpp"

namespace pushsim::push {

// What a journal is bound to.
struct journal_binding {
  std::string instance_org_id;                   // Organization Id (00D...) of the instance pushed from
  std::string package_id;                        // MetadataPackage (033...)
  std::string target_version_id;                 // MetadataPackageVersion (04t...)
  std::string plan_hash;                         // "fnv1a64:<16 hex>" of the plan file's bytes
  std::vector<std::string> adopted_request_ids;  // PackagePushRequest ids taken over (not compared on resume)
  bool operator==(const journal_binding&) const = default;
};

// "fnv1a64:<16 lower-case hex digits>" of these bytes.
std::string plan_content_hash(std::string_view plan_bytes);

// The bind record as one journal line (no newline).
std::string encode_binding(const journal_binding& binding);
// The binding of a bind line, or why the line is not one.
std::variant<journal_binding, std::string> decode_binding(std::string_view line);

// One line per field that differs, naming it ("instance", "package", "target version", "plan") with the
// journal's value and the value now; empty when they agree.
std::vector<std::string> binding_mismatches(const journal_binding& journal, const journal_binding& now);

// A journal read for --resume: its binding and what the executor needs to continue.
struct bound_journal {
  journal_binding binding;
  scheduler::journal_state state;
};

// Reads a journal for --resume, strictly: a missing, empty or unreadable file, a first record that is not a
// bind record, or an unparsable line other than the last is an error (naming the path and line).
std::variant<bound_journal, std::string> read_bound_journal(const std::string& path);
// The same over a journal's text (where names its source in errors).
std::variant<bound_journal, std::string> parse_bound_journal(std::string_view text, const std::string& where);

}  // namespace pushsim::push
