#pragma once
// Readers of single DX metadata files into a dx_source (one per file type); dx_source.cpp finds the files.

#include <filesystem>
#include <optional>
#include <string>

#include "pushsim/changes/dx_source.hpp"

namespace pushsim::changes::detail {

// One file found under a package directory.
struct file_ref {
  std::filesystem::path path;  // to open
  std::string rel;             // relative to the version's root, '/'-separated (evidence)
  std::string shown;           // shown_root + rel (errors)
  std::string name;            // the component's name from the file name, e.g. "rrd__Quota__c"
  std::string object;          // the object folder for fields and validation rules, else ""
};

// `name` with the namespace prefix when it is a custom name without one ("Quota__c" -> "rrd__Quota__c").
std::string qualify(const std::string& namespace_prefix, const std::string& name);

// Each reads one file into `into`; an error for unreadable files, malformed XML or an unexpected document.
std::optional<input_error> read_field(const file_ref& f, dx_source& into);
std::optional<input_error> read_object(const file_ref& f, dx_source& into);
std::optional<input_error> read_validation_rule(const file_ref& f, dx_source& into);
std::optional<input_error> read_trigger_meta(const file_ref& f, dx_source& into);
std::optional<input_error> read_trigger_body(const file_ref& f, dx_source& into);
std::optional<input_error> read_class_meta(const file_ref& f, dx_source& into);
std::optional<input_error> read_class_body(const file_ref& f, dx_source& into);
std::optional<input_error> read_flow(const file_ref& f, dx_source& into);
std::optional<input_error> read_layout(const file_ref& f, dx_source& into);
std::optional<input_error> read_global_value_set(const file_ref& f, dx_source& into);
std::optional<input_error> read_other(const file_ref& f, dx_source& into);

}  // namespace pushsim::changes::detail
