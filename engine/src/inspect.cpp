// inspect.cpp: the measurements of inspect.h (receptive-field rectangles, loss along a line through
// the weights, per-layer norms and ratios, dead ReLUs).
#include "cnn/inspect.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cnn/rng.h"

namespace cnn {

// Exact pixels along one axis: the set of positions of x^(layer) is walked back layer by layer
// through every tap of every window, keeping only taps that land inside the layer's input (taps
// in the padding see nothing). Axes are independent, so a rectangle's rows and columns are found
// separately. The nominal field of the analyzer assumes every tap is real; this one does not, so
// it is exact where padding sits in a deeper layer, and its bounds match the nonzero region of
// the effective field of a linear network.
static void exact_axis(const ModelSpec& spec, const ModelInfo& info, int layer, int axis, int64_t pos, int64_t* lo,
                       int64_t* hi) {
  std::vector<char> cur(size_t(axis == 0 ? info.layers[size_t(layer - 1)].out.h : info.layers[size_t(layer - 1)].out.w),
                        0);
  cur[size_t(pos)] = 1;
  for (int i = layer - 1; i >= 0; --i) {
    const LayerSpec& ls = spec.layers[size_t(i)];
    const LayerInfo& li = info.layers[size_t(i)];
    const int64_t in_dim = axis == 0 ? li.in.h : li.in.w;
    if (ls.kind != LayerKind::conv && ls.kind != LayerKind::maxpool && ls.kind != LayerKind::avgpool) {
      if (int64_t(cur.size()) != in_dim) {
        cur.assign(size_t(in_dim), 1);
      }  // (not reached: dense/gap take the whole input)
      continue;
    }
    const int64_t k = axis == 0 ? ls.kh : ls.kw, s = axis == 0 ? ls.sh : ls.sw;
    const int64_t d = ls.kind == LayerKind::conv ? (axis == 0 ? ls.dh : ls.dw) : 1;
    const int64_t pad = axis == 0 ? li.pad.top : li.pad.left;
    std::vector<char> prev(size_t(in_dim), 0);
    for (int64_t p = 0; p < int64_t(cur.size()); ++p) {
      if (!cur[size_t(p)]) continue;
      for (int64_t m = 0; m < k; ++m) {
        const int64_t q = p * s - pad + m * d;
        if (q >= 0 && q < in_dim) prev[size_t(q)] = 1;
      }
    }
    cur.swap(prev);
  }
  *lo = 0;
  *hi = -1;
  for (int64_t q = 0; q < int64_t(cur.size()); ++q)
    if (cur[size_t(q)]) {
      if (*hi < 0) *lo = q;
      *hi = q;
    }
}

bool unit_field_rect(const ModelSpec& spec, const ModelInfo& info, int layer, int row, int col, FieldRect* out,
                     std::string* err) {
  const int L = int(info.layers.size());
  if (layer < 1 || layer > L || int(spec.layers.size()) != L) {
    if (err) *err = "receptive field: layer " + std::to_string(layer) + " is not in 1.." + std::to_string(L);
    return false;
  }
  const LayerInfo& li = info.layers[size_t(layer - 1)];
  if (row < 0 || row >= li.out.h || col < 0 || col >= li.out.w) {
    if (err)
      *err = "receptive field: position (" + std::to_string(row) + ", " + std::to_string(col) + ") is outside layer " +
             std::to_string(layer) + "'s " + std::to_string(li.out.h) + "x" + std::to_string(li.out.w) + " maps";
    return false;
  }
  FieldRect r;
  const int64_t dim[2] = {info.input.h, info.input.w};
  if (li.rf.whole_input) {
    r.whole_input = true;
    for (int a = 0; a < 2; ++a) {
      r.first[a] = r.clip_first[a] = 0;
      r.last[a] = r.clip_last[a] = dim[a] - 1;
    }
    *out = r;
    return true;
  }
  const int pos[2] = {row, col};
  for (int a = 0; a < 2; ++a) {
    // centre +- (size-1)/2: the centre is a half-integer exactly when the size is even, so both
    // ends are whole pixels.
    const double centre = li.rf.start[a] + double(pos[a]) * double(li.rf.jump[a]);
    const double half = double(li.rf.size[a] - 1) / 2.0;
    r.first[a] = int64_t(std::llround(centre - half));
    r.last[a] = int64_t(std::llround(centre + half));
    exact_axis(spec, info, layer, a, pos[a], &r.clip_first[a], &r.clip_last[a]);
    if (r.first[a] != r.clip_first[a] || r.last[a] != r.clip_last[a]) r.clipped = true;
  }
  *out = r;
  return true;
}

FieldRect field_support(const float* g, const Shape& in, float threshold) {
  FieldRect r;
  int64_t lo[2] = {INT64_MAX, INT64_MAX}, hi[2] = {-1, -1};
  for (int c = 0; c < in.c; ++c)
    for (int i = 0; i < in.h; ++i)
      for (int j = 0; j < in.w; ++j)
        if (std::fabs(g[(int64_t(c) * in.h + i) * in.w + j]) > threshold) {
          lo[0] = std::min<int64_t>(lo[0], i);
          hi[0] = std::max<int64_t>(hi[0], i);
          lo[1] = std::min<int64_t>(lo[1], j);
          hi[1] = std::max<int64_t>(hi[1], j);
        }
  if (hi[0] < 0) return r;  // nothing above the threshold
  for (int a = 0; a < 2; ++a) {
    r.first[a] = r.clip_first[a] = lo[a];
    r.last[a] = r.clip_last[a] = hi[a];
  }
  return r;
}

void random_direction(const Network& net, uint64_t seed, std::vector<float>* dir) {
  dir->assign(net.params.size(), 0.0f);
  Rng rng(seed, 91);
  for (const LayerParams& p : net.layer_params) {
    if (p.nw == 0) continue;
    double wn = 0, dn = 0;
    float* d = dir->data() + p.offset;
    for (int64_t k = 0; k < p.nw; ++k) {
      d[k] = rng.normal_approx();
      dn += double(d[k]) * d[k];
      wn += double(p.w[k]) * p.w[k];
    }
    const double s = dn > 0 ? std::sqrt(wn / dn) : 0.0;
    for (int64_t k = 0; k < p.nw; ++k) d[k] = float(d[k] * s);
  }
}

bool loss_along_line(Network* net, const float* x, const int32_t* labels, const float* targets, int64_t n,
                     const std::vector<float>& dir, double t_max, int points, LossLine* out, std::string* err) {
  auto fail = [&](const std::string& m) {
    if (err) *err = "loss along a line: " + m;
    return false;
  };
  if (dir.size() != net->params.size())
    return fail("the direction has " + std::to_string(dir.size()) + " entries but the network " +
                std::to_string(net->params.size()) + " parameters");
  if (points < 2) return fail("need at least 2 points, got " + std::to_string(points));
  if (n < 1) return fail("need at least one sample, got " + std::to_string(n));
  if (!(t_max > 0) || !std::isfinite(t_max)) return fail("t_max must be a positive number");
  const bool classify = net->loss != LossKind::quadratic;
  if (classify && !labels) return fail("a classifier needs labels");
  if (!classify && !targets && !labels) return fail("a regression network needs targets");
  const int64_t in_size = net->info.input.size(), out_size = net->out_size();
  const std::vector<float> w0 = net->params;
  out->t.clear();
  out->cross_entropy.clear();
  out->zero_one.clear();
  bool ok = true;
  for (int p = 0; p < points && ok; ++p) {
    const double t = t_max * (-1.0 + 2.0 * double(p) / double(points - 1));
    for (size_t k = 0; k < w0.size(); ++k) net->params[k] = float(double(w0[k]) + t * double(dir[k]));
    double loss = 0;
    int64_t correct = 0;
    for (int64_t off = 0; off < n; off += net->max_batch) {
      const int m = int(std::min<int64_t>(net->max_batch, n - off));
      network_forward(net, x + off * in_size, m, false);
      const float l = network_loss(net, labels ? labels + off : nullptr, targets ? targets + off * out_size : nullptr);
      if (std::isnan(l)) {
        ok = false;
        break;
      }
      loss += double(l) * m;
      if (classify) correct += network_count_correct(net, labels + off);
    }
    out->t.push_back(float(t));
    out->cross_entropy.push_back(float(loss / double(n)));
    if (classify) out->zero_one.push_back(float(1.0 - double(correct) / double(n)));
  }
  std::memcpy(net->params.data(), w0.data(), sizeof(float) * w0.size());
  if (!ok) return fail("the loss could not be computed (labels out of range for the network's outputs?)");
  return true;
}

std::vector<LayerNorms> layer_norms(const Network& net) {
  std::vector<LayerNorms> r(net.layer_params.size());
  for (size_t i = 0; i < r.size(); ++i) {
    const LayerParams& p = net.layer_params[i];
    double w = 0, g = 0;
    for (int64_t k = 0; k < p.nw; ++k) {
      w += double(p.w[k]) * p.w[k];
      g += double(p.dw[k]) * p.dw[k];
    }
    for (int64_t k = 0; k < p.nb; ++k) {
      w += double(p.b[k]) * p.b[k];
      g += double(p.db[k]) * p.db[k];
    }
    r[i].weight = std::sqrt(w);
    r[i].grad = std::sqrt(g);
    r[i].count = p.nw + p.nb;
  }
  return r;
}

bool layer_update_ratios(const Network& net, const std::vector<float>& prev, std::vector<double>* ratio) {
  if (prev.size() != net.params.size()) return false;
  ratio->assign(net.layer_params.size(), 0.0);
  for (size_t i = 0; i < net.layer_params.size(); ++i) {
    const LayerParams& p = net.layer_params[i];
    const int64_t n = p.nw + p.nb;  // b follows w in the arena
    double d = 0, w = 0;
    for (int64_t k = p.offset; k < p.offset + n; ++k) {
      const double diff = double(net.params[size_t(k)]) - prev[size_t(k)];
      d += diff * diff;
      w += double(prev[size_t(k)]) * prev[size_t(k)];
    }
    (*ratio)[i] = w > 0 ? std::sqrt(d / w) : 0.0;
  }
  return true;
}

double relu_dead_fraction(const Network& net, int i) {
  if (i < 0 || i >= net.num_layers() || net.spec.layers[size_t(i)].kind != LayerKind::relu || net.batch < 1) return -1;
  const int64_t size = net.out_shape(i + 1).size();
  const float* a = net.acts[size_t(i + 1)].data();
  int64_t dead = 0;
  for (int64_t u = 0; u < size; ++u) {
    bool alive = false;
    for (int s = 0; s < net.batch && !alive; ++s) alive = a[int64_t(s) * size + u] > 0.0f;
    dead += alive ? 0 : 1;
  }
  return size ? double(dead) / double(size) : -1;
}

}  // namespace cnn
