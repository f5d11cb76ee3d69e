// The native streaming frontend (FrontendConfig::MicroSpeech()) against
// TFLite Micro's outputs for audio_preprocessor_int8.tflite and _float in
// ../shared/conformance: every single-frame case on a fresh frontend and
// every *_stream case (1 s of audio, 49 frames of 480 samples every 320)
// pushed in one go and in several chunk sizes. int8 must match byte for
// byte; float to 1e-6 relative (the model's float tail is one exactly
// rounded CAST and MUL, so it is in fact exact).
//
// Skipped, saying so, when ../shared is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tinyml/frontend.h"

namespace tinyml {
namespace {

namespace fs = std::filesystem;
using testing::AlignedBuffer;

constexpr float kFloatRelTolerance = 1e-6f;

struct Case {
  std::string name;
  std::string input;
  bool stream;
};

std::string Folder(const std::string& variant) {
  return testing::SharedDir() + "/conformance/audio_preprocessor_" + variant;
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const std::string models = testing::SharedDir() + "/models/micro_speech/";
  for (const char* name : {"rand0", "rand1", "rand2", "edge_min", "edge_max"})
    cases.push_back({name, "/input_" + std::string(name) + ".bin", false});
  for (const char* word : {"yes", "no"})
    cases.push_back({std::string("wav_") + word + "_30ms", models + word + "_30ms_pcm16.bin", false});
  for (const char* word : {"yes", "no", "silence", "noise"})
    cases.push_back({std::string("wav_") + word + "_1000ms_stream", models + word + "_1000ms_pcm16.bin", true});
  return cases;
}

std::vector<int16_t> Samples(const std::vector<uint8_t>& bytes) {
  std::vector<int16_t> s(bytes.size() / 2);
  std::memcpy(s.data(), bytes.data(), s.size() * 2);
  return s;
}

// A frontend with its own memory.
struct Native {
  Frontend frontend;
  AlignedBuffer memory;
  explicit Native(const FrontendConfig& config) {
    size_t bytes = 0;
    EXPECT_EQ(Frontend::RequiredBytes(config, &bytes), Status::kOk);
    memory.Resize(bytes);
    EXPECT_EQ(frontend.Init(config, memory.data(), memory.size()), Status::kOk) << frontend.error();
  }
  // Pushes `samples` in chunks of `chunk` (0: all at once).
  std::vector<uint8_t> Run(const std::vector<int16_t>& samples, size_t chunk) {
    std::vector<uint8_t> out;
    const size_t step = chunk == 0 ? samples.size() : chunk;
    std::vector<uint8_t> frames(frontend.frame_bytes() * (step / 1 + 2));
    for (size_t off = 0; off < samples.size(); off += step) {
      const size_t n = std::min(step, samples.size() - off);
      size_t written = 0;
      EXPECT_EQ(frontend.Push(samples.data() + off, n, frames.data(), frames.size() / frontend.frame_bytes(),
                              &written),
                Status::kOk)
          << frontend.error();
      out.insert(out.end(), frames.begin(), frames.begin() + written * frontend.frame_bytes());
    }
    return out;
  }
};

bool SharedPresent() { return fs::exists(Folder("int8")); }

std::string InputPath(const Case& c, const std::string& variant) {
  return c.input[0] == '/' && c.input.rfind("/input_", 0) == 0 ? Folder(variant) + c.input : c.input;
}

class NativeMicroSpeech : public ::testing::TestWithParam<Case> {};

TEST_P(NativeMicroSpeech, Int8MatchesTflmByteForByte) {
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  const Case& c = GetParam();
  std::vector<uint8_t> input, expected;
  ASSERT_TRUE(testing::ReadFile(InputPath(c, "int8"), &input)) << InputPath(c, "int8");
  ASSERT_TRUE(testing::ReadFile(Folder("int8") + "/output_" + c.name + ".bin", &expected));
  const std::vector<int16_t> samples = Samples(input);
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{7}, size_t{160}, size_t{320}, size_t{479}, size_t{481}}) {
    if (!c.stream && chunk != 0 && chunk != 7) continue;
    Native native(FrontendConfig::MicroSpeech());
    const std::vector<uint8_t> actual = native.Run(samples, chunk);
    ASSERT_EQ(actual.size(), expected.size()) << "chunk " << chunk;
    int mismatches = 0;
    for (size_t i = 0; i < actual.size(); ++i)
      if (actual[i] != expected[i] && mismatches++ < 8)
        ADD_FAILURE() << "chunk " << chunk << " frame " << i / 40 << " channel " << i % 40 << ": got "
                      << int(int8_t(actual[i])) << " want " << int(int8_t(expected[i]));
    EXPECT_EQ(mismatches, 0) << "chunk " << chunk;
  }
}

TEST_P(NativeMicroSpeech, FloatMatchesTflm) {
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  const Case& c = GetParam();
  std::vector<uint8_t> input, expected;
  ASSERT_TRUE(testing::ReadFile(InputPath(c, "float"), &input)) << InputPath(c, "float");
  ASSERT_TRUE(testing::ReadFile(Folder("float") + "/output_" + c.name + ".bin", &expected));
  FrontendConfig config = FrontendConfig::MicroSpeech();
  config.output_type = TensorType::kFloat32;
  Native native(config);
  const std::vector<uint8_t> actual = native.Run(Samples(input), 160);
  ASSERT_EQ(actual.size(), expected.size());
  int mismatches = 0;
  for (size_t i = 0; i < actual.size() / 4; ++i) {
    float a, e;
    std::memcpy(&a, actual.data() + 4 * i, 4);
    std::memcpy(&e, expected.data() + 4 * i, 4);
    if (!(std::fabs(a - e) <= kFloatRelTolerance * std::fabs(e)) && mismatches++ < 8)
      ADD_FAILURE() << "frame " << i / 40 << " channel " << i % 40 << ": got " << a << " want " << e;
  }
  EXPECT_EQ(mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(Shared, NativeMicroSpeech, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// Reset() between two runs of a stream gives the stream's frames again.
TEST(NativeMicroSpeechState, ResetReplaysTheStream) {
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  std::vector<uint8_t> input, expected;
  const std::string path = testing::SharedDir() + "/models/micro_speech/yes_1000ms_pcm16.bin";
  ASSERT_TRUE(testing::ReadFile(path, &input)) << path;
  ASSERT_TRUE(testing::ReadFile(Folder("int8") + "/output_wav_yes_1000ms_stream.bin", &expected));
  Native native(FrontendConfig::MicroSpeech());
  const std::vector<int16_t> samples = Samples(input);
  EXPECT_EQ(native.Run(samples, 320), expected);
  // Without a reset, the leftover samples and noise estimate carry over.
  EXPECT_NE(native.Run(samples, 320), expected);
  native.frontend.Reset();
  EXPECT_EQ(native.Run(samples, 320), expected);
}

}  // namespace
}  // namespace tinyml
