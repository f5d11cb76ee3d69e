// tinyml eval [MODEL] [--minutes M] [--seed S] [--target-fa-per-hour X] [--det OUT.svg] [--json]
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "cli/cli_common.h"
#include "cli/kws_session.h"
#include "common/kws_metadata.h"
#include "common/model_file.h"
#include "eval/evaluate.h"

namespace tinyml::cli {
namespace {

struct EvalArgs {
  std::string model;
  std::string word;
  int word_label = -1;
  train::EvalConfig config;
  std::string det_path;
  std::string json_path;
  bool json = false;
  bool quiet = false;
  int show_errors = 5;
};

void PrintIncidents(const char* what, const std::vector<train::EvalIncident>& list, int limit) {
  if (list.empty() || limit <= 0) return;
  std::printf("  %s at the chosen threshold (%d of %zu; times within each generated stream piece):\n", what,
              static_cast<int>(std::min<size_t>(list.size(), static_cast<size_t>(limit))), list.size());
  for (size_t i = 0; i < list.size() && i < static_cast<size_t>(limit); ++i) {
    const train::EvalIncident& x = list[i];
    std::printf("    piece %d at %7.2f s, score %.4f: %s\n", x.piece, x.time_s, x.score, x.text.c_str());
  }
}

// A one-line progress bar on stderr when it is a terminal, else a line per 10 %.
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(2) != 0) {}
  void operator()(size_t done, size_t total) {
    if (quiet_ || total == 0) return;
    const int percent = static_cast<int>(100 * done / total);
    if (tty_) {
      const int bar = percent / 4;
      std::fprintf(stderr, "\r  evaluating [%-25s] %3d %%", std::string(static_cast<size_t>(bar), '#').c_str(),
                   percent);
      if (done == total) std::fputc('\n', stderr);
    } else if (percent / 10 != last_ / 10 || done == total) {
      std::fprintf(stderr, "  evaluating: %d %%\n", percent);
    }
    last_ = percent;
  }

 private:
  bool quiet_, tty_;
  int last_ = -1;
};

int RunEval(EvalArgs& args) {
  if (args.model.empty()) args.model = DefaultModelPath();
  // Loading reports the model's own problems with its name.
  const std::unique_ptr<tools::ModelFile> file = tools::ModelFile::Load(args.model);
  const auto meta = tools::ParseKwsMetadata(tools::ReadModelDescription(file->file_data(), file->file_bytes()));
  if (args.word.empty()) {
    if (!meta) throw UsageError(args.model + " has no tinyml-kws metadata: pass --word WORD and --word-label N");
    args.word = meta->word;
  }
  if (args.word_label < 0) {
    if (!meta) throw UsageError(args.model + " has no tinyml-kws metadata: pass --word-label N");
    for (size_t i = 0; i < meta->labels.size(); ++i) {
      if (meta->labels[i] == meta->word) args.word_label = static_cast<int>(i);
    }
    if (args.word_label < 0) throw tools::FileError(args.model, "its labels do not include its word " + meta->word);
  }
  args.config.word = args.word;
  if (!args.quiet) {
    std::fprintf(stderr, "tinyml eval: %s, word '%s' (output %d), %.0f min of synthetic streams (%s voices), seed %llu\n",
                 args.model.c_str(), args.word.c_str(), args.word_label, args.config.stream_minutes,
                 args.config.training_voices ? "training" : "held-out", static_cast<unsigned long long>(args.config.seed));
  }
  Progress progress(args.quiet);
  const std::vector<uint8_t> model(file->file_data(), file->file_data() + file->file_bytes());
  const train::EvalReport report =
      train::EvaluateModel(model, args.word_label, args.config, [&](size_t d, size_t t) { progress(d, t); });

  nlohmann::json j = train::EvalReportJson(report);
  j["model"] = args.model;
  j["word"] = args.word;
  j["model_threshold"] = meta ? nlohmann::json(meta->threshold) : nlohmann::json(nullptr);
  if (meta) {
    // The model's own threshold on these streams too.
    const train::DetPoint* nearest = nullptr;
    for (const train::DetPoint& p : report.curve) {
      if (nearest == nullptr || std::fabs(p.threshold - meta->threshold) < std::fabs(nearest->threshold - meta->threshold)) {
        nearest = &p;
      }
    }
    if (nearest != nullptr) {
      j["at_model_threshold"] = {{"threshold", nearest->threshold}, {"frr", nearest->frr},
                                 {"fa_per_hour", nearest->fa_per_hour}};
    }
  }
  j["seed"] = args.config.seed;
  j["stream_minutes"] = args.config.stream_minutes;
  j["confusable_share"] = args.config.confusable_share;
  j["voices"] = args.config.training_voices ? "training" : "held-out";

  if (!args.det_path.empty()) {
    const std::string svg = train::RenderDetSvg(report, "DET: '" + args.word + "' (" + args.model + ")");
    tools::WriteFileAtomic(args.det_path, svg.data(), svg.size());
  }
  if (!args.json_path.empty()) {
    const std::string text = j.dump(2) + "\n";
    tools::WriteFileAtomic(args.json_path, text.data(), text.size());
  }
  if (args.json) {
    std::cout << j.dump() << "\n";
    return kExitOk;
  }
  std::printf("%s: %.2f h of synthetic streams from %s voices, %zu spoken '%s'\n", args.model.c_str(), report.hours,
              args.config.training_voices ? "training" : "held-out", report.words, args.word.c_str());
  if (report.target_met) {
    std::printf("  chosen threshold %.4f (lowest FRR at <= %.2f FA/h): FRR %.2f %%, %.2f false accepts/h\n",
                report.chosen_threshold, report.target_fa_per_hour, report.frr * 100.0, report.fa_per_hour);
  } else {
    std::printf("  no threshold keeps false accepts at <= %.2f/h and still detects; the fewest false accepts:\n"
                "  threshold %.4f: FRR %.2f %%, %.2f false accepts/h\n",
                report.target_fa_per_hour, report.chosen_threshold, report.frr * 100.0, report.fa_per_hour);
  }
  if (j.contains("at_model_threshold")) {
    const auto& m = j["at_model_threshold"];
    std::printf("  model's own threshold %.4f: FRR %.2f %%, %.2f false accepts/h\n", meta->threshold,
                m["frr"].get<double>() * 100.0, m["fa_per_hour"].get<double>());
  }
  std::printf("  threshold   FRR %%   FA/h\n");
  for (const train::DetPoint& p : report.curve) {
    const double t100 = p.threshold * 100.0;
    const double t2000 = p.threshold * 2000.0;
    const bool coarse = std::fabs(t100 - std::round(t100 / 10.0) * 10.0) < 1e-6 && p.threshold < 0.8;
    const bool fine = p.threshold >= 0.8 && (std::fabs(t100 - std::round(t100)) < 1e-6 ||
                                             (p.threshold > 0.99 && p.threshold < 0.9965 &&
                                              std::fabs(t2000 - std::round(t2000)) < 1e-6));
    if (!coarse && !fine) continue;
    std::printf("  %9.4f  %6.2f  %6.2f\n", p.threshold, p.frr * 100.0, p.fa_per_hour);
  }
  if (!report.by_voice.empty()) {
    std::printf("  missed words by speaker at the chosen threshold:\n");
    for (const train::VoiceTally& t : report.by_voice) {
      std::printf("    %-34s %4zu of %4zu  (%5.1f %%)\n", t.voice.c_str(), t.misses, t.words,
                  100.0 * static_cast<double>(t.misses) / static_cast<double>(t.words));
    }
  }
  PrintIncidents("false accepts", report.false_accepts, args.show_errors);
  PrintIncidents("missed words", report.misses, args.show_errors);
  if (!args.det_path.empty()) std::printf("  DET curve: %s\n", args.det_path.c_str());
  return kExitOk;
}

}  // namespace

void AddEvalCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* sub = app.add_subcommand(
      "eval",
      "Streaming evaluation of a wake-word model on long generated streams (held-out voices, other speech, "
      "noise): false rejects against false accepts per hour, a DET curve, and the threshold to use.");
  sub->add_option("model", args->model, "wake-word .tflite (default: the bundled model)")->type_name("MODEL");
  sub->add_option("--word", args->word, "the wake word (default: from the model's tinyml-kws metadata)")
      ->type_name("WORD");
  sub->add_option("--word-label", args->word_label, "the word's output index (default: from the metadata)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--minutes", args->config.stream_minutes, "minutes of stream audio to generate and evaluate")
      ->type_name("M")
      ->check(CLI::Range(0.1, 100000.0))
      ->capture_default_str();
  sub->add_option("--seed", args->config.seed, "stream seed (keep it different from training seeds)")
      ->capture_default_str();
  sub->add_option("--words-per-minute", args->config.words_per_minute, "mean wake words per minute of stream")
      ->check(CLI::Range(0.1, 15.0))
      ->capture_default_str();
  sub->add_option("--confusables", args->config.confusable_share,
                  "share of the other speech that ends in a word close to the wake word in phonemes")
      ->type_name("SHARE")
      ->check(CLI::Range(0.0, 0.75))
      ->capture_default_str();
  sub->add_option("--target-fa-per-hour", args->config.target_fa_per_hour,
                  "the chosen threshold keeps false accepts per hour at or below this")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  sub->add_option("--smoothing", args->config.smoothing, "average the scores of the last N model runs")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--stride", args->config.stride_frames,
                  "run the model every N feature frames (20 ms each): N times less model work on a device")
      ->check(CLI::Range(1, 49))
      ->capture_default_str();
  sub->add_option("--cooldown-ms", args->config.cooldown_ms, "no new detection for this long after one")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  sub->add_flag("--training-voices", args->config.training_voices,
                "speak the streams with the voices the model was trained on (new utterances) instead of held-out "
                "ones: what it misses on voices it knows, apart from what unseen voices cost");
  sub->add_option("--workers", args->config.workers, "processes generating speech (0 = one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  sub->add_option("--det", args->det_path, "write the DET curve as an SVG picture")->type_name("OUT.svg");
  sub->add_option("--report", args->json_path, "write every figure as JSON")->type_name("OUT.json");
  sub->add_option("--show-errors", args->show_errors,
                  "list this many false accepts and missed words (with what was said) at the chosen threshold")
      ->type_name("N")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  sub->add_flag("--json", args->json, "print the report as one JSON object instead of a table");
  sub->add_flag("--quiet,-q", args->quiet, "no progress on stderr");
  sub->footer(
      "Examples:\n"
      "  tinyml eval                                    the bundled model, 60 min of streams\n"
      "  tinyml eval out/marvin.tflite --minutes 180 --det det.svg\n"
      "A detection counts as a hit when it fires during a spoken wake word or within 1 s after it; every\n"
      "other detection is a false accept. Streams use voices held out from training (--training-voices: the\n"
      "training voices, new utterances).");
  sub->callback([action, args] { *action = [args] { return RunEval(*args); }; });
}

}  // namespace tinyml::cli
