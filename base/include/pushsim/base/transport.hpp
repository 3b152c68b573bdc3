#pragma once
// transport and clock: the two things a driver of the scheduling core needs from the world around it
// (FoundationDB's INetwork split in two). A transport carries REST requests to a Salesforce endpoint and brings
// back a response or a typed failure; a clock says what time it is and wakes the driver up once.
//
// Implementations: the HTTP client on wall time (scheduler/http, `pushsim push`), the in-process REST handler on
// simulated time (harness, rehearsals), scripted fakes on a manual clock (tests). Answers and wake-ups are
// delivered from the owner's event loop, never from inside send() or wake_at().

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"

namespace pushsim {

// Why an exchange produced no HTTP response (an HTTP 4xx/5xx is a response, not a transport failure).
enum class transport_failure_kind {
  unreachable,  // no connection could be made (refused, name not resolved, bad URL)
  timeout,      // no complete answer in time
  dropped,      // the peer closed or reset the connection before the answer was complete
  malformed,    // bytes that are not an HTTP response
  tls,          // the TLS handshake or certificate check failed
  other,
};

// Stable lower_snake name ("unreachable").
std::string_view to_string(transport_failure_kind kind);

// A failed exchange: the kind (callers branch on it) and the whole message for people ("transport error:
// connection_refused: ...").
struct transport_failure {
  transport_failure_kind kind = transport_failure_kind::other;
  std::string message;
};

// What one exchange gave.
using exchange_result = std::variant<rest_response, transport_failure>;
using exchange_callback = std::function<void(exchange_result)>;

// Carries REST requests. Each request gets exactly one answer through its callback.
class transport {
 public:
  virtual ~transport() = default;
  virtual void send(rest_request request, exchange_callback on_answer) = 0;
};

// The driver's time: now() and at most one pending wake-up.
class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() const = 0;
  // Calls fire() at t (as soon as possible when t has passed); replaces a pending wake-up.
  virtual void wake_at(time_point t, std::function<void()> fire) = 0;
  // Drops the pending wake-up, if any.
  virtual void cancel_wake() = 0;
};

}  // namespace pushsim
