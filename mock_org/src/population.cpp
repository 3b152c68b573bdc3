#include "pushsim/mock_org/population.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org {

std::string_view to_string(customization_kind k) {
  static constexpr std::array<std::string_view, customization_kind_count> names{"validation_rule", "trigger", "flow",
                                                                                "custom_fields", "integration"};
  return names[static_cast<std::size_t>(k)];
}

population::population(std::size_t object_count) : object_count_(object_count) {
  PUSHSIM_ASSERT(object_count > 0 && object_count < no_index, "a population needs 1..65534 managed objects");
  custom_offset_.push_back(0);
}

void population::reserve(std::size_t n, std::size_t customizations) {
  keys_.reserve(n);
  flags_.reserve(n);
  fiscal_.reserve(n);
  edition_.reserve(n);
  installed_.reserve(n);
  instance_.reserve(n);
  zone_.reserve(n);
  features_.reserve(n);
  parent_.reserve(n);
  users_.reserve(n);
  records_.reserve(n * object_count_);
  custom_offset_.reserve(n + 1);
  custom_pool_.reserve(customizations);
}

std::uint64_t population::hash_key(const org_key& k) {
  // FNV-1a over the 12 characters after "00D", then a finaliser.
  std::uint64_t h = 0xCBF2'9CE4'8422'2325ull;
  for (std::size_t i = 3; i < 15; ++i) {
    h ^= static_cast<unsigned char>(k.chars[i]);
    h *= 0x100'0000'01B3ull;
  }
  h ^= h >> 31;
  h *= 0x94D0'49BB'1331'11EBull;
  return h ^ (h >> 29);
}

namespace {
// Two overlapping 8-byte loads cover the 15 characters: cheaper than memcmp on the hot lookup path.
bool same_key(const org_key& a, const org_key& b) {
  std::uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.chars.data(), 8);
  std::memcpy(&a1, a.chars.data() + 7, 8);
  std::memcpy(&b0, b.chars.data(), 8);
  std::memcpy(&b1, b.chars.data() + 7, 8);
  return a0 == b0 && a1 == b1;
}
}  // namespace

std::optional<org_index> population::find(const org_key& k) const {
  return index_.find(hash_key(k), [&](org_index i) { return same_key(keys_[i], k); });
}

void population::prefetch(std::span<const org_key> keys) const {
  for (const auto& k : keys) index_.prefetch(hash_key(k));
  for (const auto& k : keys) {
    if (const std::uint32_t at = index_.first_probe(hash_key(k)); at != position_index::empty) {
      __builtin_prefetch(&keys_[at]);
    }
  }
}

void population::index_insert(org_index i) {
  // Keys are unique (add() and the generator check before appending): no position can match.
  index_.insert(
      i, hash_key(keys_[i]), [](org_index) { return false; }, [this](org_index at) { return hash_key(keys_[at]); });
}

void population::rebuild_index() {
  index_.clear();
  index_.reserve(keys_.size(), [this](org_index at) { return hash_key(keys_[at]); });
  for (org_index i = 0; i < keys_.size(); ++i) index_insert(i);
}

void population::append_raw(const raw_org& o, const std::uint32_t* records, std::span<const customization> custom) {
  keys_.push_back(o.key);
  flags_.push_back(static_cast<std::uint8_t>(static_cast<unsigned>(o.type) | (static_cast<unsigned>(o.status) << 1) |
                                             (o.push_blocked ? 16u : 0u) | (o.always_fails ? 32u : 0u) |
                                             (o.heavy_customizer ? 64u : 0u)));
  fiscal_.push_back(o.fiscal_year_start_month);
  edition_.push_back(static_cast<std::uint8_t>(o.edition));
  installed_.push_back(o.installed);
  instance_.push_back(o.instance);
  zone_.push_back(o.zone);
  features_.push_back(o.features);
  parent_.push_back(o.parent);
  users_.push_back(o.users);
  records_.insert(records_.end(), records, records + object_count_);
  custom_pool_.insert(custom_pool_.end(), custom.begin(), custom.end());
  custom_offset_.push_back(static_cast<std::uint32_t>(custom_pool_.size()));
}

std::string population::add(const org& o, const package& pkg) {
  if (find(o.key)) return "duplicate org key " + o.key.str();
  if (keys_.size() >= no_org - 1) return "too many orgs";
  raw_org r{};
  r.key = o.key;
  r.type = o.type;
  r.status = o.status;
  r.push_blocked = o.push_blocked;
  r.always_fails = o.always_fails;
  r.heavy_customizer = o.heavy_customizer;
  r.parent = no_org;
  if (o.parent) {
    const auto p = find(*o.parent);
    if (!p) return "parent org " + o.parent->str() + " is not in the population (list it before its sandboxes)";
    if (type(*p) != org_type::production) return "parent org " + o.parent->str() + " is not a production org";
    if (o.type != org_type::sandbox) return "only a sandbox has a parent org";
    r.parent = *p;
  }
  const auto inst = instances_.intern(o.instance);
  if (!inst) return "unknown instance \"" + o.instance + "\"";
  const auto z = zones_.intern(o.time_zone);
  if (!z) return "unknown time zone \"" + o.time_zone + "\"";
  r.instance = *inst;
  r.zone = *z;
  if (o.fiscal_year_start_month < 1 || o.fiscal_year_start_month > 12) return "fiscal year start month must be 1..12";
  r.fiscal_year_start_month = o.fiscal_year_start_month;
  r.edition = o.edition;
  if (o.installed_version != not_installed && o.installed_version >= pkg.versions.size()) {
    return "installed version index out of range";
  }
  r.installed = o.installed_version;
  r.users = o.users;
  r.features = o.features;
  if (o.records.size() > object_count_) return "more record counts than managed objects";
  std::vector<std::uint32_t> recs(object_count_, 0);
  std::copy(o.records.begin(), o.records.end(), recs.begin());
  for (const auto& c : o.customizations) {
    const bool on_field = c.kind == customization_kind::validation_rule || c.kind == customization_kind::trigger ||
                          c.kind == customization_kind::flow;
    if (on_field && c.target >= pkg.fields.size()) return "customization targets a field out of range";
    if (!on_field && c.target >= pkg.objects.size()) return "customization targets an object out of range";
  }
  append_raw(r, recs.data(), o.customizations);
  if (!o.name.empty()) given_names_.emplace_back(static_cast<org_index>(keys_.size() - 1), o.name);
  index_insert(static_cast<org_index>(keys_.size() - 1));
  return {};
}

std::string population::name(org_index i) const {
  auto it = std::lower_bound(given_names_.begin(), given_names_.end(), i,
                             [](const auto& e, org_index v) { return e.first < v; });
  if (it != given_names_.end() && it->first == i) return it->second;
  static constexpr std::array<std::string_view, 16> first{
      "Acme",    "Blue Harbor", "Northwind", "Summit",    "Granite",   "Redwood",    "Cobalt",    "Meridian",
      "Pioneer", "Silverline",  "Atlas",     "Lakeshore", "Evergreen", "Ironbridge", "Brightway", "Keystone"};
  static constexpr std::array<std::string_view, 16> second{
      "Logistics", "Health", "Capital", "Software",  "Foods",    "Energy", "Partners", "Manufacturing",
      "Insurance", "Media",  "Retail",  "Analytics", "Robotics", "Realty", "Telecom",  "Travel"};
  const std::uint64_t h = hash_key(keys_[i]);
  std::string n;
  n.reserve(32);
  n += first[h & 15];
  n += ' ';
  n += second[(h >> 4) & 15];
  if (type(i) == org_type::sandbox) n += " (Sandbox)";
  return n;
}

std::uint64_t population::total_records(org_index i) const {
  std::uint64_t s = 0;
  for (std::size_t o = 0; o < object_count_; ++o) s += records_[std::size_t{i} * object_count_ + o];
  return s;
}

org population::get(org_index i) const {
  org o;
  o.key = keys_[i];
  o.name = name(i);
  o.type = type(i);
  o.status = status(i);
  if (parent_[i] != no_org) o.parent = keys_[parent_[i]];
  o.instance = std::string(instances_.name(instance_[i]));
  o.time_zone = std::string(zones_.name(zone_[i]));
  o.fiscal_year_start_month = fiscal_[i];
  o.edition = edition(i);
  o.installed_version = installed_[i];
  o.push_blocked = push_blocked(i);
  o.always_fails = always_fails(i);
  o.heavy_customizer = heavy_customizer(i);
  o.users = users_[i];
  o.records.assign(records_.begin() + static_cast<std::ptrdiff_t>(std::size_t{i} * object_count_),
                   records_.begin() + static_cast<std::ptrdiff_t>((std::size_t{i} + 1) * object_count_));
  o.features = features_[i];
  const auto c = customizations(i);
  o.customizations.assign(c.begin(), c.end());
  return o;
}

double population::activity_share(const civil_time& local, std::uint8_t fiscal_year_start_month) {
  static constexpr std::array<double, 24> weekday{0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.06, 0.15,
                                                  0.45, 0.55, 0.60, 0.60, 0.45, 0.58, 0.60, 0.55,
                                                  0.50, 0.35, 0.18, 0.12, 0.08, 0.06, 0.04, 0.03};
  const bool weekend = local.weekday == 0 || local.weekday == 6;
  double share = weekend ? (local.hour >= 9 && local.hour < 18 ? 0.05 : 0.015) : weekday[local.hour];
  // Last month of a fiscal quarter: (month - start) mod 3 == 2; its last three days are quarter close.
  const unsigned months_in = (local.month + 12 - fiscal_year_start_month) % 12;
  if (months_in % 3 == 2 && local.day + 3 > local.last_day_of_month) share = std::min(1.0, share * 1.6);
  return share;
}

std::uint32_t population::active_users(org_index i, time_point t) const {
  const civil_time local = zones_.civil(zone_[i], t);
  const double share = activity_share(local, fiscal_[i]);
  const double active = static_cast<double>(users_[i]) * share + 0.5;
  return std::min(users_[i], static_cast<std::uint32_t>(active));
}

std::size_t population::memory_bytes() const {
  std::size_t n = keys_.capacity() * sizeof(org_key) + flags_.capacity() + fiscal_.capacity() + edition_.capacity() +
                  installed_.capacity() * sizeof(version_index) + instance_.capacity() * sizeof(instance_index) +
                  zone_.capacity() * sizeof(zone_index) + features_.capacity() * sizeof(feature_set) +
                  parent_.capacity() * sizeof(org_index) + users_.capacity() * sizeof(std::uint32_t) +
                  records_.capacity() * sizeof(std::uint32_t) + custom_offset_.capacity() * sizeof(std::uint32_t) +
                  custom_pool_.capacity() * sizeof(customization) + index_.memory_bytes() +
                  given_names_.capacity() * sizeof(given_names_[0]);
  for (const auto& [i, s] : given_names_) n += s.capacity() > 15 ? s.capacity() + 1 : 0;
  return n + zones_.memory_bytes() + instances_.memory_bytes();
}

}  // namespace pushsim::mock_org
