#include "pushsim/mock_org/population_import.hpp"

#include <algorithm>

#include "population_importer.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/base/file_path.hpp"
#include "pushsim/base/json_reader.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

namespace pushsim::mock_org {

std::string_view to_string(import_kind k) { return detail::kind_names[static_cast<std::size_t>(k)]; }

std::vector<std::string> import_summary::warnings() const {
  std::vector<std::string> w;
  const auto add = [&](std::size_t n, const char* what) {
    if (n > 0) w.push_back(std::to_string(n) + " " + what);
  };
  add(unknown_editions, "rows name an edition the model does not know (kept as Other)");
  add(unknown_statuses, "rows name an org status the model does not know (kept as Other)");
  add(history_orgs_absent, "orgs in the push history are in no subscriber file (left out)");
  add(parents_absent, "sandboxes name a production org that is not imported (parent dropped)");
  add(snapshot_rows_unknown_object, "SubscriberSnapshot rows name an object that is not in the package (ignored)");
  return w;
}

namespace detail {

bool importer::read(const std::string& path, const std::string& label) {
  const auto text = read_file(path);
  if (!text) {
    errors_.push_back({label, "", "cannot read the file"});
    return false;
  }
  import_table t(*text, label, errors_);
  if (!t.ok()) return false;
  if (t.is_json() && t.header().empty()) return true;  // no records (a push history with no pushes)
  const auto kind = detect(t);
  if (!kind) return false;
  out_.summary.files.emplace_back(label, *kind);
  files_.push_back({label, t.is_json(), t.records_pointer(), t.header()});
  columns_.clear();
  for (std::size_t i = 0; i < t.header().size(); ++i) columns_.emplace_back(t.header()[i], i);
  rows(t, *kind);
  return errors_.empty();
}

std::optional<import_kind> importer::detect(const import_table& t) {
  const kind_signature* best = nullptr;
  std::size_t best_hits = 0;
  for (const auto& sig : signatures()) {
    std::size_t hits = 0;
    for (const auto c : sig.identifying) hits += t.column(c) ? 1 : 0;
    if (hits > best_hits) best = &sig, best_hits = hits;
  }
  const std::string at = t.is_json() ? "" : "line 1";
  if (best == nullptr) {
    std::string known;
    for (const auto n : kind_names) known += (known.empty() ? "" : ", ") + std::string(n);
    errors_.push_back({t.file(), at, "not an export pushsim imports: its columns match none of " + known});
    return std::nullopt;
  }
  for (const auto c : best->required) {
    if (t.column(c)) continue;
    errors_.push_back({t.file(), at,
                       "missing column " + std::string(c) + ": the file looks like a " +
                           std::string(to_string(best->kind)) + " export, which needs it"});
    return std::nullopt;
  }
  return best->kind;
}

void importer::rows(import_table& t, import_kind k) {
  bool (importer::*handle)(const import_table&) = nullptr;
  switch (k) {
    case import_kind::package_subscriber: handle = &importer::subscriber_row; break;
    case import_kind::package_version: handle = &importer::version_row; break;
    case import_kind::lma_license: handle = &importer::lma_row; break;
    case import_kind::subscriber_snapshot: handle = &importer::snapshot_row; break;
    case import_kind::package_usage_log: handle = &importer::usage_row; break;
    case import_kind::push_request: handle = &importer::request_row; break;
    case import_kind::push_job: handle = &importer::job_row; break;
    case import_kind::push_error: handle = &importer::error_row; break;
    case import_kind::push_fails: handle = &importer::fails_row; break;
  }
  while (t.next()) {
    if (handle != nullptr && !(this->*handle)(t)) return;
  }
}

std::size_t importer::col(std::string_view name) const {
  for (const auto& [n, i] : columns_) {
    if (n == name) return i;
  }
  return columns_.size() + 1000;  // past every row: field() gives ""
}

std::string_view importer::get(const import_table& t, std::string_view name) const { return t.field(col(name)); }

bool importer::fail(const import_table& t, std::string_view column, std::string message) {
  errors_.push_back({t.file(), t.where(t.row(), col(column)), std::move(message)});
  return false;
}

std::string importer::where(const origin& o) const {
  const file_info& f = files_[o.file];
  const std::string name = o.col < f.header.size() ? f.header[o.col] : std::string();
  if (f.json) return json_child_pointer(json_child_pointer(f.records_pointer, o.row), name);
  return "line " + std::to_string(o.row) + ", column " + std::to_string(o.col + 1) + " (" + name + ")";
}

std::optional<std::uint32_t> importer::org_of(const import_table& t, std::string_view column, bool base) {
  const std::string_view text = get(t, column);
  const auto key = parse_org_key(text);
  if (!key) {
    fail(t, column,
         "\"" + std::string(text) +
             "\" is not an org id (\"00D\" and 12 letters or digits, or 18 "
             "characters whose last three are the case checksum)");
    return std::nullopt;
  }
  const auto [it, added] = index_.try_emplace(*key, static_cast<std::uint32_t>(out_.orgs.size()));
  if (added) {
    out_.orgs.emplace_back();
    out_.orgs.back().key = *key;
    origins_.emplace_back();
    in_base_.push_back(0);
  }
  if (base) in_base_[it->second] = 1;
  return it->second;
}

std::string importer::text_of(std::uint32_t org, attr a) const {
  const imported_org& o = out_.orgs[org];
  switch (a) {
    case a_name: return o.name;
    case a_type: return std::string(to_string(*o.type));
    case a_status: return std::string(to_string(*o.status));
    case a_instance: return std::string(out_.instances.name(*o.instance));
    case a_parent: return o.parent->str();
    case a_version:
      return *o.installed_version == not_installed ? "not installed" : pkg_.versions[*o.installed_version].number.str();
    case a_zone: return std::string(out_.zones.name(*o.zone));
    case a_edition: return std::string(to_string(*o.edition));
    case a_users: return std::to_string(*o.users);
    case attr_count: break;
  }
  return "";
}

template <class T>
bool importer::set(const import_table& t, std::uint32_t org, attr a, std::optional<T>& slot, T value,
                   std::string_view column) {
  const origin here{static_cast<std::uint32_t>(files_.size() - 1), t.row(), static_cast<std::uint32_t>(col(column))};
  if (!slot) {
    slot = value;
    origins_[org][a] = here;
    return true;
  }
  if (*slot == value) return true;
  const std::string before = text_of(org, a);
  const origin there = origins_[org][a];
  slot = value;
  const std::string now = text_of(org, a);
  return fail(t, column,
              "org " + out_.orgs[org].key.str() + ": " + std::string(attr_names[a]) + " \"" + now + "\" here, but \"" +
                  before + "\" in " + files_[there.file].label + ": " + where(there));
}

template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<org_type>&, org_type,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<org_status>&, org_status,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<edition>&, edition,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<std::uint16_t>&, std::uint16_t,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<org_key>&, org_key,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<version_index>&, version_index,
                            std::string_view);
template bool importer::set(const import_table&, std::uint32_t, attr, std::optional<std::uint32_t>&, std::uint32_t,
                            std::string_view);

bool importer::set_name(const import_table& t, std::uint32_t org, std::string_view name, std::string_view column) {
  if (name.empty()) return true;
  imported_org& o = out_.orgs[org];
  if (o.name.empty()) {
    o.name = name;
    origins_[org][a_name] = {static_cast<std::uint32_t>(files_.size() - 1), t.row(),
                             static_cast<std::uint32_t>(col(column))};
    return true;
  }
  if (o.name == name) return true;
  const origin there = origins_[org][a_name];
  return fail(t, column,
              "org " + o.key.str() + ": name \"" + std::string(name) + "\" here, but \"" + o.name + "\" in " +
                  files_[there.file].label + ": " + where(there));
}

void importer::resolve_versions() {
  for (const auto& p : pending_versions_) {
    const auto it = version_ids_.find(p.id);
    const auto fail_at = [&](std::string message) {
      errors_.push_back({files_[p.at.file].label, where(p.at), std::move(message)});
    };
    if (it == version_ids_.end()) {
      fail_at("package version " + p.id.str() + " is in no MetadataPackageVersion file (add one to population.from)");
      return;
    }
    const auto v = pkg_.find_version(it->second);
    if (!v) {
      fail_at("package version " + it->second.str() + " (" + p.id.str() +
              ") is not a version of the scenario's package");
      return;
    }
    auto& slot = out_.orgs[p.org].installed_version;
    if (slot && *slot != *v) {
      const origin there = origins_[p.org][a_version];
      fail_at("org " + out_.orgs[p.org].key.str() + ": installed version " + it->second.str() + " here, but \"" +
              text_of(p.org, a_version) + "\" in " + files_[there.file].label + ": " + where(there));
      return;
    }
    slot = *v;
  }
}

void importer::resolve_users() {
  std::sort(user_tokens_.begin(), user_tokens_.end());
  user_tokens_.erase(std::unique(user_tokens_.begin(), user_tokens_.end()), user_tokens_.end());
  for (std::size_t i = 0; i < user_tokens_.size();) {
    std::size_t j = i;
    while (j < user_tokens_.size() && user_tokens_[j].first == user_tokens_[i].first) ++j;
    auto& users = out_.orgs[user_tokens_[i].first].users;
    if (!users) users = static_cast<std::uint32_t>(j - i);  // licensed users (LMA) win over users seen active
    i = j;
  }
}

void importer::resolve_records() {
  for (const auto& [at, value] : snapshot_) out_.orgs[at.first].records.emplace_back(at.second, value.second);
}

// Maps request version ids to numbers and marks orgs that failed their last pushes (push_history.hpp).
void importer::resolve_history() {
  for (auto& r : out_.history.requests) {
    const auto it = r.version_id ? version_ids_.find(*r.version_id) : version_ids_.end();
    if (it != version_ids_.end()) r.version = it->second;
  }
  for (const auto& o : out_.history.outcomes_by_org()) {
    const auto i = index_.find(o.org);
    PUSHSIM_ASSERT(i != index_.end(), "a pushed org has no row");
    out_.orgs[i->second].always_fails = fails_last_pushes(o.trailing_failures(out_.history), always_fails_last_pushes);
    out_.orgs[i->second].pushed = true;
  }
}

// Orgs only the push history names are left out; their jobs keep the org key but lose the index.
void importer::drop_history_only() {
  std::vector<std::optional<std::uint32_t>> new_index(out_.orgs.size());
  std::uint32_t kept = 0;
  for (std::size_t i = 0; i < out_.orgs.size(); ++i) {
    if (!in_base_[i]) {
      ++out_.summary.history_orgs_absent;
      continue;
    }
    if (out_.orgs[i].always_fails.value_or(false)) ++out_.summary.orgs_always_failing;
    if (kept != i) out_.orgs[kept] = std::move(out_.orgs[i]);
    new_index[i] = kept++;
  }
  out_.orgs.resize(kept);
  for (auto& j : out_.history.jobs) j.org_index = new_index[*j.org_index];
}

// A parent must be an imported production org and its child a sandbox (else the link is dropped and counted).
void importer::resolve_parents() {
  std::unordered_map<org_key, std::uint32_t, key_hash> kept;
  for (std::size_t i = 0; i < out_.orgs.size(); ++i) kept.emplace(out_.orgs[i].key, static_cast<std::uint32_t>(i));
  for (auto& o : out_.orgs) {
    if (!o.parent) continue;
    const auto it = kept.find(*o.parent);
    const bool ok = it != kept.end() && o.type == org_type::sandbox &&
                    out_.orgs[it->second].type.value_or(org_type::production) == org_type::production;
    if (ok) continue;
    ++out_.summary.parents_absent;
    o.parent.reset();
  }
}

std::optional<population_import> importer::finish() {
  resolve_versions();
  resolve_users();
  resolve_records();
  resolve_history();
  drop_history_only();
  resolve_parents();
  if (!errors_.empty()) return std::nullopt;
  return std::move(out_);
}

}  // namespace detail

std::optional<population_import> import_population(const std::vector<std::string>& paths,
                                                   const std::vector<std::string>& labels, const package& pkg,
                                                   std::vector<input_error>& errors) {
  const std::size_t before = errors.size();
  std::vector<input_error> mine;
  detail::importer im(pkg, mine);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!im.read(paths[i], i < labels.size() ? labels[i] : paths[i])) break;
  }
  std::optional<population_import> out;
  if (mine.empty()) out = im.finish();
  errors.insert(errors.end(), mine.begin(), mine.end());
  if (errors.size() != before) return std::nullopt;
  return out;
}

}  // namespace pushsim::mock_org
