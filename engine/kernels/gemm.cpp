// gemm.cpp: the packed, register-blocked SGEMM every conv and dense layer runs on.
//
// The loop structure of GotoBLAS/BLIS: C is computed in MR x NR tiles held in vector registers by
// one micro-kernel (f32_gemm_ukernel__<isa>_<MRxNR>, tile per ISA in kernel_list.h). Around it, op(B) is copied
// ("packed") KC rows x NC columns at a time into NR-wide column panels, and op(A) MC x KC into
// MR-high row panels, so the micro-kernel reads both operands contiguously, once per tile, whatever
// the caller's strides and transposes were. Transposes (ta, tb) are therefore handled by the two
// packing routines only; alpha and beta are applied when a tile is written back.
//
//   for jc in n step NC:                      B block  KC x NC  -> L2/L3
//     for pc in k step KC:   pack op(B)
//       for ic in m step MC: pack op(A)       A block  MC x KC  -> L2
//         for jr in nc step NR:               B panel  KC x NR  -> L1
//           for ir in mc step MR: micro-kernel MR x NR tile of C, KC multiply-adds per element
//
// Edge tiles (mr < MR or nr < NR) run the same micro-kernel on zero-padded panels and write back
// only the valid part: an explicit tail, not a separate slow path.
//
// The row `sgemm` of cnn/kernel_list.inc: the SIMD kernel is f32_gemm__<isa>_<MRxNR> (this blocked
// driver), its reference sgemm_reference (the triple loop, below).
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cnn/kernels.h"
#include "vf32.h"

namespace cnn {

const char* simd_isa_name() { return CNN_VF32_ISA_NAME; }
int simd_lanes() { return VF32_LANES; }

namespace {

// The micro-kernel of this build: f32_gemm_ukernel__<isa>_<MRxNR> (declared in kernel_list.h).
#define F32_GEMM_UKERNEL CNN_UKERNEL(gemm_ukernel, CNN_GEMM_TILE)

constexpr int MR = CNN_GEMM_MR;
constexpr int NV = CNN_GEMM_NV;
constexpr int NR = CNN_GEMM_NR;
constexpr int KC = 256;              // KC x NR floats of B (16 KiB at NR=16) stay in L1
constexpr int MC = (128 / MR) * MR;  // MC x KC floats of A (~128 KiB) stay in L2
constexpr int NC = (4096 / NR) * NR;
#ifndef CNN_GEMM_DIRECT_B_MAX_ROWS
#define CNN_GEMM_DIRECT_B_MAX_ROWS 32
#endif
constexpr int kDirectBMaxRows = CNN_GEMM_DIRECT_B_MAX_ROWS;

// A growable, 64-byte aligned scratch buffer for the packed panels, kept between calls so a
// training step does not allocate. The engine is single-threaded per thread of use.
struct PackBuffer {
  float* data = nullptr;
  size_t capacity = 0;
  float* reserve(size_t floats) {
    if (floats > capacity) {
      std::free(data);
      size_t bytes = (floats * sizeof(float) + 63) & ~size_t(63);
      data = static_cast<float*>(std::aligned_alloc(64, bytes));
      capacity = data ? floats : 0;
    }
    return data;
  }
  ~PackBuffer() { std::free(data); }
};
thread_local PackBuffer g_pack_a, g_pack_b;

// op(A)[0:mc, 0:kc] -> row panels of MR: panel r, step p holds op(A)(r*MR + 0..MR-1, p).
// `a` points at op(A)(0, 0). Rows past mc are zero.
void pack_a(bool ta, int mc, int kc, const float* a, int lda, float* dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    const int mr = std::min(MR, mc - i0);
    if (!ta) {
      const float* rows[MR];
      for (int i = 0; i < MR; ++i) rows[i] = a + size_t(i0 + (i < mr ? i : 0)) * lda;
      if (mr == MR) {
        for (int p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) dst[p * MR + i] = rows[i][p];
      } else {
        for (int p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) dst[p * MR + i] = i < mr ? rows[i][p] : 0.0f;
      }
    } else {
      const float* src = a + i0;
      if (mr == MR) {
        for (int p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) dst[p * MR + i] = src[size_t(p) * lda + i];
      } else {
        for (int p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) dst[p * MR + i] = i < mr ? src[size_t(p) * lda + i] : 0.0f;
      }
    }
    dst += size_t(kc) * MR;
  }
}

// op(B)[0:kc, 0:nc] -> column panels of NR: panel q, step p holds op(B)(p, q*NR + 0..NR-1).
// `b` points at op(B)(0, 0). Columns past nc are zero.
void pack_b(bool tb, int kc, int nc, const float* b, int ldb, float* dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    const int nr = std::min(NR, nc - j0);
    if (!tb) {
      const float* src = b + j0;
      if (nr == NR) {
        for (int p = 0; p < kc; ++p)
          for (int v = 0; v < NV; ++v)
            vf32_store(dst + p * NR + v * VF32_LANES, vf32_load(src + size_t(p) * ldb + v * VF32_LANES));
      } else {
        for (int p = 0; p < kc; ++p) {
          int j = 0;
          for (; j < nr; ++j) dst[p * NR + j] = src[size_t(p) * ldb + j];
          for (; j < NR; ++j) dst[p * NR + j] = 0.0f;
        }
      }
    } else if (nr == NR) {
      // B is stored n x k: packed column j is row j of B. Transpose L x L blocks in registers
      // (a column-by-column copy would write every float NR apart).
      int p = 0;
      for (; p + VF32_LANES <= kc; p += VF32_LANES)
        for (int v = 0; v < NV; ++v) {
          vf32 r[VF32_LANES];
          for (int l = 0; l < VF32_LANES; ++l) r[l] = vf32_load(b + size_t(j0 + v * VF32_LANES + l) * ldb + p);
          vf32_transpose(r);
          for (int l = 0; l < VF32_LANES; ++l) vf32_store(dst + (p + l) * NR + v * VF32_LANES, r[l]);
        }
      for (; p < kc; ++p)
        for (int j = 0; j < NR; ++j) dst[p * NR + j] = b[size_t(j0 + j) * ldb + p];
    } else {
      for (int j = 0; j < NR; ++j) {
        if (j < nr) {
          const float* src = b + size_t(j0 + j) * ldb;
          for (int p = 0; p < kc; ++p) dst[p * NR + j] = src[p];
        } else {
          for (int p = 0; p < kc; ++p) dst[p * NR + j] = 0.0f;
        }
      }
    }
    dst += size_t(kc) * NR;
  }
}

}  // namespace

GemmTile gemm_tile() { return GemmTile{MR, NR, MC, KC, NC}; }
const char* gemm_kernel_name() { return CNN_STRINGIZE(F32_GEMM_UKERNEL); }

// The plain triple loop, always scalar: the reference every GEMM kernel is tested against.
void sgemm_reference(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
                     int ldb, float beta, float* c, int ldc) {
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

// The micro-kernel: C[0:mr, 0:nr] = alpha * (A panel x B panel) + beta * C over kc steps.
// a: kc x MR packed. b: kc rows of NR floats, ldb apart (NR for a packed panel, the caller's ldb
// when B is read in place). beta == 0 overwrites C without reading it.
void F32_GEMM_UKERNEL(int kc, const float* a, const float* b, int ldb, float* c, int ldc, int mr, int nr, float alpha,
                      float beta) {
  vf32 acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) acc[i][v] = vf32_zero();

  for (int p = 0; p < kc; ++p) {
    vf32 bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = vf32_load(b + v * VF32_LANES);
    for (int i = 0; i < MR; ++i) {
      const vf32 av = vf32_load_splat(a + i);
      for (int v = 0; v < NV; ++v) acc[i][v] = vf32_madd(av, bv[v], acc[i][v]);
    }
    a += MR;
    b += ldb;
  }

  const vf32 valpha = vf32_splat(alpha);
  if (mr == MR && nr == NR) {
    if (alpha == 1.0f && (beta == 0.0f || beta == 1.0f)) {  // what the layers call: C = AB, C += AB
      for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) {
          float* cp = c + size_t(i) * ldc + v * VF32_LANES;
          vf32_store(cp, beta == 0.0f ? acc[i][v] : vf32_add(acc[i][v], vf32_load(cp)));
        }
    } else if (beta == 0.0f) {
      for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) vf32_store(c + size_t(i) * ldc + v * VF32_LANES, vf32_mul(acc[i][v], valpha));
    } else {
      const vf32 vbeta = vf32_splat(beta);
      for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) {
          float* cp = c + size_t(i) * ldc + v * VF32_LANES;
          vf32_store(cp, vf32_add(vf32_mul(acc[i][v], valpha), vf32_mul(vbeta, vf32_load(cp))));
        }
    }
    return;
  }
  // Tail tile: spill the registers, write back the valid mr x nr corner.
  alignas(64) float t[MR * NR];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) vf32_store(t + i * NR + v * VF32_LANES, vf32_mul(acc[i][v], valpha));
  for (int i = 0; i < mr; ++i) {
    float* ci = c + size_t(i) * ldc;
    const float* ti = t + i * NR;
    if (beta == 0.0f) {
      for (int j = 0; j < nr; ++j) ci[j] = ti[j];
    } else {
      for (int j = 0; j < nr; ++j) ci[j] = ti[j] + beta * ci[j];
    }
  }
}

// f32_gemm__<isa>_<MRxNR>: the SIMD side of sgemm (kernels_dispatch.cpp picks it or the reference).
void CNN_UKERNEL(gemm, CNN_GEMM_TILE)(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                                      const float* b, int ldb, float beta, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // C = beta * C (the empty sum), as the reference does
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) c[size_t(i) * ldc + j] = beta == 0.0f ? 0.0f : beta * c[size_t(i) * ldc + j];
    return;
  }
  // Split k into equal blocks no larger than KC (k = 300 -> 150 + 150, not 256 + 44), so that the
  // last block is not a short, inefficient one.
  const int kblocks = (k + KC - 1) / KC;
  const int kc_max = (k + kblocks - 1) / kblocks;
  const int nc_max = std::min(NC, n);
  const int mc_max = std::min(MC, m);
  float* pb = g_pack_b.reserve(size_t(kc_max) * ((nc_max + NR - 1) / NR) * NR);
  float* pa = g_pack_a.reserve(size_t(kc_max) * ((mc_max + MR - 1) / MR) * MR);
  if (!pa || !pb) {  // out of memory for the panels: still give the right answer
    sgemm_reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }

  // B is read in place, without packing, when it is stored k x n (no transpose) and A has few rows:
  // each B panel then serves only a few micro-tiles, and packing it would cost as much as the
  // multiply-adds (LeNet's convolutions have 6 and 16 maps). Only a partial last panel is packed,
  // so the micro-kernel never reads past column n.
  const bool direct_b = !tb && m <= kDirectBMaxRows;
  for (int jc = 0; jc < n; jc += NC) {
    const int nc = std::min(NC, n - jc);
    const int nc_full = direct_b ? nc / NR * NR : 0;  // panels read in place
    for (int pc = 0; pc < k; pc += kc_max) {
      const int kc = std::min(kc_max, k - pc);
      const float beta_block = pc == 0 ? beta : 1.0f;  // later k blocks accumulate
      const float* b_block = tb ? b + size_t(jc) * ldb + pc : b + size_t(pc) * ldb + jc;
      if (nc_full < nc) pack_b(tb, kc, nc - nc_full, tb ? b_block + size_t(nc_full) * ldb : b_block + nc_full, ldb, pb);
      for (int ic = 0; ic < m; ic += MC) {
        const int mc = std::min(MC, m - ic);
        pack_a(ta, mc, kc, ta ? a + size_t(pc) * lda + ic : a + size_t(ic) * lda + pc, lda, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          const bool in_place = jr < nc_full;
          const float* bp = in_place ? b_block + jr : pb + size_t(jr - nc_full) * kc;
          const int bstride = in_place ? ldb : NR;
          const int nr = std::min(NR, nc - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            F32_GEMM_UKERNEL(kc, pa + size_t(ir) * kc, bp, bstride, c + size_t(ic + ir) * ldc + jc + jr, ldc,
                             std::min(MR, mc - ir), nr, alpha, beta_block);
          }
        }
      }
    }
  }
}

}  // namespace cnn
