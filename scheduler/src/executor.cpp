#include "pushsim/scheduler/executor.hpp"

#include <algorithm>
#include <unordered_map>

#include "executor_state.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/version.hpp"

namespace pushsim::scheduler {

const char* to_string(org_final_state s) {
  switch (s) {
    case org_final_state::pending: return "pending";
    case org_final_state::in_flight: return "in_flight";
    case org_final_state::upgraded: return "upgraded";
    case org_final_state::failed: return "failed";
    case org_final_state::excluded: return "excluded";
    case org_final_state::not_pushed: return "not_pushed";
    case org_final_state::canceled: return "canceled";
  }
  return "?";
}

namespace detail {

namespace {

// Builds the executor's orgs, slots, waves and regions from the input slots (sorted by wave, start).
class slot_loader {
 public:
  explicit slot_loader(executor_state& s) : s_(s) {
    instance_index_[""] = 0;
    s_.instances.emplace_back("");
  }

  // Takes the org keys out of the slots.
  void load(std::vector<push_slot>& slots) {
    std::size_t total_orgs = 0;
    for (const auto& ps : slots) total_orgs += ps.org_keys.size();
    s_.orgs.reserve(total_orgs);
    s_.org_index.reserve(total_orgs, hash_at());
    tags_.reserve(total_orgs);
    for (auto& ps : slots) add_slot(ps);
    s_.input_slots = s_.slots.size();
    if (s_.waves.empty()) s_.waves.emplace_back();
    if (s_.region_ids.empty()) s_.region_ids.push_back(0);
    index_regions();
    s_.jobs_reserved_per_instance.assign(s_.instances.size(), 0);
  }

 private:
  // The hash of the org at a position (the index rehashes with it).
  struct hash_at_position {
    const executor_state* s;
    std::uint64_t operator()(std::uint32_t o) const { return executor_state::key_hash(s->orgs[o].key); }
  };
  hash_at_position hash_at() const { return {&s_}; }

  void add_slot(push_slot& ps) {
    if (s_.waves.empty() || s_.waves.back().wave != ps.wave) {
      wave_rec w;
      w.wave = ps.wave;
      s_.waves.push_back(w);
    }
    slot_rec r;
    r.wave_idx = static_cast<std::uint32_t>(s_.waves.size() - 1);
    r.start = ps.start;
    r.region = region(ps.region);
    const auto si = static_cast<std::uint32_t>(s_.slots.size());
    static const std::string no_instance;
    // The keys' hashes first, so that the index entry of the org a few keys ahead is fetched into cache while
    // this one is added (the index is far larger than the cache: one miss an org otherwise).
    hashes_.clear();
    for (const auto& key : ps.org_keys) hashes_.push_back(executor_state::key_hash(key));
    constexpr std::size_t prefetch_ahead = 16;
    for (std::size_t i = 0; i < ps.org_keys.size(); ++i) {
      if (i + prefetch_ahead < hashes_.size()) s_.org_index.prefetch(hashes_[i + prefetch_ahead]);
      add_org(r, si, std::move(ps.org_keys[i]), hashes_[i],
              instance(i < ps.instance_names.size() ? ps.instance_names[i] : no_instance));
    }
    ++s_.waves[r.wave_idx].open;
    s_.slots.push_back(std::move(r));
  }

  // A key given twice is excluded the second time (the first keeps its slot).
  void add_org(slot_rec& r, std::uint32_t si, std::string key, std::uint64_t hash, std::uint32_t inst) {
    const auto o = static_cast<std::uint32_t>(s_.orgs.size());
    org_rec org;
    org.key = std::move(key);
    org.wave_idx = r.wave_idx;
    org.region = r.region;
    org.instance = inst;
    s_.orgs.push_back(std::move(org));
    auto& added = s_.orgs.back();
    // The tag (the hash's top byte) is compared first: tags_ is small enough to stay in cache, an org record
    // met while probing is not (most probes meet other keys); one byte an org, so that the array freed after
    // loading leaves a small hole in the heap.
    const auto tag = static_cast<std::uint8_t>(hash >> 56);
    tags_.push_back(tag);
    PUSHSIM_ASSERT(tags_.size() == s_.orgs.size(), "one tag an org");
    const auto same = [&](std::uint32_t p) { return tags_[p] == tag && s_.orgs[p].key == added.key; };
    if (s_.org_index.insert(o, hash, same, hash_at()).second) {
      added.slot = si;
      r.orgs.push_back(o);
    } else {
      added.state = org_final_state::excluded;
      s_.set_message(o, "duplicate org key in the plan");
    }
  }

  std::uint32_t instance(const std::string& name) {
    const auto [it, fresh] = instance_index_.try_emplace(name, static_cast<std::uint32_t>(s_.instances.size()));
    if (fresh) s_.instances.push_back(name);
    return it->second;
  }

  std::uint32_t region(int region) {
    const auto [it, fresh] = region_index_.try_emplace(region, static_cast<std::uint32_t>(s_.region_ids.size()));
    if (fresh) s_.region_ids.push_back(region);
    return it->second;
  }

  void index_regions() {
    for (auto& w : s_.waves) w.regions.resize(s_.region_ids.size());
    s_.region_slots.resize(s_.region_ids.size());
    for (std::uint32_t si = 0; si < s_.input_slots; ++si) {
      const auto& sl = s_.slots[si];
      auto& wr = s_.waves[sl.wave_idx].regions[sl.region];
      ++wr.input_slots;
      ++wr.open;
      s_.region_slots[sl.region].push_back(si);
    }
    s_.region_next.assign(s_.region_ids.size(), 0);
    s_.region_allowed.assign(s_.region_ids.size(), 0);
  }

  executor_state& s_;
  std::unordered_map<std::string, std::uint32_t> instance_index_;  // lookup only (never iterated)
  std::map<int, std::uint32_t> region_index_;                      // push_slot::region -> dense index
  std::vector<std::uint64_t> hashes_;                              // add_slot's key hashes (reused)
  std::vector<std::uint8_t> tags_;                                 // by org: the top byte of its key's hash
};

}  // namespace

executor_state::executor_state(executor_config config, journal_sink* journal_to)
    : cfg(std::move(config)),
      journal(journal_to),
      budget(cfg.budget),
      tally(cfg.gates),
      transient_types(cfg.retry.transient_error_types.begin(), cfg.retry.transient_error_types.end()),
      backoff(cfg.retry) {}

void executor_state::load(std::vector<push_slot> input) {
  std::stable_sort(input.begin(), input.end(), [](const push_slot& a, const push_slot& b) {
    return a.wave != b.wave ? a.wave < b.wave : a.start < b.start;
  });
  slot_loader{*this}.load(input);
  write_journal(journal_begin{cfg.version_id, input_slots, orgs.size(), std::string(pushsim::version())});
}

executor_output executor_state::pump(time_point now) {
  if (reconciling) {
    if (!reconcile_started) start_reconcile(now);
    // A reconcile query that failed waits in `delayed` for its retry: send it when due, and wake for it.
    issue_due_calls(now);
    return take_output(delayed.empty() ? std::nullopt : std::optional<time_point>(delayed.front().at));
  }
  issue_due_calls(now);
  advance_waves(now);
  if (halted) {
    finish_waiting_slots(now);
  } else if (!paused(now)) {
    start_due_slots(now);
  }
  drive_active_slots(now);
  advance_waves(now);
  return take_output(next_wake(now));
}

void executor_state::drive_active_slots(time_point now) {
  pump_scratch.assign(active.begin(), active.end());
  for (const std::uint32_t si : pump_scratch) {
    auto& s = slots[si];
    if (s.ph == phase::adding) {
      if (halted && !s.cancel_wanted) {
        s.cancel_wanted = true;
        s.cancel_reason = "halted: " + halt_reason;
      }
      drive_adding(si, now);
    } else if (s.ph == phase::monitoring) {
      drive_monitoring(si, now);
    }
  }
  issue_due_polls(now);
}

std::optional<time_point> executor_state::next_wake(time_point now) {
  wake_up wake{now, std::nullopt};
  if (!delayed.empty()) wake.want(delayed.front().at);
  bool waiting_on_caps = false;
  if (paused(now)) {
    wake.want(*paused_until);
  } else if (!halted) {
    waiting_on_caps = want_slot_starts(wake);
    want_bake_ends(wake);
  }
  want_polls(wake);
  if (waiting_on_caps) {
    if (!budget.allows(now, false)) {
      wake.want(budget.free_at(now));
    } else if (in_flight.empty() && !wake.at) {
      wake.want(now + cfg.polling.min_interval);
    }
  }
  return wake.at;
}

executor_output executor_state::take_output(std::optional<time_point> wake_at) {
  executor_output o = std::move(out);
  out = {};
  o.wake_at = wake_at;
  return o;
}

bool executor_state::is_done() const {
  if (reconciling || !in_flight.empty() || !delayed.empty()) return false;
  return std::all_of(slots.begin(), slots.end(), [](const slot_rec& s) { return s.ph == phase::finished; });
}

}  // namespace detail

executor::executor(executor_config config, std::vector<push_slot> slots, journal_sink* journal) {
  PUSHSIM_ASSERT(config.batch_size >= 1 && config.batch_size <= 200, "batch_size must be 1..200");
  PUSHSIM_ASSERT(config.ids_per_query >= 1, "ids_per_query must be >= 1");
  s_ = std::make_unique<detail::executor_state>(std::move(config), journal);
  s_->load(std::move(slots));
}

executor::~executor() = default;

void executor::resume(const journal_state& state) { s_->begin_resume(state); }

executor_output executor::on_time(time_point now) { return s_->pump(now); }

executor_output executor::on_result(std::uint64_t call_id, const api_result& result, time_point now) {
  s_->on_result(call_id, result, now);
  return s_->pump(now);
}

executor_output executor::on_signal(const std::string& org_key, time_point now) {
  s_->tally.add_broken_signal(org_key);
  s_->check_gates(now);
  return s_->pump(now);
}

bool executor::done() const { return s_->is_done(); }
bool executor::halted() const { return s_->halted; }

executor_report executor::report(bool with_orgs) const {
  const auto& s = *s_;
  executor_report r;
  for (const auto& w : s.waves) {
    wave_report wr;
    wr.wave = w.wave;
    wr.first_start = w.first_start;
    wr.finished = w.finished;
    wr.gates_passed = w.gates_passed;
    r.waves.push_back(wr);
  }
  if (with_orgs) r.orgs.reserve(s.orgs.size());
  for (std::uint32_t i = 0; i < s.orgs.size(); ++i) {
    const detail::org_rec& o = s.orgs[i];
    auto& w = r.waves[o.wave_idx];
    ++w.orgs;
    switch (o.state) {
      case org_final_state::upgraded: ++w.upgraded; break;
      case org_final_state::failed: ++w.failed; break;
      case org_final_state::excluded: ++w.excluded; break;
      case org_final_state::not_pushed: ++w.not_pushed; break;
      case org_final_state::canceled: ++w.canceled; break;
      default: break;
    }
    if (with_orgs) {
      r.orgs.push_back({o.key, s.waves[o.wave_idx].wave, o.state, std::string(s.job_id(i)),
                        std::string(s.error_type(i)), std::string(s.message(i)), o.attempts});
    }
  }
  r.halted = s.halted;
  r.halt_reason = s.halt_reason;
  r.gate_pauses = s.gate_pauses;
  r.api_calls = s.api_calls;
  r.api_calls_by_endpoint = s.calls_by_endpoint;
  r.stuck_jobs = s.stuck;
  r.requests_created = s.requests_created;
  r.requests_not_canceled = s.requests_not_canceled;
  return r;
}

void executor::for_each_org(const std::function<void(const org_view&)>& visit) const {
  const auto& s = *s_;
  for (std::uint32_t i = 0; i < s.orgs.size(); ++i) {
    const detail::org_rec& o = s.orgs[i];
    visit(org_view{o.key, s.waves[o.wave_idx].wave, o.state, s.job_id(i), s.error_type(i), s.message(i), o.attempts});
  }
}

}  // namespace pushsim::scheduler
