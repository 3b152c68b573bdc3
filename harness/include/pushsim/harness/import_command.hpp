#pragma once
// `pushsim import FILE... [--scenario S]`: reads a partner's exports as a scenario's population.from would, and
// prints what it found: each file's kind, the orgs, how many orgs each attribute is known for, and the warnings.
// Exit codes: 0 ok, 2 bad input (file, line and column printed; the import gives nothing).

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/redactor.hpp"
#include "pushsim/mock_org/population_import.hpp"

namespace pushsim::harness {

struct import_arguments {
  std::vector<std::string> files;
  std::optional<std::string> scenario;  // whose package versions and objects the files are read against
  std::string orgs_csv_path;            // where to write the imported orgs as CSV (empty: not written)
  redact_flags redact;                  // --orgs-csv and the org ids in error texts pseudonymised
};
int import_command(const import_arguments& args, std::ostream& out, std::ostream& err);

// The imported orgs as CSV: OrgKey (15 characters), OrgName, OrgType, OrgStatus, InstanceName, ParentOrg,
// InstalledVersion ("2.3.1", "none"), Edition, TimeZone, Users; a field is empty where no file gave it. With a
// redactor, OrgKey, OrgName and ParentOrg are its pseudonyms.
std::string imported_orgs_csv(const mock_org::population_import& im, const mock_org::package& pkg,
                              const redactor* redact = nullptr);

// The import's summary as the commands print it: one line per file, the org count, attribute coverage, warnings.
void print_import_summary(const mock_org::population_import& im, std::ostream& out);

}  // namespace pushsim::harness
