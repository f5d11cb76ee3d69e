// tinyml synth OUT.wav|OUT.flac --text "..." [--text "..."] [--word W] [--seed S] [--no-noise]
//
// Speaks sentences with the training pipeline's speech engines and voices
// held out from training, with pauses and background noise between them,
// and prints where the wake word is: test audio for `tinyml detect`, and how
// the bundled demo recording is made.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/cli_common.h"
#include "common/audio.h"
#include "data/dataset.h"

namespace tinyml::cli {
namespace {

struct SynthArgs {
  std::string out;
  std::vector<std::string> text;
  std::string word = "marvin";
  uint64_t seed = 7;
  bool no_noise = false;
  double snr_db_min = 10.0;
  double snr_db_max = 25.0;
  bool json = false;
};

int RunSynth(const SynthArgs& args) {
  const std::string ext = args.out.size() >= 5 ? args.out.substr(args.out.size() - 5) : "";
  const bool flac = ext == ".flac";
  if (!flac && (args.out.size() < 4 || args.out.substr(args.out.size() - 4) != ".wav")) {
    throw UsageError("output '" + args.out + "' must end in .wav or .flac");
  }
  train::StreamConfig sc;
  sc.word = args.word;
  sc.seed = args.seed;
  sc.script = args.text;
  sc.held_out = true;
  sc.noise_probability = args.no_noise ? 0.0 : 1.0;
  sc.snr_db_min = args.snr_db_min;
  sc.snr_db_max = args.snr_db_max;
  const train::Stream stream = train::GenerateStream(sc);
  if (flac) {
    tools::WriteFlac16(args.out, stream.audio.data(), stream.audio.size());
  } else {
    tools::WriteWav16(args.out, stream.audio.data(), stream.audio.size());
  }
  if (args.json) {
    nlohmann::json j;
    j["file"] = args.out;
    j["duration_s"] = stream.duration_s();
    nlohmann::json events = nlohmann::json::array();
    for (const train::WordEvent& e : stream.events) events.push_back({{"start_s", e.start_s}, {"end_s", e.end_s}});
    j["word"] = args.word;
    j["events"] = events;
    std::cout << j.dump() << "\n";
  } else {
    std::printf("%s: %.2f s, '%s' spoken %zu time%s\n", args.out.c_str(), stream.duration_s(), args.word.c_str(),
                stream.events.size(), stream.events.size() == 1 ? "" : "s");
    for (const train::WordEvent& e : stream.events) std::printf("  %7.2f .. %7.2f s\n", e.start_s, e.end_s);
  }
  return kExitOk;
}

}  // namespace

void AddSynthCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* sub = app.add_subcommand(
      "synth",
      "Speak sentences with the training pipeline's synthetic voices (held out from training), with pauses and "
      "background noise, into a sound file; prints when the wake word is spoken.");
  sub->add_option("output", args->out, "sound file to write (.wav or .flac, 16 kHz mono)")
      ->required()
      ->type_name("OUT");
  sub->add_option("--text", args->text, "a sentence to speak (repeat for more; ASCII letters and . , ? ! ' -)")
      ->required()
      ->type_name("TEXT");
  sub->add_option("--word", args->word, "the wake word whose times are reported")->capture_default_str();
  sub->add_option("--seed", args->seed, "voices, pauses and noise are chosen from this seed")
      ->capture_default_str();
  sub->add_flag("--no-noise", args->no_noise, "no background noise or music");
  sub->add_option("--snr-min", args->snr_db_min, "lowest speech-to-noise ratio, dB")->capture_default_str();
  sub->add_option("--snr-max", args->snr_db_max, "highest speech-to-noise ratio, dB")->capture_default_str();
  sub->add_flag("--json", args->json, "print the file, its duration and the word's times as JSON");
  sub->footer(
      "Example:\n"
      "  tinyml synth talk.wav --text \"Hey marvin, turn on the light.\" --text \"What a nice day.\"\n"
      "  tinyml detect talk.wav");
  sub->callback([action, args] { *action = [args] { return RunSynth(*args); }; });
}

}  // namespace tinyml::cli
