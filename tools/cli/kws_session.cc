#include "cli/kws_session.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cli/cli_common.h"
#include "common/kws_metadata.h"

#ifndef TINYML_SOURCE_DIR
#define TINYML_SOURCE_DIR "."
#endif

namespace tinyml::cli {
namespace {

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    parts.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  if (!text.empty() && text.back() == ',') parts.push_back("");
  return parts;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Labels that mean "no keyword" in the usual datasets.
bool IsBackgroundName(const std::string& label) {
  std::string l = Lower(label);
  while (!l.empty() && l.front() == '_') l.erase(l.begin());
  while (!l.empty() && l.back() == '_') l.pop_back();
  return l == "silence" || l == "unknown" || l == "background" || l == "noise" || l == "negative" ||
         l == "background_noise";
}

std::string ShapeText(const Tensor& t) {
  std::string s = std::string(TensorTypeName(t.type)) + "[";
  for (int i = 0; i < t.rank; ++i) s += (i > 0 ? "," : "") + std::to_string(t.dims[i]);
  return s + "]";
}

int32_t ToQ15(double probability) {
  return static_cast<int32_t>(std::lround(probability * kScoreOne));
}

}  // namespace

std::string DefaultModelPath() {
  const char* env = std::getenv("TINYML_MODEL");
  if (env != nullptr && *env != '\0') return env;
  return std::string(TINYML_SOURCE_DIR) + "/models/marvin.tflite";
}

void AddKwsOptions(CLI::App* sub, KwsOptions* o) {
  sub->add_option("--model,-m", o->model,
                  "classifier .tflite: input 0 = a window of feature frames, output 0 = one score per label "
                  "(default: the bundled wake-word model, " + DefaultModelPath() + ", or $TINYML_MODEL)")
      ->type_name("MODEL");
  sub->add_option("--labels,-l", o->labels,
                  "label names, comma-separated, in the model's output order (e.g. silence,unknown,yes,no); "
                  "default: the model's own (tinyml-trained models carry them)")
      ->type_name("A,B,C");
  sub->add_option("--frontend", o->frontend,
                  "features: micro_speech (TFLM log-mel, 49x40) or mfcc (MLPerf KWS, 49x10); default: "
                  "chosen from the model's input shape")
      ->type_name("NAME");
  sub->add_option("--threshold,-t", o->threshold,
                  "smoothed score a label must reach to fire, 0..1 (default: the model's tuned threshold for "
                  "tinyml-trained models, else 0.8)")
      ->type_name("T")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--background", o->background,
                  "labels that never fire, comma-separated (default: silence, unknown and the like)")
      ->type_name("A,B");
  sub->add_option("--stride", o->stride_frames, "run the model every N feature frames")
      ->type_name("N")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--smoothing", o->smoothing, "average the scores of the last N model runs")
      ->type_name("N")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--cooldown-ms", o->cooldown_ms, "no new detection for this long after one")
      ->type_name("MS")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  sub->add_flag("--json", o->json, "one JSON object per detection per line: time_s, label, score, ...");
}

FrontendConfig FrontendByName(const std::string& name) {
  if (name == "micro_speech") return FrontendConfig::MicroSpeech();
  if (name == "mfcc") return FrontendConfig::MlperfKws();
  throw UsageError("unknown frontend '" + name + "' (choose micro_speech or mfcc)");
}

KwsSession::KwsSession(const KwsOptions& given) : options_(given) {
  KwsOptions& options = options_;
  if (options.model.empty()) {
    options.model = DefaultModelPath();
    std::error_code ec;
    if (!std::filesystem::exists(options.model, ec)) {
      throw tools::FileError(options.model,
                             "the bundled wake-word model is missing; pass --model MODEL.tflite (and --labels "
                             "A,B,... unless it was trained by tinyml) or set TINYML_MODEL");
    }
  }
  model_ = tools::ModelFile::Load(options.model);
  metadata_ = tools::ParseKwsMetadata(tools::ReadModelDescription(model_->file_data(), model_->file_bytes()));
  if (metadata_) {
    if (options.labels.empty()) {
      for (size_t i = 0; i < metadata_->labels.size(); ++i) options.labels += (i ? "," : "") + metadata_->labels[i];
    }
    if (options.threshold < 0.0) options.threshold = metadata_->threshold;
    if (options.frontend.empty()) options.frontend = metadata_->frontend;
  }
  if (options.threshold < 0.0) options.threshold = kDefaultThreshold;
  if (!options.frontend.empty()) frontend_config_ = FrontendByName(options.frontend);
  runner_ = std::make_unique<tools::ArenaInterpreter>(model_->model(), AllOpsResolver());
  if (runner_->Prepare() != Status::kOk) throw tools::FileError(options.model, runner_->error());
  Interpreter& interp = runner_->interpreter();
  if (interp.inputs_size() < 1 || interp.outputs_size() < 1) {
    throw tools::FileError(options.model, "is not a classifier: it needs at least one input and one output");
  }
  if (options.frontend.empty()) {
    if (FrontendConfigForModel(interp, &frontend_config_) != Status::kOk) {
      throw tools::FileError(options.model, "cannot choose a frontend from input 0 " + ShapeText(*interp.input(0)) +
                                                " (known: int8 49x40 for micro_speech, 49x10 for mfcc); pass "
                                                "--frontend");
    }
  } else if (frontend_config_.kind == FrontendKind::kMfcc) {
    // Quantize MFCCs the way this model's input expects.
    const TensorMeta meta = interp.model().tensor(interp.model().input_tensor(0));
    if (meta.quant.count >= 1) {
      frontend_config_.output_scale = meta.quant.scale(0);
      frontend_config_.output_zero_point = static_cast<int32_t>(meta.quant.zero_point(0));
    }
  }

  DetectorConfig dc;
  dc.stride_frames = options.stride_frames;
  dc.smoothing_invokes = options.smoothing;
  dc.default_threshold = ToQ15(options.threshold);
  char error[160] = {};
  if (DetectorConfigForModel(interp, frontend_config_, &dc, error, sizeof(error)) != Status::kOk) {
    throw tools::FileError(options.model, std::string(error) + " (input 0 " + ShapeText(*interp.input(0)) +
                                              ", output 0 " + ShapeText(*interp.output(0)) + ", frontend " +
                                              frontend_name() + ")");
  }
  const int32_t hop_ms = std::max<int32_t>(1, dc.hop_ms);
  dc.cooldown_frames = (options.cooldown_ms + hop_ms - 1) / hop_ms;

  if (options.labels.empty()) {
    for (int32_t i = 0; i < dc.num_labels; ++i) labels_.push_back(std::to_string(i));
  } else {
    labels_ = SplitCommas(options.labels);
    for (const std::string& l : labels_) {
      if (l.empty()) throw UsageError("--labels has an empty name: '" + options.labels + "'");
    }
    if (static_cast<int32_t>(labels_.size()) != dc.num_labels) {
      throw tools::FileError(options.model, "has " + std::to_string(dc.num_labels) + " output scores (output 0 " +
                                                ShapeText(*interp.output(0)) + ") but --labels names " +
                                                std::to_string(labels_.size()));
    }
  }

  // As the firmware runs it: micro_speech's constant tables when the
  // model's frontend is that one, the frontend's scratch in the arena.
  const FrontendTables* tables = FrontendTables::For(frontend_config_);
  size_t bytes = 0;
  if (KwsPipeline::RequiredBytes(frontend_config_, tables, dc, interp, &bytes) != Status::kOk)
    throw tools::FileError(options.model, "frontend or detector configuration rejected");
  memory_ = tools::AlignedBuffer(bytes);
  if (pipeline_.Init(frontend_config_, tables, dc, &interp, memory_.data(), memory_.size()) != Status::kOk) {
    throw tools::FileError(options.model, pipeline_.error());
  }
  std::vector<bool> background(labels_.size(), false);
  if (!options.background.empty()) {
    for (const std::string& name : SplitCommas(options.background)) {
      auto it = std::find(labels_.begin(), labels_.end(), name);
      if (it == labels_.end()) throw UsageError("--background names '" + name + "', which is not in --labels");
      background[it - labels_.begin()] = true;
    }
  } else {
    for (size_t i = 0; i < labels_.size(); ++i) background[i] = IsBackgroundName(labels_[i]);
  }
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (pipeline_.detector().SetBackground(static_cast<int32_t>(i), background[i]) != Status::kOk) {
      throw tools::FileError(options.model, pipeline_.detector().error());
    }
  }
  peaks_.resize(labels_.size());
  for (size_t i = 0; i < peaks_.size(); ++i) {
    peaks_[i].label = static_cast<int32_t>(i);
    peaks_[i].frame_index = -1;
  }
}

std::string KwsSession::frontend_name() const {
  return frontend_config_.kind == FrontendKind::kMfcc ? "mfcc" : "micro_speech";
}

void KwsSession::Push(const int16_t* samples, size_t count, const std::function<void(const Detection&)>& on_detection) {
  auto trampoline = [](void* context, const Detection& d) {
    (*static_cast<const std::function<void(const Detection&)>*>(context))(d);
  };
  auto* context = const_cast<std::function<void(const Detection&)>*>(&on_detection);
  // One hop at a time: each piece completes at most one frame, so every
  // invoke's smoothed scores are seen (the same pieces the pipeline cuts).
  const Detector& detector = pipeline_.detector();
  const size_t hop = static_cast<size_t>(std::max<int32_t>(1, frontend_config_.hop_samples));
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(hop, count - done);
    const int64_t invokes = detector.invokes();
    if (pipeline_.Push(samples + done, n, trampoline, context) != Status::kOk) {
      throw tools::FileError(options_.model, pipeline_.error());
    }
    done += n;
    if (detector.invokes() == invokes) continue;
    const int64_t frame = detector.frames_seen() - 1;
    for (size_t i = 0; i < peaks_.size(); ++i) {
      const int32_t score = detector.smoothed_scores()[i];
      if (peaks_[i].frame_index >= 0 && score <= peaks_[i].score) continue;
      peaks_[i].score = score;
      peaks_[i].frame_index = frame;
      peaks_[i].time_ms = frame * detector.config().hop_ms + detector.config().window_ms;
    }
  }
}

std::string KwsSession::TableHeader() { return "  time_s  label                 score"; }

nlohmann::json KwsSession::ToJson(const Detection& d) const {
  nlohmann::json j;
  j["time_s"] = std::round(static_cast<double>(d.time_ms)) / 1000.0;
  j["label"] = labels_[d.label];
  j["label_index"] = d.label;
  j["score"] = std::round(static_cast<double>(d.score) / kScoreOne * 10000.0) / 10000.0;
  j["frame"] = d.frame_index;
  return j;
}

std::string KwsSession::Format(const Detection& d, bool json) const {
  if (json) return ToJson(d).dump();
  const double time_s = static_cast<double>(d.time_ms) / 1000.0;
  const double score = static_cast<double>(d.score) / kScoreOne;
  char line[256];
  std::snprintf(line, sizeof(line), "%8.2f  %-20s %6.3f", time_s, labels_[d.label].c_str(), score);
  return line;
}

}  // namespace tinyml::cli
