// train.h: minibatch training (Algorithm 1 of the notes, averaged over a minibatch, then one
// optimizer update), shaped for an interactive page that calls it once per frame:
//
//   cnn::Trainer tr;  std::string err;
//   cnn::TrainConfig cfg;  cfg.optimizer = cnn::OptimizerKind::adam;  cfg.lr = 1e-3f;
//   if (!cnn::trainer_setup(&tr, &net, &data, cfg, &err)) show(err);   // inits the weights
//   every frame:  cnn::trainer_run_for(&tr, 8.0);      // ~8 ms of steps, then back to the UI
//                 plot(tr.history.loss), show(tr.message) ...
//
// What a step does: take the next `batch` indices of this epoch's shuffled order (Fisher-Yates
// from cfg.seed, a new order each epoch), copy (or augment) those samples, forward in training
// mode, loss (mean over the batch), zero the gradient arena, backward, check, update.
//
// Determinism: the same network, data and config give the same batches, the same updates and a
// bit-identical loss curve on every run of one build. (Native and wasm agree within rounding:
// their SIMD kernels sum in different orders.)
//
// Numerical faults: a loss, gradient or updated weight that is NaN or infinite stops the step
// before anything is kept. The weights, the optimizer state and batchnorm's running statistics go
// back to the snapshot taken before the last applied update: the weights of the last step whose
// loss and gradients were finite (for a NaN/infinite loss or gradient at step s, those step s-1
// used; for an update that overflowed at step s, those step s used). Training pauses; `message`
// says what happened and what to try; the step counter and the data order do not move, so resume
// retries the failed step. The history only ever holds finite numbers, so plots never break.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/optim.h"
#include "cnn/rng.h"
#include "cnn/settings.h"

namespace cnn {

// What the trainer runs. The fields that are lab settings take their defaults from the one list
// (cnn/settings.inc, kDefaultSettings); train_config_from_settings fills them from a Settings.
struct TrainConfig {
  OptimizerKind optimizer = OptimizerKind(kDefaultSettings.optimizer);
  float lr = kDefaultSettings.lr;
  float momentum = kDefaultSettings.momentum;          // optimizer == momentum
  bool nesterov = false;                               // optimizer == momentum
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;     // optimizer == adam
  float weight_decay = kDefaultSettings.weight_decay;  // L2 added to the gradient (see optim.h)
  // constant, step (gamma every N epochs), cosine (to 0 at the end)
  ScheduleConfig schedule{ScheduleKind(kDefaultSettings.schedule), kDefaultSettings.step_epochs,
                          kDefaultSettings.gamma};
  int batch = kDefaultSettings.batch;
  // Samples computed at a time within a step. A step is always one update on the gradient averaged
  // over its whole minibatch (Algorithm 1); the minibatch is just computed in slices of micro_batch
  // samples whose gradients add up (backward accumulates), so a page that trains in its frame can
  // stop between slices and draw. 0 = the whole batch at once; -1 = automatic: the whole batch,
  // except with shares_frame, where it is slices of about kSliceMacs multiply-accumulates of forward
  // work (whole batch for a model with batchnorm, whose statistics are over the minibatch). Results
  // equal the whole-batch step up to float rounding; the same resolved size gives bit-identical runs
  // natively, in wasm, in the page's worker and in its frame.
  int micro_batch = -1;
  // Not a setting: the trainer runs in the frame that draws the page (no training worker), so the
  // automatic micro-batch is sliced. The command line and the page's worker train whole batches:
  // slices of 2 samples (the Wide net) cost ~28% more CPU a step than the batch of 32 at once.
  bool shares_frame = false;
  int epochs = kDefaultSettings.epochs;
  uint64_t seed = uint64_t(kDefaultSettings.seed);  // weight init, shuffling, augmentation, dropout
  int eval_every = kDefaultSettings.eval_every;     // steps between evaluations; 0 = once at the end of every epoch
  int eval_limit = kDefaultSettings.eval_samples;   // test samples per evaluation (0 = the whole test split)
  int limit_train = kDefaultSettings.limit_train;   // train on the first N training samples (0 = all)
  bool augment = false;                             // random shifts (and flips where the dataset allows them)
  bool init_weights = true;                         // setup/reset initialize the weights from seed (false: keep them)
  float smoothing = 0.95f;                          // of the smoothed loss curve (exponential, bias-corrected)
};

// Forward multiply-accumulates per slice for micro_batch = -1 with shares_frame. Training costs about 3x the forward
// pass, so a slice is ~72M multiply-adds: ~5 ms of wasm SIMD here (LeNet-5 takes its batch of 32
// whole, the Wide net slices of 2 samples, vgg-small of 4).
constexpr int64_t kSliceMacs = 24'000'000;
// The micro-batch a config resolves to for a network (1..cfg.batch).
int train_micro_batch(const TrainConfig& cfg, const Network& net);

// The trainer's config for the lab's settings (all but the loss, which the network carries:
// network_set_loss); the other fields keep their defaults.
TrainConfig train_config_from_settings(const Settings& s);

// Checks every field; false with a message naming the field, its value and the valid range.
bool train_config_check(const TrainConfig& c, std::string* err);
OptimConfig optim_config(const TrainConfig& c);

enum class Split : uint8_t { train, test };

struct EvalResult {
  int64_t n = 0;                // samples evaluated
  float loss = 0;               // mean loss
  bool classification = false;  // false: regression, only the loss is meaningful
  float accuracy = 0;           // fraction correct
  float zero_one = 0;           // 1 - accuracy, the zero-one loss
  int num_classes = 0;
  std::vector<int32_t> confusion;  // num_classes x num_classes, [true][predicted]
  double loss_sum = 0;             // running sums of an evaluation in progress
  int64_t correct = 0;
};

// Inference-mode pass over the first `limit` samples of a split (0 = all), in chunks of
// net->max_batch. Changes only activations and the loss gradient buffers, never the weights.
EvalResult evaluate(Network* net, const Dataset& d, Split split, int64_t limit);
// The same evaluation in pieces, for callers that spread it over frames (the trainer between
// steps, the page's Confusion view one batch a frame): start, add ranges [begin, end) of samples,
// finish (mean loss and accuracy from the sums). After evaluate_add the network's output holds
// the last chunk's outputs (all of [begin, end) when end - begin <= net->max_batch).
EvalResult evaluate_start(const Dataset& d);
void evaluate_add(Network* net, const Dataset& d, Split split, int64_t begin, int64_t end, EvalResult* r);
void evaluate_finish(EvalResult* r);

// Everything the page plots, in plain vectors.
struct TrainHistory {
  // One entry per step taken.
  std::vector<float> loss;         // minibatch loss
  std::vector<float> loss_smooth;  // exponential moving average of loss (bias-corrected)
  // The same average taken of log(loss), then exp: what a log axis shows. After a blow-up to 1e22
  // the linear average stays near 1e20 for hundreds of steps while the losses are near 1e3; this
  // one follows them (a geometric mean). Zero losses count as 1e-30.
  std::vector<float> loss_smooth_log;
  std::vector<float> lr;  // learning rate used by the step
  // One entry per evaluation point.
  std::vector<float> eval_step;   // steps taken when it was made (x axis)
  std::vector<float> eval_epoch;  // the same in epochs (fractional)
  std::vector<float> train_loss;  // mean minibatch loss since the previous evaluation point
  std::vector<float> train_acc;   // the same for accuracy, in training mode (classification)
  std::vector<float> test_loss;
  std::vector<float> test_acc;    // classification only (empty for regression)
  std::vector<float> test_error;  // zero-one error = 1 - test_acc (classification only)
};

enum class FaultKind : uint8_t { none, loss, gradient, weights };

// An evaluation handed to someone else (Trainer::eval_elsewhere): the network's state at the
// evaluation point and what the trainer would have evaluated with it.
struct EvalRequest {
  uint64_t id = 0;                          // Trainer::eval_ids at the time: answers name it
  int64_t at_step = 0;                      // the point's step (the history's eval_step)
  float train_loss = 0, train_acc = 0;      // the training window's means up to the point
  int64_t n = 0;                            // the first n test samples ...
  int64_t chunk = 0;                        // ... chunk at a time, as the trainer would have run them
  std::vector<float> params;                // the network's parameters at the point
  std::vector<std::vector<float>> running;  // per layer: batchnorm's running_mean then running_var
  bool sent = false;                        // the caller's: handed out already
};

// Everything one run has: progress, history, speed and the internals of a step or evaluation in
// progress. trainer_reset starts a run with one assignment of a fresh TrainerRun, so a new field
// can never be forgotten there. (A base of Trainer, so its fields read as tr.step, tr.history.)
struct TrainerRun {
  // Progress. A step is one minibatch and one update.
  int64_t steps_per_epoch = 0;  // ceil(n_train / batch): the last batch of an epoch may be smaller
  int64_t total_steps = 0;      // steps_per_epoch * epochs
  int64_t step = 0;             // steps taken (updates applied)
  int epoch = 0;                // current epoch, 0-based (== cfg.epochs when finished)
  int64_t step_in_epoch = 0;    // steps taken in the current epoch
  int64_t samples_seen = 0;

  bool paused = false;                // trainer_run_for does nothing while paused
  bool finished = false;              // all epochs done and the last evaluation made
  FaultKind fault = FaultKind::none;  // the last numerical fault (cleared by resume/reset)
  std::string message;                // for the learner: why training stopped, what to try

  TrainHistory history;
  EvalResult last_eval;  // the most recent test evaluation (with its confusion matrix)

  // Speed: time spent in training steps only (evaluations excluded).
  double train_ms = 0;
  double samples_per_second = 0;

  // --- internals ---
  Rng shuffle_rng, augment_rng;
  std::vector<int32_t> order;  // this epoch's permutation of the training indices
  bool need_shuffle = true;
  std::vector<float> batch_x, batch_t;
  std::vector<int32_t> batch_y;
  Dataset augment_meta;    // shape, normalization and augmentation switches only
  double window_loss = 0;  // sums since the previous evaluation point
  int64_t window_correct = 0, window_samples = 0, window_steps = 0;
  double ema = 0, ema_decay_pow = 1;  // smoothed loss
  double ema_log = 0;                 // smoothed log(loss) (same decay)
  // Snapshot taken before each update (weights of the last good step, optimizer state, batchnorm
  // running statistics), restored on a numerical fault.
  bool have_snapshot = false;
  std::vector<float> snap_params, snap_m, snap_v;
  int64_t snap_t = 0;
  double snap_beta1_pow = 1, snap_beta2_pow = 1;
  std::vector<std::vector<float>> snap_running;  // per layer: running_mean then running_var
  int64_t snap_step = 0;                         // 1-based number of the step that used the snapshot weights
  // A step in progress: its minibatch is gathered and the first step_done samples are computed.
  int micro = 0;  // resolved cfg.micro_batch
  bool step_open = false;
  int step_n = 0, step_done = 0, step_correct = 0;
  double step_loss_sum = 0;
  double slice_ms = 0, eval_slice_ms = 0;  // smoothed times of one slice, to keep within a budget
  // An evaluation in progress, run in chunks so one frame never takes long.
  bool eval_pending = false;
  int64_t eval_cursor = 0, eval_end = 0;
  EvalResult eval_acc;
  float eval_train_loss = 0, eval_train_acc = 0;
  int64_t eval_at_step = 0;
  // Evaluations handed out (eval_elsewhere) and not yet answered, oldest first.
  std::deque<EvalRequest> evals_waiting;
};

struct Trainer : TrainerRun {
  Network* net = nullptr;
  const Dataset* data = nullptr;
  TrainConfig cfg;
  Optimizer opt;
  // Evaluation elsewhere (the page's training worker hands each evaluation to a second worker and
  // trains on meanwhile): an evaluation point copies the network's state into an EvalRequest
  // (evals_waiting) instead of evaluating, and its answer (trainer_eval_answer, in order) puts
  // the point into the history, which is then the one evaluating in place gives, bit for bit. No
  // step begins while kMaxEvalsWaiting are unanswered (trainer_eval_blocked); the last epoch's run
  // is finished when its last evaluation is answered. Set it between runs, with none waiting.
  bool eval_elsewhere = false;
  uint64_t eval_ids = 0;  // requests made (never reset: a reset run's late answers match nothing)
};
constexpr size_t kMaxEvalsWaiting = 2;

// What the trainer adds to the memory plan (spec.h): the optimizer's state per parameter, the
// dataset's targets per sample and its training samples (epoch order). d may be null (no dataset
// yet). trainer_setup checks plan_memory(..., trainer_memory(cfg, d)).training_bytes.
TrainerMemory trainer_memory(const TrainConfig& cfg, const Dataset* d);
// The training samples a run uses: the first cfg.limit_train of d's (all when 0 or more than d has).
int64_t trainer_train_samples(const TrainConfig& cfg, const Dataset& d);

// Binds a network and a dataset, checks that they fit together (input shape, outputs vs classes
// or targets, batch <= net->max_batch, labels in range) and the config, then resets. On false the
// trainer is left unusable and *err says what to change.
bool trainer_setup(Trainer* t, Network* net, const Dataset* data, const TrainConfig& cfg, std::string* err);
// Back to step 0: weights re-initialized from cfg.seed (if cfg.init_weights), optimizer state,
// history and counters cleared, not paused.
void trainer_reset(Trainer* t);
// Changes hyperparameters on the fly (lr, momentum, betas, eps, weight decay, schedule, epochs,
// eval_every, eval_limit, augment). A different optimizer kind restarts its state from zero.
// batch and seed need trainer_setup: false with a message if they differ.
bool trainer_update_config(Trainer* t, const TrainConfig& cfg, std::string* err);

// Runs up to n steps (completing any evaluation they make due). Runs even while paused (the page's
// "one step" button). Returns the steps taken: fewer than n when training finishes or a fault
// stops it.
int trainer_step(Trainer* t, int n);
// Runs slices of steps (and evaluation chunks) while the next one is expected to end within
// budget_ms, at least one per call; nothing while paused or finished. A step may be left open and
// is continued by the next call (or completed by trainer_step). Returns the steps completed.
int trainer_run_for(Trainer* t, double budget_ms);
// Runs whole steps off *steps_left (the page's Step button, several asked for at once) while
// budget_ms lasts, at least one, even while paused: each step taken comes off *steps_left, which
// drops to 0 when a step cannot be taken (training finished or a fault). Returns the steps taken.
int trainer_step_for(Trainer* t, int64_t* steps_left, double budget_ms);
// Runs until finished or a fault (the command-line tool; evaluating in place). Returns the steps taken.
int64_t trainer_run_to_end(Trainer* t);

// Evaluation elsewhere (Trainer::eval_elsewhere). True while no step may begin: kMaxEvalsWaiting
// evaluations are unanswered (trainer_run_for and trainer_step_for then return without taking one,
// and Step's count is kept).
bool trainer_eval_blocked(const Trainer* t);
// The answer to the oldest waiting request, which must be `id` (false, and nothing changes, for
// any other: a reset or a new setup dropped the request). Records the evaluation point.
bool trainer_eval_answer(Trainer* t, uint64_t id, const EvalResult& r);
// Runs a request: loads its state into net (a network built from the same model text and batch as
// the trainer's) and evaluates as the trainer would have. False with a message when the state
// does not fit net.
bool evaluate_request(Network* net, const Dataset& d, const EvalRequest& q, EvalResult* out, std::string* err);

void trainer_pause(Trainer* t);
void trainer_resume(Trainer* t);  // also clears a fault (after, say, the learner lowered lr)

// Learning rate the next step will use.
float trainer_current_lr(const Trainer* t);
double trainer_epoch_progress(const Trainer* t);  // fractional epochs done, e.g. 2.25

// Monotonic clock in milliseconds (emscripten_get_now in the browser, steady_clock natively).
double now_ms();

}  // namespace cnn
