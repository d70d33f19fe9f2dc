// cnn.h: CNN Sandbox's engine in one include.
//
// What it is. A small convolutional-network library written to be read next to the lecture notes
// (Tomasi, "Convolutional Neural Networks", 2022): model text -> shapes and costs (spec.h), a
// Network with forward, loss and back-propagation (net.h over the layer functions of nn.h),
// optimizers (optim.h), a trainer that runs in time slices for an interactive page (train.h), and
// datasets (data.h). The same code builds natively and for WebAssembly; only the kernels of
// kernels.h (GEMM) have per-ISA SIMD versions, each beside its scalar reference.
//
// Memory model. Everything is allocated once, when a network is built for a maximum batch, and
// checked against a 1 GiB budget BEFORE allocating. All parameters live in one float arena and
// their gradients in a second arena of the same layout (llm.c), so an optimizer is one flat loop
// and zeroing the gradients is one memset. Activations x^(j) and their gradients dL/dx^(j) are
// kept for every layer (Algorithm 1 stores them for the backward pass), in NCHW order: each
// sample is C planes of H x W floats. Layers are pairs of free functions, forward and backward;
// backward ACCUMULATES (+=) into gradients. Randomness comes from cnn::Rng (rng.h) only, so the
// same seed gives bit-identical weights and data natively and in wasm.
//
// Train a tiny CNN:
//
//   #include "cnn/cnn.h"
//   std::string err;
//   cnn::Dataset data;                          // 28x28 images of 5 shapes, generated from a seed
//   if (!cnn::dataset_make("shapes", cnn::DataOptions(), &data, &err)) return fail(err);
//   cnn::Network net;
//   if (!cnn::network_build_from_text(&net, "input 28x28x1; conv 8 k5 s2; relu; maxpool k2;"
//                                     " dense 5; softmax", 64, &err)) return fail(err);
//   cnn::TrainConfig cfg;  cfg.optimizer = cnn::OptimizerKind::adam;  cfg.lr = 1e-3f;
//   cfg.batch = 32;  cfg.epochs = 3;  cfg.seed = 1;
//   cnn::Trainer tr;
//   if (!cnn::trainer_setup(&tr, &net, &data, cfg, &err)) return fail(err);  // also inits weights
//   cnn::trainer_run_to_end(&tr);                          // or trainer_run_for(&tr, 8.0) per frame
//   printf("test accuracy %.3f\n", tr.last_eval.accuracy);
//
// By hand, one step of Algorithm 1 on a minibatch (x: n samples, y: labels):
//   cnn::network_forward(&net, x, n, /*training=*/true);
//   float loss = cnn::network_loss(&net, y, nullptr);     // mean over the batch
//   cnn::network_zero_grad(&net);  cnn::network_backward(&net);
//   for (size_t i = 0; i < net.params.size(); ++i) net.params[i] -= lr * net.grads[i];
#pragma once

#include "cnn/data.h"
#include "cnn/kernels.h"
#include "cnn/net.h"
#include "cnn/nn.h"
#include "cnn/optim.h"
#include "cnn/rng.h"
#include "cnn/spec.h"
#include "cnn/train.h"
