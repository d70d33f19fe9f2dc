// Kernel selection and the scalar GEMM reference.
#include "cnn/kernels.h"

namespace cnn {

static KernelSet g_kernel_set = KernelSet::simd;
void set_kernel_set(KernelSet k) { g_kernel_set = k; }
KernelSet kernel_set() { return g_kernel_set; }

void sgemm_reference(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                     const float* b, int ldb, float beta, float* c, int ldc) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int p = 0; p < k; ++p) {
        float av = ta ? a[p * lda + i] : a[i * lda + p];
        float bv = tb ? b[j * ldb + p] : b[p * ldb + j];
        acc += av * bv;
      }
      float* cij = &c[i * ldc + j];
      *cij = beta == 0.0f ? alpha * acc : alpha * acc + beta * *cij;
    }
  }
}

}  // namespace cnn
