// Whole-network gradient check: float back-propagation against central differences of a
// double-precision forward pass built from the plain-loop layers of nn_reference.h.
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

namespace cnn {

namespace {

struct DoubleNet {
  const Network* net = nullptr;
  int n = 0;
  bool training = true;
  const int32_t* labels = nullptr;
  const float* targets = nullptr;
  std::vector<double> params;                // copy of the float arena
  std::vector<std::vector<double>> acts;     // like Network::acts, n samples
  std::vector<std::vector<double>> running_mean, running_var;  // batchnorm, from the original

  void layer(int i) {
    const LayerSpec& l = net->spec.layers[size_t(i)];
    const LayerInfo& li = net->info.layers[size_t(i)];
    const LayerParams& lp = net->layer_params[size_t(i)];
    const double* w = lp.nw ? params.data() + lp.offset : nullptr;
    const double* b = lp.nb ? params.data() + lp.offset + lp.nw : nullptr;
    const double* x = acts[size_t(i)].data();
    double* y = acts[size_t(i + 1)].data();
    const int64_t count = int64_t(n) * li.in.size();
    switch (l.kind) {
      case LayerKind::conv: ref::conv2d_forward(y, x, w, b, n, conv_dims(l, li)); break;
      case LayerKind::maxpool: ref::maxpool_forward<double>(y, nullptr, x, n, pool_dims(l, li)); break;
      case LayerKind::avgpool: ref::avgpool_forward(y, x, n, pool_dims(l, li)); break;
      case LayerKind::gap: ref::gap_forward(y, x, n, li.in.c, li.in.h * li.in.w); break;
      case LayerKind::dense: ref::dense_forward(y, x, w, b, n, int(li.in.size()), int(li.out.size())); break;
      case LayerKind::flatten: std::copy(x, x + count, y); break;
      case LayerKind::relu: ref::relu_forward(y, x, count); break;
      case LayerKind::leakyrelu: ref::leakyrelu_forward(y, x, count, double(l.alpha)); break;
      case LayerKind::sigmoid: ref::sigmoid_forward(y, x, count); break;
      case LayerKind::tanh: ref::tanh_forward(y, x, count); break;
      case LayerKind::softmax: ref::softmax_forward(y, x, n, int(li.in.size())); break;
      case LayerKind::dropout:
        ref::dropout_forward(y, net->state[size_t(i)].keep.data(), x, count, double(l.rate), training);
        break;
      case LayerKind::batchnorm:
        ref::batchnorm_forward(y, x, w, b, running_mean[size_t(i)].data(), running_var[size_t(i)].data(), n,
                               li.in.c, li.in.h * li.in.w, training);
        break;
    }
  }

  double loss() const {
    const int L = net->num_layers();
    const int k = int(net->out_size());
    const double* p = acts[size_t(L)].data();
    switch (net->loss) {
      case LossKind::cross_entropy:
        return ref::softmax_cross_entropy_loss(acts[size_t(L - 1)].data(), labels, n, k);
      case LossKind::binary_cross_entropy:
        return ref::binary_cross_entropy_loss(p, targets ? nullptr : labels, targets, n);
      case LossKind::quadratic: return ref::quadratic_loss(p, labels, targets, n, k);
    }
    return 0;
  }

  // Loss with everything from layer `from` on recomputed.
  double run_from(int from) {
    for (int i = from; i < net->num_layers(); ++i) layer(i);
    return loss();
  }
};

// One compared entry: the float back-propagated value and the central difference.
struct Pair { double bp, fd; };

// Central differences of f at the entries `idx` of v (v[base + k]) against analytic[k]. An entry
// whose one-sided differences disagree by more than 10% sits on a kink (a ReLU input at 0, a
// pooling tie): no derivative exists there to compare, so it is counted in *kinks and skipped.
template <class F>
void compare(std::vector<double>& v, int64_t base, const std::vector<int64_t>& idx, const float* analytic,
             double h, double f0, F&& f, std::vector<Pair>* out, int64_t* kinks) {
  for (int64_t k : idx) {
    double& e = v[size_t(base + k)];
    const double keep = e;
    e = keep + h;
    const double fp = f();
    e = keep - h;
    const double fm = f();
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

GradCheckResult network_gradient_check(const Network& src, const float* x, const int32_t* labels,
                                       const float* targets, int n, const GradCheckOptions& opt) {
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
    d.running_mean[size_t(i)].assign(src.state[size_t(i)].running_mean.begin(), src.state[size_t(i)].running_mean.end());
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
  // Per layer: weights, biases, input.
  std::vector<std::vector<Pair>> pairs(size_t(3 * L));
  const double f0 = res.loss;
  for (int i = L - 1; i >= 0; --i) {
    GradCheckLayer& r = res.layers[size_t(i)];
    const LayerParams& lp = net.layer_params[size_t(i)];
    auto f = [&] { return d.run_from(i); };
    if (lp.nw)
      compare(d.params, lp.offset, pick(lp.nw, opt.max_params_per_tensor, rng), lp.dw, opt.step, f0, f,
              &pairs[size_t(3 * i)], &r.kinks);
    if (lp.nb)
      compare(d.params, lp.offset + lp.nw, pick(lp.nb, opt.max_params_per_tensor, rng), lp.db, opt.step, f0, f,
              &pairs[size_t(3 * i + 1)], &r.kinks);
    // The gradient w.r.t. this layer's input x^(i). For the last softmax/sigmoid fused with the
    // loss, this is the fused gradient (p - q)/n the loss wrote, checked like any other.
    const int64_t size = int64_t(n) * net.out_shape(i).size();
    compare(d.acts[size_t(i)], 0, pick(size, opt.max_inputs, rng), net.dacts[size_t(i)].data(), opt.step, f0, f,
            &pairs[size_t(3 * i + 2)], &r.kinks);
    // The double activations above layer i now hold a perturbed pass; layers below never read them.
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
      if (ps.empty()) { *errs[t] = -1; continue; }
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
  return res;
}

}  // namespace cnn
