// Issue 15, items 3, 4 and 13: the loss in use and its unit, the no-softmax notice and its fix, and
// the diagnosis of a run whose loss explodes or whose accuracy stays at chance.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cnn/data.h"
#include "cnn/diagnose.h"
#include "cnn/net.h"
#include "cnn/spec.h"
#include "spec_tests.h"
#include "cnn/train.h"
#include "train_tests.h"

namespace {

using spec_tests::has;
using spec_tests::parse;
using spec_tests::Parsed;

}  // namespace

TEST_CASE("diagnose: the loss in use, its unit, and which losses fit") {
  CHECK(std::string(cnn::loss_unit(cnn::LossKind::cross_entropy)) == "nats");
  CHECK(std::string(cnn::loss_unit(cnn::LossKind::binary_cross_entropy)) == "nats");
  CHECK(std::string(cnn::loss_unit(cnn::LossKind::quadratic)) == "squared output units");
  CHECK(cnn::loss_label(cnn::LossKind::cross_entropy, 10) == "cross-entropy, nats");
  CHECK(cnn::loss_label(cnn::LossKind::quadratic, 10) == "quadratic (squared error summed over 10 outputs)");
  CHECK(cnn::loss_label(cnn::LossKind::quadratic, 1) == "quadratic (squared error summed over 1 output)");
  CHECK(cnn::loss_label(cnn::LossKind::quadratic, 69984) == "quadratic (squared error summed over 69,984 outputs)");
  // The factor between the notes' bits and our nats: ln 2.
  const std::string note = cnn::nats_vs_bits_note();
  CHECK(has(note, "ln 2 = 0.693"));
  CHECK(std::fabs(std::log(2.0) - 0.693) < 5e-4);

  const Parsed soft = parse("input 28x28x1\nflatten\ndense 10\nsoftmax\n");
  auto fit = cnn::losses_that_fit(soft.m, soft.info, 10);
  REQUIRE(fit.size() == 2);  // a choice: cross-entropy (default) or quadratic against one-hot labels
  CHECK(fit[0] == cnn::LossKind::cross_entropy);
  CHECK(fit[1] == cnn::LossKind::quadratic);
  CHECK(cnn::losses_that_fit(soft.m, soft.info, 0) == std::vector<cnn::LossKind>{cnn::LossKind::quadratic});
  const Parsed bin = parse("input 1x1x2\ndense 1\nsigmoid\n");
  fit = cnn::losses_that_fit(bin.m, bin.info, 2);
  REQUIRE(fit.size() == 1);  // one output cannot match one-hot labels of 2 classes
  CHECK(fit[0] == cnn::LossKind::binary_cross_entropy);
  const Parsed bare = parse("input 28x28x1\nflatten\ndense 10\n");
  CHECK(cnn::losses_that_fit(bare.m, bare.info, 10) == std::vector<cnn::LossKind>{cnn::LossKind::quadratic});
  // Every loss listed is one the network accepts.
  cnn::Network net;
  std::string err;
  REQUIRE(cnn::network_build(&net, soft.m, 2, &err));
  for (cnn::LossKind k : cnn::losses_that_fit(soft.m, soft.info, 10)) CHECK(cnn::network_set_loss(&net, k, &err));
}

TEST_CASE("diagnose: a classifier without softmax gets a notice and a one-click fix") {
  const char* text = "input 28x28x1\nconv 6 k5\nrelu\nflatten\ndense 10\n";
  const Parsed p = parse(text);
  CHECK(cnn::default_loss(p.m) == cnn::LossKind::quadratic);
  const cnn::ModelDataNotice n = cnn::model_data_notice(p.m, p.info, text, 10);
  REQUIRE(n.show);
  CHECK(has(n.text, "ends without softmax"));
  CHECK(has(n.text, "quadratic loss against one-hot labels"));
  CHECK(n.fix_label == "Add softmax");
  CHECK(n.fixed_text == std::string(text) + "softmax\n");
  // The fix gives cross-entropy.
  const Parsed fixed = parse(n.fixed_text.c_str());
  CHECK(cnn::default_loss(fixed.m) == cnn::LossKind::cross_entropy);
  CHECK_FALSE(cnn::model_data_notice(fixed.m, fixed.info, n.fixed_text, 10).show);
  // Regression data: no notice. Wrong output count: the fix adds the dense layer too.
  CHECK_FALSE(cnn::model_data_notice(p.m, p.info, text, 0).show);
  const Parsed five = parse("input 28x28x1\nflatten\ndense 5\n");
  const cnn::ModelDataNotice n5 = cnn::model_data_notice(five.m, five.info, "input 28x28x1\nflatten\ndense 5\n", 10);
  REQUIRE(n5.show);
  CHECK(n5.fix_label == "Add dense 10 + softmax");
  const Parsed f5 = parse(n5.fixed_text.c_str());
  CHECK(f5.info.layers.back().out.size() == 10);
  CHECK(cnn::default_loss(f5.m) == cnn::LossKind::cross_entropy);
  // A binary sigmoid classifier on 2 classes is fine.
  const Parsed bin = parse("input 1x1x2\ndense 1\nsigmoid\n");
  CHECK_FALSE(cnn::model_data_notice(bin.m, bin.info, "input 1x1x2\ndense 1\nsigmoid\n", 2).show);
}

TEST_CASE("diagnose: a loss that explodes by orders of magnitude, accuracy at chance") {
  cnn::TrainHistory h;
  for (int i = 0; i < 60; ++i) h.loss.push_back(2.3f - 0.01f * float(i));
  CHECK(cnn::diagnose_run(h, 10, 0.001f).kind == cnn::RunTrouble::none);
  // One wild minibatch is not a trend.
  h.loss.back() = 1e6f;
  CHECK(cnn::diagnose_run(h, 10, 0.001f).kind == cnn::RunTrouble::none);
  // Twenty steps at 1e22 are.
  for (int i = 0; i < 20; ++i) h.loss.push_back(1e22f);
  cnn::RunDiagnosis d = cnn::diagnose_run(h, 10, 1000.0f);
  CHECK(d.kind == cnn::RunTrouble::loss_exploded);
  CHECK_MESSAGE(has(d.text, "22 orders of magnitude"), d.text);
  CHECK_MESSAGE(has(d.text, "try 100, 10x lower"), d.text);

  cnn::TrainHistory c;
  c.loss.assign(300, 2.302f);
  c.test_acc = {0.11f, 0.098f, 0.1f};
  d = cnn::diagnose_run(c, 10, 0.5f);
  CHECK(d.kind == cnn::RunTrouble::at_chance);
  CHECK_MESSAGE(has(d.text, "chance (10% for 10 classes"), d.text);
  CHECK_MESSAGE(has(d.text, "try 0.05"), d.text);
  c.test_acc.back() = 0.3f;  // learning after all
  CHECK(cnn::diagnose_run(c, 10, 0.5f).kind == cnn::RunTrouble::none);
  c.test_acc.back() = 0.1f;
  c.loss.resize(150);  // too early to say
  CHECK(cnn::diagnose_run(c, 10, 0.5f).kind == cnn::RunTrouble::none);
}

TEST_CASE("diagnose: the issue's run, LeNet-5 with Adam at learning rate 1000 on digits") {
  cnn::Dataset d;
  cnn::DataOptions opt;
  opt.seed = 1;
  opt.n_train = 2000;
  opt.n_test = 200;
  std::string err;
  REQUIRE_MESSAGE(cnn::dataset_make("digits", opt, &d, &err), err);
  const Parsed p = parse(
      "input 28x28x1\nconv 6 k5 p2\nrelu\nmaxpool k2 s2\nconv 16 k5\nrelu\nmaxpool k2\n"
      "dense 120\nrelu\ndense 84\nrelu\ndense 10\nsoftmax\n");
  cnn::Network net;
  REQUIRE(cnn::network_build(&net, p.m, 32, &err));
  cnn::TrainConfig cfg = train_tests::config(cnn::OptimizerKind::adam, 1000.0f, 32, 5);
  cfg.eval_every = 50;
  cfg.eval_limit = 200;
  cnn::Trainer tr;
  train_tests::setup(&tr, &net, &d, cfg);
  cnn::trainer_step(&tr, 250);
  const cnn::RunDiagnosis dg = cnn::diagnose_run(tr.history, d.num_classes, cfg.lr);
  MESSAGE("steps ", tr.history.loss.size(), ", fault ", int(tr.fault), ", last loss ", tr.history.loss.back(), ": ",
          dg.text);
  CHECK(dg.kind != cnn::RunTrouble::none);
  CHECK(has(dg.text, "try 100, 10x lower"));
}

TEST_CASE("diagnose: the notes' 725,077,721,088 beside ours for AlexNet's first layer, and why they differ") {
  const Parsed p = parse("input 224x224x3\nconv 96 k11 s4 p2\nrelu\nmaxpool k3 s2\n");
  const cnn::LayerInfo& li = p.info.layers[0];
  CHECK(li.fc_weights_same_res == 725077721088LL);  // 3*96*224^4, the notes' number
  CHECK(li.fc_weights == 150528LL * 290400LL);      // 224*224*3 x 55*55*96
  const std::string s = cnn::dense_count_note(p.m.layers[0], li);
  CHECK_MESSAGE(s == "The notes' 725,077,721,088 = 3*96*224^4 counts a dense layer to 96 maps as large as the 224x224 "
                     "input; ours, 43,713,331,200 = 150,528 x 290,400, counts one to the 55x55x96 output this "
                     "convolution makes (stride 4 and padding 2 give 55x55 maps, not 224x224).",
                s);
  // Where the notes' assumption holds (maps as large as the input) there is one number, no note.
  const Parsed same = parse("input 32x32x3\nconv 8 k3 same\n");
  CHECK(same.info.layers[0].fc_weights == same.info.layers[0].fc_weights_same_res);
  CHECK(cnn::dense_count_note(same.m.layers[0], same.info.layers[0]).empty());
  CHECK(cnn::dense_count_note(p.m.layers[1], p.info.layers[1]).empty());  // relu
}
