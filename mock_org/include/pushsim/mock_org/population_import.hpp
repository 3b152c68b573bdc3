#pragma once
// population_import: a partner's own subscriber base read from the exports it already holds, joined on the
// 15-character org id (18-character ids are checked and normalised). Each file's kind is found from its header
// (CSV) or its records' fields (REST / sf CLI JSON): PackageSubscriber, MetadataPackageVersion, the License
// Management App's sfLma__License__c, App Analytics SubscriberSnapshot and PackageUsageLog, PackagePushRequest /
// PackagePushJob / PackagePushError and CumulusCI's push_fails.csv. README "Importing a subscriber base" lists
// which file gives which attribute.
//
// Reading is strict: a missing column, a malformed id, an org given two different values by two rows, a bad
// number or an unknown time zone or instance is an error naming file, line and column (or JSON pointer), and the
// import gives nothing. An edition or status the model does not know is kept as "Other" and counted.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushsim/base/input_error.hpp"
#include "pushsim/mock_org/instance_table.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/push_history.hpp"
#include "pushsim/mock_org/types.hpp"
#include "pushsim/mock_org/zone_table.hpp"

namespace pushsim::mock_org {

// Which export a file is.
enum class import_kind : std::uint8_t {
  package_subscriber,
  package_version,
  lma_license,
  subscriber_snapshot,
  package_usage_log,
  push_request,
  push_job,
  push_error,
  push_fails,
};
inline constexpr std::size_t import_kind_count = 9;
// "PackageSubscriber", "MetadataPackageVersion", "sfLma__License__c", "SubscriberSnapshot", "PackageUsageLog",
// "PackagePushRequest", "PackagePushJob", "PackagePushError", "push_fails.csv".
std::string_view to_string(import_kind k);

// One org as the files show it: each attribute some file gave, empty where none did.
struct imported_org {
  org_key key;
  std::string name;  // empty: no file named it
  std::optional<org_type> type;
  std::optional<org_status> status;
  std::optional<instance_index> instance;  // into population_import::instances
  std::optional<org_key> parent;
  std::optional<version_index> installed_version;  // not_installed when uninstalled
  std::optional<zone_index> zone;                  // into population_import::zones
  std::optional<mock_org::edition> edition;
  std::optional<std::uint32_t> users;                           // licensed users (LMA), else distinct active users
  std::vector<std::pair<object_index, std::uint32_t>> records;  // per managed object, latest snapshot; sorted
  bool threw_exceptions = false;  // PackageUsageLog shows unexpected exceptions in the package's code
  // Push history: it failed every one of its last always_fails_last_pushes (2) pushes in push order (true), else
  // false; empty when no job of it ended (push_history.hpp defines the order).
  std::optional<bool> always_fails;
  bool pushed = false;  // a push job of it ended (Succeeded or Failed): it was pushable then, so it draws no block
};

// What the import found besides the orgs, for the user to check.
struct import_summary {
  std::vector<std::pair<std::string, import_kind>> files;  // as given, with the kind found
  std::size_t unknown_editions = 0;                        // rows whose edition the model does not know (kept as Other)
  std::size_t unknown_statuses = 0;              // rows whose org status the model does not know (kept as Other)
  std::size_t history_orgs_absent = 0;           // orgs in push history that no subscriber source lists (left out)
  std::size_t parents_absent = 0;                // sandboxes whose production org is not imported (parent dropped)
  std::size_t snapshot_rows_unknown_object = 0;  // SubscriberSnapshot rows naming an object not in the package
  std::size_t push_jobs = 0;
  std::size_t orgs_always_failing = 0;
  // One line per non-empty count above, for the command line.
  std::vector<std::string> warnings() const;
};

struct population_import {
  std::vector<imported_org> orgs;  // in order of first appearance (files in the order given, rows in order)
  instance_table instances;
  zone_table zones;
  import_summary summary;
  push_history history;  // every push request, job and error the files hold (orgs of any source)
};

// Reads the files and joins them. `labels[i]` is how paths[i] is named in errors (the path as the user wrote it).
// Appends every problem to `errors` and returns nothing when there is one.
std::optional<population_import> import_population(const std::vector<std::string>& paths,
                                                   const std::vector<std::string>& labels, const package& pkg,
                                                   std::vector<input_error>& errors);

}  // namespace pushsim::mock_org
