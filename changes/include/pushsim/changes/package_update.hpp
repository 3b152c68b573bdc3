#pragma once
// Putting a derived change list into a package: the post-install script's estimate (the one thing metadata cannot
// show) and the version's `changes` rewritten in the package JSON (mock_org/package_json.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "pushsim/changes/change_list.hpp"
#include "pushsim/changes/input_error.hpp"
#include "pushsim/mock_org/package.hpp"

namespace pushsim::changes {

// The user's estimate of what a post-install script costs on upgrade: the object whose records it touches and the
// CPU microseconds per record.
struct post_install_estimate {
  std::string object;
  double cost_us_per_record = 0.0;
};

// Parses "OBJECT=US_PER_RECORD" (e.g. "rrd__Revenue_Schedule__c=25"); an error message when it is not that.
std::variant<post_install_estimate, std::string> parse_post_install_estimate(const std::string& text);

// Gives every post_install_script change without an estimate this one, noting `source`.
void apply_estimate(change_list& list, const post_install_estimate& e, const std::string& source);

// Gives every post_install_script change without an estimate the one the package already has for `version`
// (the user's earlier estimate), if it has one.
void apply_estimate_from(change_list& list, const mock_org::package& p, mock_org::version_number version,
                         const std::string& source);

// The retirement line the package already has for `version` (its api_version_retired change), if any: the line
// used when `--retired-api-version` is not given, so that rewriting a version keeps it.
std::optional<std::uint16_t> retired_api_version_in(const mock_org::package& p, mock_org::version_number version);

// The package with `version`'s changes replaced by `list`, as JSON text. `required_feature` changes already there are
// kept (metadata does not show them). Errors (naming `package_file`): no such
// version; a field or object the package does not declare; a post-install script without an estimate.
std::variant<std::string, input_error> updated_package_json(mock_org::package p, mock_org::version_number version,
                                                            const change_list& list, const std::string& package_file);

}  // namespace pushsim::changes
