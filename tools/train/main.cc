// `tinyml-train` (run as `tinyml train`): a wake-word model from text.
//
// Synthesizes a training set (training voices) and a validation set
// (held-out voices) through BuildDataset, picks the largest zoo model that
// fits the file and arena budgets, trains it (float, then
// quantization-aware) with checkpoints every epoch, exports an int8
// .tflite, checks it against the fake-quantized libtorch model in the
// tinyml interpreter, chooses the detection threshold on held-out streams
// (when the evaluation library is built) and writes OUT/WORD.tflite,
// OUT/det.svg and OUT/report.json.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/kws_metadata.h"
#include "common/model_file.h"
#include "data/dataset.h"
#include "data/tts.h"
#include "model/trainer.h"
#include "model/zoo.h"
#ifdef TINYML_HAVE_EVAL
#include "eval/evaluate.h"
#endif

namespace tinyml::train {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr double kMinAgreement = 0.98;
constexpr double kDefaultTotalMinutes = 30.0;
// Default share of the 30 minutes for generating the training set.
constexpr double kDataMinutes = 11.0;
constexpr double kFallbackClips = 0.4;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void PrintError(const std::string& message) { std::fprintf(stderr, "tinyml train: error: %s\n", OneLine(message).c_str()); }

std::string Duration(double s) {
  char buf[32];
  const long t = static_cast<long>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof(buf), "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else
    std::snprintf(buf, sizeof(buf), "%ldm%02lds", t / 60, t % 60);
  return buf;
}

// A progress bar on stderr: redrawn in place on a terminal (at most 10 times
// a second), one line per 10 % otherwise; nothing when quiet.
class Progress {
 public:
  Progress(bool quiet) : quiet_(quiet), tty_(isatty(2) != 0) {}
  void Start(const std::string& label) {
    label_ = label;
    start_ = Clock::now();
    last_draw_ = Clock::time_point{};
    last_decile_ = -1;
  }
  bool tty() const { return tty_; }
  void Update(size_t done, size_t total, const std::string& extra = "") {
    if (quiet_ || total == 0) return;
    const double frac = static_cast<double>(done) / static_cast<double>(total);
    const int decile = static_cast<int>(frac * 10.0);
    const bool finished = done >= total;
    if (tty_) {
      if (!finished && Clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
      last_draw_ = Clock::now();
    } else if (decile == last_decile_ && !finished) {
      return;
    }
    last_decile_ = decile;
    const int width = 28;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '.');
    const double elapsed = Seconds(start_);
    const std::string eta = done > 0 && !finished ? " ETA " + Duration(elapsed / frac - elapsed) : "";
    std::fprintf(stderr, "%s%-22s [%s] %3d%% %zu/%zu %s%s%s%s", tty_ ? "\r" : "", label_.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100.0), done, total, Duration(elapsed).c_str(), eta.c_str(),
                 extra.empty() ? "" : "  ", extra.c_str());
    if (tty_) std::fprintf(stderr, "\033[K");
    if (!tty_ || finished) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
  void Line(const std::string& text) {
    if (quiet_) return;
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
  }

 private:
  bool quiet_;
  bool tty_;
  std::string label_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  int last_decile_ = -1;
};

struct Options {
  std::string word;
  std::string out;
  size_t size_budget = 14336;
  size_t arena_budget = 8192;
  double minutes = 0.0;  // 0: whatever the 30-minute total leaves
  int32_t epochs = 0;
  uint64_t seed = 1;
  std::string arch = "auto";
  int workers = 0;
  double clips = 0.0;  // 0: as many as about kDataMinutes of generation allow
  double val_clips = 0.06;
  std::string cache;
  double eval_minutes = 60.0;
  double target_fa_per_hour = 1.0;
  int threads = 0;
  double hard_negative_weight = TrainConfig{}.hard_negative_weight;
  double focal_gamma = TrainConfig{}.focal_gamma;
  double speaker_warp = TrainConfig{}.speaker_warp;
  double weight_average = TrainConfig{}.weight_average;
  double flite_warp = DatasetConfig{}.flite_warp;
  double espeak_speakers = DatasetConfig{}.espeak_speakers;
  double reduced_vowels = DatasetConfig{}.reduced_vowels;
  double near_confusables = DatasetConfig{}.near_confusables;
  double negative_weight = TrainConfig{}.negative_weight;
  double label_smoothing = TrainConfig{}.label_smoothing;
  double mine_minutes = 0.0;  // 0: no hard-negative mining round
  size_t mine_windows = 6000;
  double mine_min_score = 0.0;
  int mine_fine_tune = 0;  // epochs; 0: the mined round trains from scratch
  int mine_rounds = 1;
  bool balance = true;
  bool quiet = false;
};

// The label and file name for a word ("hey marvin" -> "hey_marvin").
std::string WordLabel(const std::string& word) {
  std::string s = word;
  for (char& c : s)
    if (c == ' ') c = '_';
  return s;
}

std::string Description(const std::string& word, double threshold) {
  tools::KwsMetadata meta;
  meta.word = WordLabel(word);
  meta.labels = {"background", WordLabel(word)};
  meta.threshold = threshold;
  meta.frontend = "micro_speech";
  return tools::FormatKwsMetadata(meta);
}

void ValidateWord(const std::string& word) {
  try {
    ValidateText(word);
  } catch (const TtsError& e) {
    throw UsageError(std::string("--word: ") + e.what());
  }
  for (char c : word)
    if (c == '.' || c == ',' || c == '?' || c == '!')
      throw UsageError("--word: '" + word + "' holds sentence punctuation; give the wake word alone");
}

// Creates OUT and proves it writable with an atomic probe write.
void PrepareOutDir(const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec || !std::filesystem::is_directory(out))
    throw std::runtime_error(out + ": cannot create the output directory" + (ec ? " (" + ec.message() + ")" : ""));
  const std::string probe = (std::filesystem::path(out) / ".tinyml-train-probe").string();
  const char byte = 0;
  tools::WriteFileAtomic(probe, &byte, 1);  // throws FileError naming the file
  std::filesystem::remove(probe, ec);
}

// Training clips at --clips 1.
size_t DefaultClipTotal() {
  size_t total = 0;
  for (size_t c : DatasetConfig{}.clips_per_kind) total += c;
  return total;
}

std::vector<size_t> ScaledClips(double scale) {
  std::vector<size_t> clips = DatasetConfig{}.clips_per_kind;
  for (size_t& c : clips) c = std::max<size_t>(1, static_cast<size_t>(static_cast<double>(c) * scale + 0.5));
  return clips;
}

// Ctrl-C / kill: say how to resume (checkpoints and the dataset cache are
// written atomically, so whatever is on disk is complete).
char g_interrupt_message[512];
size_t g_interrupt_length = 0;
pid_t g_main_pid = 0;

void OnInterrupt(int) {
  // Forked data workers inherit the handler; only the command itself speaks.
  if (g_interrupt_length > 0 && getpid() == g_main_pid) (void)!write(2, g_interrupt_message, g_interrupt_length);
  _exit(130);
}

void InstallInterruptHandler(const std::string& out) {
  const std::string m = "\ntinyml train: interrupted; run the same command again to resume (" + out + ")\n";
  g_interrupt_length = std::min(m.size(), sizeof(g_interrupt_message));
  std::memcpy(g_interrupt_message, m.data(), g_interrupt_length);
  g_main_pid = getpid();
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
}

void WriteText(const std::string& path, const std::string& text) { tools::WriteFileAtomic(path, text.data(), text.size()); }

// --clips 0: the training-set scale that the measured generation rate of
// the validation set fits in kDataMinutes (0.1 .. 1), remembered in
// OUT/data_plan.json so a rerun (whose sets come from the cache) uses the
// same data. Machine-dependent by nature; pass --clips to reproduce.
double ChooseClipScale(const Options& opt, const std::string& out, size_t val_clips, double val_seconds,
                       Progress& progress) {
  if (opt.clips > 0.0) return opt.clips;
  const std::string plan_path = (std::filesystem::path(out) / "data_plan.json").string();
  const std::string key = opt.word + "|" + std::to_string(opt.seed) + "|" + std::to_string(opt.val_clips);
  try {
    std::ifstream in(plan_path);
    if (in) {
      const nlohmann::json plan = nlohmann::json::parse(in);
      if (plan.at("key").get<std::string>() == key) return plan.at("clips").get<double>();
    }
  } catch (const std::exception&) {
    // An unreadable plan is replaced below.
  }
  const size_t default_total = DefaultClipTotal();
  double scale = kFallbackClips;
  if (val_seconds > 5.0 && val_clips > 0) {  // generated now, not read from the cache
    const double rate = static_cast<double>(val_clips) / val_seconds;
    scale = std::clamp(rate * kDataMinutes * 60.0 / static_cast<double>(default_total), 0.1, 1.0);
    scale = std::floor(scale * 100.0) / 100.0;
    char line[160];
    std::snprintf(line, sizeof(line), "data: %.1f clips/s here, so %.0f training clips (--clips %.2f)", rate,
                  scale * static_cast<double>(default_total), scale);
    progress.Line(line);
  }
  WriteText(plan_path, nlohmann::json{{"key", key}, {"clips", scale}}.dump() + "\n");
  return scale;
}

int Run(const Options& opt) {
  const auto start = Clock::now();
  Progress progress(opt.quiet);
  // Everything that can be checked before spending time is checked here.
  ValidateWord(opt.word);
  if (opt.clips < 0.0 || opt.clips > 100.0 || opt.val_clips <= 0.0 || opt.val_clips > 100.0)
    throw UsageError("--clips must be in 0..100 (0 = automatic) and --val-clips in (0, 100]");
  if (opt.minutes < 0.0) throw UsageError("--minutes must not be negative");
  if (opt.mine_rounds > 1 && !(opt.mine_minutes > 0))
    throw UsageError("--mine-rounds " + std::to_string(opt.mine_rounds) + " needs --mine-minutes (how much to mine)");
  const std::string label = WordLabel(opt.word);
  ArchChoice choice;
  try {
    choice = PickArch(opt.arch, opt.size_budget, opt.arena_budget, Description(opt.word, 0.5));
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const std::string out = opt.out.empty() ? "out/" + label : opt.out;
  PrepareOutDir(out);
  InstallInterruptHandler(out);
  const std::string cache = opt.cache.empty() ? (std::filesystem::path(out) / "cache").string() : opt.cache;
  const std::string model_path = (std::filesystem::path(out) / (label + ".tflite")).string();

  const ModelStats& st = choice.stats;
  progress.Line("model " + choice.arch.name + ": " + std::to_string(st.params) + " parameters, " +
                std::to_string(st.macs) + " MACs, " + std::to_string(st.file_bytes) + " bytes (budget " +
                std::to_string(opt.size_budget) + "), arena " + std::to_string(st.arena_bytes) + " bytes (budget " +
                std::to_string(opt.arena_budget) + ")");

#ifndef TINYML_HAVE_DATASET
  (void)cache;
  (void)model_path;
  throw std::runtime_error("this build has no dataset generator (train/data/dataset.cc is missing)");
#else
  DatasetConfig val_cfg;
  val_cfg.word = opt.word;
  val_cfg.seed = opt.seed + 7777;
  val_cfg.held_out = true;
  val_cfg.clips_per_kind = ScaledClips(opt.val_clips);
  val_cfg.workers = opt.workers;
  DatasetConfig train_cfg = val_cfg;
  train_cfg.seed = opt.seed;
  train_cfg.held_out = false;
  train_cfg.flite_warp = opt.flite_warp;  // training data only: held-out voices stay as they are
  train_cfg.espeak_speakers = opt.espeak_speakers;  // likewise
  train_cfg.reduced_vowels = opt.reduced_vowels;
  train_cfg.near_confusables = opt.near_confusables;  // training data only: validation keeps every confusable equal
  if (opt.near_confusables > 0) {
    std::string list;
    for (const auto& w : NearestConfusablesFor(opt.word)) list += (list.empty() ? "" : ", ") + w;
    progress.Line("data: " + std::to_string(std::lround(100 * opt.near_confusables)) +
                  " % of the confusable clips say one of the nearest: " + list);
  }
  if (opt.reduced_vowels > 0) {
    const std::vector<std::string> forms = ReducedFormsFor(opt.word);
    std::string list;
    for (const auto& f : forms) list += (list.empty() ? "" : ", ") + f;
    progress.Line(forms.empty() ? "data: espeak has no reduced-vowel form of '" + opt.word +
                                      "'; every positive says it as spelled"
                                : "data: " + std::to_string(std::lround(100 * opt.reduced_vowels)) + " % of the positives say a reduced form: " +
                                      list);
  }

  // The validation set comes first: its generation rate sizes the training
  // set when --clips is automatic.
  const auto val_start = Clock::now();
  progress.Start("data: validation");
  const Dataset val = BuildDataset(val_cfg, cache, [&](size_t d, size_t t) { progress.Update(d, t); });
  const double val_seconds = Seconds(val_start);
  const double clips = ChooseClipScale(opt, out, val.size(), val_seconds, progress);
  train_cfg.clips_per_kind = ScaledClips(clips);
  progress.Start("data: training");
  const Dataset train = BuildDataset(train_cfg, cache, [&](size_t d, size_t t) { progress.Update(d, t); });
  size_t positives = 0;
  for (uint8_t l : train.labels) positives += l;
  progress.Line("data: " + std::to_string(train.size()) + " training examples (" + std::to_string(positives) +
                " wake word), " + std::to_string(val.size()) + " validation examples, " + Duration(Seconds(start)));

  TrainConfig tc;
  tc.seed = opt.seed;
  tc.epochs = opt.epochs;
  tc.threads = opt.threads;
  tc.hard_negative_weight = opt.hard_negative_weight;
  tc.focal_gamma = opt.focal_gamma;
  tc.speaker_warp = opt.speaker_warp;
  tc.weight_average = opt.weight_average;
  tc.negative_weight = opt.negative_weight;
  tc.label_smoothing = opt.label_smoothing;
  tc.balance_classes = opt.balance;
  tc.checkpoint_dir = (std::filesystem::path(out) / "checkpoints").string();
#ifdef TINYML_HAVE_EVAL
  const double eval_reserve = opt.eval_minutes > 0 ? 5.0 : 1.0;
#else
  const double eval_reserve = 1.0;
#endif
  // --epochs alone is a fixed, reproducible plan: no clock. Without --epochs
  // (or with --minutes too) training stops on time.
  if (opt.minutes > 0) {
    tc.minutes = opt.minutes;
  } else if (opt.epochs > 0) {
    tc.minutes = 0.0;
  } else {
    tc.minutes = std::clamp(kDefaultTotalMinutes - 1.0 - Seconds(start) / 60.0 - eval_reserve, 2.0, 25.0);
  }
  TrainCallbacks cb;
  cb.note = [&](const std::string& s) { progress.Line(s); };
  int32_t current_epoch = 0;
  cb.batch = [&](int32_t epoch, size_t done, size_t total) {
    if (!progress.tty()) return;  // logs get the one line per epoch below
    if (epoch != current_epoch) {
      current_epoch = epoch;
      progress.Start("epoch " + std::to_string(epoch));
    }
    progress.Update(done, total);
  };
  cb.epoch = [&](const EpochReport& r) {
    char line[200];
    std::snprintf(line, sizeof(line), "epoch %d/%d %s loss %.4f train acc %.2f%% val acc %.2f%%  elapsed %s ETA %s",
                  r.epoch, r.epochs, r.qat ? "qat  " : "float", r.loss, 100.0 * r.train_accuracy,
                  100.0 * r.val_accuracy, Duration(r.elapsed_s).c_str(), Duration(r.eta_s).c_str());
    progress.Line(line);
  };
  TrainResult tr = TrainModel(choice.arch, train, val, tc, cb);
  std::vector<uint8_t> file = ExportTflite(tr.model, Description(opt.word, 0.5));

  nlohmann::json mining;
#ifdef TINYML_HAVE_EVAL
  if (opt.mine_minutes > 0) {
    // Hard-negative mining: the trained model runs over stream audio from
    // the training voices without the wake word; the windows it scores
    // highest join the training set as negatives and the model is trained
    // again (from scratch, or fine-tuned from the last round's checkpoint),
    // in its own checkpoint directory. Each round mines new stream audio
    // with the model the round before made, and keeps every earlier round's
    // windows. The mined windows are kept in OUT (mined-R.bin), so a rerun
    // resumes without mining again. The first round's model stays for
    // comparison (threshold not tuned).
    const std::filesystem::path dir(out);
    const std::string first = (dir / (label + "-before-mining.tflite")).string();
    tools::WriteFileAtomic(first, file.data(), file.size());
    mining = {{"first_model", first},
              {"first_epochs", tr.epochs_run},
              {"first_val_accuracy", tr.val_accuracy},
              {"min_score", opt.mine_min_score},
              {"fine_tune_epochs", opt.mine_fine_tune}};
    nlohmann::json& rounds = mining["rounds"] = nlohmann::json::array();
    Dataset grown = train;
    std::string last_checkpoint = (dir / "checkpoints" / "checkpoint.pt").string();
    for (int round = 1; round <= opt.mine_rounds; ++round) {
      const std::string suffix = round == 1 ? "" : "-" + std::to_string(round);
      MineConfig mc;
      mc.word = opt.word;
      mc.seed = opt.seed + 2000 + static_cast<uint64_t>(round - 1) * 100;  // new audio every round
      mc.stream_minutes = opt.mine_minutes;
      mc.max_windows = opt.mine_windows;
      mc.min_score = opt.mine_min_score;
      mc.workers = opt.workers;
      const uint64_t key = MiningKey(file, 1, mc);
      const std::string mined_path = (dir / ("mined" + suffix + ".bin")).string();
      MinedNegatives mined;
      bool reused = false;
      if (std::filesystem::exists(mined_path)) {
        std::ifstream in(mined_path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        reused = DecodeMined(bytes, key, &mined);
      }
      const std::string round_name = opt.mine_rounds > 1 ? "mining round " + std::to_string(round) : "mining";
      if (!reused) {
        progress.Start(round_name);
        mined = MineHardNegatives(file, 1, mc, [&](size_t d, size_t t) { progress.Update(d, t); });
        const std::string bytes = EncodeMined(mined, key);
        tools::WriteFileAtomic(mined_path, bytes.data(), bytes.size());
      }
      const size_t n = mined.data.size();
      const std::string from = reused ? " (read back from " + mined_path + ")" : "";
      char line[600];
      std::snprintf(line, sizeof(line),
                    "%s: %zu peaks in %.4g minutes of training-voice streams without the word%s; the %zu highest "
                    "(raw scores %.3f..%.3f) join the training set as negatives",
                    round_name.c_str(), mined.peaks, mined.minutes, from.c_str(), n,
                    n ? mined.scores.front() : 0.0, n ? mined.scores.back() : 0.0);
      progress.Line(line);
      nlohmann::json r = {{"minutes", mined.minutes}, {"peaks", mined.peaks}, {"windows", n}, {"seed", mc.seed}};
      if (n > 0) {
        r["highest_score"] = mined.scores.front();
        r["lowest_score"] = mined.scores.back();
      }
      rounds.push_back(r);
      if (n == 0) break;  // the model fires on nothing left to mine: done
      grown.x.insert(grown.x.end(), mined.data.x.begin(), mined.data.x.end());
      grown.labels.insert(grown.labels.end(), mined.data.labels.begin(), mined.data.labels.end());
      grown.kinds.insert(grown.kinds.end(), mined.data.kinds.begin(), mined.data.kinds.end());
      TrainConfig again = tc;
      again.checkpoint_dir = (dir / ("checkpoints-mined" + suffix)).string();
      if (opt.mine_fine_tune > 0) {
        // Fine-tuning: on from the last round's checkpoint, QAT only.
        again.init_checkpoint = last_checkpoint;
        again.epochs = opt.mine_fine_tune;
        again.minutes = 0.0;
        again.qat_learning_rate = tc.qat_learning_rate / 3.0;  // from a trained model: small steps
      }
      tr = TrainModel(choice.arch, grown, val, again, cb);
      file = ExportTflite(tr.model, Description(opt.word, 0.5));
      last_checkpoint = (std::filesystem::path(again.checkpoint_dir) / "checkpoint.pt").string();
      rounds.back()["val_accuracy"] = tr.val_accuracy;
      if (round < opt.mine_rounds) {
        const std::string between = (dir / (label + "-mining-round-" + std::to_string(round) + ".tflite")).string();
        tools::WriteFileAtomic(between, file.data(), file.size());
      }
    }
    // Totals over the rounds; the score range is the first round's.
    double minutes = 0.0;
    size_t peaks = 0, windows = 0;
    for (const nlohmann::json& r : rounds) {
      minutes += r["minutes"].get<double>();
      peaks += r["peaks"].get<size_t>();
      windows += r["windows"].get<size_t>();
    }
    mining["minutes"] = minutes;
    mining["peaks"] = peaks;
    mining["windows"] = windows;
    if (rounds[0].contains("highest_score")) {
      mining["highest_score"] = rounds[0]["highest_score"];
      mining["lowest_score"] = rounds[0]["lowest_score"];
    }
  }
#else
  if (opt.mine_minutes > 0) throw UsageError("--mine-minutes needs the evaluation library, which this build lacks");
#endif

  // Verify the export against the fake-quantized model.
  const TfliteCheck check = CheckTflite(file);
  const std::vector<int8_t> scores = RunTflite(file, val.x.data(), val.size());
  const Agreement ag = CompareScores(tr.val_scores, scores, kModelClasses);
  size_t correct = 0;
  for (size_t i = 0; i < val.size(); ++i) {
    const bool predicted = scores[i * 2 + 1] > scores[i * 2];
    correct += predicted == (val.labels[i] != 0) ? 1 : 0;
  }
  const double int8_accuracy = val.size() ? static_cast<double>(correct) / static_cast<double>(val.size()) : 0.0;
  // Accuracy of the int8 model per kind of validation clip (confusable
  // words and partial words are the hard negatives).
  nlohmann::json per_kind = nlohmann::json::object();
  for (int k = 0; k < kNumClipKinds; ++k) {
    size_t n = 0, right = 0;
    for (size_t i = 0; i < val.size(); ++i) {
      if (i >= val.kinds.size() || val.kinds[i] != k) continue;
      ++n;
      right += (scores[i * 2 + 1] > scores[i * 2]) == (val.labels[i] != 0) ? 1 : 0;
    }
    if (n > 0)
      per_kind[ClipKindName(static_cast<ClipKind>(k))] = {{"examples", n},
                                                          {"accuracy", static_cast<double>(right) / static_cast<double>(n)}};
  }
  char agree_line[200];
  std::snprintf(agree_line, sizeof(agree_line),
                "export: %zu bytes, arena %zu bytes; agreement with the fake-quantized model on %zu validation "
                "examples: top-1 %.2f%%, int8 scores equal %.2f%%, max diff %d steps",
                check.file_bytes, check.arena_bytes, ag.examples, 100.0 * ag.top1, 100.0 * ag.equal_outputs,
                ag.max_abs_diff);
  progress.Line(agree_line);
  if (ag.examples > 0 && ag.top1 < kMinAgreement)
    throw std::runtime_error("the exported model disagrees with the fake-quantized model (top-1 agreement " +
                             std::to_string(100.0 * ag.top1) + " % < 98 %): export or QAT arithmetic is wrong");

  nlohmann::json report;
  report["word"] = opt.word;
  report["seed"] = opt.seed;
  report["hard_negative_weight"] = opt.hard_negative_weight;
  report["negative_weight"] = opt.negative_weight;
  report["label_smoothing"] = opt.label_smoothing;
  report["focal_gamma"] = opt.focal_gamma;
  report["speaker_warp"] = opt.speaker_warp;
  report["weight_average"] = opt.weight_average;
  report["flite_warp"] = opt.flite_warp;
  report["espeak_speakers"] = opt.espeak_speakers;
  report["reduced_vowels"] = opt.reduced_vowels;
  report["near_confusables"] = opt.near_confusables;
  if (!mining.is_null()) report["mining"] = mining;
  report["balance_classes"] = opt.balance;
  report["arch"] = choice.arch.name;
  report["params"] = st.params;
  report["macs"] = st.macs;
  report["file_bytes"] = check.file_bytes;
  report["arena_bytes"] = check.arena_bytes;
  report["size_budget"] = opt.size_budget;
  report["arena_budget"] = opt.arena_budget;
  report["clips_scale"] = clips;
  report["train_examples"] = train.size();  // the generated clips
  // What the final model trained on: the clips and every mining round's windows.
  report["final_train_examples"] = train.size() + (mining.is_null() ? size_t{0} : mining["windows"].get<size_t>());
  report["train_positives"] = positives;
  report["val_examples"] = val.size();
  report["epochs_planned"] = tr.epochs_planned;
  report["epochs_run"] = tr.epochs_run;
  report["resumed_epochs"] = tr.resumed_epochs;
  report["stopped_on_time"] = tr.stopped_on_time;
  report["train_seconds"] = tr.seconds;
  report["val_accuracy_fake_quant"] = tr.val_accuracy;
  report["val_accuracy_int8"] = int8_accuracy;
  report["val_accuracy_int8_per_kind"] = per_kind;
  report["agreement"] = {{"examples", ag.examples},
                         {"top1", ag.top1},
                         {"equal_outputs", ag.equal_outputs},
                         {"max_abs_diff", ag.max_abs_diff}};

  double threshold = 0.5;
#ifdef TINYML_HAVE_EVAL
  if (opt.eval_minutes > 0) {
    EvalConfig ec;
    ec.word = opt.word;
    ec.seed = opt.seed + 1000;
    ec.stream_minutes = opt.eval_minutes;
    ec.target_fa_per_hour = opt.target_fa_per_hour;
    ec.workers = opt.workers;
    progress.Start("evaluation");
    const EvalReport er = EvaluateModel(file, 1, ec, [&](size_t d, size_t t) { progress.Update(d, t); });
    threshold = er.chosen_threshold;
    WriteText((std::filesystem::path(out) / "det.svg").string(), RenderDetSvg(er, "tinyml train --word " + opt.word));
    report["eval"] = EvalReportJson(er);
    file = ExportTflite(tr.model, Description(opt.word, threshold));
  }
#endif
  report["threshold"] = threshold;
  report["total_seconds"] = Seconds(start);
  tools::WriteFileAtomic(model_path, file.data(), file.size());
  WriteText((std::filesystem::path(out) / "report.json").string(), report.dump(2) + "\n");

  std::printf("wrote %s\n", model_path.c_str());
  std::printf("  model      %s: %lld parameters, %lld MACs\n", choice.arch.name.c_str(),
              static_cast<long long>(st.params), static_cast<long long>(st.macs));
  std::printf("  file       %zu bytes (budget %zu), arena %zu bytes (budget %zu)\n", file.size(), opt.size_budget,
              check.arena_bytes, opt.arena_budget);
  std::printf("  training   %d epochs%s, %s; validation accuracy %.2f%% (int8 %.2f%%)\n", tr.epochs_run,
              tr.stopped_on_time ? " (stopped on time)" : "", Duration(tr.seconds).c_str(), 100.0 * tr.val_accuracy,
              100.0 * int8_accuracy);
  std::printf("  agreement  top-1 %.2f%%, int8 scores equal %.2f%%, max diff %d (%zu examples)\n", 100.0 * ag.top1,
              100.0 * ag.equal_outputs, ag.max_abs_diff, ag.examples);
  if (report.contains("eval")) {
    std::printf("  detection  threshold %.4f: FRR %.2f%% at %.2f false accepts/hour (%.2f h of held-out streams)\n",
                threshold, 100.0 * report["eval"]["frr"].get<double>(), report["eval"]["fa_per_hour"].get<double>(),
                report["eval"]["hours"].get<double>());
    // Where the curve stands at looser false-accept rates, for a model
    // that misses the goal.
    for (double fa : {3.0, 10.0, 30.0, 100.0}) {
      double best = 2.0;
      for (const auto& p : report["eval"]["curve"])
        if (p["fa_per_hour"].get<double>() <= fa) best = std::min(best, p["frr"].get<double>());
      if (best <= 1.0) std::printf("             FRR %.2f%% at <= %.0f false accepts/hour\n", 100.0 * best, fa);
    }
    if (!report["eval"]["target_met"].get<bool>() || report["eval"]["frr"].get<double>() > 0.05)
      std::printf("  goal       not met (FRR <= 5%% at <= 1 false accept/hour): more clips, minutes or hard negatives\n");
  } else {
#ifdef TINYML_HAVE_EVAL
    std::printf("  detection  not evaluated (--eval-minutes 0); threshold 0.5\n");
#else
    std::printf("  detection  not evaluated (no streaming evaluation in this build); threshold 0.5\n");
#endif
  }
  std::printf("  total      %s\n", Duration(Seconds(start)).c_str());
  std::printf("  next       tinyml detect AUDIO.wav --model %s\n", model_path.c_str());
  std::printf("             tinyml eval %s --det det.svg\n", model_path.c_str());
  std::printf("             tinyml embed %s -o %s_model.h   (the model for a firmware's flash)\n", model_path.c_str(),
              std::filesystem::path(model_path).stem().string().c_str());
  return kExitOk;
#endif
}

int Main(int argc, char** argv) {
  Options opt;
  CLI::App app("tinyml train: a wake-word model from text, trained here on the CPU", "tinyml train");
  app.footer(
      "Synthesizes the word with espeak-ng and flite (training voices; held-out voices for validation), trains the\n"
      "largest model that fits the budgets (float, then quantization-aware), exports an int8 .tflite, checks it\n"
      "in the tinyml interpreter, and picks the detection threshold on held-out streams.\n"
      "Rerunning an interrupted command resumes from OUT/checkpoints.\n"
      "Examples:\n"
      "  tinyml train --word marvin\n"
      "  tinyml train --word marvin --out out/marvin --minutes 10 --seed 3\n"
      "  tinyml train --word marvin --arch dscnn --size-budget 12000");
  app.add_option("--word", opt.word, "the wake word (letters, apostrophes, hyphens, spaces)")->required();
  app.add_option("--out", opt.out, "output directory (default out/WORD)");
  app.add_option("--size-budget", opt.size_budget, "largest .tflite file in bytes")->capture_default_str();
  app.add_option("--arena-budget", opt.arena_budget, "largest tensor arena in bytes")->capture_default_str();
  app.add_option("--minutes", opt.minutes, "training time in minutes (default: what a 30-minute total leaves; no limit with --epochs)");
  app.add_option("--epochs", opt.epochs, "epochs instead of a time-based plan (reproducible)")->check(CLI::Range(2, 100000));
  app.add_option("--seed", opt.seed, "seed for data and training")->capture_default_str();
  app.add_option("--arch", opt.arch,
                 "auto (the largest TC-ResNet that fits, else DS-CNN), a family (tcresnet, dscnn; tcresnet2d: a 2-D time x mel conv in front; tcresnet-int4, dscnn-int4: int4 weights) or one zoo entry (--list-models)")->capture_default_str();
  app.add_option("--workers", opt.workers, "data generation processes (0 = one per core)")->capture_default_str()
      ->check(CLI::Range(0, 256));
  app.add_option("--clips", opt.clips,
                 "scale factor on the number of training clips (1 = " + std::to_string(DefaultClipTotal()) +
                     "; default: what about 11 minutes of generation here gives, at most 1)");
  app.add_option("--val-clips", opt.val_clips, "the same for the validation clips (held-out voices)")
      ->capture_default_str();
  app.add_option("--cache", opt.cache, "dataset cache directory (default OUT/cache)");
  app.add_option("--eval-minutes", opt.eval_minutes, "minutes of held-out stream audio to choose the threshold on (0 = skip)")
      ->capture_default_str();
  app.add_option("--target-fa-per-hour", opt.target_fa_per_hour,
                 "the model's threshold: the lowest false-reject rate with at most this many false accepts per hour "
                 "on the evaluation streams")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--threads", opt.threads, "training threads (0 = one per core)")->capture_default_str()
      ->check(CLI::Range(0, 256));
  app.add_option("--hard-negative-weight", opt.hard_negative_weight,
                 "loss weight of confusable and partial words against other negatives")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--negative-weight", opt.negative_weight,
                 "loss weight of every negative after class balancing (above 1: fewer false accepts, more misses)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 100.0));
  app.add_option("--label-smoothing", opt.label_smoothing,
                 "train towards (1-S, S) instead of (1, 0), so scores do not pile up at the int8 ceiling")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  app.add_option("--focal-gamma", opt.focal_gamma,
                 "scale each example's loss by (1 - p)^G, p its true class's probability: the hard examples "
                 "(near-homophones) decide training (0 = plain cross entropy)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--speaker-warp", opt.speaker_warp,
                 "scale each training example's spectrum in frequency by a random factor in [1-W, 1+W] every "
                 "epoch (vocal tract length perturbation), for voices unlike the training ones (0 = off)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.3));
  app.add_option("--weight-average", opt.weight_average,
                 "end each training phase on the average of the weights over its last A share (every batch; "
                 "stochastic weight averaging), a flatter minimum for unseen voices (0 = off, the last weights)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--flite-warp", opt.flite_warp,
                 "more flite speakers in the training data: each clip of a flite clustergen voice gets its "
                 "vocoder's frequency warp shifted by up to +-W (0.04 ~ formants 10 % up or down) and its "
                 "postfilter by up to +-2.5W (0 = the voices as recorded; a new value means a new dataset)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.15));
  app.add_option("--espeak-speakers", opt.espeak_speakers,
                 "more espeak-ng speakers in the training data: this share of the espeak-ng clips get a random "
                 "speaker (pitch, each formant, voicing, breath, roughness, tone, Klatt source) instead of the "
                 "voice's variant (0 = the variants only; a new value means a new dataset)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--reduced-vowels", opt.reduced_vowels,
                 "this share of the training positives say the word with an unstressed vowel reduced, as people "
                 "do (\"marven\", \"marvun\" for \"marvin\"; the forms are printed); 0 = as spelled (a new "
                 "value means a new dataset)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  app.add_option("--near-confusables", opt.near_confusables,
                 "this share of the training confusable clips say one of the confusables nearest the word in "
                 "phonemes (printed; \"mavin\", \"mervin\" for \"marvin\"), the rest any; 0 = all equally often "
                 "(a new value means a new dataset)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--mine-minutes", opt.mine_minutes,
                 "hard-negative mining: run the trained model over this many minutes of training-voice streams "
                 "without the word, add the windows it scores highest to the training set as negatives, and train "
                 "again (0 = off; about 2 minutes of generation per 60, then a second training)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 6000.0));
  app.add_option("--mine-windows", opt.mine_windows, "the most mined windows to add")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--mine-min-score", opt.mine_min_score,
                 "keep only mined windows the mining model scores at least this high (raw score 0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--mine-fine-tune", opt.mine_fine_tune,
                 "after mining, fine-tune the first model for this many quantization-aware epochs on the grown "
                 "set (at a third of the QAT learning rate) instead of training again from scratch (0 = from scratch)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  app.add_option("--mine-rounds", opt.mine_rounds,
                 "mining rounds: each mines new stream audio with the model the round before made and trains "
                 "again on every round's windows (with --mine-fine-tune, on from the last round's checkpoint)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  app.add_flag("!--no-balance", opt.balance, "do not weight the classes to equal total weight");
  app.add_flag("--quiet", opt.quiet, "no progress on stderr");
  bool list = false;
  app.add_flag("--list-models", list, "print the zoo with parameters, MACs, bytes and arena, then exit");
  // --word is only required when training.
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--list-models") app.get_option("--word")->required(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    PrintError(std::string(e.what()) + " (see 'tinyml train --help')");
    return kExitUsage;
  }
  try {
    if (list) {
      const std::string desc = Description("marvin", 0.5);
      std::printf("%-22s %8s %9s %8s %8s\n", "model", "params", "MACs", "bytes", "arena");
      for (const ArchSpec& a : ModelZoo()) {
        const ModelStats s = MeasureArch(a, desc);
        std::printf("%-22s %8lld %9lld %8zu %8zu\n", a.name.c_str(), static_cast<long long>(s.params),
                    static_cast<long long>(s.macs), s.file_bytes, s.arena_bytes);
      }
      return kExitOk;
    }
    return Run(opt);
  } catch (const UsageError& e) {
    PrintError(e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    PrintError(e.what());
    return kExitFailure;
  }
}

}  // namespace
}  // namespace tinyml::train

int main(int argc, char** argv) { return tinyml::train::Main(argc, argv); }
