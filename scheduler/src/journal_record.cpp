#include "pushsim/scheduler/journal_record.hpp"

#include <nlohmann/json.hpp>
#include <type_traits>

namespace pushsim::scheduler {

namespace {

using nlohmann::json;

const char* kind_name(journal_call_kind k) {
  switch (k) {
    case journal_call_kind::create: return "create";
    case journal_call_kind::add_jobs: return "add_jobs";
    case journal_call_kind::patch: return "patch";
  }
  return "?";
}

std::optional<journal_call_kind> kind_of(const std::string& name) {
  if (name == "create") return journal_call_kind::create;
  if (name == "add_jobs") return journal_call_kind::add_jobs;
  if (name == "patch") return journal_call_kind::patch;
  return std::nullopt;
}

// ---- encoding (nlohmann's object keeps its keys sorted: the line's key order is alphabetical) ----------------

json call_json(const char* t, std::uint64_t id, int slot, journal_call_kind kind) {
  return json{{"t", t}, {"id", id}, {"slot", slot}, {"kind", kind_name(kind)}};
}

struct encoder {
  json operator()(const journal_begin& r) const {
    auto j = json{{"t", "begin"}, {"version", r.version}, {"slots", r.slots}, {"orgs", r.orgs}};
    if (!r.pushsim_version.empty()) j["pushsim_version"] = r.pushsim_version;
    return j;
  }
  json operator()(const journal_create_intent& r) const {
    auto j = call_json("intent", r.id, r.slot, journal_call_kind::create);
    j["start"] = to_us(r.start);
    return j;
  }
  json operator()(const journal_add_jobs_intent& r) const {
    auto j = call_json("intent", r.id, r.slot, journal_call_kind::add_jobs);
    j["request"] = r.request;
    j["orgs"] = r.orgs;
    return j;
  }
  json operator()(const journal_patch_intent& r) const {
    auto j = call_json("intent", r.id, r.slot, journal_call_kind::patch);
    j["request"] = r.request;
    j["status"] = r.status;
    return j;
  }
  json operator()(const journal_create_result& r) const {
    auto j = call_json("result", r.id, r.slot, journal_call_kind::create);
    j["ok"] = true;
    j["request"] = r.request;
    return j;
  }
  json operator()(const journal_add_jobs_result& r) const {
    auto j = call_json("result", r.id, r.slot, journal_call_kind::add_jobs);
    j["request"] = r.request;
    j["created"] = r.created;
    j["excluded"] = json::array();
    for (const auto& [key, reason] : r.excluded) j["excluded"].push_back(json::array({key, reason}));
    return j;
  }
  json operator()(const journal_patch_result& r) const {
    auto j = call_json("result", r.id, r.slot, journal_call_kind::patch);
    j["ok"] = true;
    return j;
  }
  json operator()(const journal_call_failed& r) const {
    auto j = call_json("result", r.id, r.slot, r.kind);
    j["ok"] = false;
    j["retryable"] = r.retryable;
    j["error"] = r.error;
    return j;
  }
  json operator()(const journal_halt& r) const {
    return json{{"t", "halt"}, {"reason", r.reason}, {"at", to_us(r.at)}};
  }
};

// ---- decoding --------------------------------------------------------------------------------------------------

// Reads field `key` into out: false when it is there with another type; a missing field leaves out as it is.
template <class T>
bool read(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (!it->is_number()) return false;
  } else {
    if (!it->is_string()) return false;
  }
  out = it->template get<T>();
  return true;
}

bool read_time(const json& j, const char* key, time_point& out) {
  std::int64_t us = to_us(out);
  if (!read(j, key, us)) return false;
  out = from_us(us);
  return true;
}

bool read_strings(const json& j, const char* key, std::vector<std::string>& out) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& e : *it) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

// [[key, reason], ...]; an element that is not a pair is passed over.
bool read_pairs(const json& j, const char* key, std::vector<std::pair<std::string, std::string>>& out) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& e : *it) {
    if (!e.is_array() || e.size() != 2) continue;
    if (!e[0].is_string() || !e[1].is_string()) return false;
    out.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
  }
  return true;
}

// The id and slot every call record carries.
template <class Record>
bool read_call(const json& j, Record& r) {
  return read(j, "id", r.id) && read(j, "slot", r.slot);
}

template <class Record>
std::optional<journal_record> record_if(bool ok, Record r) {
  if (!ok) return std::nullopt;
  return journal_record{std::move(r)};
}

std::optional<journal_record> decode_intent(const json& j, journal_call_kind kind) {
  switch (kind) {
    case journal_call_kind::create: {
      journal_create_intent r;
      const bool ok = read_call(j, r) && read_time(j, "start", r.start);
      return record_if(ok, r);
    }
    case journal_call_kind::add_jobs: {
      journal_add_jobs_intent r;
      const bool ok = read_call(j, r) && read(j, "request", r.request) && read_strings(j, "orgs", r.orgs);
      return record_if(ok, std::move(r));
    }
    case journal_call_kind::patch: {
      journal_patch_intent r;
      const bool ok = read_call(j, r) && read(j, "request", r.request) && read(j, "status", r.status);
      return record_if(ok, std::move(r));
    }
  }
  return std::nullopt;
}

std::optional<journal_record> decode_success(const json& j, journal_call_kind kind) {
  switch (kind) {
    case journal_call_kind::create: {
      journal_create_result r;
      const bool ok = read_call(j, r) && read(j, "request", r.request);
      return record_if(ok, std::move(r));
    }
    case journal_call_kind::add_jobs: {
      journal_add_jobs_result r;
      const bool ok = read_call(j, r) && read(j, "request", r.request) && read(j, "created", r.created) &&
                      read_pairs(j, "excluded", r.excluded);
      return record_if(ok, std::move(r));
    }
    case journal_call_kind::patch: {
      journal_patch_result r;
      const bool ok = read_call(j, r);
      return record_if(ok, r);
    }
  }
  return std::nullopt;
}

// A result says "ok"; a missing "ok" means success only for add_jobs (its answered line has none).
std::optional<journal_record> decode_result(const json& j, journal_call_kind kind) {
  bool succeeded = kind == journal_call_kind::add_jobs;
  if (!read(j, "ok", succeeded)) return std::nullopt;
  if (succeeded) return decode_success(j, kind);
  journal_call_failed r;
  r.kind = kind;
  const bool ok = read_call(j, r) && read(j, "retryable", r.retryable) && read(j, "error", r.error);
  return record_if(ok, std::move(r));
}

std::optional<journal_record> decode_object(const json& j) {
  std::string t, kind_text;
  if (!read(j, "t", t) || !read(j, "kind", kind_text)) return std::nullopt;
  if (t == "begin") {
    journal_begin r;
    const bool ok = read(j, "version", r.version) && read(j, "slots", r.slots) && read(j, "orgs", r.orgs) &&
                    read(j, "pushsim_version", r.pushsim_version);
    return record_if(ok, std::move(r));
  }
  if (t == "halt") {
    journal_halt r;
    const bool ok = read(j, "reason", r.reason) && read_time(j, "at", r.at);
    return record_if(ok, std::move(r));
  }
  const auto kind = kind_of(kind_text);
  if (!kind) return std::nullopt;
  if (t == "intent") return decode_intent(j, *kind);
  if (t == "result") return decode_result(j, *kind);
  return std::nullopt;
}

}  // namespace

std::string encode_journal_record(const journal_record& record) { return std::visit(encoder{}, record).dump(); }

std::optional<journal_record> decode_journal_record(std::string_view line) {
  const auto j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("t")) return std::nullopt;
  return decode_object(j);
}

}  // namespace pushsim::scheduler
