#pragma once
// answer: what the mock REST handler gives back for one request — the response, plus what the transport must do
// with it, as typed fields (never as headers on the wire): a seeded transport fault, and the simulated latency.
// The socket server acts out the fault on the connection; the in-process transport turns a fault into a transport
// failure and delays the answer by the latency on simulated time.

#include <cstdint>
#include <string_view>
#include <utility>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim::mock_org::api {

// A seeded transport fault, instead of a normal answer.
enum class wire_fault : std::uint8_t {
  none,
  drop,       // close the connection without sending anything
  empty,      // the status line and headers with an empty body (Content-Length: 0)
  malformed,  // bytes that are not HTTP, then close
  truncate,   // the headers and half of the body (Content-Length announces all of it), then close
};

// Lower-case name ("drop").
constexpr std::string_view to_string(wire_fault fault) {
  switch (fault) {
    case wire_fault::none: return "none";
    case wire_fault::drop: return "drop";
    case wire_fault::empty: return "empty";
    case wire_fault::malformed: return "malformed";
    case wire_fault::truncate: return "truncate";
  }
  return "none";
}

struct answer {
  answer() = default;
  // A plain response: no fault, no latency (implicit, so handlers that only answer can return a rest_response).
  answer(rest_response r) : response(std::move(r)) {}  // NOLINT(google-explicit-constructor)
  answer(rest_response r, wire_fault f) : response(std::move(r)), fault(f) {}

  rest_response response;
  wire_fault fault = wire_fault::none;
  duration latency{0};  // simulated time the answer takes (0 on the socket path: real time is real)
};

}  // namespace pushsim::mock_org::api
