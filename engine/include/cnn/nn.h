// nn.h: the layers and losses as free functions over explicit buffers (llm.c style).
//
// Conventions, for every function here:
// - Arguments come in the order outputs, caches, inputs, then the dimensions.
// - Layout is NCHW: a batch is n samples one after another, each sample C planes of H x W floats.
//   Why NCHW: the convolution is im2col + GEMM per sample, and with channel-major planes im2col
//   copies contiguous row segments of one plane, the GEMM output (maps x pixels) IS the output
//   sample, and pooling, batchnorm and global average pooling walk whole contiguous planes.
//   A dense layer flattens a sample in the same C, H, W order.
//   Measured (conv forward+backward, batch 32, the same sgemm; NHWC variant with one batched GEMM
//   over all n*P pixels; 2026-11 on a shared, heavily loaded 2-core x86, so timings are noisy):
//     layer                       wasm SIMD: NHWC/NCHW   native AVX2: NHWC/NCHW
//     28x28x1 -> 6, k5 p2 (LeNet)       3.1                 20-30
//     14x14x6 -> 16, k5                 1.2                 0.4-0.9
//     32x32x16 -> 32, k3 same           1.0                 1.0-1.25
//     16x16x32 -> 64, k3 same           0.9                 0.9-1.2
//   NHWC never wins clearly; with few input channels (the first layer of every preset) its
//   im2col copies C = 1 float at a time and its GEMM has only oc = 6 columns, a poor shape.
// - backward ACCUMULATES (+=) into dx, dw and db, so gradients of a batch (or of several uses of a
//   buffer) add up; the caller zeroes them. Pass nullptr for a gradient you do not need
//   (dw/db during a receptive-field query, dx for the first layer).
// - Forward functions overwrite their outputs.
// The plain-loop versions of the same layers, templated on the float type, are in nn_reference.h;
// tests compare the two and the gradient check runs the reference in double precision.
#pragma once
#include <cstdint>

#include "cnn/rng.h"
#include "cnn/spec.h"

namespace cnn {

// ---- convolution ---------------------------------------------------------------------------------
struct ConvDims {
  int c = 0, h = 0, w = 0;     // input sample
  int oc = 0, oh = 0, ow = 0;  // output sample
  int kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  Pad4 pad;  // rows/cols of zeros added on each side (from the analysis)
  bool bias = true;
  int64_t col_rows() const { return int64_t(c) * kh * kw; }  // K of the GEMM
  int64_t col_cols() const { return int64_t(oh) * ow; }      // pixels of one output map
  // A 1x1 convolution with stride 1 and no padding reads its input as the column matrix directly.
  bool needs_im2col() const {
    return !(kh == 1 && kw == 1 && sh == 1 && sw == 1 && pad.top == 0 && pad.left == 0 && pad.bottom == 0 &&
             pad.right == 0);
  }
};
ConvDims conv_dims(const LayerSpec& l, const LayerInfo& info);

// col: col_rows x col_cols; col[(ci*kh + ki)*kw + kj][oy*ow + ox] = x[ci][oy*sh - top + ki*dh][ox*sw - left + kj*dw]
// or 0 in the padding.
void im2col(float* col, const float* x, const ConvDims& d);
// The adjoint of im2col: dx += the columns scattered back (overlapping windows add up).
void col2im_add(float* dx, const float* col, const ConvDims& d);

// One sample of each pass (col: a workspace of col_rows*col_cols floats), which conv2d_forward and
// conv2d_backward run per sample: ys (oc x P) = W (oc x K) * im2col(xs) (K x P) + b (b may be null);
// dxs += col2im(W^T (K x oc) * dys (oc x P)).
void conv2d_forward_sample(float* ys, float* col, const float* xs, const float* w, const float* b, const ConvDims& d);
void conv2d_input_grad_sample(float* dxs, float* col, const float* w, const float* dys, const ConvDims& d);

// y: n x oc x oh x ow. col: workspace of col_rows*col_cols floats. w: oc x c x kh x kw. b: oc (or null).
void conv2d_forward(float* y, float* col, const float* x, const float* w, const float* b, int n, const ConvDims& d);
// dx: n x c x h x w, dw: like w, db: oc. col: workspace (same size as forward).
void conv2d_backward(float* dx, float* dw, float* db, float* col, const float* dy, const float* x, const float* w,
                     int n, const ConvDims& d);

// ---- pooling -------------------------------------------------------------------------------------
struct PoolDims {
  int c = 0, h = 0, w = 0, oh = 0, ow = 0;
  int kh = 1, kw = 1, sh = 1, sw = 1;
  Pad4 pad;
};
PoolDims pool_dims(const LayerSpec& l, const LayerInfo& info);
// What ConvDims and PoolDims share (input, output, window, stride, padding), from a layer's spec
// and analysis; conv_dims and pool_dims fill the rest.
template <class Dims>
Dims window_dims(const LayerSpec& l, const LayerInfo& info) {
  Dims d;
  d.c = info.in.c;
  d.h = info.in.h;
  d.w = info.in.w;
  d.oh = info.out.h;
  d.ow = info.out.w;
  d.kh = l.kh;
  d.kw = l.kw;
  d.sh = l.sh;
  d.sw = l.sw;
  d.pad = info.pad;
  return d;
}

// Max pooling. Padded cells never win (they count as -infinity, like PyTorch). argmax (n x c x oh x
// ow) caches the index in the input plane (iy*w + ix) of the winner, -1 if a window lies entirely in
// the padding (output 0, no gradient). Ties go to the FIRST maximum in row-major window order: the
// notes' footnote allows any one of the tied inputs to receive the gradient.
void maxpool_forward(float* y, int32_t* argmax, const float* x, int n, const PoolDims& d);
void maxpool_backward(float* dx, const float* dy, const int32_t* argmax, int n, const PoolDims& d);

// Average pooling. Padded cells COUNT as zeros in the average (divisor kh*kw always), matching
// PyTorch's default count_include_pad=True.
void avgpool_forward(float* y, const float* x, int n, const PoolDims& d);
void avgpool_backward(float* dx, const float* dy, int n, const PoolDims& d);

// Global average pooling: y (n x c) = mean of each plane (hw floats).
void gap_forward(float* y, const float* x, int n, int c, int hw);
void gap_backward(float* dx, const float* dy, int n, int c, int hw);

// ---- dense ---------------------------------------------------------------------------------------
// y (n x out) = x (n x in) W^T + b, W: out x in. The input is read flat (a sample's CHW floats).
void dense_forward(float* y, const float* x, const float* w, const float* b, int n, int in, int out);
void dense_backward(float* dx, float* dw, float* db, const float* dy, const float* x, const float* w, int n, int in,
                    int out);

// ---- element-wise --------------------------------------------------------------------------------
// count = n * per-sample size. Backward of relu/leakyrelu reads the layer INPUT x: the notes
// (Appendix B) take dh/da = 1 for a >= 0, so at exactly a = 0 the gradient passes.
void relu_forward(float* y, const float* x, int64_t count);
void relu_backward(float* dx, const float* dy, const float* x, int64_t count);
void leakyrelu_forward(float* y, const float* x, int64_t count, float alpha);
void leakyrelu_backward(float* dx, const float* dy, const float* x, int64_t count, float alpha);
// sigmoid and tanh backward read the layer OUTPUT y (dh/da = y(1-y), 1-y^2).
void sigmoid_forward(float* y, const float* x, int64_t count);
void sigmoid_backward(float* dx, const float* dy, const float* y, int64_t count);
void tanh_forward(float* y, const float* x, int64_t count);
void tanh_backward(float* dx, const float* dy, const float* y, int64_t count);
// Softmax over all k values of each sample, stable (the maximum is subtracted before exp).
void softmax_forward(float* y, const float* x, int n, int k);
// dx_i += y_i (dy_i - sum_j dy_j y_j)
void softmax_backward(float* dx, const float* dy, const float* y, int n, int k);

// Dropout, inverted: kept units are scaled by 1/(1-rate) while training so inference is a plain
// copy. keep (count bytes) caches the mask drawn from rng. training == false: y = x, keep unused.
void dropout_forward(float* y, uint8_t* keep, const float* x, int64_t count, float rate, bool training, Rng& rng);
void dropout_backward(float* dx, const float* dy, const uint8_t* keep, int64_t count, float rate, bool training);

// Batch normalization per channel (over n x h x w values), eps 1e-5, momentum 0.1 as in PyTorch.
// Training: batch statistics (biased variance) normalize; running_mean/var move towards them by
// momentum, the variance unbiased (x m/(m-1)) as PyTorch does. Inference: running statistics.
// mean/invstd (c) and xhat (n x c x hw) cache what backward needs; both modes fill them.
constexpr float kBatchNormEps = 1e-5f;
constexpr float kBatchNormMomentum = 0.1f;
void batchnorm_forward(float* y, float* xhat, float* mean, float* invstd, float* running_mean, float* running_var,
                       const float* x, const float* gamma, const float* beta, int n, int c, int hw, bool training);
// training selects the formula: through the batch statistics, or with them held constant.
void batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* xhat, const float* invstd,
                        const float* gamma, int n, int c, int hw, bool training);

// ---- losses (loss.cpp) ---------------------------------------------------------------------------
// Each returns the MEAN loss over n samples and writes (overwrites) gradients that include the 1/n
// of the mean: dp = dL/dp w.r.t. the network output p, and, where a fused form exists, dz = dL/dz
// w.r.t. the input z of the last softmax/sigmoid (the stable way to back-propagate). Either may
// be null.

// Cross-entropy -log p_y on softmax(z), computed from z through log-sum-exp so it stays finite when
// p_y underflows. dz = (p - q)/n with q the one-hot label; dp = -q/(n p), with p clamped to
// 1e-30 there because the display of a 0 probability would otherwise be -inf.
float softmax_cross_entropy_loss(float* dz, float* dp, const float* z, const float* p, const int32_t* labels, int n,
                                 int k);
// Binary cross-entropy -y log p - (1-y) log(1-p) on p = sigmoid(z), one output per sample, from z:
// max(z,0) - z y + log(1 + exp(-|z|)). y is labels[i] (0/1) or targets[i] in [0,1] if labels is null.
// dz = (p - y)/n; dp = (p - y)/(n p (1 - p)) (clamped like above).
float sigmoid_binary_cross_entropy_loss(float* dz, float* dp, const float* z, const float* p, const int32_t* labels,
                                        const float* targets, int n);
// Quadratic ||y - p||^2 summed over the k outputs of a sample; dp = 2 (p - y)/n (the notes' form,
// no 1/2). y = targets (n x k), or the one-hot of labels when targets is null.
float quadratic_loss(float* dp, const float* p, const int32_t* labels, const float* targets, int n, int k);
// Zero-one loss as a metric: the fraction of samples whose arg max (or p >= 0.5 for k == 1) is not
// the label.
float zero_one_loss(const float* p, const int32_t* labels, int n, int k);
int argmax_index(const float* p, int k);  // first maximum

}  // namespace cnn
