// train_tests.h: the training runs the tests repeat: a configuration from its five main settings,
// and a run to the end that must set up and finish.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/train.h"

namespace train_tests {

// The optimizer, learning rate, batch, epochs and seed of a run; every other setting keeps
// TrainConfig's default.
inline cnn::TrainConfig config(cnn::OptimizerKind optimizer, float lr, int batch, int epochs,
                               uint64_t seed = cnn::TrainConfig{}.seed) {
  cnn::TrainConfig c;
  c.optimizer = optimizer;
  c.lr = lr;
  c.batch = batch;
  c.epochs = epochs;
  c.seed = seed;
  return c;
}

// Sets tr up on net and d with c; the test fails with the trainer's message when it does not set up.
inline void setup(cnn::Trainer* tr, cnn::Network* net, const cnn::Dataset* d, const cnn::TrainConfig& c) {
  std::string err;
  REQUIRE_MESSAGE(cnn::trainer_setup(tr, net, d, c, &err), err);
}

// Sets tr up (as setup) and trains to the end of the last epoch; the run must finish.
inline void run_to_end(cnn::Trainer* tr, cnn::Network* net, const cnn::Dataset* d, const cnn::TrainConfig& c) {
  setup(tr, net, d, c);
  cnn::trainer_run_to_end(tr);
  REQUIRE(tr->finished);
}

}  // namespace train_tests
