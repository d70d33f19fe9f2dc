// diagnose.h: what the page says about the loss in use, about a model that does not fit its data,
// and about a run gone wrong. The words are made here, in the engine, so doctests check them
// (issue 15, items 3, 4 and 13); the page only shows them.
#pragma once
#include <string>
#include <vector>

#include "cnn/net.h"
#include "cnn/spec.h"
#include "cnn/train.h"

namespace cnn {

// The unit of a loss value: "nats" for the cross-entropies (natural logarithms, as every training
// loss here; the notes' figures use bits: 1 bit = ln 2 = 0.693 nats), "squared output units" for
// the quadratic loss (squared error summed over the outputs).
const char* loss_unit(LossKind k);
// "cross-entropy, nats" or "quadratic (squared error summed over 10 outputs)": a label for the
// training settings and the loss axis.
std::string loss_label(LossKind k, int64_t outputs);
// One sentence, shown once where nats and bits meet: why the notes' numbers differ by a factor.
std::string nats_vs_bits_note();

// The losses that fit this model on data with `num_classes` classes (0 = regression), the default
// (default_loss) first. Cross-entropy needs a final softmax over num_classes outputs; binary
// cross-entropy one sigmoid output on two classes; the quadratic loss fits any output size that
// matches the targets (one-hot labels for classes). Two entries mean the learner has a choice.
std::vector<LossKind> losses_that_fit(const ModelSpec& m, const ModelInfo& info, int num_classes);

// A model whose outputs do not say "class probabilities" on a class dataset (no final softmax):
// it would train with the quadratic loss against one-hot labels. The notice says so, and the fix
// is the model text with `softmax` appended (one click).
struct ModelDataNotice {
  bool show = false;
  std::string text;        // what is wrong and what the fix does
  std::string fix_label;   // button: "Add softmax"
  std::string fixed_text;  // the model text after the fix
};
ModelDataNotice model_data_notice(const ModelSpec& m, const ModelInfo& info, const std::string& model_text,
                                  int num_classes);

// A run that went wrong without a NaN: the loss grew by orders of magnitude, or the test accuracy
// stayed at chance. The page shows `text` beside the training buttons and on the loss plot.
enum class RunTrouble { none, loss_exploded, at_chance };
struct RunDiagnosis {
  RunTrouble kind = RunTrouble::none;
  std::string text;  // what happened (with numbers) and what to try
};
// Rules (steps counted from the run's start):
// - loss_exploded: after 20 steps or more, the median of the last 20 minibatch losses is at least
//   100x (two orders of magnitude) the first step's loss or the smallest median of a block of 20
//   steps (steps 1-20, 21-40, ...) seen so far.
// - at_chance: a class dataset, at least 3 test evaluations, 200 steps or more, and each of the
//   last 3 test accuracies at most chance + max(0.02, 0.2 x chance) (chance = 1 / num_classes).
// The suggestion is a learning rate 10x lower than `lr`.
RunDiagnosis diagnose_run(const TrainHistory& h, int num_classes, float lr);

// Issue 15.2. The notes count a fully connected layer from the n x n x c image to m maps AS LARGE
// AS THE IMAGE: c*m*n^4 weights (3*96*224^4 = 725,077,721,088 for AlexNet's first layer). The
// "as dense" column counts one to the output this convolution really makes (150,528 x 290,400 for
// 55x55x96 maps). One sentence with both numbers and why they differ; empty when they are equal
// (a stride-1 `same` convolution) or the layer is not a convolution.
std::string dense_count_note(const LayerSpec& l, const LayerInfo& li);

}  // namespace cnn
