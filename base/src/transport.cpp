#include "pushsim/base/transport.hpp"

namespace pushsim {

std::string_view to_string(transport_failure_kind kind) {
  switch (kind) {
    case transport_failure_kind::unreachable: return "unreachable";
    case transport_failure_kind::timeout: return "timeout";
    case transport_failure_kind::dropped: return "dropped";
    case transport_failure_kind::malformed: return "malformed";
    case transport_failure_kind::tls: return "tls";
    case transport_failure_kind::other: return "other";
  }
  return "other";
}

}  // namespace pushsim
