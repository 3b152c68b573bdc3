// bench_api_serve_fixed: the mock_org/api HTTP server answering every request with one fixed one-row SOQL
// query result, the way `pushsim serve` answers `SELECT ... FROM PackageSubscriber LIMIT 1` — used by
// serve_vs_nginx.sh to compare the server's byte moving with nginx serving the same body as a static file.
// Usage: bench_api_serve_fixed [--port N] [--print-body]. Prints {"url":...,"port":N} when ready; stops on
// SIGINT/SIGTERM.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pushsim/mock_org/api/http_server.hpp"

namespace {

constexpr std::string_view one_row_body =
    R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"PackageSubscriber",)"
    R"("url":"/services/data/v60.0/sobjects/PackageSubscriber/0Hb000000000001AAA"},)"
    R"("Id":"0Hb000000000001AAA","OrgKey":"00D000000000001EAA","OrgName":"Acme Corp","OrgType":"Production",)"
    R"("OrgStatus":"Active","InstanceName":"NA135","InstalledStatus":"i",)"
    R"("MetadataPackageVersionId":"04t000000000001AAA"}]})";

}  // namespace

int main(int argc, char** argv) {
  pushsim::mock_org::api::http_server_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      options.port = static_cast<std::uint16_t>(std::atoi(argv[++i]));
    } else if (arg == "--print-body") {
      std::fwrite(one_row_body.data(), 1, one_row_body.size(), stdout);
      return 0;
    } else {
      std::fprintf(stderr, "usage: bench_api_serve_fixed [--port N] [--print-body]\n");
      return 2;
    }
  }
  pushsim::mock_org::api::http_server server(
      [](const pushsim::rest_request&) {
        pushsim::rest_response res;
        res.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
        res.body.assign(one_row_body);
        return res;
      },
      options);
  auto bound = server.start();
  if (!bound) {
    std::fprintf(stderr, "bench_api_serve_fixed: cannot listen: %s\n", bound.error().message().c_str());
    return 1;
  }
  server.stop_on_signals();
  std::printf("{\"url\":\"http://%s:%u\",\"port\":%u}\n", bound->address.c_str(), bound->port, bound->port);
  std::fflush(stdout);
  server.run();
  return 0;
}
