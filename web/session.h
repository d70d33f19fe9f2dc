// session.h: the engine objects behind the page: the dataset, the network built from the last
// valid model text, and the trainer. Only session.cpp and the panels that look inside (issue 9's
// views) include this; the rest of web/ goes through the functions declared in app.h.
#pragma once
#include <string>
#include <vector>

#include "app.h"
#include "cnn/data.h"
#include "cnn/net.h"
#include "cnn/train.h"

struct Session {
  // Dataset
  std::vector<cnn::DatasetInfo> catalog;  // dataset_list(), filtered for this platform
  std::string data_name;                  // what `data` holds ("" = nothing yet)
  cnn::Dataset data;
  bool data_ok = false;
  std::string data_error;
  std::vector<int64_t> train_counts, test_counts;  // samples per class

  // Network and trainer, built from the model text `net_text` with batch `net_batch`.
  std::string net_text;
  std::string net_data_name;
  int net_batch = 0;
  int net_seed = 0;
  cnn::Network net;
  cnn::Trainer trainer;
  bool ready = false;          // trainer_setup succeeded
  std::string error;           // why not ready (for the training panel)
  size_t copied_steps = 0, copied_evals = 0;  // history entries already copied into the run
};

cnn::TrainConfig MakeTrainConfig(const TrainSettings& s);
