// Whole-network gradient check: float back-propagation against central differences of a
// double-precision forward pass built from the plain-loop layers of nn_reference.h.
//
// Two modes. End to end: each nudged entry re-runs the network from its layer to the loss, so the
// check covers the wiring between layers too (cost: one partial forward per entry). Local (the
// default, fast enough for the page): each layer alone, probed with the back-propagated gradient
// above it; together with the check of dL/dp this covers every factor of equations (2)-(4).
//
// How: a private copy of the network runs forward (training mode by default, which draws the
// dropout masks and uses batch statistics), the loss, and backward with the input gradient, so
// dacts[i] = dL/dx^(i) for every i and grads = dL/dw. Then the same computation is redone in
// double, and each checked entry is nudged by +-h and the loss recomputed from that layer on.
// Layers are visited from the last to the first, so each recomputation only needs the clean
// double activations below it, which are never overwritten.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "cnn/net.h"
#include "cnn/nn.h"
#include "cnn/nn_reference.h"
#include "layer_table.h"

namespace cnn {

namespace {

struct DoubleNet {
  const Network* net = nullptr;
  int n = 0;
  bool training = true;
  const int32_t* labels = nullptr;
  const float* targets = nullptr;
  std::vector<double> params;                                  // copy of the float arena
  std::vector<std::vector<double>> acts;                       // like Network::acts, n samples
  std::vector<std::vector<double>> running_mean, running_var;  // batchnorm, from the original

  void layer(int i, const ref::Region& reg = ref::Region()) {
    const LayerSpec& l = net->spec.layers[size_t(i)];
    const LayerInfo& li = net->info.layers[size_t(i)];
    const LayerParams& lp = net->layer_params[size_t(i)];
    const double* w = lp.nw ? params.data() + lp.offset : nullptr;
    const double* b = lp.nb ? params.data() + lp.offset + lp.nw : nullptr;
    const double* x = acts[size_t(i)].data();
    double* y = acts[size_t(i + 1)].data();
    const LayerState& st = net->state[size_t(i)];
    const RefCall c{l,
                    li,
                    n,
                    training,
                    x,
                    y,
                    w,
                    b,
                    reg,
                    st.keep.data(),
                    running_mean[size_t(i)].data(),
                    running_var[size_t(i)].data()};
    layer_kind_desc(l.kind).ref_forward(c);
  }

  double loss() const {
    const int L = net->num_layers();
    const int k = int(net->out_size());
    const double* p = acts[size_t(L)].data();
    switch (net->loss) {
      case LossKind::cross_entropy: return ref::softmax_cross_entropy_loss(acts[size_t(L - 1)].data(), labels, n, k);
      case LossKind::binary_cross_entropy:
        return ref::binary_cross_entropy_loss(p, targets ? nullptr : labels, targets, n);
      case LossKind::quadratic: return ref::quadratic_loss(p, labels, targets, n, k);
    }
    return 0;
  }

  // The loss as a function of the output p (for checking dL/dp; cross-entropy as -log p_y).
  double loss_of_p() const {
    if (net->loss != LossKind::cross_entropy) return loss();
    return ref::cross_entropy_loss(acts.back().data(), labels, n, int(net->out_size()));
  }

  // End to end: the loss with everything from layer `from` on recomputed.
  double run_from(int from) {
    for (int i = from; i < net->num_layers(); ++i) layer(i);
    return loss();
  }

  // Local: layer i alone, probed with the back-propagated gradient above it, r = dL/dx^(i+1)
  // (held fixed): value sum(r * layer_i(x^(i), w_i)), whose gradient is exactly what layer i's
  // backward must produce from r. The last layer, when fused with the loss, is probed with the loss.
  // Conv and dense compute and sum only `reg`, the outputs a nudge can change.
  std::vector<std::vector<double>> r;
  double local_value(int i, const ref::Region& reg) {
    layer(i, reg);
    if (net->fused_last && i == net->num_layers() - 1) return loss();
    const std::vector<double>& y = acts[size_t(i + 1)];
    const std::vector<double>& g = r[size_t(i + 1)];
    const LayerKind kind = net->spec.layers[size_t(i)].kind;
    double sum = 0;
    if (kind == LayerKind::conv || kind == LayerKind::dense) {
      const Shape& o = net->info.layers[size_t(i)].out;
      const int maps = kind == LayerKind::conv ? o.c : int(o.size());
      const int rows = kind == LayerKind::conv ? o.h : 1, cols = kind == LayerKind::conv ? o.w : 1;
      for (int s = std::max(reg.s0, 0); s < std::min(reg.s1, n); ++s)
        for (int m = std::max(reg.m0, 0); m < std::min(reg.m1, maps); ++m)
          for (int oy = std::max(reg.y0, 0); oy < std::min(reg.y1, rows); ++oy) {
            const size_t base = size_t(((int64_t(s) * maps + m) * rows + oy) * cols);
            for (int ox = 0; ox < cols; ++ox) sum += y[base + size_t(ox)] * g[base + size_t(ox)];
          }
      return sum;
    }
    for (size_t k = 0; k < y.size(); ++k) sum += y[k] * g[k];
    return sum;
  }

  // The outputs of layer i that nudging entry k of its weights (what 0), biases (1) or input (2)
  // can change. Only conv and dense are restricted; the other layers are cheap to redo whole.
  ref::Region region(int i, int what, int64_t k) const {
    ref::Region reg;
    const LayerSpec& l = net->spec.layers[size_t(i)];
    const LayerInfo& li = net->info.layers[size_t(i)];
    if (l.kind != LayerKind::conv && l.kind != LayerKind::dense) return reg;
    const int64_t per_map = l.kind == LayerKind::conv ? int64_t(li.in.c) * l.kh * l.kw : li.in.size();
    if (what == 0) {
      reg.m0 = int(k / per_map);
      reg.m1 = reg.m0 + 1;
    }
    if (what == 1) {
      reg.m0 = int(k);
      reg.m1 = reg.m0 + 1;
    }
    if (what == 2) {
      reg.s0 = int(k / li.in.size());
      reg.s1 = reg.s0 + 1;
      if (l.kind == LayerKind::conv) {
        // Output rows whose windows can reach input row iy: oy*sh - top + ki*dh = iy.
        const int iy = int((k % (int64_t(li.in.h) * li.in.w)) / li.in.w);
        const int lo = iy + li.pad.top - (l.kh - 1) * l.dh;
        reg.y0 = lo <= 0 ? 0 : lo / l.sh;
        reg.y1 = (iy + li.pad.top) / l.sh + 1;
      }
    }
    return reg;
  }
};

// One compared entry: the float back-propagated value and the central difference.
struct Pair {
  double bp, fd;
};

// Central differences at the entries `idx` of v (v[base + k]) against analytic[k]; f(k) evaluates
// the function for entry k (f may restrict itself to what entry k influences, so the clean value
// f0 is taken per entry too, unless f0 != nullptr gives the one clean value of every entry). An
// entry whose one-sided differences disagree by more than 10% sits on a kink (a ReLU input at 0,
// a pooling tie): no derivative exists there to compare, so it is counted in *kinks and skipped.
template <class F>
void compare(std::vector<double>& v, int64_t base, const std::vector<int64_t>& idx, const float* analytic, double h,
             const double* f0_all, F&& f, std::vector<Pair>* out, int64_t* kinks) {
  for (int64_t k : idx) {
    double& e = v[size_t(base + k)];
    const double keep = e;
    const double f0 = f0_all ? *f0_all : f(k);
    e = keep + h;
    const double fp = f(k);
    e = keep - h;
    const double fm = f(k);
    e = keep;
    const double fwd = (fp - f0) / h, bwd = (f0 - fm) / h;
    if (std::fabs(fwd - bwd) > 0.1 * std::max(std::fabs(fwd), std::fabs(bwd)) && std::fabs(fwd - bwd) > 1e-6) {
      ++*kinks;
      continue;
    }
    out->push_back({double(analytic[k]), (fp - fm) / (2 * h)});
  }
}

std::vector<int64_t> pick(int64_t size, int max_count, Rng& rng) {
  std::vector<int64_t> idx;
  if (size <= max_count) {
    for (int64_t k = 0; k < size; ++k) idx.push_back(k);
  } else {
    for (int c = 0; c < max_count; ++c) idx.push_back(int64_t(rng.below(uint32_t(size))));
  }
  return idx;
}

}  // namespace

GradCheckResult network_gradient_check(const Network& src, const float* x, const int32_t* labels, const float* targets,
                                       int n, const GradCheckOptions& opt) {
  GradCheckResult res;
  const int L = src.num_layers();
  if (n < 1) {
    res.message = "gradient check: needs at least one sample";
    return res;
  }
  Network net;
  std::string err;
  if (!network_build(&net, src.spec, n, &err)) {
    res.message = "gradient check: " + err;
    return res;
  }
  net.params = src.params;
  for (int i = 0; i < L; ++i) {
    net.state[size_t(i)].running_mean = src.state[size_t(i)].running_mean;
    net.state[size_t(i)].running_var = src.state[size_t(i)].running_var;
  }
  if (!network_set_loss(&net, src.loss, &err)) {
    res.message = "gradient check: " + err;
    return res;
  }
  // Running statistics before the training forward moves them (the double pass needs them in
  // inference mode only, but keep the originals either way).
  DoubleNet d;
  d.net = &net;
  d.n = n;
  d.training = opt.training;
  d.labels = labels;
  d.targets = targets;
  d.running_mean.resize(size_t(L));
  d.running_var.resize(size_t(L));
  for (int i = 0; i < L; ++i) {
    d.running_mean[size_t(i)].assign(src.state[size_t(i)].running_mean.begin(),
                                     src.state[size_t(i)].running_mean.end());
    d.running_var[size_t(i)].assign(src.state[size_t(i)].running_var.begin(), src.state[size_t(i)].running_var.end());
  }

  net.dropout_rng.reseed(opt.seed, 3);
  network_forward(&net, x, n, opt.training);
  const float floss = network_loss(&net, labels, targets);
  if (!std::isfinite(floss)) {
    res.message = "gradient check: the loss is not finite (check the labels/targets against the outputs)";
    return res;
  }
  network_zero_grad(&net);
  network_backward(&net, true);

  d.params.assign(net.params.begin(), net.params.end());
  d.acts.resize(size_t(L + 1));
  for (int j = 0; j <= L; ++j) d.acts[size_t(j)].assign(size_t(n * net.out_shape(j).size()), 0.0);
  std::copy(x, x + n * net.info.input.size(), d.acts[0].begin());
  res.loss = d.run_from(0);

  Rng rng(opt.seed, 4);
  res.layers.resize(size_t(L));
  const bool local = opt.mode == GradCheckMode::local;
  if (local) {
    d.r.resize(size_t(L + 1));
    for (int j = 1; j <= L; ++j)
      d.r[size_t(j)].assign(net.dacts[size_t(j)].begin(),
                            net.dacts[size_t(j)].begin() + long(d.acts[size_t(j)].size()));
  }
  // The loss's own gradient dL/dp (the start of back-propagation, equation 4), against
  // differences of the loss in p.
  {
    std::vector<Pair> ps;
    int64_t kinks = 0;
    const int64_t size = int64_t(n) * net.out_size();
    const double f0 = d.loss_of_p();
    compare(
        d.acts[size_t(L)], 0, pick(size, opt.max_inputs, rng), net.dl_dp.data(), opt.step, &f0,
        [&](int64_t) { return d.loss_of_p(); }, &ps, &kinks);
    double max_fd = 0, max_diff = 0;
    for (auto& p : ps) {
      max_fd = std::max(max_fd, std::fabs(p.fd));
      max_diff = std::max(max_diff, std::fabs(p.bp - p.fd));
    }
    res.err_dp = ps.empty() ? -1 : max_diff / std::max(max_fd, 1e-12);
  }
  // Per layer: weights, biases, input.
  std::vector<std::vector<Pair>> pairs(size_t(3 * L));
  for (int i = L - 1; i >= 0; --i) {
    GradCheckLayer& r = res.layers[size_t(i)];
    const LayerParams& lp = net.layer_params[size_t(i)];
    // Both modes only ever recompute from layer i up, so the clean double activations at and
    // below i stay valid while the layers are visited from the top down.
    const double f0 = local ? 0.0 : d.run_from(i);
    const double* f0p = local ? nullptr : &f0;
    for (int what = 0; what < 3; ++what) {
      const int64_t count = what == 0 ? lp.nw : what == 1 ? lp.nb : int64_t(n) * net.out_shape(i).size();
      if (count == 0) continue;
      auto f = [&](int64_t k) { return local ? d.local_value(i, d.region(i, what, k)) : d.run_from(i); };
      // Inputs: for the last softmax/sigmoid fused with the loss, dacts holds the fused gradient
      // (p - q)/n the loss wrote, checked like any other.
      if (what == 2)
        compare(d.acts[size_t(i)], 0, pick(count, opt.max_inputs, rng), net.dacts[size_t(i)].data(), opt.step, f0p, f,
                &pairs[size_t(3 * i + 2)], &r.kinks);
      else
        compare(d.params, lp.offset + (what == 1 ? lp.nw : 0), pick(count, opt.max_params_per_tensor, rng),
                what == 0 ? lp.dw : lp.db, opt.step, f0p, f, &pairs[size_t(3 * i + what)], &r.kinks);
    }
  }
  // Error of a tensor: max |bp - fd| / max(largest |fd| of the tensor, 1e-3 x largest |fd| of the
  // whole network). The floor keeps a tensor whose true gradient is ~0 (a conv bias before
  // batchnorm, a dead unit) from turning float rounding noise into a huge "relative" error.
  double global = 0;
  for (auto& ps : pairs)
    for (auto& p : ps) global = std::max(global, std::fabs(p.fd));
  const double floor = std::max(1e-3 * global, 1e-12);
  for (int i = 0; i < L; ++i) {
    GradCheckLayer& r = res.layers[size_t(i)];
    double* errs[3] = {&r.err_w, &r.err_b, &r.err_x};
    for (int t = 0; t < 3; ++t) {
      const auto& ps = pairs[size_t(3 * i + t)];
      if (ps.empty()) {
        *errs[t] = -1;
        continue;
      }
      double max_fd = 0, max_diff = 0;
      for (auto& p : ps) {
        max_fd = std::max(max_fd, std::fabs(p.fd));
        max_diff = std::max(max_diff, std::fabs(p.bp - p.fd));
      }
      *errs[t] = max_diff / std::max(max_fd, floor);
      r.checked += int64_t(ps.size());
    }
    const double worst = std::max(r.err_w, std::max(r.err_b, r.err_x));
    if (worst > res.max_error) {
      res.max_error = worst;
      res.worst_layer = i;
    }
  }
  res.max_error = std::max(res.max_error, res.err_dp);
  return res;
}

}  // namespace cnn
