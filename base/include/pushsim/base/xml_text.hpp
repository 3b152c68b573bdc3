#pragma once
// xml_text: text escaped for XML and HTML content and attribute values (&, <, >, " and ').

#include <string>
#include <string_view>

namespace pushsim {

std::string xml_escape(std::string_view text);

}  // namespace pushsim
