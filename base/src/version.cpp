#include "pushsim/base/version.hpp"

#include "pushsim_version_text.hpp"

namespace pushsim {

std::string_view version() { return PUSHSIM_VERSION_TEXT; }

}  // namespace pushsim
