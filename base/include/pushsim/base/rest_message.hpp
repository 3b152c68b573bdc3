#pragma once
// rest_request / rest_response: one HTTP exchange with the Salesforce REST API, as plain data (no sockets, no
// Beast types). The in-process transport (rehearsals) and the socket transport (`pushsim serve`, `pushsim push`)
// carry exactly these, so every rehearsal exercises the real wire format.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pushsim {

using header_list = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive ASCII comparison (HTTP header names, sObject names).
bool iequals(std::string_view a, std::string_view b);

// Value of the first header with this name (case-insensitive), or empty.
std::string_view find_header(const header_list& headers, std::string_view name);

struct rest_request {
  std::string method;  // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string target;  // path with query string, e.g. "/services/data/v60.0/query?q=SELECT+Id+FROM+X"
  header_list headers;
  std::string body;
  std::string_view header(std::string_view name) const { return find_header(headers, name); }
};

struct rest_response {
  int status = 200;
  header_list headers;
  std::string body;
  std::string_view header(std::string_view name) const { return find_header(headers, name); }
  void set_header(std::string name, std::string value);
};

}  // namespace pushsim
