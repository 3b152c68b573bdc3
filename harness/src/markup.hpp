#pragma once
// Escaping text for the XML and HTML reports (run and study).

#include <string>

namespace pushsim::harness::detail {

// Escapes &, <, >, " and ' for XML/HTML text and attribute values.
std::string xml_escape(const std::string& s);

}  // namespace pushsim::harness::detail
