#pragma once
// redactor: stable pseudonyms for org keys and org names, for `--redact` (partners share reports with consultants).
// A pseudonym is HMAC-SHA256 (OpenSSL's libcrypto) of the value under a secret salt, spelled in the shape a reader
// expects: an org key becomes another org id, "00D" and 12 of [0-9A-Za-z] (15 characters); an org name becomes
// "Org " and 12 of [0-9A-Z]. The same salt and value give the same pseudonym: in every output of one run, and
// across runs given the same salt. The salt is never written anywhere. An 18-character id is pseudonymised through
// its 15-character form, so both spellings of one org become the same 15-character pseudonym. Two distinct keys
// share a pseudonym with probability about n^2 / 2^72 (a million orgs: 2e-10).

#include <optional>
#include <ostream>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pushsim {

class redactor {
 public:
  // salt: the secret, any non-empty bytes.
  explicit redactor(std::string salt);

  // The pseudonym of an org key (15 or 18 characters; anything else is pseudonymised whole); "" stays "".
  std::string org_key(std::string_view key) const;
  // The pseudonym of an org name; "" (no name known) stays "".
  std::string org_name(std::string_view name) const;
  // `text` with every org id in it (00D and 12 or 15 letters and digits, standing alone) replaced by its pseudonym,
  // and, when `org_name` is given, every whole-word occurrence of that name by the name's pseudonym. For free text
  // such as a push error's message.
  std::string text(std::string_view text, std::string_view org_name = {}) const;

 private:
  std::string mac(std::string_view domain, std::string_view value) const;
  std::string salt_;
};

// A stream buffer that writes each line (and, on flush, the partial line) through redactor::text to `out`: a
// command's stderr under --redact, so messages that quote an org id do not leak it. Lines are held until their
// newline or a flush; the buffer flushes what it holds when destroyed.
class redacting_buffer final : public std::streambuf {
 public:
  redacting_buffer(std::ostream& out, const redactor& r) : out_(out), redact_(r) {}
  redacting_buffer(const redacting_buffer&) = delete;
  redacting_buffer& operator=(const redacting_buffer&) = delete;
  ~redacting_buffer() override { emit(); }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void emit();
  std::ostream& out_;
  const redactor& redact_;
  std::string held_;
};

// The environment variable a partner may keep the salt in (read when no salt file is given).
inline constexpr const char* redact_salt_env = "PUSHSIM_REDACT_SALT";

// What the command line asked for: `--redact [--redact-salt-file F]`.
struct redact_flags {
  bool on = false;                       // --redact
  std::optional<std::string> salt_file;  // --redact-salt-file
};

// The redactor `flags` ask for: none without --redact; else the salt is the file's bytes (surrounding whitespace
// trimmed), else the value of PUSHSIM_REDACT_SALT, else 16 bytes from std::random_device (pseudonyms then hold for
// this run only). A message for the user instead when the file cannot be read or the salt is empty.
std::variant<std::optional<redactor>, std::string> make_redactor(const redact_flags& flags);

// Copies of rows (any type with string members org_key, org_name and parent_org, such as scheduler::subscriber)
// with those three pseudonymised.
template <typename Row>
std::vector<Row> redacted_rows(std::span<const Row> rows, const redactor& r) {
  std::vector<Row> out(rows.begin(), rows.end());
  for (Row& row : out) {
    row.org_key = r.org_key(row.org_key);
    row.org_name = r.org_name(row.org_name);
    row.parent_org = r.org_key(row.parent_org);
  }
  return out;
}

}  // namespace pushsim
