// Training-time augmentation: random integer shifts (zero fill) and horizontal flips.
#include <cstring>

#include "cnn/data.h"

namespace cnn {

void augment_sample(const Dataset& d, const float* in, float* out, Rng& rng) {
  const int64_t n = d.sample_size();
  const int h = d.shape.h, w = d.shape.w, c = d.shape.c;
  if (!d.augment || (h == 1 && w == 1)) {
    std::memcpy(out, in, size_t(n) * sizeof(float));
    return;
  }
  const int s = d.augment_shift;
  const int dy = s > 0 ? int(rng.below(uint32_t(2 * s + 1))) - s : 0;
  const int dx = s > 0 ? int(rng.below(uint32_t(2 * s + 1))) - s : 0;
  const bool flip = d.augment_flip && (rng.next_u32() & 1u);
  // Zero in normalized units is the mean; the background of a raw image is 0, normalized below.
  const float fill = (0.0f - d.norm_mean) / d.norm_std;
  for (int ch = 0; ch < c; ++ch) {
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        int sy = y - dy, sx = x - dx;
        if (flip) sx = w - 1 - sx;
        float v = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? in[(int64_t(ch) * h + sy) * w + sx] : fill;
        out[(int64_t(ch) * h + y) * w + x] = v;
      }
    }
  }
}

}  // namespace cnn
