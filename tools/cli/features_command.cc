// tinyml features AUDIO --frontend NAME --output OUT.bin
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "cli/kws_session.h"
#include "common/audio.h"
#include "common/model_file.h"
#include "tinyml/frontend.h"

namespace tinyml::cli {
namespace {

struct FeaturesArgs {
  std::string audio;
  std::string frontend;
  std::string output;
};

int RunFeatures(const FeaturesArgs& args) {
  const FrontendConfig config = FrontendByName(args.frontend);
  const std::vector<int16_t> samples = tools::ReadAudioFile(args.audio);
  size_t bytes = 0;
  Frontend frontend;
  if (Frontend::RequiredBytes(config, &bytes) != Status::kOk) {
    throw std::runtime_error("frontend " + args.frontend + " rejected its own configuration");
  }
  tools::AlignedBuffer memory(bytes);
  if (frontend.Init(config, memory.data(), memory.size()) != Status::kOk) {
    throw std::runtime_error("frontend " + args.frontend + ": " + frontend.error());
  }
  const size_t frame_bytes = frontend.frame_bytes();
  const size_t max_frames = samples.size() / static_cast<size_t>(config.hop_samples) + 2;
  std::vector<uint8_t> features(max_frames * frame_bytes);
  size_t frames = 0;
  if (frontend.Push(samples.data(), samples.size(), features.data(), max_frames, &frames) != Status::kOk) {
    throw tools::FileError(args.audio, std::string("frontend failed: ") + frontend.error());
  }
  features.resize(frames * frame_bytes);
  tools::WriteFileAtomic(args.output, features.data(), features.size());
  std::cout << args.output << ": " << frames << " frames x " << frontend.features_per_frame() << " features ("
            << features.size() << " bytes, " << TensorTypeName(config.output_type) << ")\n";
  return kExitOk;
}

}  // namespace

void AddFeaturesCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* sub = app.add_subcommand("features", "Compute the features a model sees from a sound file.");
  sub->add_option("audio", args->audio, "sound file (WAV, FLAC, OGG; mixed to mono, resampled to 16 kHz)")
      ->required()
      ->type_name("AUDIO");
  sub->add_option("--frontend", args->frontend,
                  "micro_speech: TFLM audio preprocessor log-mel, 40 int8 per 20 ms; "
                  "mfcc: MLPerf Tiny KWS MFCC, 10 int8 per 20 ms (kws_ref_model.tflite quantization)")
      ->required()
      ->type_name("NAME");
  sub->add_option("--output,-o", args->output,
                  "written with the frames concatenated, oldest first (atomically: complete or not at all)")
      ->required()
      ->type_name("OUT.bin");
  sub->footer(
      "Examples:\n"
      "  tinyml features yes_1000ms.wav --frontend micro_speech --output yes.bin   # 49 x 40 bytes\n"
      "  tinyml features yes_1000ms.wav --frontend mfcc --output yes_mfcc.bin      # 49 x 10 bytes");
  sub->callback([action, args] { *action = [args] { return RunFeatures(*args); }; });
}

}  // namespace tinyml::cli
