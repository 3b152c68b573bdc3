#include "pushsim/scheduler/canary.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <bit>
#include <queue>

#include "random.hpp"

namespace pushsim::scheduler {

std::vector<std::uint32_t> select_random(std::size_t n, std::size_t count, std::uint64_t seed) {
  count = std::min(count, n);
  std::vector<std::uint32_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
  detail::xoshiro256 rng(seed);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + rng.below(n - i);
    std::swap(perm[i], perm[j]);
  }
  perm.resize(count);
  return perm;
}

namespace {

// One distinct feature signature and the candidates having it (in shuffled order).
struct signature_group {
  std::uint64_t bits = 0;
  std::vector<std::uint32_t> members;  // positions, in shuffled order
  std::size_t next = 0;                // members taken so far
};

struct heap_entry {
  double gain;
  std::uint32_t rank;  // shuffled rank of the group's next member (tie-break)
  std::uint32_t group;
  bool operator<(const heap_entry& o) const {  // max-heap on gain, then lowest rank
    if (gain != o.gain) return gain < o.gain;
    return rank > o.rank;
  }
};

}  // namespace

std::vector<std::uint32_t> select_representative(std::span<const std::uint64_t> features, std::size_t count,
                                                 std::uint64_t seed) {
  const std::size_t n = features.size();
  count = std::min(count, n);
  std::vector<std::uint32_t> chosen;
  if (count == 0) return chosen;
  chosen.reserve(count);

  // Shuffle once: ties and the order inside a signature follow it.
  const std::vector<std::uint32_t> order = select_random(n, n, detail::derive_seed(seed, "representative"));
  std::vector<std::uint32_t> rank(n);
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = static_cast<std::uint32_t>(r);

  // Group candidates by signature (sorted by bits, members in shuffled order).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(n);
  for (std::size_t r = 0; r < n; ++r) keyed[r] = {features[order[r]], static_cast<std::uint32_t>(r)};
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<signature_group> groups;
  for (const auto& [bits, r] : keyed) {
    if (groups.empty() || groups.back().bits != bits) groups.push_back({bits, {}, 0});
    groups.back().members.push_back(order[r]);
  }

  std::uint64_t all_bits = 0;
  for (const auto& g : groups) all_bits |= g.bits;
  if (all_bits == 0) {  // no features at all: a random sample
    chosen.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count));
    return chosen;
  }
  const int f = 64 - std::countl_zero(all_bits);

  // Co-occurrence counts C = X^T diag(c) X over signatures (C(i,i): candidates with feature i).
  const auto s = static_cast<Eigen::Index>(groups.size());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(s, f);
  Eigen::VectorXd c(s);
  for (Eigen::Index g = 0; g < s; ++g) {
    const auto& grp = groups[static_cast<std::size_t>(g)];
    c(g) = static_cast<double>(grp.members.size());
    for (int i = 0; i < f; ++i) {
      if ((grp.bits >> i) & 1u) x(g, i) = 1.0;
    }
  }
  const Eigen::MatrixXd co = x.transpose() * c.asDiagonal() * x;
  // Weight of each feature (diagonal) and pair (upper triangle): 1 / how many candidates have it.
  Eigen::MatrixXd weight = Eigen::MatrixXd::Zero(f, f);
  for (int i = 0; i < f; ++i) {
    for (int j = i; j < f; ++j) {
      if (co(i, j) > 0.5) weight(i, j) = 1.0 / co(i, j);
    }
  }
  Eigen::MatrixXd uncovered = weight;

  auto gain_of = [&](std::uint64_t bits) {
    double sum = 0;
    for (std::uint64_t a = bits; a != 0; a &= a - 1) {
      const int i = std::countr_zero(a);
      for (std::uint64_t b = a; b != 0; b &= b - 1) sum += uncovered(i, std::countr_zero(b));
    }
    return sum;
  };
  auto cover = [&](std::uint64_t bits) {
    for (std::uint64_t a = bits; a != 0; a &= a - 1) {
      const int i = std::countr_zero(a);
      for (std::uint64_t b = a; b != 0; b &= b - 1) uncovered(i, std::countr_zero(b)) = 0.0;
    }
  };
  auto build_heap = [&] {
    std::vector<heap_entry> entries;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& grp = groups[g];
      if (grp.next < grp.members.size()) {
        entries.push_back({gain_of(grp.bits), rank[grp.members[grp.next]], static_cast<std::uint32_t>(g)});
      }
    }
    return std::priority_queue<heap_entry>(std::less<heap_entry>{}, std::move(entries));
  };

  constexpr int max_rounds = 3;
  int rounds = 1;
  auto heap = build_heap();
  while (chosen.size() < count && !heap.empty()) {
    heap_entry top = heap.top();
    heap.pop();
    auto& grp = groups[top.group];
    const double fresh = gain_of(grp.bits);
    if (fresh < top.gain && !heap.empty() && fresh < heap.top().gain) {
      heap.push({fresh, top.rank, top.group});  // stale bound: re-queue (lazy greedy)
      continue;
    }
    if (fresh == 0.0 && uncovered.maxCoeff() == 0.0 && weight.maxCoeff() > 0.0) {
      // Everything covered: start another round of coverage (at most max_rounds), then fill at random.
      heap.push(top);
      uncovered = weight;
      ++rounds;
      heap = build_heap();
      if (rounds >= max_rounds || heap.top().gain == 0.0) {
        uncovered.setZero();
        weight.setZero();  // nothing left to cover: fill by rank from now on
      }
      continue;
    }
    chosen.push_back(grp.members[grp.next]);
    ++grp.next;
    cover(grp.bits);
    if (grp.next < grp.members.size()) heap.push({gain_of(grp.bits), rank[grp.members[grp.next]], top.group});
  }
  return chosen;
}

}  // namespace pushsim::scheduler
