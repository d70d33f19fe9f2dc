// pytorch_download.cpp: the "PyTorch" button's download.
#include "app.h"
#include "share.h"
#include "cnn/export.h"
#include "session.h"

// The model as a PyTorch script (issue 11): the same nn.Module the cross-check referees, with the
// trained weights embedded, downloaded as a .py file. Before any training it carries the initial
// weights, which is still a faithful starting point for a learner's own training loop.
void DownloadPytorch(AppState& app) {
  ShareState& sh = app.share;
  SessionEnsure(app);
  if (!app.session || !app.session->ready) {
    std::string why;
    TrainingAllowed(app, &why);
    sh.file_message = "Nothing to export yet: " + (why.empty() ? std::string("the network is not built") : why);
    sh.file_message_is_error = true;
    return;
  }
  cnn::PytorchExportOptions opt;
  opt.model_text = app.session->net_text;
  // forward() takes raw pixels (byte / 255) and standardizes them as the page did before training.
  if (app.session->data_ok) opt.data = cnn::data_notes_from_dataset(app.session->data);
  std::string script, err;
  if (!cnn::export_pytorch(app.session->net.spec, &app.session->net, opt, &script, &err)) {
    sh.file_message = "PyTorch export failed: " + err;
    sh.file_message_is_error = true;
    return;
  }
  std::string name = ModelFileStem(app) + ".py";
  for (char& c : name)
    if (c == '-') c = '_';  // a Python module name
  DownloadAndSay(app, script, name, "exported");
}
