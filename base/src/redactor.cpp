#include "pushsim/base/redactor.hpp"

#include <cstdlib>
#include <random>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pushsim/base/assert.hpp"
#include "pushsim/base/file_path.hpp"

namespace pushsim {

namespace {

constexpr std::string_view base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t id_tail_chars = 12;  // after "00D"
constexpr std::size_t name_chars = 12;     // after "Org "

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// `n` characters of `alphabet` drawn from the bytes of a MAC (n <= the MAC's length).
std::string spell(const std::string& mac, std::string_view alphabet, std::size_t n) {
  std::string out(n, '0');
  for (std::size_t i = 0; i < n; ++i) out[i] = alphabet[static_cast<unsigned char>(mac[i]) % alphabet.size()];
  return out;
}

// The length of the run of letters and digits starting at text[i].
std::size_t alnum_run(std::string_view text, std::size_t i) {
  std::size_t n = 0;
  while (i + n < text.size() && is_alnum(text[i + n])) ++n;
  return n;
}

// Replaces every occurrence of `word` in `text` that has no letter or digit right before or after it.
std::string replace_word(std::string_view text, std::string_view word, const std::string& by) {
  std::string out;
  std::size_t from = 0;
  for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const std::size_t end = at + word.size();
    const bool alone = (at == 0 || !is_alnum(text[at - 1])) && (end == text.size() || !is_alnum(text[end]));
    if (!alone || at < from) continue;
    out.append(text.substr(from, at - from)).append(by);
    from = end;
  }
  return out.append(text.substr(from));
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string random_salt() {
  std::random_device device;
  std::string salt;
  for (int i = 0; i < 4; ++i) {
    const auto word = static_cast<std::uint32_t>(device());
    for (int b = 0; b < 4; ++b) salt.push_back(static_cast<char>((word >> (8 * b)) & 0xFF));
  }
  return salt;
}

}  // namespace

redactor::redactor(std::string salt) : salt_(std::move(salt)) {
  PUSHSIM_ASSERT(!salt_.empty(), "a redactor needs a non-empty salt");
}

std::string redactor::mac(std::string_view domain, std::string_view value) const {
  std::string message(domain);
  message.push_back('\0');
  message.append(value);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const auto* ok = HMAC(EVP_sha256(), salt_.data(), static_cast<int>(salt_.size()),
                        reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  PUSHSIM_ASSERT(ok != nullptr && length == 32, "HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string redactor::org_key(std::string_view key) const {
  if (key.empty()) return {};
  const bool id = (key.size() == 15 || key.size() == 18) && alnum_run(key, 0) == key.size();
  return "00D" + spell(mac("org_key", id ? key.substr(0, 15) : key), base62, id_tail_chars);
}

std::string redactor::org_name(std::string_view name) const {
  if (name.empty()) return {};
  return "Org " + spell(mac("org_name", name), base62.substr(0, 36), name_chars);
}

std::string redactor::text(std::string_view text, std::string_view org_name) const {
  std::string named = org_name.empty() ? std::string(text) : replace_word(text, org_name, this->org_name(org_name));
  std::string out;
  for (std::size_t i = 0; i < named.size();) {
    const std::size_t run = alnum_run(named, i);
    if (run == 0) {
      out.push_back(named[i++]);
      continue;
    }
    const std::string_view word = std::string_view(named).substr(i, run);
    const bool id = (run == 15 || run == 18) && word.starts_with("00D");
    out.append(id ? org_key(word) : std::string(word));
    i += run;
  }
  return out;
}

std::variant<std::optional<redactor>, std::string> make_redactor(const redact_flags& flags) {
  if (!flags.on) return std::optional<redactor>();
  if (const auto& file = flags.salt_file) {
    const auto bytes = read_file(*file);
    if (!bytes) return "--redact-salt-file " + *file + ": cannot read the file";
    std::string salt = trimmed(*bytes);
    if (salt.empty()) return "--redact-salt-file " + *file + ": the file holds no salt (it is empty)";
    return std::optional<redactor>(std::move(salt));
  }
  if (const char* env = std::getenv(redact_salt_env)) {
    std::string salt = trimmed(env);
    if (salt.empty()) return std::string(redact_salt_env) + " is set but empty: give it the salt, or unset it";
    return std::optional<redactor>(std::move(salt));
  }
  return std::optional<redactor>(random_salt());
}

void redacting_buffer::emit() {
  if (held_.empty()) return;
  out_ << redact_.text(held_);
  held_.clear();
}

redacting_buffer::int_type redacting_buffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  held_.push_back(traits_type::to_char_type(c));
  if (held_.back() == '\n') emit();
  return c;
}

std::streamsize redacting_buffer::xsputn(const char* s, std::streamsize n) {
  held_.append(s, static_cast<std::size_t>(n));
  if (const auto last = held_.rfind('\n'); last != std::string::npos) {
    std::string rest = held_.substr(last + 1);
    held_.resize(last + 1);
    emit();
    held_ = std::move(rest);
  }
  return n;
}

int redacting_buffer::sync() {
  emit();
  out_.flush();
  return out_ ? 0 : -1;
}

}  // namespace pushsim
