// model_file.cpp: the versioned model file (see model_file.h).
#include "cnn/model_file.h"

#include <cstring>

#include "cnn/export.h"
#include "cnn/net.h"
#include "cnn/spec.h"
#include "cnn/url_state.h"

namespace cnn {

const char kModelFileMagic[8] = {'C', 'N', 'N', 'S', 'B', 'X', '\x1a', '\n'};

uint32_t crc32_ieee(const void* data, size_t n, uint32_t crc) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  const unsigned char* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static void Put32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) s[at + size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
static void Put64(std::string& s, size_t at, uint64_t v) {
  for (int i = 0; i < 8; i++) s[at + size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
static uint32_t Get32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= uint32_t(static_cast<unsigned char>(s[at + size_t(i)])) << (8 * i);
  return v;
}
static uint64_t Get64(std::string_view s, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= uint64_t(static_cast<unsigned char>(s[at + size_t(i)])) << (8 * i);
  return v;
}

static uint32_t FileCrc(std::string_view b) {
  uint32_t c = crc32_ieee(b.data(), 28);
  return crc32_ieee(b.data() + kModelFileHeaderBytes, b.size() - kModelFileHeaderBytes, c);
}

static std::string Encode(const ModelFile& f, uint32_t version) {
  const size_t nw = f.weights.size();
  const std::string notes = version >= 2 ? data_notes_encode(f.data) : std::string();
  const size_t nd = version >= 2 ? 4 + notes.size() : 0;
  std::string b(kModelFileHeaderBytes + f.model_text.size() + f.settings.size() + nd + 4 * nw, '\0');
  std::memcpy(&b[0], kModelFileMagic, 8);
  Put32(b, 8, version);
  Put32(b, 12, uint32_t(f.model_text.size()));
  Put32(b, 16, uint32_t(f.settings.size()));
  Put64(b, 20, uint64_t(nw));
  size_t at = kModelFileHeaderBytes;
  std::memcpy(&b[at], f.model_text.data(), f.model_text.size());
  at += f.model_text.size();
  std::memcpy(&b[at], f.settings.data(), f.settings.size());
  at += f.settings.size();
  if (version >= 2) {
    Put32(b, at, uint32_t(notes.size()));
    std::memcpy(&b[at + 4], notes.data(), notes.size());
    at += nd;
  }
  for (size_t i = 0; i < nw; i++) {  // little-endian whatever the host
    uint32_t u;
    std::memcpy(&u, &f.weights[i], 4);
    Put32(b, at + 4 * i, u);
  }
  Put32(b, 28, FileCrc(b));
  return b;
}

// In the format f.version says (1: no data notes); a version this code does not write gives the current one.
std::string model_file_encode(const ModelFile& f) {
  return Encode(f, f.version >= 1 && f.version <= kModelFileVersion ? f.version : kModelFileVersion);
}

bool model_file_decode(std::string_view b, ModelFile* out, std::string* err) {
  auto fail = [&](const std::string& m) {
    if (err) *err = m;
    return false;
  };
  if (b.size() < 8 || std::memcmp(b.data(), kModelFileMagic, 8) != 0) {
    if (b.size() >= 6 && std::memcmp(b.data(), kModelFileMagic, 6) == 0)
      return fail(
          "This model file was damaged in transfer (its first bytes were changed, as by a text-mode copy): download it again.");
    bool texty = !b.empty();
    for (size_t i = 0; i < b.size() && i < 256; i++) {
      unsigned char c = static_cast<unsigned char>(b[i]);
      if (c < 9 || (c > 13 && c < 32)) texty = false;
    }
    if (texty)
      return fail(
          "This is not a CNN Sandbox model file (it looks like text). To use model text, paste it into the model editor.");
    return fail("This is not a CNN Sandbox model file (.cnnmodel): it does not start with the CNNSBX signature.");
  }
  if (b.size() < kModelFileHeaderBytes)
    return fail("This model file is cut short (" + std::to_string(b.size()) +
                " bytes, the header alone is 32): download it again.");
  const uint32_t version = Get32(b, 8);
  if (version == 0) return fail("This model file has format version 0, which never existed: the file is damaged.");
  if (version > kModelFileVersion)
    return fail("This model file was made by a newer CNN Sandbox (format " + std::to_string(version) +
                "; this page reads up to " + std::to_string(kModelFileVersion) +
                "): open it with the version that made it.");
  const uint64_t nt = Get32(b, 12), ns = Get32(b, 16), nw = Get64(b, 20);
  if (nt > kMaxModelBytes || ns > kMaxUrlStateBytes || nw > (uint64_t(1) << 32))
    return fail("This model file is damaged: its header gives impossible sizes.");
  // Format 2: the data notes' length sits after the settings.
  uint64_t nd = 0;
  if (version >= 2) {
    const uint64_t at_d = kModelFileHeaderBytes + nt + ns;
    if (b.size() < at_d + 4)
      return fail("This model file is cut short (" + std::to_string(b.size()) +
                  " bytes, before its data notes): download it again.");
    nd = Get32(b, size_t(at_d));
    if (nd > kMaxDataNotesBytes) return fail("This model file is damaged: its header gives impossible sizes.");
    nd += 4;
  }
  const uint64_t want = kModelFileHeaderBytes + nt + ns + nd + 4 * nw;
  if (b.size() < want)
    return fail("This model file is cut short (" + std::to_string(b.size()) + " of " + std::to_string(want) +
                " bytes): download it again.");
  if (b.size() > want)
    return fail("This model file has " + std::to_string(b.size() - want) +
                " unexpected bytes at its end: it is damaged or not ours.");
  if (FileCrc(b) != Get32(b, 28))
    return fail("This model file is damaged (its checksum does not match its contents): download it again.");
  ModelFile f;
  f.version = version;
  size_t at = kModelFileHeaderBytes;
  f.model_text.assign(b.data() + at, size_t(nt));
  at += size_t(nt);
  f.settings.assign(b.data() + at, size_t(ns));
  at += size_t(ns);
  if (version >= 2) {
    const std::string notes(b.data() + at + 4, size_t(nd) - 4);
    std::string e;
    if (!data_notes_decode(notes, &f.data, &e))
      return fail("This model file's data notes are damaged (" + e + "): download it again.");
    at += size_t(nd);
  }
  f.weights.resize(size_t(nw));
  for (size_t i = 0; i < size_t(nw); i++) {
    uint32_t u = Get32(b, at + 4 * i);
    std::memcpy(&f.weights[i], &u, 4);
  }
  *out = std::move(f);
  return true;
}

std::string model_file_from_network(const Network& net, const std::string& model_text, const std::string& settings,
                                    const DataNotes& data) {
  ModelFile f;
  f.data = data;
  f.model_text = model_text;
  f.settings = settings;
  f.weights = sandbox_weights(net);
  return model_file_encode(f);
}

bool model_file_load(std::string_view bytes, int batch, Network* net, ModelFile* out, std::string* err) {
  ModelFile f;
  if (!model_file_decode(bytes, &f, err)) return false;
  ModelSpec spec;
  SpecError se;
  if (!parse_model(f.model_text, &spec, &se)) {
    if (err) *err = "The model in this file does not parse: " + se.to_string();
    return false;
  }
  Network n;
  std::string e;
  if (!network_build(&n, spec, batch, &e)) {
    if (err) *err = "The model in this file cannot be built: " + e;
    return false;
  }
  if (!f.weights.empty()) {
    for (float v : f.weights)
      if (!(v == v) || v - v != 0.0f) {
        if (err) *err = "The weights in this file hold NaN or infinite values; the file is not usable.";
        return false;
      }
    if (!load_sandbox_weights(&n, f.weights.data(), int64_t(f.weights.size()), &e)) {
      if (err) *err = "The weights in this file do not fit its model: " + e;
      return false;
    }
  }
  *net = std::move(n);
  if (out) *out = std::move(f);
  return true;
}

}  // namespace cnn
