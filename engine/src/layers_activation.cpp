// Element-wise activations, softmax and dropout.
#include <cmath>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/parallel.h"
#include "layer_table.h"

namespace cnn {

// Threads (parallel.h): each pass is split over its elements (parallel_for); every element is
// computed by the same code on whichever thread, so the bits do not depend on the count.
void relu_forward(float* y, const float* x, int64_t count) {
  const bool simd = kernel_set() == KernelSet::simd;
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    if (simd) {
      relu_forward_f32(y + b, x + b, e - b);
      return;
    }  // same bits
    for (int64_t i = b; i < e; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  });
}
void relu_backward(float* dx, const float* dy, const float* x, int64_t count) {
  const bool simd = kernel_set() == KernelSet::simd;
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    if (simd) {
      relu_backward_f32(dx + b, dy + b, x + b, e - b);
      return;
    }  // same bits
    // The notes (Appendix B): dh/da = 1 for a >= 0, 0 otherwise. So a = 0 passes the gradient.
    for (int64_t i = b; i < e; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : 0.0f;
  });
}

void leakyrelu_forward(float* y, const float* x, int64_t count, float alpha) {
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = x[i] >= 0.0f ? x[i] : alpha * x[i];
  });
}
void leakyrelu_backward(float* dx, const float* dy, const float* x, int64_t count, float alpha) {
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) dx[i] += x[i] >= 0.0f ? dy[i] : alpha * dy[i];
  });
}

// exp and tanh are libm calls, several times a simple pass's time per element: counted as 4
// elements' work, which errs toward one thread.
void sigmoid_forward(float* y, const float* x, int64_t count) {
  parallel_for(count, 4 * kElementWork, [&](int64_t b, int64_t e) {
    // Two branches so exp never overflows: for x < 0, e^x / (1 + e^x).
    for (int64_t i = b; i < e; ++i) {
      const float v = x[i];
      if (v >= 0.0f) {
        y[i] = 1.0f / (1.0f + std::exp(-v));
      } else {
        const float ev = std::exp(v);
        y[i] = ev / (1.0f + ev);
      }
    }
  });
}
void sigmoid_backward(float* dx, const float* dy, const float* y, int64_t count) {
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) dx[i] += dy[i] * y[i] * (1.0f - y[i]);
  });
}

void tanh_forward(float* y, const float* x, int64_t count) {
  parallel_for(count, 4 * kElementWork, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = std::tanh(x[i]);
  });
}
void tanh_backward(float* dx, const float* dy, const float* y, int64_t count) {
  parallel_for(count, kElementWork, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) dx[i] += dy[i] * (1.0f - y[i] * y[i]);
  });
}

void softmax_forward(float* y, const float* x, int n, int k) {
  for (int s = 0; s < n; ++s) {
    const float* xs = x + int64_t(s) * k;
    float* ys = y + int64_t(s) * k;
    float mx = xs[0];
    for (int i = 1; i < k; ++i) mx = xs[i] > mx ? xs[i] : mx;
    float sum = 0.0f;
    for (int i = 0; i < k; ++i) {
      ys[i] = std::exp(xs[i] - mx);
      sum += ys[i];
    }
    const float inv = 1.0f / sum;
    for (int i = 0; i < k; ++i) ys[i] *= inv;
  }
}
void softmax_backward(float* dx, const float* dy, const float* y, int n, int k) {
  for (int s = 0; s < n; ++s) {
    const float* dys = dy + int64_t(s) * k;
    const float* ys = y + int64_t(s) * k;
    float* dxs = dx + int64_t(s) * k;
    float dot = 0.0f;
    for (int i = 0; i < k; ++i) dot += dys[i] * ys[i];
    for (int i = 0; i < k; ++i) dxs[i] += ys[i] * (dys[i] - dot);
  }
}

void dropout_forward(float* y, uint8_t* keep, const float* x, int64_t count, float rate, bool training, Rng& rng) {
  if (!training || rate <= 0.0f) {
    for (int64_t i = 0; i < count; ++i) y[i] = x[i];
    if (training)
      for (int64_t i = 0; i < count; ++i) keep[i] = 1;
    return;
  }
  const float scale = rate < 1.0f ? 1.0f / (1.0f - rate) : 0.0f;
  for (int64_t i = 0; i < count; ++i) {
    keep[i] = rng.uniform() >= rate ? 1 : 0;
    y[i] = keep[i] ? x[i] * scale : 0.0f;
  }
}
void dropout_backward(float* dx, const float* dy, const uint8_t* keep, int64_t count, float rate, bool training) {
  if (!training || rate <= 0.0f) {
    for (int64_t i = 0; i < count; ++i) dx[i] += dy[i];
    return;
  }
  const float scale = rate < 1.0f ? 1.0f / (1.0f - rate) : 0.0f;
  for (int64_t i = 0; i < count; ++i) dx[i] += keep[i] ? dy[i] * scale : 0.0f;
}

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

// --- activations and dropout ---------------------------------------------------------------------
void relu_fwd(const LayerCall& c) { relu_forward(c.out, c.x, c.count()); }
void relu_bwd(const LayerCall& c) { relu_backward(c.dx, c.dy, c.x, c.count()); }
void relu_ref(const RefCall& c) { ref::relu_forward(c.y, c.x, c.count()); }
void relu_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.ReLU()"); }
void leakyrelu_text(const LayerSpec& l, std::string* s) {
  if (l.alpha != 0.01f) *s += " a" + float_text(l.alpha);
}
bool leakyrelu_analyze(LayerAnalysis& a) {
  if (!(a.l.alpha >= 0 && a.l.alpha < 1))
    return a.fail(a.l.column, "leakyrelu slope must be at least 0 and below 1", "e.g. `leakyrelu a0.01`");
  return true;
}
void leakyrelu_fwd(const LayerCall& c) { leakyrelu_forward(c.out, c.x, c.count(), c.l.alpha); }
void leakyrelu_bwd(const LayerCall& c) { leakyrelu_backward(c.dx, c.dy, c.x, c.count(), c.l.alpha); }
void leakyrelu_ref(const RefCall& c) { ref::leakyrelu_forward(c.y, c.x, c.count(), double(c.l.alpha)); }
void leakyrelu_torch(const LayerSpec& l, const LayerInfo&, TorchModules* t) {
  t->add(strf("nn.LeakyReLU(negative_slope=%.9g)", double(l.alpha)));
}
const LayerField kLeakyReluFields[] = {
    {LayerFieldType::number, "slope a", nullptr, nullptr, &LayerSpec::alpha, nullptr, 0},
};
void sigmoid_fwd(const LayerCall& c) { sigmoid_forward(c.out, c.x, c.count()); }
void sigmoid_bwd(const LayerCall& c) { sigmoid_backward(c.dx, c.dy, c.y, c.count()); }
void sigmoid_ref(const RefCall& c) { ref::sigmoid_forward(c.y, c.x, c.count()); }
void sigmoid_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.Sigmoid()"); }
void tanh_fwd(const LayerCall& c) { tanh_forward(c.out, c.x, c.count()); }
void tanh_bwd(const LayerCall& c) { tanh_backward(c.dx, c.dy, c.y, c.count()); }
void tanh_ref(const RefCall& c) { ref::tanh_forward(c.y, c.x, c.count()); }
void tanh_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) { t->add("nn.Tanh()"); }
void softmax_fwd(const LayerCall& c) { softmax_forward(c.out, c.x, c.n, int(c.li.in.size())); }
void softmax_bwd(const LayerCall& c) { softmax_backward(c.dx, c.dy, c.y, c.n, int(c.li.in.size())); }
void softmax_ref(const RefCall& c) { ref::softmax_forward(c.y, c.x, c.n, int(c.li.in.size())); }
void softmax_torch(const LayerSpec&, const LayerInfo&, TorchModules* t) {
  if (t->flat) {
    t->add("nn.Softmax(dim=1)");
  } else {
    t->add("SoftmaxOverSample()");
    t->need_softmax_all = true;
  }
}

void dropout_text(const LayerSpec& l, std::string* s) { *s += " " + float_text(l.rate); }
bool dropout_analyze(LayerAnalysis& a) {
  if (!(a.l.rate >= 0 && a.l.rate < 1))
    return a.fail(a.l.column, "dropout rate must be at least 0 and below 1", "e.g. `dropout 0.5`");
  return true;
}
void dropout_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->keep = sat_mul(batch, li.in.size());
}
void dropout_fwd(const LayerCall& c) {
  dropout_forward(c.out, c.s.keep.data(), c.x, c.count(), c.l.rate, c.training, c.net->dropout_rng);
}
void dropout_bwd(const LayerCall& c) {
  dropout_backward(c.dx, c.dy, c.s.keep.data(), c.count(), c.l.rate, c.net->training);
}
void dropout_ref(const RefCall& c) { ref::dropout_forward(c.y, c.keep, c.x, c.count(), double(c.l.rate), c.training); }
void dropout_torch(const LayerSpec& l, const LayerInfo&, TorchModules* t) {
  t->add(strf("nn.Dropout(p=%.9g)", double(l.rate)));
}
const LayerField kDropoutFields[] = {
    {LayerFieldType::fraction, "drop rate", nullptr, nullptr, &LayerSpec::rate, nullptr, 0.95f},
};

}  // namespace

extern const LayerKindDesc kReluKind;
extern const LayerKindDesc kLeakyreluKind;
extern const LayerKindDesc kSigmoidKind;
extern const LayerKindDesc kTanhKind;
extern const LayerKindDesc kSoftmaxKind;
extern const LayerKindDesc kDropoutKind;
const LayerKindDesc kReluKind = {LayerKind::relu, "relu",   nullptr,  "",         false,   nullptr, nullptr, nullptr,
                                 relu_fwd,        relu_bwd, relu_ref, relu_torch, nullptr, nullptr, 0};
const LayerKindDesc kLeakyreluKind = {
    LayerKind::leakyrelu,
    "leakyrelu",
    nullptr,
    "leakyrelu takes: aA, the slope for negative inputs (default 0.01); e.g. `leakyrelu a0.1`",
    false,
    leakyrelu_text,
    leakyrelu_analyze,
    nullptr,
    leakyrelu_fwd,
    leakyrelu_bwd,
    leakyrelu_ref,
    leakyrelu_torch,
    nullptr,
    LAYER_FIELDS(kLeakyReluFields)};
const LayerKindDesc kSigmoidKind = {
    LayerKind::sigmoid, "sigmoid",   nullptr,       "",      false,   nullptr, nullptr, nullptr, sigmoid_fwd,
    sigmoid_bwd,        sigmoid_ref, sigmoid_torch, nullptr, nullptr, 0};
const LayerKindDesc kTanhKind = {LayerKind::tanh, "tanh",   nullptr,  "",         false,   nullptr, nullptr, nullptr,
                                 tanh_fwd,        tanh_bwd, tanh_ref, tanh_torch, nullptr, nullptr, 0};
const LayerKindDesc kSoftmaxKind = {
    LayerKind::softmax, "softmax",   nullptr,       "",      false,   nullptr, nullptr, nullptr, softmax_fwd,
    softmax_bwd,        softmax_ref, softmax_torch, nullptr, nullptr, 0};
const LayerKindDesc kDropoutKind = {
    LayerKind::dropout,
    "dropout",
    nullptr,
    "dropout takes: the probability of dropping a unit (default 0.5); e.g. `dropout 0.25`",
    false,
    dropout_text,
    dropout_analyze,
    dropout_buffers,
    dropout_fwd,
    dropout_bwd,
    dropout_ref,
    dropout_torch,
    nullptr,
    LAYER_FIELDS(kDropoutFields)};

}  // namespace cnn
