// export.h: a model as a PyTorch script, so a learner can take it to PyTorch (and so PyTorch can
// referee our numbers: tests/pytorch/ loads the exported module with our weights and compares).
//
// The script is self-contained and meant to be read: one nn.Module whose nn.Sequential lists one
// module per line of model text (a comment above each gives the line and the shapes), our padding
// rules spelled out (an explicit pad where PyTorch's symmetric `padding=` cannot say it, e.g. the
// extra bottom/right row of `same`), the trained weights when there are any (embedded as base64
// float32, or read from a side file), and a short training loop to run on one's own data.
//
// The sandbox's last softmax (or one-output sigmoid) is fused with its loss, as PyTorch's
// nn.CrossEntropyLoss (nn.BCEWithLogitsLoss) fuses log-softmax (log-sigmoid) with it: the module's
// logits() stops before that layer and forward() applies it, so training uses logits() and the
// outputs of forward() equal the sandbox's network outputs.
//
// Weights file ("sandbox weights", .bin): little-endian float32, layer after layer in model order,
// for each layer with parameters its weights, then its biases, then (batchnorm only) its running
// mean and running variance. Conv weights are [out][in][kh][kw], dense weights [out][in] with the
// inputs in C,H,W order: the shapes and orders of PyTorch's Conv2d/Linear, so the script copies
// them as they are. Without batchnorm this is exactly the Network's parameter arena.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cnn/spec.h"

namespace cnn {

struct Network;
struct Dataset;

// What a model was trained on, as far as its inputs and outputs are concerned: the sandbox
// standardizes every dataset with its training split's mean and standard deviation (one number
// each, over all values: data.h, dataset_normalize), so a trained network expects
// (raw - input_mean) / input_std, where raw is a value as the sandbox reads the data (an image
// pixel as byte / 255, in [0, 1]; a point's coordinates; a CSV value as written). The exported
// script and the model file (format 2) carry it, so the exported forward() takes raw values.
struct DataNotes {
  bool present = false;     // false: unknown (forward() then takes inputs as the network sees them)
  std::string dataset;      // "fashion-mnist", "digits", "my-images", ...
  std::string kind;         // "image", "points2d", "regression"
  float input_mean = 0.0f;  // raw units
  float input_std = 1.0f;
  std::vector<std::string> class_names;  // empty for regression
};
DataNotes data_notes_from_dataset(const Dataset& d);
// A small text ("key value" lines, class names one per line) for the model file, and back.
std::string data_notes_encode(const DataNotes& n);
bool data_notes_decode(const std::string& text, DataNotes* out, std::string* err);

struct PytorchExportOptions {
  std::string class_name = "SandboxNet";
  // Where the weights go when `net` is given: empty = embedded in the script as base64; otherwise
  // the file name (relative to the script's folder) the script reads, which the caller writes
  // with sandbox_weights().
  std::string weights_file;
  // The model text as the learner wrote it, quoted at the top of the script (optional; the
  // canonical text of the model is used when empty).
  std::string model_text;
  // The training data's normalization and class names; when present, forward() and logits()
  // standardize raw inputs first and the script lists the class names.
  DataNotes data;
};

// The script. `net` (may be null) supplies trained weights and batchnorm running statistics; its
// spec must be `m`. Returns false with a message in *err when the model does not analyze or when
// `net` does not match it.
bool export_pytorch(const ModelSpec& m, const Network* net, const PytorchExportOptions& opt, std::string* script,
                    std::string* err);
// Convenience for the page: the script, or a Python comment carrying the error.
std::string export_pytorch(const ModelSpec& m, const Network* net,
                           const PytorchExportOptions& opt = PytorchExportOptions());

// Floats in a sandbox weights file for this model (parameters + 2 per batchnorm channel).
int64_t sandbox_weights_count(const ModelSpec& m, const ModelInfo& info);
// The weights file's floats for a built network (see the layout above).
std::vector<float> sandbox_weights(const Network& net);
// The inverse: copies `count` floats into the network's parameters and batchnorm running
// statistics. Also accepts exactly the parameter count (running statistics then stay as they are).
// False with a message when the count matches neither.
bool load_sandbox_weights(Network* net, const float* w, int64_t count, std::string* err);
// The same from a file (little-endian float32).
bool read_sandbox_weights_file(Network* net, const std::string& path, std::string* err);
bool write_sandbox_weights_file(const Network& net, const std::string& path, std::string* err);

}  // namespace cnn
