// nn_reference.h: the layers and losses of nn.h written as the plainest possible loops, templated on
// the number type. Tests compare the fast layers against them in float, and the gradient check
// (gradcheck.cpp) runs them in double so central differences are not drowned by rounding.
// Same layout and conventions as nn.h (NCHW, dimensions from ConvDims / PoolDims). Forward only:
// the gradients they are checked against come from the real layers.
// These are LAYER references (namespace ref). The KERNEL references, <kernel>_reference in
// kernels.h, are single scalar loops beside each SIMD kernel (see cnn/kernel_list.inc).
#pragma once
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

#include "cnn/nn.h"

namespace cnn {
namespace ref {

// The part of a conv or dense output to compute: samples [s0, s1), maps (outputs) [m0, m1), rows
// [y0, y1) (conv only); the rest of y is left alone. The default is everything. The gradient check
// recomputes only what nudging one weight or input can change.
struct Region {
  int s0 = 0, s1 = INT_MAX, m0 = 0, m1 = INT_MAX, y0 = 0, y1 = INT_MAX;
};

// y[s][m][oy][ox] = b[m] + sum_{ci,ki,kj} w[m][ci][ki][kj] * x[s][ci][oy*sh - top + ki*dh][ox*sw - left + kj*dw]
// (terms in the padding are zero). Loops ordered so the innermost runs along an output row over
// the columns whose input is inside the image: still plain loops, but fast enough for the
// gradient check to run a double forward hundreds of times.
template <class T>
void conv2d_forward(T* y, const T* x, const T* w, const T* b, int n, const ConvDims& d, const Region& r = Region()) {
  const int y0 = std::max(r.y0, 0), y1 = std::min(r.y1, d.oh);
  for (int s = std::max(r.s0, 0); s < std::min(r.s1, n); ++s)
    for (int m = std::max(r.m0, 0); m < std::min(r.m1, d.oc); ++m) {
      T* ym = y + (int64_t(s) * d.oc + m) * d.oh * d.ow;
      for (int64_t p = int64_t(y0) * d.ow; p < int64_t(y1) * d.ow; ++p) ym[p] = b ? b[m] : T(0);
      for (int ci = 0; ci < d.c; ++ci) {
        const T* xc = x + (int64_t(s) * d.c + ci) * d.h * d.w;
        for (int ki = 0; ki < d.kh; ++ki)
          for (int kj = 0; kj < d.kw; ++kj) {
            const T wv = w[((int64_t(m) * d.c + ci) * d.kh + ki) * d.kw + kj];
            const int xoff = kj * d.dw - d.pad.left;
            for (int oy = y0; oy < y1; ++oy) {
              const int iy = oy * d.sh - d.pad.top + ki * d.dh;
              if (iy < 0 || iy >= d.h) continue;
              const T* xr = xc + int64_t(iy) * d.w;
              T* yr = ym + int64_t(oy) * d.ow;
              for (int ox = 0; ox < d.ow; ++ox) {
                const int ix = ox * d.sw + xoff;
                if (ix >= 0 && ix < d.w) yr[ox] += wv * xr[ix];
              }
            }
          }
      }
    }
}

// Max over the window's cells inside the input (padding never wins); first maximum on ties.
template <class T>
void maxpool_forward(T* y, int32_t* argmax, const T* x, int n, const PoolDims& d) {
  for (int s = 0; s < n; ++s)
    for (int ci = 0; ci < d.c; ++ci)
      for (int oy = 0; oy < d.oh; ++oy)
        for (int ox = 0; ox < d.ow; ++ox) {
          T best = T(0);
          int32_t arg = -1;
          for (int ki = 0; ki < d.kh; ++ki)
            for (int kj = 0; kj < d.kw; ++kj) {
              const int iy = oy * d.sh - d.pad.top + ki, ix = ox * d.sw - d.pad.left + kj;
              if (iy < 0 || iy >= d.h || ix < 0 || ix >= d.w) continue;
              const T v = x[((int64_t(s) * d.c + ci) * d.h + iy) * d.w + ix];
              if (arg < 0 || v > best) {
                best = v;
                arg = iy * d.w + ix;
              }
            }
          const int64_t o = ((int64_t(s) * d.c + ci) * d.oh + oy) * d.ow + ox;
          y[o] = best;
          if (argmax) argmax[o] = arg;
        }
}

// Average with padded cells counted as zeros (divisor kh*kw, PyTorch's count_include_pad=True).
template <class T>
void avgpool_forward(T* y, const T* x, int n, const PoolDims& d) {
  for (int s = 0; s < n; ++s)
    for (int ci = 0; ci < d.c; ++ci)
      for (int oy = 0; oy < d.oh; ++oy)
        for (int ox = 0; ox < d.ow; ++ox) {
          T acc = T(0);
          for (int ki = 0; ki < d.kh; ++ki)
            for (int kj = 0; kj < d.kw; ++kj) {
              const int iy = oy * d.sh - d.pad.top + ki, ix = ox * d.sw - d.pad.left + kj;
              if (iy < 0 || iy >= d.h || ix < 0 || ix >= d.w) continue;
              acc += x[((int64_t(s) * d.c + ci) * d.h + iy) * d.w + ix];
            }
          y[((int64_t(s) * d.c + ci) * d.oh + oy) * d.ow + ox] = acc / T(d.kh * d.kw);
        }
}

template <class T>
void gap_forward(T* y, const T* x, int n, int c, int hw) {
  for (int64_t p = 0; p < int64_t(n) * c; ++p) {
    T acc = T(0);
    for (int i = 0; i < hw; ++i) acc += x[p * hw + i];
    y[p] = acc / T(hw);
  }
}

template <class T>
void dense_forward(T* y, const T* x, const T* w, const T* b, int n, int in, int out, const Region& r = Region()) {
  for (int s = std::max(r.s0, 0); s < std::min(r.s1, n); ++s)
    for (int o = std::max(r.m0, 0); o < std::min(r.m1, out); ++o) {
      T acc = b ? b[o] : T(0);
      for (int i = 0; i < in; ++i) acc += w[int64_t(o) * in + i] * x[int64_t(s) * in + i];
      y[int64_t(s) * out + o] = acc;
    }
}

template <class T>
void relu_forward(T* y, const T* x, int64_t count) {
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] > T(0) ? x[i] : T(0);
}
template <class T>
void leakyrelu_forward(T* y, const T* x, int64_t count, T alpha) {
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] >= T(0) ? x[i] : alpha * x[i];
}
template <class T>
void sigmoid_forward(T* y, const T* x, int64_t count) {
  for (int64_t i = 0; i < count; ++i) y[i] = T(1) / (T(1) + std::exp(-x[i]));
}
template <class T>
void tanh_forward(T* y, const T* x, int64_t count) {
  for (int64_t i = 0; i < count; ++i) y[i] = std::tanh(x[i]);
}
template <class T>
void softmax_forward(T* y, const T* x, int n, int k) {
  for (int s = 0; s < n; ++s) {
    const T* xs = x + int64_t(s) * k;
    T* ys = y + int64_t(s) * k;
    T mx = xs[0];
    for (int i = 1; i < k; ++i) mx = xs[i] > mx ? xs[i] : mx;
    T sum = T(0);
    for (int i = 0; i < k; ++i) sum += std::exp(xs[i] - mx);
    for (int i = 0; i < k; ++i) ys[i] = std::exp(xs[i] - mx) / sum;
  }
}
// Dropout with a given mask (the gradient check reuses the mask of the float pass).
template <class T>
void dropout_forward(T* y, const uint8_t* keep, const T* x, int64_t count, T rate, bool training) {
  for (int64_t i = 0; i < count; ++i) y[i] = !training || rate <= T(0) ? x[i] : keep[i] ? x[i] / (T(1) - rate) : T(0);
}
// Batchnorm; training: batch statistics (biased variance), inference: the given running ones.
template <class T>
void batchnorm_forward(T* y, const T* x, const T* gamma, const T* beta, const T* running_mean, const T* running_var,
                       int n, int c, int hw, bool training) {
  for (int ch = 0; ch < c; ++ch) {
    T mu = running_mean ? running_mean[ch] : T(0), var = running_var ? running_var[ch] : T(1);
    if (training) {
      T sum = T(0);
      for (int s = 0; s < n; ++s)
        for (int i = 0; i < hw; ++i) sum += x[(int64_t(s) * c + ch) * hw + i];
      mu = sum / T(int64_t(n) * hw);
      T sq = T(0);
      for (int s = 0; s < n; ++s)
        for (int i = 0; i < hw; ++i) {
          const T dv = x[(int64_t(s) * c + ch) * hw + i] - mu;
          sq += dv * dv;
        }
      var = sq / T(int64_t(n) * hw);
    }
    const T is = T(1) / std::sqrt(var + T(kBatchNormEps));
    for (int s = 0; s < n; ++s)
      for (int i = 0; i < hw; ++i) {
        const int64_t o = (int64_t(s) * c + ch) * hw + i;
        y[o] = gamma[ch] * (x[o] - mu) * is + beta[ch];
      }
  }
}

// Losses (mean over the batch), from the output p (and for the stable forms, its input z).
template <class T>
T softmax_cross_entropy_loss(const T* z, const int32_t* labels, int n, int k) {
  T total = T(0);
  for (int s = 0; s < n; ++s) {
    const T* zs = z + int64_t(s) * k;
    T m = zs[0];
    for (int i = 1; i < k; ++i) m = zs[i] > m ? zs[i] : m;
    T sum = T(0);
    for (int i = 0; i < k; ++i) sum += std::exp(zs[i] - m);
    total += m + std::log(sum) - zs[labels[s]];
  }
  return total / T(n);
}
template <class T>  // -log p_y from probabilities
T cross_entropy_loss(const T* p, const int32_t* labels, int n, int k) {
  T total = T(0);
  for (int s = 0; s < n; ++s) total -= std::log(p[int64_t(s) * k + labels[s]]);
  return total / T(n);
}
template <class T>
T binary_cross_entropy_loss(const T* p, const int32_t* labels, const float* targets, int n) {
  T total = T(0);
  for (int s = 0; s < n; ++s) {
    const T y = labels ? T(labels[s]) : T(targets[s]);
    total -= y * std::log(p[s]) + (T(1) - y) * std::log(T(1) - p[s]);
  }
  return total / T(n);
}
template <class T>
T quadratic_loss(const T* p, const int32_t* labels, const float* targets, int n, int k) {
  T total = T(0);
  for (int s = 0; s < n; ++s)
    for (int i = 0; i < k; ++i) {
      const T y = targets ? T(targets[int64_t(s) * k + i]) : T(labels[s] == i ? 1 : 0);
      const T e = p[int64_t(s) * k + i] - y;
      total += e * e;
    }
  return total / T(n);
}

}  // namespace ref
}  // namespace cnn
