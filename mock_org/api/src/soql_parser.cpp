#include "pushsim/mock_org/api/soql_parser.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pushsim::mock_org::api {

namespace {

enum class tok { ident, string, number, datetime, date, lparen, rparen, comma, dot, colon, op, eof, bad };

enum class kw : unsigned char {
  none,
  select_,
  from_,
  where_,
  and_,
  or_,
  not_,
  in_,
  like_,
  group_,
  by_,
  order_,
  asc_,
  desc_,
  nulls_,
  first_,
  last_,
  limit_,
  offset_,
  null_,
  true_,
  false_,
  having_,
  with_,
  includes_,
  excludes_,
  using_,
  typeof_
};
constexpr std::string_view keyword_text[] = {"",      "SELECT", "FROM",  "WHERE",    "AND",      "OR",    "NOT",
                                             "IN",    "LIKE",   "GROUP", "BY",       "ORDER",    "ASC",   "DESC",
                                             "NULLS", "FIRST",  "LAST",  "LIMIT",    "OFFSET",   "NULL",  "TRUE",
                                             "FALSE", "HAVING", "WITH",  "INCLUDES", "EXCLUDES", "USING", "TYPEOF"};

// The keyword an identifier spells (case-insensitive), or kw::none.
kw keyword_of(std::string_view w) {
  if (w.size() < 2 || w.size() > 8) return kw::none;
  for (std::size_t i = 1; i < std::size(keyword_text); ++i) {
    if (keyword_text[i].size() == w.size() && iequals(keyword_text[i], w)) return static_cast<kw>(i);
  }
  return kw::none;
}

// Reserved words cannot name fields or objects.
bool is_reserved(kw k) { return k != kw::none && k != kw::true_ && k != kw::false_; }

struct token {
  tok kind = tok::eof;
  kw keyword = kw::none;
  std::string_view text;  // source text (for strings: including the quotes)
  ast::position pos;
};

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Splits the whole text into tokens. A string without its closing quote becomes tok::bad.
std::vector<token> lex(std::string_view s) {
  std::vector<token> out;
  out.reserve(s.size() / 4 + 4);
  std::size_t i = 0;
  int row = 1;
  std::size_t line_start = 0;
  auto pos_at = [&](std::size_t at) { return ast::position{row, static_cast<int>(at - line_start) + 1}; };
  while (true) {
    while (i < s.size() && is_space(s[i])) {
      if (s[i] == '\n') {
        ++row;
        line_start = i + 1;
      }
      ++i;
    }
    if (i >= s.size()) {
      out.push_back({tok::eof, kw::none, std::string_view{}, pos_at(i)});
      return out;
    }
    const std::size_t start = i;
    const char c = s[i];
    token t;
    t.pos = pos_at(start);
    if (is_ident_start(c)) {
      while (i < s.size() && is_ident_char(s[i])) ++i;
      t.kind = tok::ident;
    } else if (is_digit(c) || ((c == '-' || c == '+') && i + 1 < s.size() && is_digit(s[i + 1]))) {
      const bool dated = is_digit(c) && i + 4 < s.size() && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
                         is_digit(s[i + 3]) && s[i + 4] == '-';
      if (dated) {
        bool has_t = false;
        while (i < s.size() && (is_ident_char(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '+' || s[i] == '-')) {
          if (s[i] == 'T' || s[i] == 't') has_t = true;
          ++i;
        }
        t.kind = has_t ? tok::datetime : tok::date;
      } else {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
          ++i;
          while (i < s.size() && is_digit(s[i])) ++i;
        }
        t.kind = tok::number;
      }
    } else if (c == '\'') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          i += 2;
          continue;
        }
        if (s[i] == '\'') {
          closed = true;
          ++i;
          break;
        }
        if (s[i] == '\n') break;
        ++i;
      }
      t.kind = closed ? tok::string : tok::bad;
    } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == ':') {
      ++i;
      t.kind = c == '('   ? tok::lparen
               : c == ')' ? tok::rparen
               : c == ',' ? tok::comma
               : c == '.' ? tok::dot
                          : tok::colon;
    } else if (c == '=') {
      ++i;
      t.kind = tok::op;
    } else if (c == '!' && i + 1 < s.size() && s[i + 1] == '=') {
      i += 2;
      t.kind = tok::op;
    } else if (c == '<' || c == '>') {
      ++i;
      if (i < s.size() && (s[i] == '=' || (c == '<' && s[i] == '>'))) ++i;
      t.kind = tok::op;
    } else {
      // One (possibly multi-byte) character the grammar does not know.
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
      t.kind = tok::bad;
    }
    t.text = s.substr(start, i - start);
    if (t.kind == tok::ident) t.keyword = keyword_of(t.text);
    out.push_back(t);
  }
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class parser {
 public:
  explicit parser(std::string_view text) : text_(text), toks_(lex(text)) {}

  soql_result<ast::query> run() {
    ast::query q;
    if (!parse_query(q, false) || !expect_eof()) return std::move(*err_);
    return q;
  }

 private:
  const token& cur() const { return toks_[i_]; }
  const token& peek(std::size_t k = 1) const {
    const std::size_t j = i_ + k < toks_.size() ? i_ + k : toks_.size() - 1;
    return toks_[j];
  }
  void advance() {
    if (i_ + 1 < toks_.size()) ++i_;
  }
  static bool is_kw(const token& t, kw k) { return t.keyword == k; }
  bool accept_kw(kw k) {
    if (!is_kw(cur(), k)) return false;
    advance();
    return true;
  }

  bool fail_at(const token& t, std::string detail) {
    if (!err_) err_ = detail::make_soql_error(text_, "MALFORMED_QUERY", std::move(detail), t.pos.row, t.pos.column);
    return false;
  }
  bool unexpected(const token& t) {
    if (t.kind == tok::eof) return fail_at(t, "unexpected token: '<EOF>'");
    if (t.kind == tok::bad && !t.text.empty() && t.text.front() == '\'') {
      return fail_at(t, "mismatched character '<EOF>' expecting '''");
    }
    return fail_at(t, "unexpected token: '" + std::string(t.text) + "'");
  }
  bool expect_kw(kw k) {
    if (accept_kw(k)) return true;
    return unexpected(cur());
  }
  bool expect(tok k) {
    if (cur().kind != k) return unexpected(cur());
    advance();
    return true;
  }
  bool expect_eof() {
    if (cur().kind != tok::eof) return unexpected(cur());
    return true;
  }

  bool parse_name(std::string& out) {
    if (cur().kind != tok::ident || is_reserved(cur().keyword)) return unexpected(cur());
    out.assign(cur().text);
    advance();
    return true;
  }

  bool parse_path(ast::path& p) {
    p.pos = cur().pos;
    p.parts.emplace_back();
    if (!parse_name(p.parts.back())) return false;
    while (cur().kind == tok::dot) {
      advance();
      p.parts.emplace_back();
      if (!parse_name(p.parts.back())) return false;
    }
    return true;
  }

  static ast::aggregate_fn aggregate_of(std::string_view w) {
    using F = ast::aggregate_fn;
    if (iequals(w, "COUNT")) return F::count;
    if (iequals(w, "COUNT_DISTINCT")) return F::count_distinct;
    if (iequals(w, "MIN")) return F::min;
    if (iequals(w, "MAX")) return F::max;
    if (iequals(w, "SUM")) return F::sum;
    if (iequals(w, "AVG")) return F::avg;
    return F::none;
  }

  // agg '(' [path] ')' at cur(); fills fn and argument.
  bool parse_aggregate_call(ast::aggregate_fn& fn, ast::path& arg) {
    fn = aggregate_of(cur().text);
    const token name = cur();
    advance();  // function name
    advance();  // '('
    if (cur().kind == tok::rparen) {
      if (fn != ast::aggregate_fn::count) return unexpected(cur());
      arg.pos = name.pos;
      advance();
      return true;
    }
    if (!parse_path(arg)) return false;
    return expect(tok::rparen);
  }

  bool parse_select_item(std::vector<ast::select_item>& items, bool nested) {
    ast::select_item item;
    item.pos = cur().pos;
    if (cur().kind == tok::lparen) {
      if (nested) return unexpected(cur());
      advance();
      auto sub = std::make_shared<ast::query>();
      if (!is_kw(cur(), kw::select_)) return unexpected(cur());
      if (!parse_query(*sub, true)) return false;
      if (!expect(tok::rparen)) return false;
      item.what = ast::select_item::kind::subquery;
      item.subquery = std::move(sub);
    } else if (cur().kind == tok::ident && peek().kind == tok::lparen &&
               aggregate_of(cur().text) != ast::aggregate_fn::none) {
      item.what = ast::select_item::kind::aggregate;
      if (!parse_aggregate_call(item.fn, item.field)) return false;
      if (cur().kind == tok::ident && !is_reserved(cur().keyword)) {
        item.alias.assign(cur().text);
        advance();
      }
    } else {
      if (!parse_path(item.field)) return false;
    }
    items.push_back(std::move(item));
    return true;
  }

  bool parse_query(ast::query& q, bool nested) {
    if (!expect_kw(kw::select_)) return false;
    if (!parse_select_item(q.select, nested)) return false;
    while (cur().kind == tok::comma) {
      advance();
      if (!parse_select_item(q.select, nested)) return false;
    }
    if (!expect_kw(kw::from_)) return false;
    q.from_pos = cur().pos;
    if (!parse_name(q.from)) return false;
    if (accept_kw(kw::where_)) {
      q.where.emplace();
      if (!parse_or_and(*q.where)) return false;
    }
    if (is_kw(cur(), kw::group_)) {
      advance();
      if (!expect_kw(kw::by_)) return false;
      do {
        if (!q.group_by.empty()) advance();
        q.group_by.emplace_back();
        if (!parse_path(q.group_by.back())) return false;
      } while (cur().kind == tok::comma);
    }
    if (is_kw(cur(), kw::order_)) {
      advance();
      if (!expect_kw(kw::by_)) return false;
      do {
        if (!q.order_by.empty()) advance();
        ast::order_item o;
        if (cur().kind == tok::ident && peek().kind == tok::lparen &&
            aggregate_of(cur().text) != ast::aggregate_fn::none) {
          if (!parse_aggregate_call(o.fn, o.field)) return false;
        } else if (!parse_path(o.field)) {
          return false;
        }
        if (accept_kw(kw::desc_)) {
          o.descending = true;
        } else {
          accept_kw(kw::asc_);
        }
        if (accept_kw(kw::nulls_)) {
          if (accept_kw(kw::first_)) {
            o.nulls_first = true;
          } else if (accept_kw(kw::last_)) {
            o.nulls_first = false;
          } else {
            return unexpected(cur());
          }
        }
        q.order_by.push_back(std::move(o));
      } while (cur().kind == tok::comma);
    }
    if (is_kw(cur(), kw::limit_)) {
      advance();
      q.limit_pos = cur().pos;
      std::int64_t n = 0;
      if (!parse_count(n)) return false;
      q.limit = n;
    }
    if (is_kw(cur(), kw::offset_)) {
      advance();
      q.offset_pos = cur().pos;
      std::int64_t n = 0;
      if (!parse_count(n)) return false;
      q.offset = n;
    }
    return true;
  }

  bool parse_count(std::int64_t& n) {
    const token& t = cur();
    if (t.kind != tok::number || t.text.front() == '-' || t.text.front() == '+' ||
        t.text.find('.') != std::string_view::npos) {
      return unexpected(t);
    }
    const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
    if (r.ec != std::errc{}) return unexpected(t);
    advance();
    return true;
  }

  // A condition: unary terms joined by AND or by OR; mixing them without parentheses is a syntax error,
  // as in Salesforce.
  bool parse_or_and(ast::condition& c) {
    const ast::position start = cur().pos;
    ast::condition first;
    if (!parse_unary(first)) return false;
    if (!is_kw(cur(), kw::and_) && !is_kw(cur(), kw::or_)) {
      c = std::move(first);
      return true;
    }
    const bool is_and = is_kw(cur(), kw::and_);
    c = ast::condition{};
    c.what = is_and ? ast::condition::kind::and_ : ast::condition::kind::or_;
    c.pos = start;
    c.operands.push_back(std::move(first));
    while (is_kw(cur(), kw::and_) || is_kw(cur(), kw::or_)) {
      if (is_kw(cur(), kw::and_) != is_and) return unexpected(cur());
      advance();
      c.operands.emplace_back();
      if (!parse_unary(c.operands.back())) return false;
    }
    return true;
  }

  bool parse_unary(ast::condition& c) {
    if (++depth_ > 200) return fail_at(cur(), "query is nested too deeply");
    bool ok = false;
    if (is_kw(cur(), kw::not_)) {
      c.what = ast::condition::kind::not_;
      c.pos = cur().pos;
      advance();
      c.operands.emplace_back();
      ok = parse_unary(c.operands.back());
    } else if (cur().kind == tok::lparen) {
      advance();
      ok = parse_or_and(c) && expect(tok::rparen);
    } else {
      ok = parse_comparison(c);
    }
    --depth_;
    return ok;
  }

  bool parse_comparison(ast::condition& c) {
    c.what = ast::condition::kind::compare;
    c.pos = cur().pos;
    if (!parse_path(c.field)) return false;
    const token& t = cur();
    using O = ast::compare_op;
    if (t.kind == tok::op) {
      const auto o = t.text;
      c.op = o == "="                   ? O::eq
             : (o == "!=" || o == "<>") ? O::ne
             : o == "<"                 ? O::lt
             : o == "<="                ? O::le
             : o == ">"                 ? O::gt
                                        : O::ge;
      advance();
      c.values.emplace_back();
      return parse_literal(c.values.back());
    }
    if (is_kw(t, kw::like_)) {
      c.op = O::like;
      advance();
      c.values.emplace_back();
      return parse_literal(c.values.back(), true);
    }
    if (is_kw(t, kw::in_) || (is_kw(t, kw::not_) && is_kw(peek(), kw::in_))) {
      c.op = is_kw(t, kw::in_) ? O::in : O::not_in;
      if (c.op == O::not_in) advance();
      advance();
      if (!expect(tok::lparen)) return false;
      do {
        if (!c.values.empty()) advance();
        c.values.emplace_back();
        if (!parse_literal(c.values.back())) return false;
      } while (cur().kind == tok::comma);
      return expect(tok::rparen);
    }
    return unexpected(t);
  }

  bool decode_string(const token& t, std::string& out) {
    const std::string_view body = t.text.substr(1, t.text.size() - 2);
    out.reserve(body.size());
    for (std::size_t k = 0; k < body.size(); ++k) {
      const char ch = body[k];
      if (ch != '\\') {
        out += ch;
        continue;
      }
      const char e = k + 1 < body.size() ? body[k + 1] : '\0';
      ++k;
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case '\\': out += '\\'; break;
        case '%': out += '%'; break;
        case '_': out += '_'; break;
        case 'u': {
          unsigned cp = 0;
          bool good = k + 4 < body.size();
          for (std::size_t h = 1; good && h <= 4; ++h) {
            const char x = body[k + h];
            cp <<= 4;
            if (x >= '0' && x <= '9') cp |= static_cast<unsigned>(x - '0');
            else if (x >= 'a' && x <= 'f') cp |= static_cast<unsigned>(x - 'a' + 10);
            else if (x >= 'A' && x <= 'F') cp |= static_cast<unsigned>(x - 'A' + 10);
            else good = false;
          }
          if (!good)
            return fail_at(t, "Invalid string literal " + std::string(t.text) +
                                  ". Illegal character sequence '\\u' in string literal.");
          append_utf8(out, cp);
          k += 4;
          break;
        }
        default:
          return fail_at(t, "Invalid string literal " + std::string(t.text) + ". Illegal character sequence '\\" +
                                std::string(1, e) + "' in string literal.");
      }
    }
    return true;
  }

  bool parse_literal(ast::literal& l, bool keep_raw = false) {
    const token& t = cur();
    l.pos = t.pos;
    using K = ast::literal::kind;
    switch (t.kind) {
      case tok::string: {
        l.what = K::string;
        if (keep_raw) l.raw.assign(t.text.substr(1, t.text.size() - 2));
        std::string s;
        if (!decode_string(t, s)) return false;
        l.v = std::move(s);
        break;
      }
      case tok::number: {
        const char* b = t.text.data() + (t.text.front() == '+' ? 1 : 0);
        const char* e = t.text.data() + t.text.size();
        if (t.text.find('.') == std::string_view::npos) {
          std::int64_t n = 0;
          if (std::from_chars(b, e, n).ec == std::errc{}) {
            l.what = K::integer;
            l.v = n;
            break;
          }
        }
        double d = 0;
        if (std::from_chars(b, e, d).ec != std::errc{}) return unexpected(t);
        l.what = K::decimal;
        l.v = d;
        break;
      }
      case tok::datetime: {
        const auto r = parse_iso8601(t.text);
        if (!r || t.text.size() < 17)
          return fail_at(t, "line " + std::to_string(t.pos.row) + ":" + std::to_string(t.pos.column - 1) +
                                " no viable alternative at character '" + std::string(t.text) + "'");
        l.what = K::datetime;
        l.v = *r.time;
        break;
      }
      case tok::date: {
        const auto r = parse_iso8601(t.text);
        if (!r || t.text.size() != 10)
          return fail_at(t, "line " + std::to_string(t.pos.row) + ":" + std::to_string(t.pos.column - 1) +
                                " no viable alternative at character '" + std::string(t.text) + "'");
        l.what = K::date;
        l.v = date_value{std::chrono::floor<std::chrono::days>(*r.time)};
        break;
      }
      case tok::ident:
        if (t.keyword == kw::null_) {
          l.what = K::null;
        } else if (t.keyword == kw::true_ || t.keyword == kw::false_) {
          l.what = K::boolean;
          l.v = t.keyword == kw::true_;
        } else if (!parse_relative_date(l)) {
          return false;
        }
        break;
      default: return unexpected(t);
    }
    advance();
    return true;
  }

  // TODAY / YESTERDAY / TOMORROW / LAST_N_DAYS:n / NEXT_N_DAYS:n at cur(); leaves cur() on the last token.
  bool parse_relative_date(ast::literal& l) {
    using R = ast::relative_date::kind;
    const token& t = cur();
    l.what = ast::literal::kind::relative;
    if (iequals(t.text, "TODAY")) {
      l.relative.what = R::today;
    } else if (iequals(t.text, "YESTERDAY")) {
      l.relative.what = R::yesterday;
    } else if (iequals(t.text, "TOMORROW")) {
      l.relative.what = R::tomorrow;
    } else if (iequals(t.text, "LAST_N_DAYS") || iequals(t.text, "NEXT_N_DAYS")) {
      l.relative.what = iequals(t.text, "LAST_N_DAYS") ? R::last_n_days : R::next_n_days;
      if (peek().kind != tok::colon) return unexpected(peek());
      advance();
      if (peek().kind != tok::number) return unexpected(peek());
      advance();
      if (!parse_count(l.relative.n)) return false;
      --i_;  // parse_literal advances past the number
      if (l.relative.n > 100000) return unexpected(cur());
    } else {
      return unexpected(t);
    }
    return true;
  }

  std::string_view text_;
  std::vector<token> toks_;
  std::size_t i_ = 0;
  int depth_ = 0;
  std::optional<soql_error> err_;
};

}  // namespace

soql_result<ast::query> parse_soql(std::string_view text) { return parser{text}.run(); }

}  // namespace pushsim::mock_org::api
