#pragma once
// One metadata XML file parsed with pugixml, and the line of any of its elements (for evidence and errors).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <pugixml.hpp>

#include "pushsim/changes/input_error.hpp"

namespace pushsim::changes::detail {

struct xml_file {
  std::string text;  // the file as read
  pugi::xml_document doc;

  // 1-based line where `node` starts (0 when pugixml cannot tell).
  std::uint32_t line_of(const pugi::xml_node& node) const;
};

// 1-based line of a byte offset into `text`.
std::uint32_t line_at(std::string_view text, std::ptrdiff_t offset);

// Reads a whole file; an error (naming `shown`) when it cannot be read.
std::variant<std::string, input_error> read_text(const std::filesystem::path& path, const std::string& shown);

// Reads and parses `path`; malformed XML is an error with `shown` and the line pugixml stopped at. The root element
// must be `root` (e.g. "CustomField").
std::variant<std::unique_ptr<xml_file>, input_error> load_xml(const std::filesystem::path& path,
                                                              const std::string& shown, std::string_view root);

// The element's text with surrounding white space removed ("" when absent).
std::string child_text(const pugi::xml_node& parent, const char* name);

}  // namespace pushsim::changes::detail
