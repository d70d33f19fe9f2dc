// im2col.cpp: the copies around the convolution's GEMM (darknet's path). im2col lays the receptive
// windows of one sample out as the columns of a (c*kh*kw) x (oh*ow) matrix; col2im_add is its
// adjoint, adding the columns back onto the input gradient (overlapping windows add up).
//
// Why kernels of their own: for stride 1, every row of the column matrix is a shifted row of the
// input, a copy of only ow floats (28 for LeNet). A memcpy call per row costs more than the copy
// (and in wasm without bulk memory, memcpy is a byte loop); here the rows are copied and added with
// vectors, with explicit tails and the padding zeroed around them.
//
// Rows im2col and col2im_add of cnn/kernel_list.inc: f32_im2col__<isa>_u1 and f32_col2im_add__<isa>_u1,
// with their references im2col_reference and col2im_add_reference (below, one output at a time).
#include <cstring>

#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

namespace {

float at_or_zero(const float* plane, const Im2colShape& s, int iy, int ix) {
  return iy >= 0 && iy < s.h && ix >= 0 && ix < s.w ? plane[iy * s.w + ix] : 0.0f;
}

// The range [lo, hi) of output columns ox whose input column ox*sw + off lies inside [0, w).
void valid_columns(int off, const Im2colShape& s, int* lo, int* hi) {
  int a = off >= 0 ? 0 : (-off + s.sw - 1) / s.sw;
  int b = s.w - off <= 0 ? 0 : (s.w - off + s.sw - 1) / s.sw;
  *lo = a < s.ow ? a : s.ow;
  *hi = b < s.ow ? b : s.ow;
  if (*hi < *lo) *hi = *lo;
}

}  // namespace

void im2col_reference(float* col, const float* x, const Im2colShape& s) {
  const int64_t P = int64_t(s.oh) * s.ow;
  for (int ci = 0; ci < s.c; ++ci)
    for (int ki = 0; ki < s.kh; ++ki)
      for (int kj = 0; kj < s.kw; ++kj) {
        float* row = col + ((int64_t(ci) * s.kh + ki) * s.kw + kj) * P;
        const float* plane = x + int64_t(ci) * s.h * s.w;
        for (int oy = 0; oy < s.oh; ++oy)
          for (int ox = 0; ox < s.ow; ++ox)
            row[oy * s.ow + ox] = at_or_zero(plane, s, oy * s.sh - s.pad_top + ki * s.dh,
                                             ox * s.sw - s.pad_left + kj * s.dw);
      }
}

void col2im_add_reference(float* dx, const float* col, const Im2colShape& s) {
  const int64_t P = int64_t(s.oh) * s.ow;
  for (int ci = 0; ci < s.c; ++ci)
    for (int ki = 0; ki < s.kh; ++ki)
      for (int kj = 0; kj < s.kw; ++kj) {
        const float* row = col + ((int64_t(ci) * s.kh + ki) * s.kw + kj) * P;
        float* plane = dx + int64_t(ci) * s.h * s.w;
        for (int oy = 0; oy < s.oh; ++oy)
          for (int ox = 0; ox < s.ow; ++ox) {
            const int iy = oy * s.sh - s.pad_top + ki * s.dh, ix = ox * s.sw - s.pad_left + kj * s.dw;
            if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) plane[iy * s.w + ix] += row[oy * s.ow + ox];
          }
      }
}

void CNN_UKERNEL(im2col, u1)(float* col, const float* x, const Im2colShape& s) {
  const int64_t P = int64_t(s.oh) * s.ow;
  const int L = VF32_LANES;
  const vf32 zero = vf32_zero();
  for (int ci = 0; ci < s.c; ++ci) {
    const float* plane = x + int64_t(ci) * s.h * s.w;
    for (int ki = 0; ki < s.kh; ++ki)
      for (int kj = 0; kj < s.kw; ++kj) {
        float* row = col + ((int64_t(ci) * s.kh + ki) * s.kw + kj) * P;
        const int off = kj * s.dw - s.pad_left;
        int lo, hi;
        valid_columns(off, s, &lo, &hi);
        // Fast rows (stride 1, at least one vector of input, at most one vector of padding on each
        // side): zero the edges with one vector store each, then copy whole vectors, the last one
        // ending exactly at hi (it overlaps the one before: an explicit tail without a scalar loop).
        const bool fast = s.sw == 1 && s.ow >= L && hi - lo >= L && lo <= L && s.ow - hi <= L;
        for (int oy = 0; oy < s.oh; ++oy) {
          float* r = row + int64_t(oy) * s.ow;
          const int iy = oy * s.sh - s.pad_top + ki * s.dh;
          int ox = 0;
          if (iy < 0 || iy >= s.h) {  // a row of padding
            for (; ox + L <= s.ow; ox += L) vf32_store(r + ox, zero);
            if (ox < s.ow && s.ow >= L) vf32_store(r + s.ow - L, zero);
            else
              for (; ox < s.ow; ++ox) r[ox] = 0.0f;
            continue;
          }
          const float* src = plane + int64_t(iy) * s.w + off;  // src[ox * sw] is input column ox*sw + off
          if (fast) {
            if (lo > 0) vf32_store(r, zero);
            if (hi < s.ow) vf32_store(r + s.ow - L, zero);
            for (ox = lo; ox + L < hi; ox += L) vf32_store(r + ox, vf32_load(src + ox));
            vf32_store(r + hi - L, vf32_load(src + hi - L));
            continue;
          }
          for (; ox < lo; ++ox) r[ox] = 0.0f;
          if (s.sw == 1) {
            for (; ox + L <= hi; ox += L) vf32_store(r + ox, vf32_load(src + ox));
            for (; ox < hi; ++ox) r[ox] = src[ox];
          } else {
            for (; ox < hi; ++ox) r[ox] = src[ox * s.sw];
          }
          for (; ox < s.ow; ++ox) r[ox] = 0.0f;
        }
      }
  }
}

void CNN_UKERNEL(col2im_add, u1)(float* dx, const float* col, const Im2colShape& s) {
  const int64_t P = int64_t(s.oh) * s.ow;
  for (int ci = 0; ci < s.c; ++ci) {
    float* plane = dx + int64_t(ci) * s.h * s.w;
    for (int ki = 0; ki < s.kh; ++ki)
      for (int kj = 0; kj < s.kw; ++kj) {
        const float* row = col + ((int64_t(ci) * s.kh + ki) * s.kw + kj) * P;
        const int off = kj * s.dw - s.pad_left;
        int lo, hi;
        valid_columns(off, s, &lo, &hi);
        for (int oy = 0; oy < s.oh; ++oy) {
          const int iy = oy * s.sh - s.pad_top + ki * s.dh;
          if (iy < 0 || iy >= s.h) continue;
          const float* r = row + int64_t(oy) * s.ow;
          float* dst = plane + int64_t(iy) * s.w + off;
          int ox = lo;
          if (s.sw == 1) {
            for (; ox + VF32_LANES <= hi; ox += VF32_LANES)
              vf32_store(dst + ox, vf32_add(vf32_load(dst + ox), vf32_load(r + ox)));
            for (; ox < hi; ++ox) dst[ox] += r[ox];
          } else {
            for (; ox < hi; ++ox) dst[ox * s.sw] += r[ox];
          }
        }
      }
  }
}

}  // namespace cnn
