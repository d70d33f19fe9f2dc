// kernel_tests.h: what the kernel tests share. Every row of cnn/kernel_list.inc has a test
// kernel_tests::<base>() (in test_kernels.cpp or test_kernels_train.cpp) that compares the SIMD
// kernel with its scalar reference at sizes below, at and above the vector width and the GEMM tile;
// test_kernels.cpp turns each row into one doctest case, so a row without a test does not link.
#pragma once
#include <vector>

#include "cnn/kernels.h"
#include "cnn/nn.h"
#include "cnn/rng.h"

namespace kernel_tests {

#define CNN_KERNEL(base, ...) void base();
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL

struct KernelSetScope {  // restores the run-time kernel choice when a test ends
  cnn::KernelSet saved = cnn::kernel_set();
  explicit KernelSetScope(cnn::KernelSet k) { cnn::set_kernel_set(k); }
  ~KernelSetScope() { cnn::set_kernel_set(saved); }
};

inline void fill(std::vector<float>& v, cnn::Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  for (float& x : v) x = rng.uniform(lo, hi);
}

// The general pooling layer's dimensions for `planes` planes of h x w, 2x2 windows, stride 2 (what
// the maxpool2x2 kernels compute), so that tests compare the kernels with it too.
inline cnn::PoolDims pool2x2_dims(int planes, int h, int w) {
  cnn::PoolDims d;
  d.c = planes, d.h = h, d.w = w, d.oh = h / 2, d.ow = w / 2;
  d.kh = d.kw = d.sh = d.sw = 2;
  return d;
}

// Random sizes for a sliding-window test (ConvDims, PoolDims, Im2colShape), drawn in this order:
// c in 1..c_max, h in 1..h_max, w in 1..w_max, kh and kw in 1..k_max, sh and sw in 1..3.
template <class D>
void random_window(cnn::Rng& rng, int c_max, int h_max, int w_max, int k_max, D* d) {
  d->c = 1 + int(rng.below(uint32_t(c_max)));
  d->h = 1 + int(rng.below(uint32_t(h_max)));
  d->w = 1 + int(rng.below(uint32_t(w_max)));
  d->kh = 1 + int(rng.below(uint32_t(k_max)));
  d->kw = 1 + int(rng.below(uint32_t(k_max)));
  d->sh = 1 + int(rng.below(3));
  d->sw = 1 + int(rng.below(3));
}

}  // namespace kernel_tests
