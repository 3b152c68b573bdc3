#pragma once
// The `pushsim changes` command as a library function: tools/ only maps flags onto changes_arguments.
// Exit codes: 0 the list was derived (and written), 1 a patch version breaks a patch rule (nothing written),
// 2 bad input (not DX source, malformed XML, a ref that does not exist, a bad flag, an output that cannot be
// written): nothing written.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace pushsim::changes {

struct changes_arguments {
  std::string from, to;      // each a folder holding sfdx-project.json, or else a git ref of `repo`
  std::string repo = ".";    // the git repository refs are read from (its work tree is not touched)
  std::string package_json;  // package JSON file whose version `version` gets the derived changes ("" none)
  // "2.3.2": the newer version's number (patch rules, --package-json); "": sfdx-project.json's versionNumber
  std::string version;
  std::string json_path;                             // write the list with evidence as JSON ("" none)
  std::optional<std::uint16_t> retired_api_version;  // API versions at or below it are retired
  std::string post_install_estimate;                 // "OBJECT=US_PER_RECORD" ("" none)
};

int changes_command(const changes_arguments& args, std::ostream& out, std::ostream& err);

}  // namespace pushsim::changes
