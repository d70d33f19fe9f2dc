// DEFLATE (RFC 1951) and gzip (RFC 1952) decoding, written for this project so that one decoder
// runs natively, under node and in the browser (the Emscripten sysroot has no zlib we can count
// on, and the page should not depend on DecompressionStream).
//
// Decoding follows the RFC directly: a bit reader that hands out bits least-significant first,
// canonical Huffman codes rebuilt from code lengths, and a lookup table indexed by the next
// kFastBits bits so that most symbols decode in one step; longer codes fall back to the
// canonical walk (count codes per length, as in the RFC's section 3.2.2).
#include <cstring>

#include "cnn/data.h"

namespace cnn {

namespace {

constexpr int kMaxBits = 15;
constexpr int kFastBits = 10;

struct BitReader {
  const uint8_t* p;
  size_t n, pos = 0;
  uint64_t buf = 0;
  int cnt = 0;          // valid bits in buf
  int64_t phantom = 0;  // zero bits handed out past the end of the input (truncation check)

  BitReader(const uint8_t* data, size_t size) : p(data), n(size) {}
  void refill() {
    if (pos + 8 <= n) {  // fast path: take as many whole bytes as fit in one 8-byte load
      uint64_t v;
      std::memcpy(&v, p + pos, 8);  // little-endian hosts only (x86, arm64, wasm)
      const int take = (63 - cnt) >> 3;
      buf |= (take == 8 ? v : v & ((uint64_t(1) << (8 * take)) - 1)) << cnt;
      pos += size_t(take);
      cnt += 8 * take;
      return;
    }
    while (cnt <= 56) {
      if (pos < n) {
        buf |= uint64_t(p[pos++]) << cnt;
      } else {
        phantom += 8;  // pretend zeros; the caller checks overrun() after each block
      }
      cnt += 8;
    }
  }
  uint32_t peek(int k) {
    if (cnt < k) refill();
    return uint32_t(buf & ((uint64_t(1) << k) - 1));
  }
  void drop(int k) {
    buf >>= k;
    cnt -= k;
  }
  uint32_t bits(int k) {  // k <= 32
    if (k == 0) return 0;
    uint32_t v = peek(k);
    drop(k);
    return v;
  }
  // Bits read beyond the real input (buffered phantom bits not yet consumed do not count).
  bool overrun() const { return phantom > cnt; }
  void align_to_byte() { drop(cnt & 7); }
};

struct Huffman {
  uint16_t fast[1 << kFastBits];  // 0 = not in the table; else symbol | (length << 9)
  uint16_t count[kMaxBits + 1];
  uint16_t symbol[320];
  int nsym = 0;

  // Returns false with a message for over-subscribed code lengths. Incomplete codes are allowed
  // (RFC 1951 permits a single distance code); an unused bit pattern is reported when decoded.
  bool build(const uint8_t* lengths, int n, std::string* err, const char* what) {
    nsym = n;
    std::memset(count, 0, sizeof(count));
    std::memset(fast, 0, sizeof(fast));
    for (int s = 0; s < n; ++s) count[lengths[s]]++;
    count[0] = 0;
    int left = 1;
    for (int len = 1; len <= kMaxBits; ++len) {
      left <<= 1;
      left -= count[len];
      if (left < 0) {
        *err = std::string("corrupt deflate data: over-subscribed ") + what + " code";
        return false;
      }
    }
    uint16_t offs[kMaxBits + 2];
    offs[1] = 0;
    for (int len = 1; len <= kMaxBits; ++len) offs[len + 1] = uint16_t(offs[len] + count[len]);
    for (int s = 0; s < n; ++s)
      if (lengths[s]) symbol[offs[lengths[s]]++] = uint16_t(s);
    // Canonical codes: within a length, codes count up in symbol order (RFC 1951, 3.2.2).
    uint32_t code = 0;
    int idx = 0;
    for (int len = 1; len <= kMaxBits; ++len) {
      for (int k = 0; k < count[len]; ++k, ++idx, ++code) {
        if (len > kFastBits) continue;
        // The stream carries code bits most-significant first: index the table by the reversal.
        uint32_t rev = 0;
        for (int b = 0; b < len; ++b) rev |= ((code >> b) & 1u) << (len - 1 - b);
        for (uint32_t j = rev; j < (1u << kFastBits); j += (1u << len)) fast[j] = uint16_t(symbol[idx] | (len << 9));
      }
      code <<= 1;
    }
    return true;
  }

  // Returns the symbol, or -1 for a bit pattern no code uses.
  int decode(BitReader& br) const {
    uint32_t look = br.peek(kMaxBits);
    uint16_t e = fast[look & ((1u << kFastBits) - 1)];
    if (e) {
      br.drop(e >> 9);
      return e & 511;
    }
    // Canonical walk, one bit at a time (only codes longer than kFastBits, or invalid ones).
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= kMaxBits; ++len) {
      code |= int((look >> (len - 1)) & 1u);
      int c = count[len];
      if (code - first < c) {
        br.drop(len);
        return symbol[index + (code - first)];
      }
      index += c;
      first += c;
      first <<= 1;
      code <<= 1;
    }
    return -1;
  }
};

const uint16_t kLenBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                               31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
const uint8_t kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
const uint16_t kDistBase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
const uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// Output buffer that grows geometrically up to a hard limit.
struct Out {
  std::vector<uint8_t>* v;
  size_t len, limit;
  bool reserve(size_t extra, std::string* err) {
    if (len + extra <= v->size()) return true;
    if (len + extra > limit) {
      *err = "inflated data exceeds the limit of " + std::to_string(limit >> 20) + " MB";
      return false;
    }
    size_t want = v->size() < 65536 ? 65536 : v->size() * 2;
    while (want < len + extra) want *= 2;
    if (want > limit) want = limit;
    v->resize(want);
    return true;
  }
};

bool inflate_codes(BitReader& br, Out& o, const Huffman& lit, const Huffman& dist, size_t start, std::string* err) {
  for (;;) {
    int sym = lit.decode(br);
    if (sym < 0) {
      *err = "corrupt deflate data: invalid literal/length code";
      return false;
    }
    // Checked on every symbol: past the end the reader hands out zero bits, which a dynamic code
    // may decode as literals, so a truncated stream would otherwise fill the output up to max_out.
    if (br.overrun()) {
      *err = "truncated deflate data";
      return false;
    }
    if (sym < 256) {
      if (o.len == o.v->size() && !o.reserve(1, err)) return false;
      (*o.v)[o.len++] = uint8_t(sym);
      continue;
    }
    if (sym == 256) return true;
    sym -= 257;
    if (sym >= 29) {
      *err = "corrupt deflate data: invalid length symbol";
      return false;
    }
    size_t len = kLenBase[sym] + br.bits(kLenExtra[sym]);
    int ds = dist.decode(br);
    if (ds < 0 || ds >= 30) {
      *err = "corrupt deflate data: invalid distance code";
      return false;
    }
    size_t d = kDistBase[ds] + br.bits(kDistExtra[ds]);
    if (d > o.len - start) {
      *err = "corrupt deflate data: distance reaches before the start of the output";
      return false;
    }
    if (br.overrun()) {
      *err = "truncated deflate data";
      return false;
    }
    if (!o.reserve(len, err)) return false;
    uint8_t* w = o.v->data() + o.len;
    const uint8_t* r = w - d;
    if (d == 1) std::memset(w, *r, len);  // a run of one byte (zeros around every image)
    else
      for (size_t i = 0; i < len; ++i) w[i] = r[i];  // byte by byte: the copy may overlap itself
    o.len += len;
  }
}

bool inflate_dynamic(BitReader& br, Huffman& lit, Huffman& dist, std::string* err) {
  int hlit = int(br.bits(5)) + 257, hdist = int(br.bits(5)) + 1, hclen = int(br.bits(4)) + 4;
  if (hlit > 286 || hdist > 30) {
    *err = "corrupt deflate data: too many length or distance codes";
    return false;
  }
  static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  uint8_t cl[19] = {0};
  for (int i = 0; i < hclen; ++i) cl[order[i]] = uint8_t(br.bits(3));
  Huffman clh;
  if (!clh.build(cl, 19, err, "code-length")) return false;
  uint8_t lengths[320] = {0};
  int i = 0;
  while (i < hlit + hdist) {
    int sym = clh.decode(br);
    if (sym < 0) {
      *err = "corrupt deflate data: invalid code-length code";
      return false;
    }
    if (sym < 16) {
      lengths[i++] = uint8_t(sym);
      continue;
    }
    int rep = 0;
    uint8_t val = 0;
    if (sym == 16) {
      if (i == 0) {
        *err = "corrupt deflate data: repeat with no previous length";
        return false;
      }
      val = lengths[i - 1];
      rep = 3 + int(br.bits(2));
    } else if (sym == 17) {
      rep = 3 + int(br.bits(3));
    } else {
      rep = 11 + int(br.bits(7));
    }
    if (i + rep > hlit + hdist) {
      *err = "corrupt deflate data: code lengths overflow";
      return false;
    }
    while (rep--) lengths[i++] = val;
    if (br.overrun()) {
      *err = "truncated deflate data";
      return false;
    }
  }
  if (lengths[256] == 0) {
    *err = "corrupt deflate data: no end-of-block code";
    return false;
  }
  if (!lit.build(lengths, hlit, err, "literal/length")) return false;
  if (!dist.build(lengths + hlit, hdist, err, "distance")) return false;
  return true;
}

}  // namespace

bool inflate_raw(ByteSpan in, std::vector<uint8_t>* out, std::string* err, size_t max_out, size_t* consumed) {
  BitReader br(in.data, in.size);
  std::vector<uint8_t>& v = *out;
  Out o{&v, v.size(), max_out};  // appends to whatever *out already holds
  const size_t start = o.len;
  static Huffman fixed_lit, fixed_dist;
  static bool fixed_ready = false;
  if (!fixed_ready) {
    uint8_t l[288];
    for (int i = 0; i < 144; ++i) l[i] = 8;
    for (int i = 144; i < 256; ++i) l[i] = 9;
    for (int i = 256; i < 280; ++i) l[i] = 7;
    for (int i = 280; i < 288; ++i) l[i] = 8;
    std::string e;
    fixed_lit.build(l, 288, &e, "fixed");
    uint8_t d[30];
    for (int i = 0; i < 30; ++i) d[i] = 5;
    fixed_dist.build(d, 30, &e, "fixed");
    fixed_ready = true;
  }
  Huffman lit, dist;
  bool last = false;
  bool ok = true;
  while (ok && !last) {
    last = br.bits(1) != 0;
    int type = int(br.bits(2));
    if (type == 0) {
      br.align_to_byte();
      uint32_t len = br.bits(16), nlen = br.bits(16);
      if (br.overrun()) {
        *err = "truncated deflate data";
        ok = false;
        break;
      }
      if ((len ^ 0xffffu) != nlen) {
        *err = "corrupt deflate data: stored block length check failed";
        ok = false;
        break;
      }
      if (!o.reserve(len, err)) {
        ok = false;
        break;
      }
      // The bit buffer may still hold whole bytes: take those first, then copy the rest directly.
      size_t k = 0;
      while (k < len && br.cnt >= 8 && !br.overrun()) {
        v[o.len++] = uint8_t(br.bits(8));
        ++k;
      }
      if (br.overrun()) {
        *err = "truncated deflate data";
        ok = false;
        break;
      }
      if (k < len) {
        if (br.pos + (len - k) > br.n) {
          *err = "truncated deflate data (stored block)";
          ok = false;
          break;
        }
        std::memcpy(v.data() + o.len, br.p + br.pos, len - k);
        o.len += len - k;
        br.pos += len - k;
      }
    } else if (type == 1) {
      ok = inflate_codes(br, o, fixed_lit, fixed_dist, start, err);
    } else if (type == 2) {
      ok = inflate_dynamic(br, lit, dist, err) && inflate_codes(br, o, lit, dist, start, err);
    } else {
      *err = "corrupt deflate data: invalid block type 3";
      ok = false;
    }
    if (ok && br.overrun()) {
      *err = "truncated deflate data";
      ok = false;
    }
  }
  v.resize(o.len);
  if (!ok) return false;
  if (consumed) {
    br.align_to_byte();
    int64_t real_bits = int64_t(br.cnt) - br.phantom;  // unread real bits still buffered
    *consumed = br.pos - size_t(real_bits > 0 ? real_bits / 8 : 0);
  }
  return true;
}

uint32_t crc32(const uint8_t* data, size_t n, uint32_t crc) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);
  return ~crc;
}

bool is_gzip(ByteSpan in) { return in.size >= 2 && in.data[0] == 0x1f && in.data[1] == 0x8b; }

bool gunzip(ByteSpan in, std::vector<uint8_t>* out, std::string* err, size_t max_out) {
  std::vector<uint8_t> tmp;
  size_t pos = 0;
  int member = 0;
  while (pos < in.size) {
    // Some tools pad gzip files with zeros after the last member.
    if (member > 0) {
      bool zeros = true;
      for (size_t i = pos; i < in.size && zeros; ++i) zeros = in.data[i] == 0;
      if (zeros) break;
    }
    const uint8_t* p = in.data + pos;
    size_t n = in.size - pos;
    std::string where = member ? " (member " + std::to_string(member + 1) + ")" : "";
    if (n < 18) {
      *err = "truncated gzip data" + where + ": " + std::to_string(n) + " bytes, a gzip member needs at least 18";
      return false;
    }
    if (p[0] != 0x1f || p[1] != 0x8b) {
      *err = "not gzip data" + where + ": expected the magic bytes 1f 8b";
      return false;
    }
    if (p[2] != 8) {
      *err = "unsupported gzip compression method " + std::to_string(p[2]) + " (only 8, deflate)";
      return false;
    }
    const uint8_t flg = p[3];
    size_t h = 10;
    if (flg & 4) {  // FEXTRA
      if (h + 2 > n) {
        *err = "truncated gzip header";
        return false;
      }
      h += 2 + size_t(p[h] | (p[h + 1] << 8));
    }
    for (int f : {8, 16}) {  // FNAME, FCOMMENT: zero-terminated
      if (flg & f) {
        while (h < n && p[h]) ++h;
        ++h;
      }
    }
    if (flg & 2) h += 2;  // FHCRC
    if (h > n) {
      *err = "truncated gzip header";
      return false;
    }
    const size_t before = tmp.size();
    size_t used = 0;
    std::string e;
    if (!inflate_raw(ByteSpan(p + h, n - h), &tmp, &e, max_out, &used)) {
      *err = e + where;
      return false;
    }
    size_t t = h + used;
    if (t + 8 > n) {
      *err = "truncated gzip data" + where + ": the CRC-32 and length trailer is missing";
      return false;
    }
    uint32_t want_crc = uint32_t(p[t]) | uint32_t(p[t + 1]) << 8 | uint32_t(p[t + 2]) << 16 | uint32_t(p[t + 3]) << 24;
    uint32_t want_len = uint32_t(p[t + 4]) | uint32_t(p[t + 5]) << 8 | uint32_t(p[t + 6]) << 16 |
                        uint32_t(p[t + 7]) << 24;
    const size_t got = tmp.size() - before;
    if (uint32_t(got) != want_len) {
      *err = "corrupt gzip data" + where + ": length " + std::to_string(got) + " does not match the trailer (" +
             std::to_string(want_len) + ")";
      return false;
    }
    if (crc32(tmp.data() + before, got) != want_crc) {
      *err = "corrupt gzip data" + where + ": CRC-32 mismatch";
      return false;
    }
    pos += t + 8;
    ++member;
  }
  if (member == 0) {
    *err = "empty gzip data";
    return false;
  }
  out->swap(tmp);
  return true;
}

}  // namespace cnn
