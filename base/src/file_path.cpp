#include "pushsim/base/file_path.hpp"

#include <filesystem>

namespace pushsim {

std::string dir_of(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace pushsim
