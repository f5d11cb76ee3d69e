// TFLite Micro's audio preprocessor (micro_speech) run by tinyml with the
// Signal custom ops, against TFLM's reference outputs in
// ../shared/conformance/audio_preprocessor_{int8,float}: every case, the
// *_stream cases streamed through one interpreter (49 invokes on 480-sample
// windows, 320-sample hop, state carried across invokes).
//
// int8 outputs must match byte for byte. The float model differs from the
// int8 one only in its last ops (CAST of the int16 log features to float
// and one MUL by a constant), both exactly rounded, so its outputs must also
// match exactly; the check allows 1e-6 relative in case a compiler contracts
// the float multiply differently.
//
// Skipped, saying so, when ../shared is absent or when a builtin op the
// model needs is not registered yet.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

namespace fs = std::filesystem;
using testing::AlignedBuffer;

constexpr size_t kWindowBytes = 960;  // 480 int16 samples
constexpr size_t kStrideBytes = 640;  // 320 samples (20 ms)
constexpr float kFloatRelTolerance = 1e-6f;

struct Case {
  std::string variant;  // "int8" or "float"
  std::string name;
  std::string input;  // path
  bool stream;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.variant << "/" << c.name; }

std::string Folder(const std::string& variant) {
  return testing::SharedDir() + "/conformance/audio_preprocessor_" + variant;
}
std::string ModelPath(const std::string& variant) {
  return testing::SharedDir() + "/models/micro_speech/audio_preprocessor_" + variant + ".tflite";
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  const std::string models = testing::SharedDir() + "/models/micro_speech/";
  for (const char* variant : {"int8", "float"}) {
    for (const char* name : {"rand0", "rand1", "rand2", "edge_min", "edge_max"})
      cases.push_back({variant, name, Folder(variant) + "/input_" + name + ".bin", false});
    for (const char* word : {"yes", "no"})
      cases.push_back({variant, std::string("wav_") + word + "_30ms", models + word + "_30ms_pcm16.bin", false});
    for (const char* word : {"yes", "no", "silence", "noise"})
      cases.push_back(
          {variant, std::string("wav_") + word + "_1000ms_stream", models + word + "_1000ms_pcm16.bin", true});
  }
  return cases;
}

// A prepared interpreter on one of the preprocessor models.
struct Preprocessor {
  AlignedBuffer model_bytes;
  Model model;
  StaticOpResolver<64> resolver;
  AlignedBuffer arena{256 * 1024};
  std::unique_ptr<Interpreter> interpreter;
  Status status = Status::kOk;
  std::string error;

  explicit Preprocessor(const std::string& path) {
    if (!testing::ReadFileAligned(path, &model_bytes)) {
      status = Status::kInvalidArgument;
      error = "cannot read " + path;
      return;
    }
    status = model.Load(model_bytes.data(), model_bytes.size());
    if (status != Status::kOk) {
      error = model.error();
      return;
    }
    if (AddAllBuiltins(resolver) != Status::kOk || AddSignalOps(resolver) != Status::kOk) {
      status = Status::kInternal;
      error = "resolver capacity";
      return;
    }
    interpreter = std::make_unique<Interpreter>(model, resolver, arena.data(), arena.size());
    status = interpreter->Prepare();
    if (status != Status::kOk) error = interpreter->error();
  }

  ::testing::AssertionResult Run(const uint8_t* window, std::vector<uint8_t>* out) {
    std::memcpy(interpreter->input(0)->data, window, kWindowBytes);
    if (interpreter->Invoke() != Status::kOk) return ::testing::AssertionFailure() << interpreter->error();
    const uint8_t* p = static_cast<const uint8_t*>(interpreter->output(0)->data);
    out->insert(out->end(), p, p + interpreter->output_bytes(0));
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult RunAll(const std::vector<uint8_t>& input, bool stream, std::vector<uint8_t>* out) {
    if (!stream) {
      if (input.size() != kWindowBytes) return ::testing::AssertionFailure() << "input size " << input.size();
      return Run(input.data(), out);
    }
    for (size_t off = 0; off + kWindowBytes <= input.size(); off += kStrideBytes) {
      auto r = Run(input.data() + off, out);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
};

bool SharedPresent() { return fs::exists(ModelPath("int8")); }

#define SKIP_IF_UNAVAILABLE(pre)                                                                        \
  if ((pre).status == Status::kUnsupportedOp)                                                           \
    GTEST_SKIP() << "a builtin op of the preprocessor is not registered yet: " << (pre).error;          \
  ASSERT_EQ((pre).status, Status::kOk) << (pre).error

class AudioPreprocessor : public ::testing::TestWithParam<Case> {};

TEST_P(AudioPreprocessor, MatchesTflm) {
  const Case& c = GetParam();
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  Preprocessor pre(ModelPath(c.variant));
  SKIP_IF_UNAVAILABLE(pre);
  std::vector<uint8_t> input, expected, actual;
  ASSERT_TRUE(testing::ReadFile(c.input, &input)) << c.input;
  const std::string out_path = Folder(c.variant) + "/output_" + c.name + ".bin";
  ASSERT_TRUE(testing::ReadFile(out_path, &expected)) << out_path;
  ASSERT_TRUE(pre.RunAll(input, c.stream, &actual));
  ASSERT_EQ(actual.size(), expected.size());
  int mismatches = 0;
  if (c.variant == "int8") {
    for (size_t i = 0; i < actual.size(); ++i)
      if (actual[i] != expected[i] && mismatches++ < 8)
        ADD_FAILURE() << "frame " << i / 40 << " channel " << i % 40 << ": got " << int(int8_t(actual[i]))
                      << " want " << int(int8_t(expected[i]));
  } else {
    for (size_t i = 0; i < actual.size() / 4; ++i) {
      float a, e;
      std::memcpy(&a, actual.data() + 4 * i, 4);
      std::memcpy(&e, expected.data() + 4 * i, 4);
      if (!(std::fabs(a - e) <= kFloatRelTolerance * std::fabs(e)) && mismatches++ < 8)
        ADD_FAILURE() << "frame " << i / 40 << " channel " << i % 40 << ": got " << a << " want " << e;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(Shared, AudioPreprocessor, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.variant + "_" + info.param.name;
                         });

// Reset() clears the noise estimate: a stream run twice with a reset in
// between gives the same features, and a fresh interpreter's first invoke
// equals the stream's first frame.
TEST(AudioPreprocessorState, ResetRestoresInitialState) {
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  Preprocessor pre(ModelPath("int8"));
  SKIP_IF_UNAVAILABLE(pre);
  std::vector<uint8_t> input;
  const std::string path = testing::SharedDir() + "/models/micro_speech/yes_1000ms_pcm16.bin";
  ASSERT_TRUE(testing::ReadFile(path, &input)) << path;
  std::vector<uint8_t> first, second;
  ASSERT_TRUE(pre.RunAll(input, true, &first));
  pre.interpreter->Reset();
  ASSERT_TRUE(pre.RunAll(input, true, &second));
  EXPECT_EQ(first, second);

  // Without a reset the state carries over and the features differ.
  std::vector<uint8_t> carried;
  ASSERT_TRUE(pre.RunAll(input, true, &carried));
  EXPECT_NE(first, carried);

  Preprocessor fresh(ModelPath("int8"));
  ASSERT_EQ(fresh.status, Status::kOk) << fresh.error;
  std::vector<uint8_t> one;
  ASSERT_TRUE(fresh.Run(input.data(), &one));
  EXPECT_TRUE(std::equal(one.begin(), one.end(), first.begin()));
}

// The arena tinyml needs for the preprocessor, printed beside TFLM's.
TEST(AudioPreprocessorState, ArenaBytes) {
  if (!SharedPresent()) GTEST_SKIP() << "../shared not found at " << testing::SharedDir() << ": skipped";
  for (const char* variant : {"int8", "float"}) {
    Preprocessor pre(ModelPath(variant));
    SKIP_IF_UNAVAILABLE(pre);
    std::printf("[arena] audio_preprocessor_%s: tinyml %zu B (persistent %zu B)\n", variant,
                pre.interpreter->RequiredArenaBytes(), pre.interpreter->persistent_bytes());
  }
}

}  // namespace
}  // namespace tinyml
