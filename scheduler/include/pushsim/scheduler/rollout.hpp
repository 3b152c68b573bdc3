#pragma once
// rollout: a whole push as one sans-I/O state machine — fetch the package's subscribers through the API
// (paged), plan them (planner), then execute the plan (executor). Drivers only carry calls and time: the
// rehearsal does it on simulated time through the in-process transport, `pushsim push` on real time over HTTP.
// The interface is the executor's: on_time / on_result / on_signal in; calls and the next wake-up out.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/planner.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/subscriber.hpp"

namespace pushsim::scheduler {

// The executor's settings for a plan (gates, retries, budget, concurrency, bake times, deadline).
executor_config make_executor_config(const plan& p);
// The executor's slots for a planned rollout: one push_slot per planned slot, waves numbered from 1.
std::vector<push_slot> make_push_slots(const plan_result& planned, const std::vector<subscriber>& subscribers);
// A PackageSubscriber row as decoded by scheduler/rest, typed for the planner. Unknown OrgType/OrgStatus
// values become an error message (the row is then excluded as a bad key by the caller).
std::optional<subscriber> to_subscriber(subscriber_row row, std::string& error);

class rollout {
 public:
  enum class phase { fetching, executing, done, failed };

  // package_id: the MetadataPackage (033...) whose subscribers are fetched. profiles may be null.
  // journal may be null; both must outlive the rollout.
  rollout(plan p, std::string package_id, const profile_set* profiles = nullptr, journal_sink* journal = nullptr);
  ~rollout();
  rollout(const rollout&) = delete;
  rollout& operator=(const rollout&) = delete;

  // Continue a journaled run: the executor, once made (after the fetch and the plan), reconciles with the API
  // (executor::resume) before anything else. Call before the first on_time.
  void resume(const journal_state& state) { resume_ = state; }
  // Plan only: fetch the subscribers and plan, then finish without executing (dry runs; a driver that keeps
  // a snapshot of the subscribers before pushing). Call before the first on_time.
  void set_plan_only(bool plan_only) { plan_only_ = plan_only; }
  // Use these subscribers instead of fetching them (a snapshot taken when the run began, so a resumed run
  // plans exactly the same slots). Call before the first on_time.
  void use_subscribers(std::vector<subscriber> subscribers);

  executor_output on_time(time_point now);
  executor_output on_result(std::uint64_t call_id, api_result result, time_point now);
  executor_output on_signal(const std::string& org_key, time_point now);

  phase current_phase() const { return phase_; }
  bool done() const { return phase_ == phase::done || phase_ == phase::failed; }
  // Why the rollout failed before executing (subscriber query refused for good).
  const std::string& error() const { return error_; }

  const std::vector<subscriber>& subscribers() const { return subscribers_; }
  // The plan as made (after the fetch).
  const plan_result* planned() const { return planned_ ? &*planned_ : nullptr; }
  const plan& the_plan() const { return plan_; }
  // The executor's report (empty before executing); without orgs, the per-org lines are left out.
  std::optional<executor_report> report(bool with_orgs = true) const;
  // Every org of the executor (nothing before executing), as executor::for_each_org.
  void for_each_org(const std::function<void(const org_view&)>& visit) const;
  // The report without per-org lines at the end of a run, releasing the executor and its per-org state
  // (visit the orgs first). Only the accessors may be called afterwards.
  std::optional<executor_report> take_report();
  bool halted() const { return exec_ ? exec_->halted() : halted_at_end_; }
  // API calls made while fetching subscribers.
  std::int64_t fetch_calls() const { return fetch_calls_; }

 private:
  executor_output start_executing(time_point now);
  executor_output fetch(api_call call, time_point now);

  plan plan_;
  std::string package_id_;
  const profile_set* profiles_;
  journal_sink* journal_;
  phase phase_ = phase::fetching;
  std::string error_;
  std::vector<subscriber> subscribers_;
  std::optional<plan_result> planned_;
  std::unique_ptr<executor> exec_;
  std::uint64_t next_fetch_id_ = std::uint64_t{1} << 62;  // apart from the executor's call ids
  std::uint64_t pending_fetch_ = 0;
  api_call pending_call_;
  int fetch_attempt_ = 0;
  std::optional<time_point> retry_at_;
  std::int64_t fetch_calls_ = 0;
  bool started_ = false;
  bool plan_only_ = false;
  bool subscribers_given_ = false;
  bool halted_at_end_ = false;
  std::optional<journal_state> resume_;
};

}  // namespace pushsim::scheduler
