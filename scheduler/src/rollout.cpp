#include "pushsim/scheduler/rollout.hpp"

#include <algorithm>

#include "pushsim/base/assert.hpp"
#include "pushsim/scheduler/org_key.hpp"

namespace pushsim::scheduler {

executor_config make_executor_config(const plan& p) {
  executor_config c;
  c.version_id = p.target.package_version_id;
  c.mode = p.job_creation.mode;
  c.batch_size = p.job_creation.batch_size;
  if (p.deadline) c.deadline = *p.deadline;
  c.retry.transient_error_types = p.retry.transient_error_types;
  c.retry.job_attempts_max = p.retry.max_attempts;
  c.retry.backoff_base = p.retry.initial_backoff;
  c.retry.backoff_max = p.retry.max_backoff;
  c.retry.jitter = p.retry.jitter;
  c.retry.seed = p.seed;
  auto to_gates = [](const gate_spec& g) {
    gate_config out;
    if (g.max_failure_rate) out.max_failure_rate = *g.max_failure_rate;
    if (g.max_failed_orgs) out.max_failed_orgs = static_cast<std::int64_t>(*g.max_failed_orgs);
    if (g.max_broken_signals) out.max_broken_signals = static_cast<std::int64_t>(*g.max_broken_signals);
    out.halt_on_new_error_type = g.halt_on_new_error_type;
    out.min_samples = static_cast<std::int64_t>(g.min_samples);
    return out;
  };
  c.gates = to_gates(p.gates);
  if (p.on_gate_trip.what == gate_action::kind::pause) c.gate_review_pause = p.on_gate_trip.review;
  for (std::size_t w = 0; w < p.waves.size(); ++w) {
    if (p.waves[w].gates) c.gates_per_wave[static_cast<int>(w) + 1] = to_gates(*p.waves[w].gates);
  }
  if (p.concurrency.max_jobs_in_flight) {
    c.concurrency.jobs_in_flight_max = static_cast<std::int64_t>(*p.concurrency.max_jobs_in_flight);
  }
  if (p.concurrency.max_jobs_in_flight_per_instance) {
    c.concurrency.jobs_in_flight_per_instance_max =
        static_cast<std::int64_t>(*p.concurrency.max_jobs_in_flight_per_instance);
  }
  if (p.api_budget.calls_per_24h) c.budget.calls_per_24h = static_cast<std::int64_t>(*p.api_budget.calls_per_24h);
  c.budget.reserve = static_cast<std::int64_t>(p.api_budget.reserve_calls);
  c.polling.min_interval = p.poll_interval;
  c.bake_time = duration{0};
  for (std::size_t w = 0; w < p.waves.size(); ++w) c.bake_time_per_wave[static_cast<int>(w) + 1] = p.waves[w].bake;
  for (std::size_t w = 0; w < p.waves.size(); ++w) {
    if (p.waves[w].follow_the_sun) c.follow_the_sun_waves.insert(static_cast<int>(w) + 1);
  }
  return c;
}

std::vector<push_slot> make_push_slots(const plan_result& planned, const std::vector<subscriber>& subscribers) {
  std::vector<push_slot> out;
  constexpr std::size_t prefetch_ahead = 8;
  for (std::size_t w = 0; w < planned.waves.size(); ++w) {
    for (const slot& s : planned.waves[w].slots) {
      push_slot ps;
      ps.wave = static_cast<int>(w) + 1;
      ps.start = s.start;
      ps.region = static_cast<int>(s.region);
      ps.org_keys.reserve(s.orgs.size());
      ps.instance_names.reserve(s.orgs.size());
      for (std::size_t k = 0; k < s.orgs.size(); ++k) {
        // A slot's orgs lie far apart in the subscriber list: fetch the one a few ahead into cache (a hint only).
        if (k + prefetch_ahead < s.orgs.size()) {
          const subscriber& ahead = subscribers[planned.orgs[s.orgs[k + prefetch_ahead]].subscriber_index];
          __builtin_prefetch(&ahead.org_key);
          __builtin_prefetch(&ahead.instance_name);
        }
        const subscriber& sub = subscribers[planned.orgs[s.orgs[k]].subscriber_index];
        ps.org_keys.push_back(sub.org_key);
        ps.instance_names.push_back(sub.instance_name);
      }
      out.push_back(std::move(ps));
    }
  }
  return out;
}

std::optional<subscriber> to_subscriber(subscriber_row row, std::string& error) {
  const auto type = parse_org_type(row.org_type);
  const auto status = parse_org_status(row.org_status);
  if (!type) {
    error = "unknown OrgType '" + row.org_type + "' for org " + row.org_key;
    return std::nullopt;
  }
  if (!status) {
    error = "unknown OrgStatus '" + row.org_status + "' for org " + row.org_key;
    return std::nullopt;
  }
  subscriber s;
  s.org_key = std::move(row.org_key);
  s.org_name = std::move(row.org_name);
  s.type = *type;
  s.status = *status;
  s.instance_name = std::move(row.instance_name);
  // InstalledStatus is 'i' (installed) or 'u' (uninstalled) on the wire.
  s.installed = (row.installed_status == "u" || row.installed_status == "U") ? installed_status::uninstalled
                                                                             : installed_status::installed;
  // Kept in its 15-character form (an 18-character id only adds a case checksum): that fits std::string's inline
  // buffer, one heap block less per subscriber (~30 MB at 1M orgs). Text that is no id stays as given.
  auto version15 = normalize_record_id(row.version_id);
  s.installed_version_id = version15 ? std::move(*version15) : std::move(row.version_id);
  return s;
}

rollout::rollout(plan p, std::string package_id, const profile_set* profiles, journal_sink* journal)
    : plan_(std::move(p)), package_id_(std::move(package_id)), profiles_(profiles), journal_(journal) {}

rollout::~rollout() = default;

void rollout::use_subscribers(std::vector<subscriber> subscribers) {
  PUSHSIM_ASSERT(!started_, "use_subscribers after the rollout started");
  subscribers_ = std::move(subscribers);
  subscribers_given_ = true;
}

std::optional<executor_report> rollout::report(bool with_orgs) const {
  if (!exec_) return std::nullopt;
  return exec_->report(with_orgs);
}

void rollout::for_each_org(const std::function<void(const org_view&)>& visit) const {
  if (exec_) exec_->for_each_org(visit);
}

std::optional<executor_report> rollout::take_report() {
  if (!exec_) return std::nullopt;
  auto r = exec_->report(false);
  halted_at_end_ = exec_->halted();
  exec_.reset();
  return r;
}

executor_output rollout::fetch(api_call call, time_point now) {
  (void)now;
  executor_output out;
  pending_fetch_ = next_fetch_id_++;
  pending_call_ = call;
  ++fetch_calls_;
  out.calls.push_back(outgoing_call{pending_fetch_, std::move(call)});
  return out;
}

executor_output rollout::on_time(time_point now) {
  switch (phase_) {
    case phase::fetching:
      if (!started_) {
        started_ = true;
        if (subscribers_given_) return start_executing(now);
        return fetch(query_subscribers{package_id_}, now);
      }
      if (retry_at_ && now >= *retry_at_ && pending_fetch_ == 0) {
        retry_at_.reset();
        return fetch(pending_call_, now);
      }
      return executor_output{{}, retry_at_};
    case phase::executing: {
      if (!exec_) return {};  // the report was taken
      auto out = exec_->on_time(now);
      if (exec_->done()) phase_ = phase::done;
      return out;
    }
    case phase::done:
    case phase::failed: return {};
  }
  return {};
}

executor_output rollout::on_result(std::uint64_t call_id, api_result result, time_point now) {
  if (phase_ == phase::executing) {
    if (!exec_) return {};
    auto out = exec_->on_result(call_id, result, now);
    if (exec_->done()) phase_ = phase::done;
    return out;
  }
  if (phase_ != phase::fetching || call_id != pending_fetch_) return {};
  pending_fetch_ = 0;
  if (const auto* err = std::get_if<api_error>(&result)) {
    if (!err->retryable()) {
      phase_ = phase::failed;
      error_ =
          "PackageSubscriber query failed: " + (err->error_code.empty() ? "" : err->error_code + ": ") + err->message;
      return {};
    }
    // Transient: back off 2 s, 4 s, ... up to 5 min, and never give up on a retryable failure.
    const auto backoff = std::min<std::int64_t>(std::int64_t{2} << std::min(fetch_attempt_, 8), 300);
    ++fetch_attempt_;
    retry_at_ = now + std::chrono::seconds(err->kind == api_error::kind_t::limit_exceeded ? 3600 : backoff);
    return executor_output{{}, retry_at_};
  }
  fetch_attempt_ = 0;
  auto* page = std::get_if<subscribers_page>(&result);
  if (page == nullptr) {
    phase_ = phase::failed;
    error_ = "PackageSubscriber query: unexpected result";
    return {};
  }
  if (subscribers_.empty() && page->total_size > 0) {
    // One allocation for the whole list (a million subscribers would otherwise be copied while it doubles);
    // bounded, since totalSize is only the server's word.
    subscribers_.reserve(static_cast<std::size_t>(std::min<std::int64_t>(page->total_size, 20'000'000)));
  }
  for (auto& row : page->rows) {
    std::string why;
    if (auto s = to_subscriber(std::move(row), why)) subscribers_.push_back(std::move(*s));
  }
  if (!page->next_locator.empty()) {
    return fetch(query_more{page->next_locator, query_kind::subscribers, false}, now);
  }
  return start_executing(now);
}

executor_output rollout::start_executing(time_point now) {
  planned_ = plan_rollout(subscribers_, profiles_, plan_);
  if (plan_only_) {
    phase_ = phase::done;
    return {};
  }
  exec_ = std::make_unique<executor>(make_executor_config(plan_), make_push_slots(*planned_, subscribers_), journal_);
  if (resume_) exec_->resume(*resume_);
  phase_ = phase::executing;
  auto out = exec_->on_time(now);
  if (exec_->done()) phase_ = phase::done;
  return out;
}

executor_output rollout::on_signal(const std::string& org_key, time_point now) {
  if (phase_ != phase::executing || !exec_) return {};
  auto out = exec_->on_signal(org_key, now);
  if (exec_->done()) phase_ = phase::done;
  return out;
}

}  // namespace pushsim::scheduler
