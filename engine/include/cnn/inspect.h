// inspect.h: measurements that look inside a network, for the page's "Inside" views (issue 9) and
// for tests. Pure engine code: no drawing here, only numbers.
//
//   unit_field_rect        the exact input rectangle a unit sees (from the analyzer's rf numbers)
//   field_support          the bounding box of the nonzero entries of an input gradient (the
//                          effective field's support, to compare with the rectangle above)
//   loss_along_line        cross-entropy AND zero-one loss of the network at w0 + t*d, the notes'
//                          argument for a proxy loss made measurable (Section 1)
//   layer_norms            per-layer |w| and |dL/dw| (training dynamics)
//   layer_update_ratios    |w - w_prev| / |w_prev| per layer (the update-to-weight ratio)
//   relu_dead_fraction     units of a ReLU layer that are 0 for every sample of the last forward
//
//   cnn::LossLine line;  std::vector<float> dir;
//   cnn::random_direction(net, 1, &dir);                    // per-layer scaled like the weights
//   cnn::loss_along_line(&net, x, labels, n, dir, 1.0, 41, &line, &err);
//   // line.zero_one is a staircase, line.cross_entropy a smooth curve
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cnn/net.h"
#include "cnn/spec.h"

namespace cnn {

// An axis-aligned rectangle of input pixels, inclusive bounds, rows then columns.
struct FieldRect {
  int64_t first[2] = {0, 0}, last[2] = {-1, -1};            // nominal: may lie outside the image (padding)
  int64_t clip_first[2] = {0, 0}, clip_last[2] = {-1, -1};  // the part inside the image
  bool clipped = false;                                     // exact != nominal: part of the nominal field is padding
  bool whole_input = false;                                 // after dense/gap: every input pixel
  bool empty() const { return clip_last[0] < clip_first[0] || clip_last[1] < clip_first[1]; }
};

// Field of unit (row, col) of x^(layer) (layer 1..L as in the notes, any channel: all channels of
// a layer see the same pixels). Nominal (first/last) from the analyzer's info.layers[layer-1].rf:
// centre = start + position * jump, extent centre +- (size-1)/2. Exact (clip_*): the pixels some
// chain of real (not padding) taps reaches, walked back through every window; it lies inside the
// nominal one and is smaller where the field reaches into padding at the input OR at a deeper
// layer. False with a message when the layer or position is out of range.
bool unit_field_rect(const ModelSpec& spec, const ModelInfo& info, int layer, int row, int col, FieldRect* out,
                     std::string* err);

// Bounding box of the entries of a C x H x W input gradient whose magnitude exceeds `threshold`
// (over all channels). Returns an empty rect (last < first) when none does.
FieldRect field_support(const float* d_input, const Shape& in, float threshold = 0.0f);

// A random direction in weight space with the layout of net.params, each layer's weight block
// scaled to the norm of that layer's weights ("filter-wise" normalization, Li et al. 2018, so a
// step t = 1 changes every layer by as much as it weighs); bias entries are 0. Deterministic.
void random_direction(const Network& net, uint64_t seed, std::vector<float>* dir);

struct LossLine {
  std::vector<float> t;              // positions along the line, t_max * (-1 .. 1)
  std::vector<float> cross_entropy;  // mean training-proxy loss (the network's own loss)
  std::vector<float> zero_one;       // fraction misclassified (empty for regression)
};
// Evaluates the network at params + t * dir for `points` values of t evenly spaced in
// [-t_max, t_max] (t = 0 is among them when points is odd), in inference mode, on n samples
// (chunks of max_batch). The weights are restored exactly afterwards. False with a message for
// bad arguments (dir of the wrong size, points < 2, n < 1, labels missing for a classifier).
bool loss_along_line(Network* net, const float* x, const int32_t* labels, const float* targets, int64_t n,
                     const std::vector<float>& dir, double t_max, int points, LossLine* out, std::string* err);

struct LayerNorms {
  double weight = 0;  // sqrt(sum w^2 + sum b^2) of the layer's parameters
  double grad = 0;    // the same over the gradient arena (the last backward's gradient)
  int64_t count = 0;  // parameters of the layer (0: nothing to show)
};
std::vector<LayerNorms> layer_norms(const Network& net);

// |params - prev| / |prev| per layer (0 for layers without parameters, or when |prev| is 0).
// prev has the layout of net.params (a copy taken earlier); false when its size differs.
bool layer_update_ratios(const Network& net, const std::vector<float>& prev, std::vector<double>* ratio);

// For layer i (0-based index into spec.layers) of kind relu: the fraction of its output units that
// are <= 0 for every one of the net->batch samples of the last forward. -1 when the layer is not
// a ReLU or there was no forward.
double relu_dead_fraction(const Network& net, int i);

}  // namespace cnn
