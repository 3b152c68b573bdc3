#pragma once
// The parts of diff_sources, one per concern; each appends to `out`.

#include <string>

#include "pushsim/changes/change_list.hpp"

namespace pushsim::changes::detail {

// Evidence at `at` of source `s`.
evidence seen_at(const dx_source& s, const source_location& at, std::string element);

// Field types, required flags, picklist values, new and removed fields, elements the reader does not interpret.
void diff_fields(const dx_source& from, const dx_source& to, change_list& out);
// Fields no longer on any layout; other layout differences.
void diff_layouts(const dx_source& from, const dx_source& to, change_list& out);
// New triggers; new, changed and removed objects, classes, flows, validation rules, global value sets, other files.
void diff_components(const dx_source& from, const dx_source& to, change_list& out);
// The post-install script named by the newer version's sfdx-project.json.
void diff_post_install(const dx_source& to, change_list& out);
// API versions at or below `retired`: retired by this version, or still in use.
void diff_api_versions(const dx_source& from, const dx_source& to, std::uint16_t retired, change_list& out);

}  // namespace pushsim::changes::detail
