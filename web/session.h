// session.h: the engine objects behind the page: the dataset, the network built from the last
// valid model text, and the trainer. Only session.cpp and the panels that look inside (issue 9's
// views) include this; the rest of web/ goes through the functions declared in app.h.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "app.h"
#include "cnn/data.h"
#include "cnn/diagnose.h"
#include "cnn/net.h"
#include "cnn/train.h"

// The trainer in a dedicated Web Worker (issue 19; session_worker.cpp). While it is on, the
// session's trainer and network below MIRROR the worker's (its reports); the page trains in the
// frame only when it is off (no Worker, ?worker=0, or it failed: then from its last checkpoint).
struct WorkerLink {
  enum State { kOff, kLoading, kReady };
  State state = kOff;
  bool started = false;
  std::string failure;        // why the page trains in the frame ("" = never had a worker problem)
  int32_t gen = 0;            // setup generation: reports of an older network are dropped
  uint32_t seq = 0;           // commands posted
  uint32_t ctl_seq = 0;       // the last command that changes what runs (steps, pause, reset...)
  uint32_t base_seq = 0;      // the last setup or reset: older reports belong to another run
  std::string data_key;       // the dataset the worker holds (name#revision)
  int kernels_sent = -1;      // the SIMD switch as the worker has it
  int threads = 1;            // as the worker reports it
  int report_every_ms = 100;  // the worker's reports while it trains: one every this many ms
  // The worker's evaluator (a worker of its own): 0 none (the worker evaluates), 1 loading (also
  // before the worker's first report says), 2 in use.
  int evaluator = 1;
  std::string evaluator_failure;                    // why it does not ("" = never had an evaluator problem)
  int64_t evaluator_answers = 0, steps_beside = 0;  // evaluations it made; steps taken meanwhile
  int64_t eval_waiting_step = -1;                   // the step of the oldest evaluation not in the curves yet; -1 none
  int64_t reports = 0, snapshots = 0, weights_step = -1;
  std::vector<uint8_t> checkpoint;  // the last report carrying the whole trainer state
  int64_t checkpoint_step = -1;
};

struct Session {
  // Dataset
  std::string data_name;  // what `data` holds ("" = nothing yet)
  cnn::Dataset data;
  bool data_ok = false;
  std::string data_error;
  std::vector<int64_t> train_counts, test_counts;  // samples per class
  int data_revision = 0;                           // bumps whenever `data` changes (grid cache)

  // Datasets that are not generated: fetched (fashion-mnist's packed web file) or the learner's
  // own files ("my-data", "my-data-2", ...: a new name per upload, so every cache keyed by the
  // dataset name sees the change; only the latest upload is kept). Parked here while another
  // dataset is shown, so going back costs no second download.
  std::map<std::string, cnn::Dataset> parked;
  std::string upload_name;  // latest upload ("" = none)
  std::string upload_desc;  // "pets.csv (CSV)" for the data panel
  int upload_count = 0;

  // A fetch of a web file in progress (data.js reports progress; "" = none).
  std::string fetch_name;
  double fetch_bytes = 0, fetch_total = 0;
  // Downloaded, waiting to be unpacked: one frame later, so the panel can say so before the
  // frame that inflates and converts it (about 0.2 s in Chromium).
  std::vector<uint8_t> fetched;
  bool unpacking = false;
  int unpack_frames = 0;
  double fetched_ms = 0;
  // The learner's files being read and decoded by data.js (pictures one by one).
  bool upload_busy = false;
  int upload_done = 0, upload_total = 0;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> pending_files;
  std::vector<cnn::LabeledImage> pending_images;  // already resampled to the sample size
  int pending_h = 28, pending_w = 28, pending_c = 1;
  // Picture uploads: the sample size and colour they are resampled to (data panel widgets).
  int upload_side = 28;
  bool upload_rgb = false;
  // The last load's outcome for the data panel and getState (errors keep the current dataset).
  std::string data_message;
  bool data_message_error = false;
  double last_fetch_ms = 0, last_decode_ms = 0;  // fashion-mnist: download, then inflate+convert
  double last_fetch_bytes = 0;

  // Network and trainer, built from the model text `net_text` with batch `net_batch`.
  std::string net_text;
  std::string net_data_name;
  int net_batch = 0;
  int net_seed = 0;
  int net_limit_train = 0;  // the training subset the trainer was set up with (settings.limit_train)
  cnn::Network net;
  cnn::Trainer trainer;
  // The settings trainer.cfg was made from: any other settings go to trainer_update_config (the
  // comparison is cnn::Settings' own, over the whole list in cnn/settings.inc).
  cnn::Settings trainer_settings;
  // The Training panel's diagnosis of the run (TrainingDiagnosis) and the history it was made from.
  struct DiagnosisCache {
    cnn::RunDiagnosis of;
    size_t steps = size_t(-1), evals = size_t(-1);
  } diagnosis;
  bool ready = false;                         // trainer_setup succeeded
  std::string error;                          // why not ready (for the training panel)
  size_t copied_steps = 0, copied_evals = 0;  // history entries already copied into the run
  WorkerLink worker;
};

// The training worker (session_worker.cpp). Commands are the worker_protocol.h message types.
bool SessionWorkerOn(const Session& s);
void SessionWorkerStart(Session& s);                  // once; off where there is no Worker
void SessionWorkerSetup(AppState& app, Session& s);   // after the page built its trainer
void SessionWorkerConfig(AppState& app, Session& s);  // settings changed on the fly
void SessionWorkerCommand(Session& s, uint32_t type, int32_t arg = 0);
void SessionWorkerWeights(Session& s);              // the page's weights changed (a model file)
void SessionWorkerSync(AppState& app, Session& s);  // every frame (the SIMD switch)
void SessionWorkerFailed(AppState& app, const std::string& why);
void SessionSyncRun(AppState& app);  // the trainer's new history into the current run (session.cpp)

// Data loading from the page (session.cpp; data.js calls them through js_api.cpp).
Session& SessionGet(AppState& app);
bool IsUploadName(const std::string& name);  // "my-data", "my-data-2", ...
const cnn::DatasetInfo* CatalogInfo(const std::string& name);
void SessionFetchProgress(AppState& app, double bytes, double total);
// bytes == nullptr with a message: the fetch failed (the current dataset stays)
void SessionFetchDone(AppState& app, const std::string& name, const uint8_t* bytes, size_t n, const std::string& error,
                      double fetch_ms);
void SessionCancelFetch(AppState& app, const std::string& why);
void SessionUploadBegin(AppState& app, int total);
void SessionUploadProgress(AppState& app, int done);
bool SessionUploadAddFile(AppState& app, const std::string& name, const uint8_t* bytes, size_t n);
bool SessionUploadAddImage(AppState& app, const std::string& path, const uint8_t* px, int h, int w, int c);
bool SessionUploadFinish(AppState& app, bool images);               // makes the dataset and switches to it
void SessionUploadFail(AppState& app, const std::string& message);  // from data.js (decode error, limits)
void SessionPickFiles(AppState& app, bool folder);                  // opens data.js's hidden <input type=file>
