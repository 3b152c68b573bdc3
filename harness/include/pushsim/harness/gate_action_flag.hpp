#pragma once
// gate_action_flag: `--gate-action halt|pause:<duration>` of `pushsim compare` and `pushsim study`. Each value runs
// every plan once more with its gates' action replaced, so a partner sees side by side whether halting or pausing
// for a review (and continuing) costs less, with a hard deadline ahead.

#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/scenario.hpp"
#include "pushsim/scheduler/plan.hpp"

namespace pushsim::harness {

// The --gate-action values, parsed; on a bad value, nullopt and `error` names the flag and the value.
std::optional<std::vector<scheduler::gate_action>> parse_gate_action_flags(const std::vector<std::string>& values,
                                                                           std::string& error);

// A plan run with a gate action: the scenario with its plan's action replaced and a name "<name> [pause:4h]".
struct plan_with_action {
  std::string name;
  scenario loaded;
};
// Each (plan, action) pair in plan order; the plans unchanged when there is no action.
std::vector<plan_with_action> with_gate_actions(const std::vector<plan_with_action>& plans,
                                                const std::vector<scheduler::gate_action>& actions);

}  // namespace pushsim::harness
