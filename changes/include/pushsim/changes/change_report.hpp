#pragma once
// A change list for people (text) and for programs (JSON): each change in the package JSON's terms with its evidence,
// then the unclassified differences and the patch rules broken.

#include <string>

#include "pushsim/changes/change_list.hpp"

namespace pushsim::changes {

// Terminal report. `from` and `to` name the two versions as the user gave them.
std::string text_report(const change_list& list, const std::string& from, const std::string& to);

// {"from", "to", "version", "changes": [{"kind", <the package JSON's keys for the kind>, "evidence": [{"file",
// "line", "element"}]}], "unclassified": [{"file", "line", "element", "what", "removal"}],
// "patch_violations": [{"rule", "change", "file", "line"}]}. A post_install_script without an estimate has
// "object": null and "cost_us_per_record": null.
std::string json_report(const change_list& list, const std::string& from, const std::string& to);

}  // namespace pushsim::changes
