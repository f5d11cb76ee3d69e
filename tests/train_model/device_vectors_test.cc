// Models the device tests (tests/device, under QEMU on every Cortex-M core)
// run besides the ../shared conformance cases: shapes those models do not
// have (INT4 conv and depthwise weights, the time-frequency front between
// two RESHAPEs, TC-ResNet ADDs) and the bundled wake-word model. For each,
// tests/device/models holds the inputs (49 x 40 int8 feature windows, one
// after another) and the outputs the host interpreter gives them (reference
// kernels, byte-exact with TFLite Micro on the conformance cases); the
// device must give the same bytes through its reference and optimized
// kernels.
//
// This test makes the files again and checks the committed ones are what
// the host makes now. TINYML_UPDATE_DEVICE_VECTORS=1 rewrites them instead
// (after a deliberate change, e.g. a new bundled model).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/model_file.h"
#include "model/zoo.h"

namespace tinyml::train {
namespace {

const std::string kDir = std::string(TINYML_SOURCE_DIR) + "/tests/device/models";
constexpr size_t kWindows = 6;
constexpr size_t kWindowBytes = static_cast<size_t>(kModelFrames) * kModelFeatures;

// A zoo net with random weights and scales a trained net might have: each
// layer's output range about what its inputs give, so scores vary between
// windows instead of saturating.
QuantModel RandomModel(const ArchSpec& arch, uint32_t seed) {
  std::mt19937 rng(seed);
  QuantModel m = PlaceholderQuantModel(arch);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerSpec& l = arch.layers[i];
    QuantLayer& q = m.layers[i];
    if (l.has_weights()) {
      const int32_t qmax = l.kind == LayerKind::kFullyConnected ? 127 : l.weight_qmax();
      std::uniform_int_distribution<int> w(-qmax, qmax);
      for (int8_t& v : q.weights) v = static_cast<int8_t>(w(rng));
      const double fan_in = static_cast<double>(l.weight_count()) / l.bias_count();
      std::uniform_real_distribution<float> jitter(0.7f, 1.3f);
      for (float& s : q.weight_scales) s = static_cast<float>(1.5 / (qmax * std::sqrt(fan_in))) * jitter(rng);
      std::uniform_int_distribution<int32_t> b(-2000, 2000);
      for (int32_t& v : q.bias) v = b(rng);
    }
    if (l.kind == LayerKind::kConv || l.kind == LayerKind::kDepthwise || l.kind == LayerKind::kTimeFreqConv ||
        l.kind == LayerKind::kAdd || l.kind == LayerKind::kFullyConnected) {
      std::uniform_real_distribution<float> scale(0.02f, 0.05f);
      q.output.scale = scale(rng);
      q.output.zero_point = l.relu ? -128 : static_cast<int32_t>(rng() % 61) - 30;
    }
    if (l.kind == LayerKind::kAvgPool) q.output = m.layers[static_cast<size_t>(l.input)].output;
  }
  return m;
}

// A triangle wave of period 1 in -1..1 (no libm: its results may differ
// between machines, these files must not).
float Triangle(float x) {
  const float f = x - static_cast<float>(static_cast<int32_t>(x));
  return f < 0.5f ? 4.0f * f - 1.0f : 3.0f - 4.0f * f;
}

// Feature-like windows: a smooth random spectrum per window that moves
// over time, plus noise, in the frontend's 0..255 (int8 -128..127) range.
std::vector<int8_t> Windows(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<int8_t> x(kWindows * kWindowBytes);
  for (size_t w = 0; w < kWindows; ++w) {
    const float level = 40.0f + 150.0f * u(rng), tilt = 60.0f * (u(rng) - 0.5f), speed = 0.05f * u(rng);
    for (int32_t t = 0; t < kModelFrames; ++t)
      for (int32_t f = 0; f < kModelFeatures; ++f) {
        const float v = level + tilt * Triangle(0.03f * f + speed * t) + 25.0f * (u(rng) - 0.5f);
        x[w * kWindowBytes + static_cast<size_t>(t * kModelFeatures + f)] =
            static_cast<int8_t>(std::lround(std::clamp(v, 0.0f, 255.0f)) - 128);
      }
  }
  return x;
}

std::vector<uint8_t> Bytes(const std::vector<int8_t>& v) { return {v.begin(), v.end()}; }

std::vector<uint8_t> ReadOrEmpty(const std::string& path) {
  if (!std::filesystem::exists(path)) return {};
  const tools::AlignedBuffer b = tools::ReadFileAligned(path);
  return {b.data(), b.data() + b.size()};
}

// Writes (update mode) or compares one file.
void Expect(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = kDir + "/" + name;
  const char* update = std::getenv("TINYML_UPDATE_DEVICE_VECTORS");
  if (update != nullptr && std::string(update) == "1") {
    tools::WriteFileAtomic(path, bytes.data(), bytes.size());
    return;
  }
  EXPECT_TRUE(ReadOrEmpty(path) == bytes)
      << path << " is not what the host makes now (" << bytes.size()
      << " bytes); after a deliberate change rerun with TINYML_UPDATE_DEVICE_VECTORS=1";
}

// Outputs that differ between windows: a test vector that says something.
void ExpectVaried(const std::vector<int8_t>& scores) {
  size_t differ = 0;
  for (size_t w = 1; w < kWindows; ++w) differ += scores[w * 2] != scores[0] ? 1 : 0;
  EXPECT_GE(differ, kWindows / 2) << "the scores hardly vary between windows";
  bool unsaturated = false;
  for (int8_t s : scores) unsaturated = unsaturated || (s > -120 && s < 120);
  EXPECT_TRUE(unsaturated) << "every score is saturated";
}

void ExpectZooVectors(const ArchSpec& arch, const std::string& name, uint32_t seed) {
  SCOPED_TRACE(name);
  const std::vector<uint8_t> model = ExportTflite(RandomModel(arch, seed), "tinyml device test vector " + arch.name);
  const std::vector<int8_t> x = Windows(seed + 1);
  const std::vector<int8_t> scores = RunTflite(model, x.data(), kWindows);
  ExpectVaried(scores);
  Expect(name + ".tflite", model);
  Expect(name + ".input.bin", Bytes(x));
  Expect(name + ".output.bin", Bytes(scores));
}

TEST(DeviceVectors, Int4TcResNet) { ExpectZooVectors(MakeTcResNet(8, 2, 9, 4), "tcresnet_int4", 101); }
TEST(DeviceVectors, Int4DsCnn) { ExpectZooVectors(MakeDsCnn(32, 2, 9, 4), "dscnn_int4", 201); }
TEST(DeviceVectors, TimeFreqTcResNet) { ExpectZooVectors(MakeTcResNet2d(3, 8, 2, 9), "tcresnet2d", 301); }

// The bundled model (its file is models/marvin.tflite; only inputs and
// outputs live beside the others).
TEST(DeviceVectors, BundledModel) {
  const std::vector<uint8_t> model = ReadOrEmpty(std::string(TINYML_SOURCE_DIR) + "/models/marvin.tflite");
  ASSERT_FALSE(model.empty());
  const std::vector<int8_t> x = Windows(401);
  const std::vector<int8_t> scores = RunTflite(model, x.data(), kWindows);
  ExpectVaried(scores);
  Expect("marvin.input.bin", Bytes(x));
  Expect("marvin.output.bin", Bytes(scores));
}

}  // namespace
}  // namespace tinyml::train
