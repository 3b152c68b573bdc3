#include "pushsim/mock_org/push_history.hpp"

#include <algorithm>
#include <map>

namespace pushsim::mock_org {

namespace {

bool alphanumeric(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// A job's push time given its request (nullptr when unknown): see push_history.hpp.
std::optional<time_point> time_of(const push_request_record* r, const push_job_record& j) {
  if (r != nullptr && r->scheduled_start) return r->scheduled_start;
  if (r != nullptr && r->start) return r->start;
  return j.start ? j.start : j.end;
}

}  // namespace

std::optional<record_id> parse_record_id(std::string_view prefix, std::string_view text) {
  if ((text.size() != 15 && text.size() != 18) || !text.starts_with(prefix)) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), alphanumeric)) return std::nullopt;
  if (text.size() == 18) {
    const auto sum = id_checksum(text.substr(0, 15));
    for (std::size_t i = 0; i < 3; ++i) {
      if (upper(text[15 + i]) != sum[i]) return std::nullopt;
    }
  }
  record_id id;
  std::copy_n(text.begin(), 15, id.chars.begin());
  return id;
}

std::size_t org_push_outcomes::trailing_failures(const push_history& h) const {
  std::size_t n = 0;
  for (auto it = jobs.rbegin(); it != jobs.rend() && h.jobs[*it].status == push_status::failed; ++it) ++n;
  return n;
}

const push_request_record* push_history::find_request(const record_id& id) const {
  for (const auto& r : requests) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::optional<time_point> push_history::push_time(const push_job_record& j) const {
  return time_of(j.request ? find_request(*j.request) : nullptr, j);
}

std::vector<org_push_outcomes> push_history::outcomes_by_org() const {
  std::map<record_id, const push_request_record*> by_id;
  for (const auto& r : requests) by_id.emplace(r.id, &r);
  const auto request_of = [&](const push_job_record& j) -> const push_request_record* {
    const auto it = j.request ? by_id.find(*j.request) : by_id.end();
    return it == by_id.end() ? nullptr : it->second;
  };
  std::vector<std::pair<std::optional<time_point>, std::size_t>> order;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].status == push_status::succeeded || jobs[i].status == push_status::failed)
      order.emplace_back(time_of(request_of(jobs[i]), jobs[i]), i);
  }
  // Timed pushes first, by time; untimed ones after, in file order.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    return a.first && *a.first < *b.first;
  });
  std::map<org_key, std::vector<std::size_t>> per_org;
  for (const auto& [t, i] : order) per_org[jobs[i].org].push_back(i);
  std::vector<org_push_outcomes> out;
  out.reserve(per_org.size());
  for (auto& [org, list] : per_org) out.push_back({org, std::move(list)});
  return out;
}

std::vector<std::vector<std::size_t>> push_history::errors_by_job() const {
  std::map<record_id, std::size_t> job_of;
  for (std::size_t i = 0; i < jobs.size(); ++i) job_of.emplace(jobs[i].id, i);
  std::vector<std::vector<std::size_t>> out(jobs.size());
  for (std::size_t e = 0; e < errors.size(); ++e) {
    if (const auto it = job_of.find(errors[e].job); it != job_of.end()) out[it->second].push_back(e);
  }
  return out;
}

}  // namespace pushsim::mock_org
