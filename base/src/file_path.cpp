#include "pushsim/base/file_path.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pushsim {

std::string dir_of(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::optional<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::nullopt;  // a folder opens but reads as nothing
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  if (std::filesystem::is_regular_file(path, ec)) {  // one read of the file's size (imports read 100 MB files)
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) {
      std::string text(size, '\0');
      if (!in.read(text.data(), static_cast<std::streamsize>(size))) return std::nullopt;
      return text;
    }
  }
  std::ostringstream buf;  // a pipe or device: read until its end
  buf << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(buf).str();
}

}  // namespace pushsim
