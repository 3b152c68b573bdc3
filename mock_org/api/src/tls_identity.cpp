#include "pushsim/mock_org/api/tls_identity.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace pushsim::mock_org::api {

namespace {

struct key_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct cert_free {
  void operator()(X509* c) const { X509_free(c); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_free>;
using cert_ptr = std::unique_ptr<X509, cert_free>;

constexpr long validity_s = 30L * 24 * 3600;

// The last OpenSSL error as text, after what.
std::string ssl_error(std::string_view what) {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return std::string(what) + ": " + buf;
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for key with common name cn, valid from an hour ago for validity_s, random serial; not signed.
cert_ptr new_certificate(EVP_PKEY* key, const std::string& cn) {
  cert_ptr cert(X509_new());
  if (!cert) return nullptr;
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
  serial[0] &= 0x7F;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(bn);
  if (!serial_ok || X509_set_version(cert.get(), 2) != 1) return nullptr;
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_s);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("pushsim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  if (X509_set_pubkey(cert.get(), key) != 1) return nullptr;
  return cert;
}

// "IP:127.0.0.1,IP:::1,DNS:localhost" plus host (IP or DNS).
std::string alt_names(const std::string& host) {
  std::string out = "IP:127.0.0.1,IP:::1,DNS:localhost";
  if (host.empty() || host == "127.0.0.1" || host == "::1" || host == "localhost") return out;
  const bool ip = host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos;
  return out + (ip ? ",IP:" : ",DNS:") + host;
}

bool write_pem(const std::string& path, const std::vector<X509*>& certs, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  if (key != nullptr) ::chmod(path.c_str(), 0600);
  bool ok = true;
  for (X509* c : certs) ok = ok && PEM_write_X509(f, c) == 1;
  if (key != nullptr) ok = ok && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  return std::fclose(f) == 0 && ok;
}

// The signed CA certificate for ca_key.
cert_ptr make_ca(EVP_PKEY* ca_key) {
  cert_ptr ca = new_certificate(ca_key, "pushsim serve local CA");
  if (!ca) return nullptr;
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  const bool ok = add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") &&
                  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
                  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash") &&
                  X509_sign(ca.get(), ca_key, EVP_sha256()) > 0;
  return ok ? std::move(ca) : nullptr;
}

// The server certificate for key and host, signed by the CA.
cert_ptr make_leaf(EVP_PKEY* key, const std::string& host, X509* ca, EVP_PKEY* ca_key) {
  cert_ptr leaf = new_certificate(key, host.empty() ? "127.0.0.1" : host);
  if (!leaf) return nullptr;
  X509_set_issuer_name(leaf.get(), X509_get_subject_name(ca));
  const bool ok = add_extension(leaf.get(), ca, NID_basic_constraints, "critical,CA:FALSE") &&
                  add_extension(leaf.get(), ca, NID_key_usage, "critical,digitalSignature") &&
                  add_extension(leaf.get(), ca, NID_ext_key_usage, "serverAuth") &&
                  add_extension(leaf.get(), ca, NID_subject_alt_name, alt_names(host)) &&
                  add_extension(leaf.get(), ca, NID_subject_key_identifier, "hash") &&
                  add_extension(leaf.get(), ca, NID_authority_key_identifier, "keyid:always") &&
                  X509_sign(leaf.get(), ca_key, EVP_sha256()) > 0;
  return ok ? std::move(leaf) : nullptr;
}

// A new private directory under parent (or $TMPDIR, or /tmp).
std::optional<std::string> make_private_directory(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string templ = base + "/pushsim-tls-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) return std::nullopt;
  return templ;
}

}  // namespace

tls_identity_result make_tls_identity(const std::string& host, const std::string& parent_directory) {
  key_ptr ca_key(EVP_EC_gen("P-256"));
  key_ptr key(EVP_EC_gen("P-256"));
  if (!ca_key || !key) return {std::nullopt, ssl_error("generating EC keys")};
  cert_ptr ca = make_ca(ca_key.get());
  if (!ca) return {std::nullopt, ssl_error("making the CA certificate")};
  cert_ptr leaf = make_leaf(key.get(), host, ca.get(), ca_key.get());
  if (!leaf) return {std::nullopt, ssl_error("making the server certificate")};
  const std::optional<std::string> dir = make_private_directory(parent_directory);
  if (!dir) return {std::nullopt, "cannot create a directory for the TLS files under " + parent_directory};
  tls_identity id{*dir, *dir + "/ca.pem", *dir + "/cert.pem", *dir + "/key.pem"};
  if (!write_pem(id.ca_file, {ca.get()}, nullptr) ||
      !write_pem(id.certificate_chain_file, {leaf.get(), ca.get()}, nullptr) ||
      !write_pem(id.private_key_file, {}, key.get())) {
    return {std::nullopt, "cannot write the TLS files in " + *dir};
  }
  return {std::move(id), {}};
}

}  // namespace pushsim::mock_org::api
