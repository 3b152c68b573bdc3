#pragma once
// query_endpoint: GET .../query?q=SOQL (with &columns=true: its column metadata) and the next pages
// .../query/<locator>-<offset>. Compiles (and caches) the SOQL, pages large results through query locators
// that expire on SIM time (private to mock_org/api).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/api/data_source.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "router.hpp"

namespace pushsim::mock_org::api::detail {

class query_endpoint {
 public:
  // Reads spaced_status, query_batch_rows, locator_ttl and max_open_locators.
  explicit query_endpoint(const api_config& config);

  // The first page of r's query ("q" parameter) over ds; opens a locator when more pages follow.
  rest_response first_page(const rest_request& req, const route& r, const data_source& ds, time_point now);
  // The page a locator (r.id: "<01g id>-<offset>") names; closes the locator after its last page.
  rest_response next_page(const route& r, const data_source& ds, time_point now);

 private:
  struct locator {  // an open query cursor
    std::shared_ptr<query_result> result;
    std::string version;
    std::size_t batch = 2000;
    time_point last_used{};
  };

  std::variant<rest_response, std::shared_ptr<const compiled_query>> compile(std::string_view text);
  std::size_t batch_rows(const rest_request& req) const;
  std::uint64_t open_locator(locator loc, time_point now);
  void prune_locators(time_point now);

  bool spaced_status_;
  std::size_t batch_rows_;
  duration locator_ttl_;
  std::size_t max_open_locators_;
  std::unordered_map<std::string, std::shared_ptr<const compiled_query>> query_cache_;  // never iterated
  std::map<std::uint64_t, locator> locators_;
  std::uint64_t next_locator_ = 1;
};

}  // namespace pushsim::mock_org::api::detail
