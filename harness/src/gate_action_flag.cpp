#include "pushsim/harness/gate_action_flag.hpp"

namespace pushsim::harness {

std::optional<std::vector<scheduler::gate_action>> parse_gate_action_flags(const std::vector<std::string>& values,
                                                                           std::string& error) {
  std::vector<scheduler::gate_action> out;
  for (const auto& v : values) {
    const auto a = scheduler::parse_gate_action(v);
    if (!a) {
      error = "--gate-action: expected halt or pause:<duration> such as pause:4h, found '" + v + "'";
      return std::nullopt;
    }
    out.push_back(*a);
  }
  return out;
}

std::vector<plan_with_action> with_gate_actions(const std::vector<plan_with_action>& plans,
                                                const std::vector<scheduler::gate_action>& actions) {
  if (actions.empty()) return plans;
  std::vector<plan_with_action> out;
  for (const auto& p : plans) {
    for (const auto& a : actions) {
      plan_with_action each = p;
      each.loaded.plan.on_gate_trip = a;
      each.name += " [" + scheduler::to_string(a) + "]";
      out.push_back(std::move(each));
    }
  }
  return out;
}

}  // namespace pushsim::harness
