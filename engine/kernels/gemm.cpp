// sgemm: until the SIMD micro-kernels land, the reference path (see kernels.h).
#include "cnn/kernels.h"

namespace cnn {

const char* simd_isa_name() { return "scalar"; }

void sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  sgemm_reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace cnn
