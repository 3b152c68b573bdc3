#pragma once
// batch_codec (private to harness/mpi): a replication_batch as bytes for MPI messages and back. Doubles travel as
// their bit patterns, so the rows every rank folds are bit-identical to the computing rank's.

#include <cstdint>
#include <string>
#include <string_view>

#include "pushsim/harness/replication.hpp"

namespace pushsim::harness::mpi::detail {

std::string encode_batch(const replication_batch& batch);
// Decodes what encode_batch wrote; PUSHSIM_ASSERTs on bytes it did not write (a bug, not user input).
replication_batch decode_batch(std::string_view bytes);

}  // namespace pushsim::harness::mpi::detail
