#pragma once
// tls_identity: a throw-away TLS identity for `pushsim serve --tls` without --tls-cert: a local CA and a server
// certificate it signs (EC P-256, valid 30 days, names 127.0.0.1, ::1, localhost and the bind host), written as
// PEM files into a new private directory. Clients trust the server by trusting ca_file (REQUESTS_CA_BUNDLE,
// NODE_EXTRA_CA_CERTS, SSL_CERT_FILE). OpenSSL only (no Asio).

#include <optional>
#include <string>

namespace pushsim::mock_org::api {

// The PEM files of a generated identity.
struct tls_identity {
  std::string directory;               // the private directory holding the three files
  std::string ca_file;                 // the CA certificate clients trust
  std::string certificate_chain_file;  // the server certificate, then the CA's
  std::string private_key_file;        // the server certificate's key (mode 0600)
};

// A generated identity, or why not (error set).
struct tls_identity_result {
  std::optional<tls_identity> value;
  std::string error;
};

// Generates a CA and a server certificate for host (an IP literal or a DNS name; 127.0.0.1, ::1 and localhost are
// always named) under a new directory in parent_directory (empty: $TMPDIR or /tmp).
tls_identity_result make_tls_identity(const std::string& host, const std::string& parent_directory = {});

}  // namespace pushsim::mock_org::api
