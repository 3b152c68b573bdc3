#pragma once
// mpi_study: `pushsim study` spread over the ranks of an MPI job (`mpiexec -n P pushsim study ...`). The only
// user of MPI in pushsim. Every rank runs the same study command; its replication_runner hands replication
// indices out from rank 0 in chunks (guided: a share of what is left, down to `--jobs` replications at the end; a
// rank asks for more when it is done, so a slow replication idles nobody) and gathers the rows on rank 0. With a
// precision target every batch goes back to every rank, so all take the same stopping decision; otherwise the other
// ranks only learn that the batch is done. Seeds depend on the replication index only, so the outputs are
// byte-identical for any number of ranks and threads. Rank 0 writes every output. Waiting ranks sleep between polls
// instead of spinning, so oversubscribed jobs do not starve the ranks that compute.
//
// A rank that dies (killed, or a PUSHSIM_ASSERT) takes the job down: mpiexec ends every rank and exits non-zero.
// A rank that stops on its own (bad input or an output it cannot write, perhaps seen by it alone) calls abort().

#include "pushsim/harness/study.hpp"

namespace pushsim::harness::mpi {

// True when this process was started by an MPI launcher (mpiexec sets PMI_RANK / PMI_SIZE or PMIX_RANK).
bool launched_by_mpiexec();

// MPI for one process: initialised on construction (MPI_THREAD_FUNNELED: only the main thread calls MPI),
// finalised on destruction.
class mpi_session {
 public:
  mpi_session(int& argc, char**& argv);
  ~mpi_session();
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // The study's replication runner over every rank of the job (valid while the session lives). `share_rows`:
  // every rank gets every batch's rows (needed when ranks decide from them, as a precision target does).
  replication_runner runner(bool share_rows);
  // Ends every rank of the job with exit code `code` (MPI_Abort): for a rank that stops while others may still
  // wait for it.
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace pushsim::harness::mpi
