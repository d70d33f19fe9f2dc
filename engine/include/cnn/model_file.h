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
//       32     T  model text, then S settings,
//                 format 2 only: 4 bytes D, then D bytes of data notes (export.h, DataNotes: the
//                 training split's input mean and standard deviation, the dataset and its class
//                 names, as "key value" lines; D = 0 when unknown),
//                 then 4*W bytes of float32 weights
// Nothing may follow the weights. Format 1 files (no data notes) still load: their notes are
// absent, and an export from them takes standardized inputs, as it says. The weights are exactly sandbox_weights(net): parameters layer
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

#include "cnn/export.h"

namespace cnn {

struct Network;

constexpr uint32_t kModelFileVersion = 2;
constexpr size_t kModelFileHeaderBytes = 32;
constexpr size_t kMaxDataNotesBytes = 1 << 20;  // format 2: the data notes section (class names)
extern const char kModelFileMagic[8];

struct ModelFile {
  std::string model_text;
  std::string settings;                  // url_state fragment (may be empty)
  std::vector<float> weights;            // sandbox_weights() layout; empty = architecture only
  DataNotes data;                        // format 2; absent (present = false) in format 1 files
  uint32_t version = kModelFileVersion;  // decode keeps the file's, so encode(decode(b)) == b
};

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32()); `crc` chains calls (start with 0).
uint32_t crc32_ieee(const void* data, size_t n, uint32_t crc = 0);

std::string model_file_encode(const ModelFile& f);
// Checks magic, version, sizes and checksum (not the model text: see model_file_load).
bool model_file_decode(std::string_view bytes, ModelFile* out, std::string* err);

// The file for a built network and its lab settings.
std::string model_file_from_network(const Network& net, const std::string& model_text, const std::string& settings,
                                    const DataNotes& data = DataNotes());
// Decodes, parses and analyzes the model text, builds a network (batch `batch`) and loads the
// weights into it. On failure *net and *out are untouched and *err says why.
bool model_file_load(std::string_view bytes, int batch, Network* net, ModelFile* out, std::string* err);

}  // namespace cnn
