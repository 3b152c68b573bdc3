#pragma once
// adopted_requests: the open push requests of the target version that a fresh run started with
// --adopt-open-requests takes into its own (left by a run that died, or made by hand). Those still Created are
// scheduled (PATCH Status=Pending: what the run that made them would have done next), their orgs get no job from
// this run, and this run does not finish before every adopted request has (Succeeded, Failed or Canceled).
// So no org gets a second job, none is forgotten, and no request is left in Created. Private to pushsim::push.

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "instance_client.hpp"
#include "pushsim/push/wall_clock.hpp"
#include "pushsim/scheduler/api_call.hpp"

namespace pushsim::push::detail {

// Schedules the Created requests among `adopted`; the ids it scheduled. A request that left Created meanwhile
// (started, or canceled by someone) is not an error.
std::variant<std::vector<std::string>, query_failure> schedule_created(
    instance_client& client, const std::vector<scheduler::request_row>& adopted, const std::string& version_id);

// Polls the target version's requests every `poll` until none of `ids` is open; their final rows. progress gets
// the number still open after each poll.
std::variant<std::vector<scheduler::request_row>, query_failure> await_finished(
    instance_client& client, const std::string& version_id, const std::vector<std::string>& ids, wall_clock& clock,
    duration poll, const std::function<void(std::size_t)>& progress);

}  // namespace pushsim::push::detail
