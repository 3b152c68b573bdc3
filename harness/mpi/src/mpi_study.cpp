#include "pushsim/harness/mpi/mpi_study.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "batch_codec.hpp"
#include "pushsim/base/assert.hpp"

namespace pushsim::harness::mpi {

namespace {

enum tag : int { tag_request = 1, tag_chunk = 2, tag_batch = 3 };

// Between two polls: short against a chunk of replications (10 ms and more each), long enough that a waiting
// rank costs no core (a few hundred wake-ups a second).
void sleep_briefly() { std::this_thread::sleep_for(std::chrono::microseconds(500)); }

// Waits (polling, sleeping in between) for a message with `tag` from `source` (MPI_ANY_SOURCE allowed).
std::pair<std::string, int> receive(int source, int tag) {
  MPI_Status status;
  for (int flag = 0;;) {
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &status);
    if (flag) break;
    sleep_briefly();
  }
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  MPI_Recv(bytes.data(), size, MPI_CHAR, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return {std::move(bytes), status.MPI_SOURCE};
}

void send(const std::string& bytes, int destination, int tag) {
  PUSHSIM_ASSERT(bytes.size() < static_cast<std::size_t>(1) << 31, "an MPI message over 2 GiB");
  MPI_Request request;
  MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_CHAR, destination, tag, MPI_COMM_WORLD, &request);
  for (int flag = 0;;) {
    MPI_Test(&request, &flag, MPI_STATUS_IGNORE);
    if (flag) return;
    sleep_briefly();
  }
}

std::string chunk_bytes(std::uint64_t first, std::uint64_t count) {
  std::string out(16, '\0');
  std::memcpy(out.data(), &first, 8);
  std::memcpy(out.data() + 8, &count, 8);
  return out;
}

// Rank 0's share of one batch: hands out chunks of the batch (to its own thread and to every other rank, whoever
// asks first), keeps every row in place, then sends the whole batch to every rank.
class root_batch {
 public:
  root_batch(const replication_setup& setup, std::uint64_t first, std::uint64_t count, unsigned jobs,
             const std::function<void()>& done)
      : setup_(setup), first_(first), count_(count), jobs_(std::max(1u, jobs)), done_(done) {
    out_.rows.resize(static_cast<std::size_t>(count) * setup.plans.size());
  }

  replication_batch run(int ranks, bool share_rows) {
    ranks_ = static_cast<std::uint64_t>(ranks);
    std::thread local([this] {
      for (auto [k, n] = take(); n > 0; std::tie(k, n) = take()) {
        store(run_replications(setup_, first_ + k, n, jobs_, {}));
      }
    });
    for (int active = ranks - 1; active > 0;) {
      auto [bytes, rank] = receive(MPI_ANY_SOURCE, tag_request);
      store(detail::decode_batch(bytes));
      const auto [k, n] = take();
      send(chunk_bytes(first_ + k, n), rank, tag_chunk);
      if (n == 0) --active;
    }
    local.join();
    if (!errors_.empty()) {
      out_.rows.clear();
      out_.errors = std::move(errors_);
    }
    // The end of the batch for every rank (with its rows when they are shared, and any bad input found by a
    // run, which stops every rank alike), so no rank's next request can reach this batch's loop.
    const std::string bytes = detail::encode_batch(share_rows ? out_ : replication_batch{{}, out_.errors});
    for (int rank = 1; rank < ranks; ++rank) send(bytes, rank, tag_batch);
    return std::move(out_);
  }

 private:
  // The next chunk [k, k + n) of the batch (relative indices); n == 0 when none is left or bad input stopped it.
  // Guided: a share of what is left (few requests while much is left), shrinking to `jobs` replications at the
  // end (a rank that finishes late holds the others up by one replication at most).
  std::pair<std::uint64_t, std::uint64_t> take() {
    std::lock_guard lock(mutex_);
    if (!errors_.empty() || next_ >= count_) return {0, 0};
    const std::uint64_t left = count_ - next_;
    const std::uint64_t share = left / (2 * ranks_) / jobs_ * jobs_;
    const std::uint64_t k = next_, n = std::min<std::uint64_t>(std::max<std::uint64_t>(share, jobs_), left);
    next_ += n;
    return {k, n};
  }

  void store(replication_batch b) {
    std::lock_guard lock(mutex_);
    if (!b.errors.empty() && errors_.empty()) errors_ = std::move(b.errors);
    const std::size_t plans = setup_.plans.size();
    for (auto& row : b.rows) {
      out_.rows[static_cast<std::size_t>(row.index - first_) * plans + row.plan] = std::move(row);
    }
    if (done_) {
      for (std::size_t r = 0; r < b.rows.size() / plans; ++r) done_();
    }
  }

  const replication_setup& setup_;
  std::uint64_t first_, count_;
  unsigned jobs_;
  std::uint64_t ranks_ = 1;
  const std::function<void()>& done_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;
  replication_batch out_;
  std::vector<input_error> errors_;
};

// A rank other than 0: asks rank 0 for chunks (sending the rows of the last one along) until none is left, then
// receives the batch (empty unless rows are shared).
replication_batch run_on_worker(const replication_setup& setup, unsigned jobs) {
  replication_batch last;
  for (;;) {
    send(detail::encode_batch(last), 0, tag_request);
    const auto [bytes, source] = receive(0, tag_chunk);
    PUSHSIM_ASSERT(bytes.size() == 16, "an MPI chunk message is two integers");
    std::uint64_t first = 0, count = 0;
    std::memcpy(&first, bytes.data(), 8);
    std::memcpy(&count, bytes.data() + 8, 8);
    if (count == 0) break;
    last = run_replications(setup, first, count, jobs, {});
  }
  return detail::decode_batch(receive(0, tag_batch).first);
}

}  // namespace

bool launched_by_mpiexec() {
  for (const char* name : {"PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

mpi_session::mpi_session(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

mpi_session::~mpi_session() { MPI_Finalize(); }

void mpi_session::abort(int code) {
  // What this rank said must reach mpiexec before the abort tears the job's output forwarding down (seen: a
  // message lost whole, or cut after its first word).
  std::fflush(nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this only tells the compiler so
}

replication_runner mpi_session::runner(bool share_rows) {
  return [this, share_rows](const replication_setup& setup, std::uint64_t first, std::uint64_t count, unsigned jobs,
                            const std::function<void()>& done) {
    if (rank_ != 0) return run_on_worker(setup, jobs);
    return root_batch(setup, first, count, jobs, done).run(size_, share_rows);
  };
}

}  // namespace pushsim::harness::mpi
