#pragma once
// Writing CSV text (RFC 4180) for reports and Bulk API result files.

#include <string>
#include <string_view>

namespace pushsim {

// when_needed: quote only a field holding a comma, a quote, CR or LF (reports);
// always: quote every field (as Salesforce's Bulk API result files do).
enum class csv_quoting { when_needed, always };

// One CSV field: the text, quoted as `quoting` says, with each quote inside doubled.
std::string csv_field(std::string_view text, csv_quoting quoting = csv_quoting::when_needed);

}  // namespace pushsim
