#include "batch_codec.hpp"

#include <bit>
#include <cstring>

#include "pushsim/base/assert.hpp"

namespace pushsim::harness::mpi::detail {

namespace {

void put(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put(std::string& out, const std::string& s) {
  put(out, s.size());
  out += s;
}

struct reader {
  std::string_view in;
  std::uint64_t u64() {
    PUSHSIM_ASSERT(in.size() >= 8, "an MPI batch message ends early");
    std::uint64_t v = 0;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string text() {
    const auto n = u64();
    PUSHSIM_ASSERT(in.size() >= n, "an MPI batch message ends early");
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

}  // namespace

std::string encode_batch(const replication_batch& batch) {
  std::string out;
  put(out, batch.rows.size());
  for (const auto& row : batch.rows) {
    put(out, row.index);
    put(out, row.seed);
    put(out, row.plan);
    put(out, row.digest);
    put(out, row.values.size());
    for (const auto& v : row.values) {
      put(out, v ? 1 : 0);
      put(out, std::bit_cast<std::uint64_t>(v.value_or(0.0)));
    }
    put(out, row.invariant_violations.size());
    for (const auto& s : row.invariant_violations) put(out, s);
  }
  put(out, batch.errors.size());
  for (const auto& e : batch.errors) {
    put(out, e.file);
    put(out, e.pointer);
    put(out, e.message);
  }
  return out;
}

replication_batch decode_batch(std::string_view bytes) {
  reader r{bytes};
  replication_batch batch;
  batch.rows.resize(r.u64());
  for (auto& row : batch.rows) {
    row.index = r.u64();
    row.seed = r.u64();
    row.plan = r.u64();
    row.digest = r.text();
    row.values.resize(r.u64());
    for (auto& v : row.values) {
      const bool present = r.u64() != 0;
      const double x = std::bit_cast<double>(r.u64());
      if (present) v = x;
    }
    row.invariant_violations.resize(r.u64());
    for (auto& s : row.invariant_violations) s = r.text();
  }
  batch.errors.resize(r.u64());
  for (auto& e : batch.errors) {
    e.file = r.text();
    e.pointer = r.text();
    e.message = r.text();
  }
  PUSHSIM_ASSERT(r.in.empty(), "an MPI batch message has bytes left over");
  return batch;
}

}  // namespace pushsim::harness::mpi::detail
