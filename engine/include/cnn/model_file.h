// model_file.h: the sandbox model file (.cnnmodel): one file that holds a model's text, the lab
// settings it was trained with (a url_state fragment) and its trained weights, so a learner can
// download a network and load it again tomorrow, or on another machine, with identical predictions.
//
// Layout (all integers little-endian):
//   offset  size  field
//        0     8  magic "CNNSBX\x1a\n"  (the \x1a\n pair catches text-mode transfers that mangle bytes)
//        8     4  format version (kModelFileVersion)
//       12     4  model text bytes  T   (UTF-8, at most kMaxModelBytes)
//       16     4  settings bytes    S   (a url_state fragment, at most kMaxUrlStateBytes)
//       20     8  weight count      W   (float32 values; the export.h "sandbox weights" layout)
//       28     4  CRC-32 (IEEE, as zlib/PNG) of bytes 0..27 and everything after byte 32
//       32     T  model text, then S settings, then 4*W bytes of float32 weights
// Nothing may follow the weights. The weights are exactly sandbox_weights(net): parameters layer
// by layer plus batchnorm running statistics, so `cnn-sandbox export --pytorch --weights` can use
// the tail of the file as it is.
//
// Reading is strict: a file that is not ours, is cut short, fails its checksum, comes from a newer
// version, or whose weights do not fit its model is refused with a sentence saying which and what
// to do; nothing is written to the caller's objects then.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cnn {

struct Network;

constexpr uint32_t kModelFileVersion = 1;
constexpr size_t kModelFileHeaderBytes = 32;
extern const char kModelFileMagic[8];

struct ModelFile {
  std::string model_text;
  std::string settings;        // url_state fragment (may be empty)
  std::vector<float> weights;  // sandbox_weights() layout; empty = architecture only
};

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32()); `crc` chains calls (start with 0).
uint32_t crc32_ieee(const void* data, size_t n, uint32_t crc = 0);

std::string model_file_encode(const ModelFile& f);
// Checks magic, version, sizes and checksum (not the model text: see model_file_load).
bool model_file_decode(std::string_view bytes, ModelFile* out, std::string* err);

// The file for a built network and its lab settings.
std::string model_file_from_network(const Network& net, const std::string& model_text, const std::string& settings);
// Decodes, parses and analyzes the model text, builds a network (batch `batch`) and loads the
// weights into it. On failure *net and *out are untouched and *err says why.
bool model_file_load(std::string_view bytes, int batch, Network* net, ModelFile* out, std::string* err);

}  // namespace cnn
