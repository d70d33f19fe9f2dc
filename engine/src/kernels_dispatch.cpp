// The kernel set switch and, generated from cnn/kernel_list.inc, every kernel's entry point: the
// scalar reference when set_kernel_set(KernelSet::reference), else this build's SIMD kernel.
#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

static KernelSet g_kernel_set = KernelSet::simd;
void set_kernel_set(KernelSet k) { g_kernel_set = k; }
KernelSet kernel_set() { return g_kernel_set; }

#define CNN_KERNEL(base, entry, op, variant, ret, params, args)             \
  ret entry params {                                                        \
    if (g_kernel_set == KernelSet::reference) return base##_reference args; \
    return CNN_UKERNEL(op, variant) args;                                   \
  }
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL

static const KernelInfo kKernels[] = {
#define CNN_KERNEL(base, entry, op, variant, ret, params, args) {#base, CNN_STRINGIZE(CNN_UKERNEL(op, variant))},
#include "cnn/kernel_list.inc"
#undef CNN_KERNEL
};
int kernel_count() { return int(sizeof kKernels / sizeof kKernels[0]); }
const KernelInfo& kernel_info(int i) { return kKernels[i]; }

}  // namespace cnn
