// What `tinyml detect` and `tinyml listen` share: the model, its labels,
// the frontend chosen for it, and the KwsPipeline that runs them, plus the
// options that configure them and the way detections are printed.
#ifndef TINYML_TOOLS_CLI_KWS_SESSION_H_
#define TINYML_TOOLS_CLI_KWS_SESSION_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/kws_metadata.h"
#include "common/model_file.h"
#include "kws/pipeline.h"
#include "tinyml/detector.h"
#include "tinyml/frontend.h"

namespace tinyml::cli {

struct KwsOptions {
  std::string model;
  std::string labels;      // comma-separated, in the model's output order
  std::string frontend;    // "", "micro_speech" or "mfcc"
  double threshold = -1.0;  // probability; < 0: the model's own (tinyml-kws metadata), else kDefaultThreshold
  std::string background;  // comma-separated label names; default: silence/unknown-like names
  int32_t stride_frames = 1;
  int32_t smoothing = 3;
  int32_t cooldown_ms = 1500;
  bool json = false;
};

constexpr double kDefaultThreshold = 0.8;

// The bundled wake-word model `detect` and `listen` use without --model:
// $TINYML_MODEL when set, else models/marvin.tflite of the source tree.
std::string DefaultModelPath();

// Adds --model, --labels, --frontend, --threshold, ... to `sub`.
void AddKwsOptions(CLI::App* sub, KwsOptions* options);

// Parses a --frontend name; throws UsageError for an unknown one.
FrontendConfig FrontendByName(const std::string& name);

class KwsSession {
 public:
  // Loads and prepares the model, checks labels against its outputs, picks
  // the frontend. Throws FileError / UsageError with a one-line message.
  explicit KwsSession(const KwsOptions& options);

  // Runs samples through; calls `on_detection` for each detection.
  void Push(const int16_t* samples, size_t count, const std::function<void(const Detection&)>& on_detection);

  // Each label's highest smoothed score over everything pushed so far, as a
  // Detection (frame and time of the first invoke that reached it; score 0
  // at frame -1 before any invoke), in label order.
  const std::vector<Detection>& peaks() const { return peaks_; }

  const std::vector<std::string>& labels() const { return labels_; }
  const std::string& model_path() const { return options_.model; }
  double threshold() const { return options_.threshold; }
  // The model's tinyml-kws metadata, when it has one.
  const std::optional<tools::KwsMetadata>& metadata() const { return metadata_; }
  const FrontendConfig& frontend_config() const { return frontend_config_; }
  std::string frontend_name() const;
  KwsPipeline& pipeline() { return pipeline_; }

  // One detection as a JSON object, or formatted as a JSON line or a table
  // row (see TableHeader()).
  nlohmann::json ToJson(const Detection& d) const;
  std::string Format(const Detection& d, bool json) const;
  static std::string TableHeader();

 private:
  KwsOptions options_;  // as given, with defaults from the model's metadata filled in
  std::optional<tools::KwsMetadata> metadata_;
  std::unique_ptr<tools::ModelFile> model_;
  std::unique_ptr<tools::ArenaInterpreter> runner_;
  std::vector<std::string> labels_;
  FrontendConfig frontend_config_;
  tools::AlignedBuffer memory_;
  KwsPipeline pipeline_;
  std::vector<Detection> peaks_;
};

}  // namespace tinyml::cli

#endif  // TINYML_TOOLS_CLI_KWS_SESSION_H_
