#pragma once
// The version of this pushsim build, as `pushsim --version` prints it and every report and journal records it:
// `git describe --tags --always --dirty` at build time (a tree without tags: "0.1.0-g<hash>[-dirty]"), or the CMake
// project version when built from a source tarball. Never part of a digest: a digest stays the same across builds.

#include <string_view>

namespace pushsim {

// The version text, e.g. "0.1.0-g1766e51" (static storage, never empty).
std::string_view version();

}  // namespace pushsim
