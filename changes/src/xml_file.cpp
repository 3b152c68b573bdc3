#include "xml_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pushsim::changes::detail {

std::uint32_t line_at(std::string_view text, std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  const auto end = std::min(static_cast<std::size_t>(offset), text.size());
  const auto newlines = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n');
  return 1 + static_cast<std::uint32_t>(newlines);
}

std::uint32_t xml_file::line_of(const pugi::xml_node& node) const { return line_at(text, node.offset_debug()); }

std::variant<std::string, input_error> read_text(const std::filesystem::path& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error{shown, 0, "cannot read the file"};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return input_error{shown, 0, "cannot read the file"};
  return std::move(s).str();
}

std::variant<std::unique_ptr<xml_file>, input_error> load_xml(const std::filesystem::path& path,
                                                              const std::string& shown, std::string_view root) {
  auto text = read_text(path, shown);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  auto f = std::make_unique<xml_file>();
  f->text = std::move(std::get<std::string>(text));
  const pugi::xml_parse_result r = f->doc.load_buffer(f->text.data(), f->text.size());
  if (!r) {
    return input_error{shown, line_at(f->text, r.offset), std::string("malformed XML: ") + r.description()};
  }
  const pugi::xml_node top = f->doc.document_element();
  if (std::string_view(top.name()) != root) {
    return input_error{shown, f->line_of(top),
                       "expected a <" + std::string(root) + "> document, found <" + top.name() + ">"};
  }
  return f;
}

std::string child_text(const pugi::xml_node& parent, const char* name) {
  std::string_view s = parent.child(name).text().as_string();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

}  // namespace pushsim::changes::detail
