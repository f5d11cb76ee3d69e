// tinyml detect AUDIO [--model M --labels A,B,C] [--threshold T] [--frontend NAME] [--json]
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "cli/kws_session.h"
#include "common/audio.h"

namespace tinyml::cli {
namespace {

struct DetectArgs {
  std::string audio;
  KwsOptions kws;
  bool peaks = false;
};

int RunDetect(const DetectArgs& args) {
  // The model first: its problems (or a missing --model) are reported
  // before the audio is decoded.
  KwsSession session(args.kws);
  const std::vector<int16_t> samples = tools::ReadAudioFile(args.audio);
  std::vector<Detection> detections;
  session.Push(samples.data(), samples.size(), [&](const Detection& d) { detections.push_back(d); });
  if (args.kws.json) {
    for (const Detection& d : detections) std::cout << session.Format(d, true) << "\n";
    if (args.peaks) {
      for (const Detection& p : session.peaks()) {
        if (p.frame_index < 0) continue;
        nlohmann::json j = session.ToJson(p);
        j["peak"] = true;
        std::cout << j.dump() << "\n";
      }
    }
  } else {
    std::cout << args.audio << ": " << samples.size() / 16000.0 << " s, frontend " << session.frontend_name() << ", "
              << detections.size() << (detections.size() == 1 ? " detection" : " detections") << "\n";
    if (!detections.empty()) {
      std::cout << KwsSession::TableHeader() << "\n";
      for (const Detection& d : detections) std::cout << session.Format(d, false) << "\n";
    }
    if (args.peaks) {
      if (session.peaks().empty() || session.peaks().front().frame_index < 0) {
        std::cout << "highest scores: none (too short for one model run)\n";
      } else {
        std::cout << "highest smoothed score of each label, and when:\n" << KwsSession::TableHeader() << "\n";
        for (const Detection& p : session.peaks()) std::cout << session.Format(p, false) << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace

void AddDetectCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<DetectArgs>();
  CLI::App* sub = app.add_subcommand(
      "detect", "Stream a sound file through frontend, model and detector; print the keywords found and when.");
  sub->add_option("audio", args->audio, "sound file (WAV, FLAC, OGG; mixed to mono, resampled to 16 kHz)")
      ->required()
      ->type_name("AUDIO");
  AddKwsOptions(sub, &args->kws);
  sub->add_flag("--peaks", args->peaks,
                "also print each label's highest smoothed score and when it came (what a threshold must stay "
                "below to fire; JSON: lines with \"peak\":true)");
  sub->footer(
      "Examples:\n"
      "  tinyml detect talk.wav --model micro_speech_quantized.tflite --labels silence,unknown,yes,no\n"
      "  tinyml detect talk.flac --model kws_ref_model.tflite \\\n"
      "      --labels down,go,left,no,off,on,right,stop,up,yes,silence,unknown --threshold 0.9 --json\n"
      "Times are when a detection fired (end of the newest 20 ms frame it saw), in seconds from the start.");
  sub->callback([action, args] { *action = [args] { return RunDetect(*args); }; });
}

}  // namespace tinyml::cli
