// spec_parse.cpp: the model text format -> ModelSpec, and back (layer_to_text, model_to_text).
//
// The parser is a single pass over statements (a line, or a piece of a line between `;`), each a
// list of whitespace-separated tokens whose 1-based column is remembered, so that every error can
// point at the token at fault. It stops at the first error: one message, one place, one hint.
// Checks that need shapes (kernel larger than its input, softmax last, memory budget) belong to
// analyze_model (spec_analyze.cpp), which also re-validates everything checked here, because a
// ModelSpec can be built by code as well as parsed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cnn/format.h"
#include "cnn/spec.h"
#include "layer_table.h"

namespace cnn {

std::string SpecError::to_string() const {
  std::string s = line_column_text(line, column) + message;
  if (!hint.empty()) s += " (hint: " + hint + ")";
  return s;
}

namespace {

struct Token {
  std::string_view text;
  int column = 0;  // 1-based, in characters from the start of the line
};

struct Statement {
  int line = 0;
  std::vector<Token> tokens;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return r;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = (unsigned char)s[i];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || i + size_t(n) >= s.size()) return n == 0;
    for (int k = 1; k <= n; ++k)
      if ((((unsigned char)s[i + size_t(k)]) & 0xC0) != 0x80) return false;
    i += size_t(n) + 1;
  }
  return true;
}

// A token as it can be shown inside a message: quoted, at most 32 bytes, control bytes escaped
// (the text may come from a URL or a binary file pasted by mistake).
std::string quote(std::string_view s) {
  bool cut = s.size() > 32;
  if (cut) s = s.substr(0, 32);
  bool utf8 = valid_utf8(s);
  std::string r = "'";
  for (char ch : s) {
    unsigned char c = (unsigned char)ch;
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      r += buf;
    } else {
      r += ch;
    }
  }
  if (cut) r += "...";
  return r + "'";
}

// 1-based column of byte `pos` of a line, counted in characters (UTF-8 code points), so that an
// editor can underline the token even after a non-ASCII character such as the sign x.
int char_column(std::string_view ln, size_t pos) {
  int col = 1;
  for (size_t i = 0; i < pos && i < ln.size(); ++i)
    if ((((unsigned char)ln[i]) & 0xC0) != 0x80) ++col;
  return col;
}

// Splits the text into statements: lines, and pieces of lines between `;`; `#` starts a comment
// that runs to the end of the line. Empty statements are dropped.
std::vector<Statement> split_statements(std::string_view text) {
  std::vector<Statement> out;
  // A UTF-8 byte-order mark (Windows editors write one) is encoding, not text.
  if (text.size() >= 3 && text.compare(0, 3, "\xef\xbb\xbf") == 0) text = text.substr(3);
  int line = 1;
  size_t i = 0, n = text.size();
  while (i <= n) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = n;
    std::string_view ln = text.substr(i, end - i);
    size_t hash = ln.find('#');
    if (hash != std::string_view::npos) ln = ln.substr(0, hash);
    Statement st;
    st.line = line;
    size_t j = 0;
    while (j <= ln.size()) {
      if (j == ln.size() || ln[j] == ';') {
        if (!st.tokens.empty()) out.push_back(st);
        st.tokens.clear();
        ++j;
        continue;
      }
      if (is_space(ln[j])) {
        ++j;
        continue;
      }
      size_t k = j;
      while (k < ln.size() && !is_space(ln[k]) && ln[k] != ';') ++k;
      st.tokens.push_back(Token{ln.substr(j, k - j), char_column(ln, j)});
      j = k;
    }
    if (end == n) break;
    i = end + 1;
    ++line;
  }
  return out;
}

int edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > 40) a = a.substr(0, 40);
  if (b.size() > 40) b = b.substr(0, 40);
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min(std::min(prev[j] + 1, cur[j - 1] + 1), sub);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The parser's keywords: every kind's name and alias, from the layer table.
struct KeywordEntry {
  const char* word;
  LayerKind kind;
};
std::vector<KeywordEntry> keywords() {
  int n = 0;
  const LayerKindDesc* const* kinds = layer_kinds(&n);
  std::vector<KeywordEntry> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({kinds[i]->name, kinds[i]->kind});
    if (kinds[i]->alias) out.push_back({kinds[i]->alias, kinds[i]->kind});
  }
  return out;
}

// "conv, maxpool, ..., dense (or fc), ...": every keyword, for the unknown-layer hint.
std::string keyword_list() {
  int n = 0;
  const LayerKindDesc* const* kinds = layer_kinds(&n);
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += kinds[i]->name;
    if (kinds[i]->alias) s += std::string(" (or ") + kinds[i]->alias + ")";
  }
  return s;
}

// Closest word of `words` to `s` when it is plausibly a typo (distance at most ~1/3 of the length,
// or `s` is a prefix of it); empty otherwise.
std::string closest(std::string_view s, const std::vector<std::string>& words) {
  std::string best;
  int best_d = 1 << 30;
  for (const std::string& w : words) {
    int d = edit_distance(s, w);
    if (s.size() >= 2 && w.compare(0, s.size(), s) == 0) d = std::min(d, 1);
    if (d < best_d) {
      best_d = d;
      best = w;
    }
  }
  int allowed = std::max(1, int(std::max(s.size(), best.size())) / 3);
  return best_d <= allowed ? best : std::string();
}

const char* options_help(LayerKind k) { return layer_kind_desc(k).options_help; }

enum class NumStatus { ok, missing, malformed, negative, too_large };

// A whole number of digits only, at most kMaxSize (checked digit by digit: no overflow).
NumStatus parse_uint(std::string_view s, int64_t* v) {
  if (s.empty()) return NumStatus::missing;
  if (s[0] == '-' && s.size() > 1 && is_digit(s[1])) {
    for (size_t i = 1; i < s.size(); ++i)
      if (!is_digit(s[i])) return NumStatus::malformed;
    return NumStatus::negative;
  }
  int64_t x = 0;
  bool big = false;
  for (char c : s) {
    if (!is_digit(c)) return NumStatus::malformed;
    if (!big) {
      x = x * 10 + (c - '0');
      if (x > kMaxSize) big = true;
    }
  }
  if (big) return NumStatus::too_large;
  *v = x;
  return NumStatus::ok;
}

// A decimal number such as 0.5, .25, 1e-2 (digits, one point, optional exponent), finite.
bool parse_real(std::string_view s, double* v) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!(is_digit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) return false;
  char buf[48];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  char* end = nullptr;
  double x = std::strtod(buf, &end);
  if (end != buf + s.size() || !std::isfinite(x)) return false;
  *v = x;
  return true;
}

class Parser {
 public:
  explicit Parser(SpecError* err) : err_(err) {}

  bool fail(int line, int column, std::string message, std::string hint, int layer = -1) {
    if (err_) {
      err_->line = line;
      err_->column = column;
      err_->layer = layer >= 0 ? layer : layer_;
      err_->message = std::move(message);
      err_->hint = std::move(hint);
    }
    return false;
  }

  // Parses "A", "AxB" (parts_max 2) or "AxBxC" (parts 3) into vals. `what` names the quantity
  // ("kernel size"), `example` is a correct token for the hint, min_value 0 or 1.
  bool dims(std::string_view body, const Token& tok, int line, int parts_min, int parts_max, int64_t min_value,
            const char* what, const char* example, int64_t* vals, int* nparts) {
    std::string b = lower(body);
    if (b.find("\xc3\x97") != std::string::npos)
      return fail(line, tok.column,
                  std::string(what) + " " + quote(tok.text) + " uses the sign \xc3\x97 between numbers",
                  std::string("type the letter x instead, e.g. ") + example);
    if (b.empty())
      return fail(line, tok.column, std::string("missing ") + what + " after " + quote(tok.text),
                  std::string("write the number right after it, e.g. ") + example);
    std::vector<std::string_view> parts;
    std::string_view bv(b);
    size_t start = 0;
    while (true) {
      size_t x = bv.find('x', start);
      parts.push_back(bv.substr(start, x == std::string_view::npos ? std::string_view::npos : x - start));
      if (x == std::string_view::npos) break;
      start = x + 1;
      if (parts.size() > 8) break;
    }
    int np = int(parts.size());
    for (int i = 0; i < np; ++i) {
      int64_t v = 0;
      NumStatus st = parse_uint(parts[size_t(i)], &v);
      if (st == NumStatus::missing || st == NumStatus::malformed)
        return fail(
            line, tok.column, quote(tok.text) + " is not a valid " + what,
            std::string("write whole numbers") + (parts_max > 1 ? " separated by x" : "") + ", e.g. " + example);
      if (st == NumStatus::negative || (st == NumStatus::ok && v < min_value))
        return fail(line, tok.column,
                    std::string(what) + " in " + quote(tok.text) + " must be " +
                        (min_value > 0 ? "at least 1" : "0 or more") + ", not " + std::string(parts[size_t(i)]),
                    std::string(min_value > 0 ? "use a positive number, e.g. " : "use 0 or more, e.g. ") + example);
      if (st == NumStatus::too_large)
        return fail(
            line, tok.column,
            std::string(what) + " in " + quote(tok.text) + " is too large (the limit is " + with_commas(kMaxSize) + ")",
            "such sizes cannot fit in the page's memory; use a smaller number");
      if (i < 3) vals[i] = v;
    }
    if (np < parts_min || np > parts_max) {
      std::string shape = parts_max == 3   ? "HxWxC (height x width x channels)"
                          : parts_max == 2 ? "one number or two separated by x"
                                           : "one number";
      return fail(line, tok.column, quote(tok.text) + " is not a valid " + what,
                  "write " + shape + ", e.g. " + example);
    }
    *nparts = np;
    return true;
  }

  bool parse(std::string_view text, ModelSpec* out) {
    std::vector<Statement> sts = split_statements(text);
    if (sts.empty())
      return fail(0, 0, "the model is empty",
                  "start with `input HxWxC`, then one layer per line, e.g. `input 28x28x1` then "
                  "`conv 6 k5`, `relu`, `dense 10`, `softmax`");
    ModelSpec m;
    const Statement& first = sts[0];
    std::string kw0 = lower(first.tokens[0].text);
    if (kw0 != "input")
      return fail(first.line, first.tokens[0].column,
                  "the model must start with `input`, not " + quote(first.tokens[0].text),
                  "add a first line `input HxWxC` (height x width x channels), e.g. "
                  "`input 28x28x1` for grey 28x28 images");
    if (first.tokens.size() < 2)
      return fail(first.line, first.tokens[0].column, "`input` needs the size of one sample",
                  "write it as HxWxC (height x width x channels), e.g. `input 28x28x1`");
    if (first.tokens.size() > 2)
      return fail(first.line, first.tokens[2].column,
                  "unexpected " + quote(first.tokens[2].text) + " after the input size",
                  "`input` takes only HxWxC, e.g. `input 28x28x1`");
    int64_t v[3] = {0, 0, 0};
    int np = 0;
    if (!dims(first.tokens[1].text, first.tokens[1], first.line, 3, 3, 1, "input size", "`input 28x28x1`", v, &np))
      return false;
    m.input = Shape{int(v[0]), int(v[1]), int(v[2])};
    m.input_line = first.line;
    if (sts.size() == 1)
      return fail(first.line, first.tokens[0].column, "the model has no layers after `input`",
                  "add layers, one per line or separated by `;`, e.g. `dense 10` then `softmax`");

    for (size_t i = 1; i < sts.size(); ++i) {
      if (int(m.layers.size()) >= kMaxLayers)
        return fail(sts[i].line, sts[i].tokens[0].column, "too many layers: the limit is " + std::to_string(kMaxLayers),
                    "the page cannot train deeper stacks; remove layers");
      LayerSpec l;
      if (!layer(sts[i], int(m.layers.size()) + 1, &l)) return false;
      m.layers.push_back(l);
    }
    *out = std::move(m);
    return true;
  }

 private:
  bool layer(const Statement& st, int index, LayerSpec* out) {
    const Token& kt = st.tokens[0];
    std::string kw = lower(kt.text);
    layer_ = index;
    LayerSpec l;
    l.line = st.line;
    l.column = kt.column;
    bool found = false;
    const std::vector<KeywordEntry> kKeywords = keywords();
    for (const KeywordEntry& e : kKeywords)
      if (kw == e.word) {
        l.kind = e.kind;
        found = true;
      }
    if (kw == "input")
      return fail(st.line, kt.column, "`input` may appear only once, as the first line",
                  "remove this line; to change the sample size, edit the first line", index);
    if (!found) {
      std::vector<std::string> words = {"input"};
      for (const KeywordEntry& e : kKeywords) words.push_back(e.word);
      std::string c = closest(kw, words);
      // Names learners bring from PyTorch and Keras, suggested (never accepted silently).
      static const char* const kForeign[][2] = {{"conv2d", "conv"},
                                                {"convolution", "conv"},
                                                {"linear", "dense"},
                                                {"fullyconnected", "dense"},
                                                {"maxpool2d", "maxpool"},
                                                {"maxpooling2d", "maxpool"},
                                                {"pool", "maxpool"},
                                                {"avgpool2d", "avgpool"},
                                                {"averagepooling2d", "avgpool"},
                                                {"globalavgpool", "gap"},
                                                {"adaptiveavgpool2d", "gap"},
                                                {"globalaveragepooling2d", "gap"},
                                                {"bn", "batchnorm"},
                                                {"batchnorm2d", "batchnorm"},
                                                {"batchnormalization", "batchnorm"},
                                                {"lrelu", "leakyrelu"},
                                                {"leaky_relu", "leakyrelu"},
                                                {"drop", "dropout"},
                                                {"logsoftmax", "softmax"},
                                                {"in", "input"},
                                                {"inputs", "input"}};
      for (const auto& f : kForeign)
        if (kw == f[0]) c = f[1];
      std::string hint = c.empty() ? std::string() : "did you mean `" + c + "`? ";
      hint += "layers are: " + keyword_list();
      return fail(st.line, kt.column, "unknown layer " + quote(kt.text), hint, index);
    }
    const bool is_conv = l.kind == LayerKind::conv;
    const bool is_pool = l.kind == LayerKind::maxpool || l.kind == LayerKind::avgpool;
    const bool is_dense = l.kind == LayerKind::dense;
    int units_col = 0, k_col = 0, s_col = 0, p_col = 0, d_col = 0, bias_col = 0, val_col = 0;
    auto duplicate = [&](const Token& t, int first_col, const char* what) {
      return fail(st.line, t.column,
                  std::string(what) + " given twice (first at column " + std::to_string(first_col) + ")",
                  "keep only one of them", index);
    };
    const std::string name = layer_kind_name(l.kind);
    for (size_t ti = 1; ti < st.tokens.size(); ++ti) {
      const Token& t = st.tokens[ti];
      std::string o = lower(t.text);
      const bool numeric = is_digit(o[0]) || o[0] == '-' || o[0] == '.' || o[0] == '+';
      auto unknown = [&]() {
        std::string help = options_help(l.kind);
        if (help.empty())
          return fail(st.line, t.column, "`" + name + "` takes no options, but got " + quote(t.text),
                      "remove " + quote(t.text), index);
        if (is_pool && (o == "same" || o == "valid" || o == "full"))
          return fail(st.line, t.column, "pools have no " + quote(t.text) + " padding",
                      "give the padding on each side as pP (at most half the window), e.g. "
                      "`maxpool k3 s2 p1`; without pP there is none",
                      index);
        if (is_pool && o[0] == 'd' && (o.size() == 1 || is_digit(o[1])))
          return fail(st.line, t.column, "pools have no dilation (" + quote(t.text) + ")",
                      "remove it; pools take kK, sS and pP", index);
        std::vector<std::string> words;
        if (is_conv) words = {"same", "valid", "full", "nobias"};
        if (is_dense) words = {"nobias"};
        std::string c = closest(o, words);
        return fail(st.line, t.column, "unknown option " + quote(t.text) + " for `" + name + "`",
                    (c.empty() ? std::string() : "did you mean `" + c + "`? ") + help, index);
      };
      if (is_conv || is_dense) {
        if (numeric) {
          if (units_col) return duplicate(t, units_col, is_conv ? "number of maps" : "number of outputs");
          int64_t v[3];
          int np;
          if (!dims(o, t, st.line, 1, 1, 1, is_conv ? "number of maps" : "number of outputs",
                    is_conv ? "`conv 6 k5`" : "`dense 10`", v, &np))
            return false;
          l.units = int(v[0]);
          units_col = t.column;
          continue;
        }
        if (o == "nobias") {
          if (bias_col) return duplicate(t, bias_col, "nobias");
          l.bias = false;
          bias_col = t.column;
          continue;
        }
      }
      if (is_conv && (o == "same" || o == "valid" || o == "full")) {
        if (p_col) return duplicate(t, p_col, "padding");
        l.padding = o == "same" ? Padding::same : o == "valid" ? Padding::valid : Padding::full;
        p_col = t.column;
        continue;
      }
      if ((is_conv || is_pool) && (o[0] == 'k' || o[0] == 's' || o[0] == 'p' || (is_conv && o[0] == 'd'))) {
        std::string_view body = std::string_view(o).substr(1);
        // "k", "k5", "k5x3", "k-1": a letter followed by a number (or nothing, reported as
        // missing); anything else ("kernel5", "stride") is an unknown option.
        if (!body.empty() &&
            !(is_digit(body[0]) || body[0] == '-' || body[0] == '.' || body.compare(0, 2, "\xc3\x97") == 0))
          return unknown();
        char c = o[0];
        int* col = c == 'k' ? &k_col : c == 's' ? &s_col : c == 'p' ? &p_col : &d_col;
        const char* what = c == 'k'   ? (is_pool ? "window size" : "kernel size")
                           : c == 's' ? "stride"
                           : c == 'p' ? "padding"
                                      : "dilation";
        const char* ex = c == 'k' ? "k5 or k5x3" : c == 's' ? "s2 or s2x1" : c == 'p' ? "p2 or p2x1" : "d2";
        if (*col) return duplicate(t, *col, what);
        int64_t v[3] = {0, 0, 0};
        int np = 0;
        if (!dims(body, t, st.line, 1, 2, c == 'p' ? 0 : 1, what, ex, v, &np)) return false;
        int a = int(v[0]), b = int(np == 2 ? v[1] : v[0]);
        if (c == 'k') {
          l.kh = a;
          l.kw = b;
        }
        if (c == 's') {
          l.sh = a;
          l.sw = b;
        }
        if (c == 'p') {
          l.ph = a;
          l.pw = b;
          l.padding = Padding::explicit_pad;
        }
        if (c == 'd') {
          l.dh = a;
          l.dw = b;
        }
        *col = t.column;
        continue;
      }
      if (l.kind == LayerKind::leakyrelu || l.kind == LayerKind::dropout) {
        std::string_view body = o;
        if (l.kind == LayerKind::leakyrelu && o[0] == 'a') body = body.substr(1);
        else if (!numeric) return unknown();
        const char* what = l.kind == LayerKind::leakyrelu ? "slope" : "dropout rate";
        const char* ex = l.kind == LayerKind::leakyrelu ? "`leakyrelu a0.01`" : "`dropout 0.5`";
        if (val_col) return duplicate(t, val_col, what);
        if (body.empty())
          return fail(st.line, t.column, std::string("missing ") + what + " after " + quote(t.text),
                      std::string("write the number right after it, e.g. ") + ex, index);
        double x = 0;
        if (!parse_real(body, &x)) {
          if (l.kind == LayerKind::leakyrelu && !(is_digit(body[0]) || body[0] == '.' || body[0] == '-'))
            return unknown();
          return fail(st.line, t.column, quote(t.text) + " is not a valid " + what,
                      std::string("write a decimal number, e.g. ") + ex, index);
        }
        // Checked on the float actually stored: 0.999999999 rounds to 1.0f.
        const float xf = float(x);
        if (!(xf >= 0 && xf < 1))
          return fail(
              st.line, t.column, std::string(what) + " must be at least 0 and below 1, not " + std::string(body),
              l.kind == LayerKind::leakyrelu ? "the slope for negative inputs is usually small, e.g. `leakyrelu a0.01`"
                                             : "it is the probability of dropping a unit, e.g. `dropout 0.5`",
              index);
        if (l.kind == LayerKind::leakyrelu) l.alpha = xf;
        else l.rate = xf;
        val_col = t.column;
        continue;
      }
      return unknown();
    }
    if ((is_conv || is_dense) && !units_col)
      return fail(
          st.line, kt.column,
          is_conv ? "`conv` needs the number of output maps"
                  : "`" + std::string(kt.text) + "` needs the number of outputs",
          is_conv ? "write it right after conv, e.g. `conv 6 k5`" : "write it right after the keyword, e.g. `dense 10`",
          index);
    if ((is_conv || is_pool) && !k_col)
      return fail(st.line, kt.column, "`" + name + "` needs a " + (is_pool ? "window" : "kernel") + " size",
                  is_conv ? "add kK, e.g. `conv 6 k5` for 5x5 kernels" : "add kK, e.g. `" + name + " k2`", index);
    if (is_pool && !s_col) {
      l.sh = l.kh;
      l.sw = l.kw;
    }  // default stride = window
    l.units_column = units_col;
    l.kernel_column = k_col;
    l.stride_column = s_col;
    l.pad_column = p_col;
    l.dilation_column = d_col;
    *out = l;
    return true;
  }

  SpecError* err_;
  int layer_ = 0;  // 1-based index of the layer being parsed, 0 for input
};

}  // namespace

std::string pair_text(char letter, int a, int b) {
  std::string s(1, letter);
  s += std::to_string(a);
  if (b != a) s += "x" + std::to_string(b);
  return s;
}

std::string model_description(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view ln = text.substr(i, end - i);
    size_t a = 0;
    while (a < ln.size() && is_space(ln[a])) ++a;
    ln = ln.substr(a);
    if (ln.empty() || ln[0] != '#') break;
    ln = ln.substr(1);
    if (!ln.empty() && ln[0] == ' ') ln = ln.substr(1);
    while (!ln.empty() && is_space(ln.back())) ln = ln.substr(0, ln.size() - 1);
    if (!out.empty()) out += '\n';
    out += ln;
    i = end + 1;
  }
  return out;
}

// Gives each comment of the text to the layer it belongs to (see LayerSpec::comment_lines): a
// `#` line goes to the next statement's layer (to the model's head before `input`, to its tail
// after the last layer), a comment after statements goes to the last statement of its line.
static void attach_comments(std::string_view text, ModelSpec* m) {
  if (text.size() >= 3 && text.compare(0, 3, "\xef\xbb\xbf") == 0) text = text.substr(3);
  // line number -> index of the last layer on it (-1: the input line)
  auto layer_ending_line = [&](int line) {
    int found = -2;
    if (line == m->input_line) found = -1;
    for (size_t i = 0; i < m->layers.size(); ++i)
      if (m->layers[i].line == line) found = int(i);
    return found;
  };
  auto append = [](std::string* dst, std::string_view c) {
    if (!dst->empty()) *dst += '\n';
    *dst += c;
  };
  std::string pending;  // `#` lines waiting for their layer
  bool seen_input = false;
  int line = 1;
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view ln = text.substr(i, end - i);
    size_t hash = ln.find('#');
    std::string_view c;
    if (hash != std::string_view::npos) {
      c = ln.substr(hash);
      while (!c.empty() && is_space(c.back())) c = c.substr(0, c.size() - 1);
    }
    const int owner = layer_ending_line(line);
    if (owner >= -1) {
      // a statement line: waiting `#` lines belong to its first layer (or the head for `input`)
      int first = -1;
      for (size_t k = 0; k < m->layers.size(); ++k)
        if (m->layers[k].line == line) {
          first = int(k);
          break;
        }
      if (!pending.empty()) {
        if (owner == -1 && !seen_input) append(&m->head_comment_lines, pending);
        else if (first >= 0) append(&m->layers[size_t(first)].comment_lines, pending);
        pending.clear();
      }
      if (owner == -1) seen_input = true;
      if (!c.empty()) (owner == -1 ? m->input_comment : m->layers[size_t(owner)].comment) = std::string(c);
    } else if (!c.empty()) {
      append(&pending, c);
    }
    if (end == text.size()) break;
    i = end + 1;
    ++line;
  }
  if (!pending.empty()) append(&m->tail_comment_lines, pending);
}

bool parse_model(std::string_view text, ModelSpec* out, SpecError* err) {
  Parser p(err);
  ModelSpec m;
  if (!p.parse(text, &m)) return false;
  attach_comments(text, &m);
  if (out) *out = std::move(m);
  return true;
}

std::string layer_to_text(const LayerSpec& l) {
  std::string s = layer_kind_name(l.kind);
  if (const auto options_text = layer_kind_desc(l.kind).options_text) options_text(l, &s);
  return s;
}

// A comment as it goes back into text: one line, starting with '#'.
static std::string comment_text(std::string_view c) {
  std::string s(c);
  for (char& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  if (!s.empty() && s[0] != '#') s = "# " + s;
  return s;
}

// `#` lines, each on its own line with '#' in front.
static void put_comment_lines(std::string* s, std::string_view lines) {
  size_t i = 0;
  while (i < lines.size()) {
    size_t end = lines.find('\n', i);
    if (end == std::string_view::npos) end = lines.size();
    *s += comment_text(lines.substr(i, end - i)) + "\n";
    i = end + 1;
  }
}

std::string model_to_text(const ModelSpec& m, bool one_line) {
  std::string input = "input " + std::to_string(m.input.h) + "x" + std::to_string(m.input.w) + "x" +
                      std::to_string(m.input.c);
  if (one_line) {
    for (const LayerSpec& l : m.layers) input += "; " + layer_to_text(l);
    return input;
  }
  // trailing comments start in one column, two spaces after the longest commented line
  std::vector<std::string> body;
  size_t col = m.input_comment.empty() ? 0 : input.size();
  for (const LayerSpec& l : m.layers) {
    body.push_back(layer_to_text(l));
    if (!l.comment.empty()) col = std::max(col, body.back().size());
  }
  col = std::min<size_t>(col + 2, 40);
  auto with_comment = [&](std::string t, const std::string& c) {
    if (c.empty()) return t;
    t.resize(std::max(t.size() + 2, col), ' ');
    return t + comment_text(c);
  };
  std::string s;
  put_comment_lines(&s, m.head_comment_lines);
  s += with_comment(input, m.input_comment) + "\n";
  for (size_t i = 0; i < m.layers.size(); ++i) {
    put_comment_lines(&s, m.layers[i].comment_lines);
    s += with_comment(body[i], m.layers[i].comment) + "\n";
  }
  put_comment_lines(&s, m.tail_comment_lines);
  return s;
}

}  // namespace cnn
