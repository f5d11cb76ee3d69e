// Keyword spotting end to end on the shared models: sound file → frontend
// → detector → model. Skips (saying so) when ../shared is absent.
//
// - micro_speech: yes/no/silence/noise_1000ms.wav classify as yes, no,
//   silence, silence (the conformance README's expectation for noise).
// - MLPerf Tiny KWS DS-CNN with the MFCC frontend: yes → "yes"; no → "no"
//   as runner-up to "go" (see the test), (labels in the order of mlcommons/tiny's keyword-spotting training:
//   down, go, left, no, off, on, right, stop, up, yes, silence, unknown).
// - Streaming: a generated file with words at known offsets gives the right
//   detections at the right times, identical for every chunk size.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/audio.h"
#include "common/model_file.h"
#include "kws/pipeline.h"
#include "support/test_util.h"
#include "tinyml/detector.h"
#include "tinyml/frontend.h"
#include "tinyml/op_resolver.h"

namespace tinyml {
namespace {

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string MicroSpeechDir() { return testing::SharedDir() + "/models/micro_speech"; }

const OpResolver& Resolver() {
  static StaticOpResolver<64> resolver;
  static const Status status = AddAllBuiltins(resolver);
  EXPECT_EQ(status, Status::kOk);
  return resolver;
}

// A model, its interpreter and a pipeline configured for it.
struct Spotter {
  Spotter(const std::string& model_path, const DetectorConfig& base, bool use_model_frontend = true) {
    file = tools::ModelFile::Load(model_path);
    runner = std::make_unique<tools::ArenaInterpreter>(file->model(), Resolver());
    EXPECT_EQ(runner->Prepare(), Status::kOk) << runner->error();
    Interpreter& interp = runner->interpreter();
    EXPECT_EQ(FrontendConfigForModel(interp, &frontend), Status::kOk);
    detector = base;
    char error[160] = {};
    EXPECT_EQ(DetectorConfigForModel(interp, frontend, &detector, error, sizeof(error)), Status::kOk) << error;
    size_t bytes = 0;
    EXPECT_EQ(KwsPipeline::RequiredBytes(frontend, detector, &bytes), Status::kOk);
    memory = tools::AlignedBuffer(bytes);
    EXPECT_EQ(pipeline.Init(frontend, detector, &interp, memory.data(), memory.size()), Status::kOk)
        << pipeline.error();
  }

  // Feeds samples in chunks of `chunk`; returns the detections.
  std::vector<Detection> Run(const std::vector<int16_t>& samples, size_t chunk) {
    std::vector<Detection> found;
    auto collect = [](void* context, const Detection& d) { static_cast<std::vector<Detection>*>(context)->push_back(d); };
    for (size_t at = 0; at < samples.size(); at += chunk) {
      const size_t n = std::min(chunk, samples.size() - at);
      EXPECT_EQ(pipeline.Push(samples.data() + at, n, collect, &found), Status::kOk) << pipeline.error();
    }
    return found;
  }

  int32_t TopLabel() {
    const int32_t* s = pipeline.detector().last_scores();
    int32_t best = 0;
    for (int32_t i = 1; i < detector.num_labels; ++i)
      if (s[i] > s[best]) best = i;
    return best;
  }

  std::unique_ptr<tools::ModelFile> file;
  std::unique_ptr<tools::ArenaInterpreter> runner;
  FrontendConfig frontend;
  DetectorConfig detector;
  tools::AlignedBuffer memory;
  KwsPipeline pipeline;
};

const char* const kMicroSpeechLabels[] = {"silence", "unknown", "yes", "no"};
const char* const kKwsLabels[] = {"down", "go",   "left", "no",      "off",    "on",
                                  "right", "stop", "up",   "yes", "silence", "unknown"};

TEST(KwsPipelineTest, MicroSpeechClassifiesTheFourClips) {
  const std::string dir = MicroSpeechDir();
  const std::string model = dir + "/micro_speech_quantized.tflite";
  if (!Exists(model)) GTEST_SKIP() << "no shared models at " << dir;
  const struct {
    const char* clip;
    const char* label;
  } cases[] = {{"yes", "yes"}, {"no", "no"}, {"silence", "silence"}, {"noise", "silence"}};
  for (const auto& c : cases) {
    Spotter s(model, DetectorConfig());
    ASSERT_EQ(s.detector.num_labels, 4);
    ASSERT_EQ(s.detector.window_frames, 49);
    ASSERT_EQ(s.frontend.kind, FrontendKind::kTflmLogMel);
    const std::vector<int16_t> samples = tools::ReadAudioFile(dir + "/" + c.clip + "_1000ms.wav");
    ASSERT_EQ(samples.size(), 16000u);
    s.Run(samples, samples.size());
    // 16000 samples make exactly 49 frames: one invoke on the whole clip.
    ASSERT_EQ(s.pipeline.detector().invokes(), 1) << c.clip;
    EXPECT_STREQ(kMicroSpeechLabels[s.TopLabel()], c.label) << c.clip;
  }
}

// The frames the pipeline gives the model are the TFLM preprocessor's: the
// yes clip's window equals the conformance input bytes.
TEST(KwsPipelineTest, MicroSpeechWindowIsThePreprocessorOutput) {
  const std::string dir = MicroSpeechDir();
  const std::string golden = testing::SharedDir() + "/conformance/micro_speech_quantized/input_features_yes_1000ms.bin";
  if (!Exists(dir + "/micro_speech_quantized.tflite") || !Exists(golden)) GTEST_SKIP() << "no shared data";
  Spotter s(dir + "/micro_speech_quantized.tflite", DetectorConfig());
  s.Run(tools::ReadAudioFile(dir + "/yes_1000ms.wav"), 480);
  std::vector<uint8_t> want;
  ASSERT_TRUE(testing::ReadFile(golden, &want));
  std::vector<uint8_t> window(want.size());
  s.pipeline.detector().CopyWindow(window.data());
  EXPECT_EQ(window, want);
}

TEST(KwsPipelineTest, MlperfKwsWithMfccOnYesAndNo) {
  const std::string dir = MicroSpeechDir();
  const std::string model = testing::SharedDir() + "/models/mlperf_tiny_kws/kws_ref_model.tflite";
  if (!Exists(model) || !Exists(dir + "/yes_1000ms.wav")) GTEST_SKIP() << "no shared models";
  for (const char* word : {"yes", "no"}) {
    Spotter s(model, DetectorConfig());
    ASSERT_EQ(s.frontend.kind, FrontendKind::kMfcc);
    ASSERT_EQ(s.detector.num_labels, 12);
    ASSERT_EQ(s.detector.window_frames, 49);
    std::vector<int16_t> samples = tools::ReadAudioFile(dir + "/" + word + "_1000ms.wav");
    // MLPerf's training scales each 1 s clip to its peak (see frontend.h).
    int peak = 1;
    for (int16_t v : samples) peak = std::max(peak, std::abs(static_cast<int>(v)));
    for (int16_t& v : samples) v = static_cast<int16_t>(static_cast<int64_t>(v) * 32767 / peak);
    s.Run(samples, samples.size());
    ASSERT_EQ(s.pipeline.detector().invokes(), 1);
    const int32_t* scores = s.pipeline.detector().last_scores();
    std::string text;
    for (int i = 0; i < 12; ++i) text += std::string(kKwsLabels[i]) + "=" + std::to_string(scores[i]) + " ";
    std::printf("kws_ref_model on %s_1000ms.wav: %s\n", word, text.c_str());
    if (std::string(word) == "yes") {
      EXPECT_STREQ(kKwsLabels[s.TopLabel()], word) << text;
    } else {
      // Known: the model itself says "go" on this clip. With these features
      // it scores go 0.855, no 0.129; with an independent numpy MFCC of
      // MLPerf's exact training recipe (wav / reduce_max(wav), periodic Hann
      // 480/320, FFT 512, mel 20-4000 Hz, log(x + 1e-6), DCT * rsqrt(2N),
      // truncating int8 quantization) it scores go 0.914, no 0.078, and our
      // features equal that recipe's within int8 rounding. "no" only wins
      // when the clip is shifted by about half a hop. So the pipeline is not
      // the cause; checked here: "no" is the runner-up, far above the other
      // ten labels.
      int32_t above = 0;
      for (int i = 0; i < 12; ++i) above += scores[i] > scores[3] ? 1 : 0;
      EXPECT_LE(above, 1) << text;
      EXPECT_GT(scores[3], kScoreOne / 10) << text;
    }
  }
}

// Deterministic low-level noise (LCG, seed fixed).
void AppendNoise(std::vector<int16_t>* out, size_t count, int amplitude, uint32_t* state) {
  for (size_t i = 0; i < count; ++i) {
    *state = *state * 1664525u + 1013904223u;
    out->push_back(static_cast<int16_t>(static_cast<int>((*state >> 16) % (2 * amplitude + 1)) - amplitude));
  }
}

struct Placed {
  const char* label;
  double start_s;
  double end_s;
};

// yes/no clips with noise and silence between them at known offsets.
std::vector<int16_t> SyntheticStream(std::vector<Placed>* placed) {
  const std::string dir = MicroSpeechDir();
  const std::vector<int16_t> yes = tools::ReadAudioFile(dir + "/yes_1000ms.wav");
  const std::vector<int16_t> no = tools::ReadAudioFile(dir + "/no_1000ms.wav");
  std::vector<int16_t> out;
  uint32_t state = 12345;
  auto place = [&](const char* label, const std::vector<int16_t>& clip) {
    placed->push_back({label, out.size() / 16000.0, (out.size() + clip.size()) / 16000.0});
    out.insert(out.end(), clip.begin(), clip.end());
  };
  AppendNoise(&out, 24000, 30, &state);   // 1.5 s quiet noise
  place("yes", yes);
  AppendNoise(&out, 32000, 300, &state);  // 2 s louder noise
  place("no", no);
  out.insert(out.end(), 28000, 0);        // 1.75 s digital silence
  place("yes", yes);
  AppendNoise(&out, 20000, 100, &state);
  place("no", no);
  AppendNoise(&out, 24000, 30, &state);
  return out;
}

TEST(KwsPipelineTest, StreamingDetectionsAtTheRightTimesForEveryChunkSize) {
  const std::string dir = MicroSpeechDir();
  const std::string model = dir + "/micro_speech_quantized.tflite";
  if (!Exists(model)) GTEST_SKIP() << "no shared models at " << dir;
  std::vector<Placed> placed;
  const std::vector<int16_t> stream = SyntheticStream(&placed);
  // Written as a file and read back: the path `tinyml detect` takes.
  char dir_template[] = "/tmp/tinyml_kws_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string wav = std::string(dir_template) + "/stream.wav";
  tools::WriteWav16(wav, stream.data(), stream.size());
  const std::vector<int16_t> samples = tools::ReadAudioFile(wav);
  std::remove(wav.c_str());
  rmdir(dir_template);
  ASSERT_EQ(samples, stream);

  DetectorConfig config;
  config.stride_frames = 1;
  config.smoothing_invokes = 3;
  config.cooldown_frames = 75;  // 1.5 s, as TFLM micro_speech suppresses repeats
  config.default_threshold = kScoreOne * 8 / 10;
  std::vector<Detection> first;
  for (size_t chunk : {1, 13, 160, 320, 4000}) {
    Spotter s(model, config);
    ASSERT_EQ(s.pipeline.detector().SetBackground(0, true), Status::kOk);
    ASSERT_EQ(s.pipeline.detector().SetBackground(1, true), Status::kOk);
    const std::vector<Detection> found = s.Run(samples, chunk);
    if (chunk == 1) {
      first = found;
      for (const Detection& d : found) {
        std::printf("detection: %s at %.2f s, score %.3f\n", kMicroSpeechLabels[d.label], d.time_ms / 1000.0,
                    d.score / 32768.0);
      }
      // One detection per placed word, the right label, fired while the
      // word's clip is in the window: from its start to 0.5 s after its end.
      ASSERT_EQ(found.size(), placed.size());
      for (size_t i = 0; i < placed.size(); ++i) {
        EXPECT_STREQ(kMicroSpeechLabels[found[i].label], placed[i].label) << i;
        const double t = found[i].time_ms / 1000.0;
        EXPECT_GE(t, placed[i].start_s) << i;
        EXPECT_LE(t, placed[i].end_s + 0.5) << i;
      }
    } else {
      ASSERT_EQ(found.size(), first.size()) << "chunk " << chunk;
      for (size_t i = 0; i < found.size(); ++i) {
        EXPECT_EQ(found[i].frame_index, first[i].frame_index) << "chunk " << chunk;
        EXPECT_EQ(found[i].time_ms, first[i].time_ms) << "chunk " << chunk;
        EXPECT_EQ(found[i].label, first[i].label) << "chunk " << chunk;
        EXPECT_EQ(found[i].score, first[i].score) << "chunk " << chunk;
      }
    }
  }
}

}  // namespace
}  // namespace tinyml
