// Batch normalization per channel: y = gamma * (x - mean) / sqrt(var + eps) + beta.
#include <cmath>

#include "cnn/nn.h"
#include "layer_table.h"

namespace cnn {

void batchnorm_forward(float* y, float* xhat, float* mean, float* invstd, float* running_mean, float* running_var,
                       const float* x, const float* gamma, const float* beta, int n, int c, int hw, bool training) {
  const int64_t m = int64_t(n) * hw;  // values per channel in the batch
  const int64_t sample = int64_t(c) * hw;
  for (int ch = 0; ch < c; ++ch) {
    float mu, is;
    if (training) {
      // Two passes (mean, then squared deviations): stabler than E[x^2] - E[x]^2 in float.
      double sum = 0.0;
      for (int s = 0; s < n; ++s) {
        const float* p = x + s * sample + int64_t(ch) * hw;
        for (int i = 0; i < hw; ++i) sum += p[i];
      }
      mu = float(sum / double(m));
      double sq = 0.0;
      for (int s = 0; s < n; ++s) {
        const float* p = x + s * sample + int64_t(ch) * hw;
        for (int i = 0; i < hw; ++i) {
          const double dv = double(p[i]) - mu;
          sq += dv * dv;
        }
      }
      const float var = float(sq / double(m));
      is = 1.0f / std::sqrt(var + kBatchNormEps);
      const float unbiased = m > 1 ? float(sq / double(m - 1)) : var;
      running_mean[ch] = (1.0f - kBatchNormMomentum) * running_mean[ch] + kBatchNormMomentum * mu;
      running_var[ch] = (1.0f - kBatchNormMomentum) * running_var[ch] + kBatchNormMomentum * unbiased;
    } else {
      mu = running_mean[ch];
      is = 1.0f / std::sqrt(running_var[ch] + kBatchNormEps);
    }
    mean[ch] = mu;
    invstd[ch] = is;
    const float g = gamma[ch], b = beta[ch];
    for (int s = 0; s < n; ++s) {
      const int64_t off = s * sample + int64_t(ch) * hw;
      for (int i = 0; i < hw; ++i) {
        const float h = (x[off + i] - mu) * is;
        xhat[off + i] = h;
        y[off + i] = g * h + b;
      }
    }
  }
}

void batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* xhat, const float* invstd,
                        const float* gamma, int n, int c, int hw, bool training) {
  const int64_t m = int64_t(n) * hw;
  const int64_t sample = int64_t(c) * hw;
  for (int ch = 0; ch < c; ++ch) {
    double sum_dy = 0.0, sum_dy_xhat = 0.0;  // double: a channel may hold 10^5 values
    for (int s = 0; s < n; ++s) {
      const int64_t off = s * sample + int64_t(ch) * hw;
      for (int i = 0; i < hw; ++i) {
        sum_dy += dy[off + i];
        sum_dy_xhat += dy[off + i] * xhat[off + i];
      }
    }
    if (dgamma) dgamma[ch] += float(sum_dy_xhat);
    if (dbeta) dbeta[ch] += float(sum_dy);
    if (!dx) continue;
    const float k = gamma[ch] * invstd[ch];
    if (training) {
      // The mean and variance depend on every x of the channel:
      // dx = gamma*invstd/m * (m*dy - sum(dy) - xhat*sum(dy*xhat))
      const float inv_m = 1.0f / float(m);
      const float a = float(sum_dy) * inv_m, b = float(sum_dy_xhat) * inv_m;
      for (int s = 0; s < n; ++s) {
        const int64_t off = s * sample + int64_t(ch) * hw;
        for (int i = 0; i < hw; ++i) dx[off + i] += k * (dy[off + i] - a - xhat[off + i] * b);
      }
    } else {
      for (int s = 0; s < n; ++s) {
        const int64_t off = s * sample + int64_t(ch) * hw;
        for (int i = 0; i < hw; ++i) dx[off + i] += k * dy[off + i];
      }
    }
  }
}

// --- this file's rows of the layer table (layer_table.h) -----------------------------------------
// How the options print, the analysis, the buffers, forward and backward over a LayerCall, the
// double-precision reference forward, the PyTorch modules and the designer's defaults and fields.
namespace {

bool batchnorm_analyze(LayerAnalysis& a) {
  a.li.params = sat_mul(2, a.li.in.c);
  a.li.params_formula = "2*" + num(a.li.in.c);
  return true;
}
void batchnorm_buffers(const LayerSpec&, const LayerInfo& li, int64_t batch, LayerMemory* m) {
  m->weights = m->biases = li.in.c;
  m->channel_stats = li.in.c;
  m->xhat = sat_mul(batch, li.in.size());
}
void batchnorm_fwd(const LayerCall& c) {
  LayerState& s = c.s;
  batchnorm_forward(c.out, s.xhat.data(), s.mean.data(), s.invstd.data(), s.running_mean.data(), s.running_var.data(),
                    c.x, c.p.w, c.p.b, c.n, c.li.in.c, c.li.in.h * c.li.in.w, c.training);
}
void batchnorm_bwd(const LayerCall& c) {
  batchnorm_backward(c.dx, c.dw, c.db, c.dy, c.s.xhat.data(), c.s.invstd.data(), c.p.w, c.n, c.li.in.c,
                     c.li.in.h * c.li.in.w, c.net->training);
}
void batchnorm_ref(const RefCall& c) {
  ref::batchnorm_forward(c.y, c.x, c.w, c.b, c.running_mean, c.running_var, c.n, c.li.in.c, c.li.in.h * c.li.in.w,
                         c.training);
}
void batchnorm_torch(const LayerSpec&, const LayerInfo& li, TorchModules* t) {
  const int c = t->flat ? int(li.in.size()) : li.in.c;
  const std::string cs = strf("(%d,)", c);
  for (const char* what : {"weight", "bias", "running_mean", "running_var"})
    t->names.push_back({strf("layers.%d.%s", t->module, what), cs, c});
  t->add(strf("nn.BatchNorm%dd(%d, eps=1e-5, momentum=0.1)", t->flat ? 1 : 2, c));
}

}  // namespace

extern const LayerKindDesc kBatchnormKind;
const LayerKindDesc kBatchnormKind = {LayerKind::batchnorm,
                                      "batchnorm",
                                      nullptr,
                                      "",
                                      true,
                                      nullptr,
                                      batchnorm_analyze,
                                      batchnorm_buffers,
                                      batchnorm_fwd,
                                      batchnorm_bwd,
                                      batchnorm_ref,
                                      batchnorm_torch,
                                      nullptr,
                                      nullptr,
                                      0};

}  // namespace cnn
