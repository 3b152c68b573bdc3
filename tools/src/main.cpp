// pushsim: the command line. Thin: parses flags with CLI11 and hands them to the library that owns each
// subcommand (serve: pushsim::tools_serve). Exit codes: 0 ok, 1 runtime failure, 2 bad flags or bad input.
//
// Subcommands: serve. (run, compare and push are registered here the same way: one add_subcommand block that
// fills an options struct, and one dispatch line below.)

#include <cstdint>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "pushsim/tools/serve_command.hpp"

namespace {

void add_serve(CLI::App& app, pushsim::tools::serve_options& o, std::string& scenario, std::uint64_t& seed,
               std::string& status_spelling) {
  CLI::App* serve = app.add_subcommand("serve", "Serve a simulated world over the Salesforce push REST API");
  serve->add_option("--scenario", scenario, "Scenario JSON file (default: the built-in default scenario)");
  serve->add_option("--seed", seed, "Seed (overrides the scenario's /seed)");
  serve->add_option("--set", o.overrides, "Override a scenario value: /json/pointer=value (repeatable)");
  serve->add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
  serve->add_option("--port", o.port, "Port (0: pick a free one)")->capture_default_str();
  serve->add_option("--token", o.tokens, "Accepted API Bearer token (repeatable; default: a generated one)");
  serve->add_option("--admin-token", o.admin_token, "Token for /pushsim/v1/ admin endpoints (default: generated)");
  serve->add_option("--speed", o.speed, "Sim seconds per wall second")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve->add_option("--status-spelling", status_spelling,
                    "Running status spelling (default: the scenario's platform.api.status_spelling)")
      ->check(CLI::IsMember({"InProgress", "In Progress"}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pushsim: simulation and load-testing harness for Salesforce managed-package push upgrades"};
  app.require_subcommand(1);

  pushsim::tools::serve_options serve_opts;
  std::string scenario;
  std::uint64_t seed = 0;
  std::string status_spelling;
  add_serve(app, serve_opts, scenario, seed, status_spelling);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (CLI::App* serve = app.get_subcommand("serve"); serve->parsed()) {
    if (!scenario.empty()) {
      serve_opts.scenario = scenario;
    }
    if (serve->count("--seed") > 0) {
      serve_opts.seed = seed;
    }
    if (!status_spelling.empty()) {
      serve_opts.spaced_status = status_spelling == "In Progress";
    }
    return pushsim::tools::run_serve(serve_opts, std::cout, std::cerr);
  }
  return 2;
}
