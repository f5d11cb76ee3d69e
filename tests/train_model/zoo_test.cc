// The model zoo and its export, without libtorch: every entry exports to a
// .tflite that the interpreter loads and prepares, sizes are predicted
// exactly, and PickArch honours the budgets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "common/kws_metadata.h"
#include "common/model_file.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/model.h"
#include "model/zoo.h"

namespace tinyml::train {
namespace {

const std::string kDescription = "tinyml-kws word=marvin labels=background,marvin threshold=0.5000 frontend=micro_speech";

TEST(ModelZoo, EveryEntryExportsLoadsAndPrepares) {
  const std::vector<ArchSpec> zoo = ModelZoo();
  ASSERT_GE(zoo.size(), 10u);
  std::set<std::string> families, names;
  for (const ArchSpec& a : zoo) {
    families.insert(a.family);
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
    const TfliteCheck c = CheckTflite(file);
    EXPECT_EQ(c.file_bytes, file.size());
    EXPECT_GT(c.arena_bytes, 1960u) << a.name;  // at least the input
    EXPECT_EQ(tools::ReadModelDescription(file.data(), file.size()), kDescription);
  }
  EXPECT_EQ(families, (std::set<std::string>{"dscnn", "tcresnet", "tcresnet2d", "dscnn-int4", "tcresnet-int4"}));
}

// The time-frequency front: a 3 x 3 CONV_2D over (frames, bands) of the
// features as a one-channel image, stride 2 over bands (40 -> 20 bands, SAME:
// no padding before, one band after), between two RESHAPEs; the TC-ResNet
// reads its 20 x filters channels. Whether the channel order matches the
// libtorch model's is Qat.TimeFreqTcResNetTrainsAndTheExportAgrees.
TEST(ModelZoo, TimeFreqFrontIsAConv2dOverFramesAndBands) {
  const ArchSpec a = MakeTcResNet2d(4, 12, 2, 9);
  EXPECT_EQ(a.name, "tcresnet2d-f4-w12-b2-k9");
  const LayerSpec& f = a.layers[0];
  ASSERT_EQ(f.kind, LayerKind::kTimeFreqConv);
  EXPECT_EQ(f.out_frames, 49);
  EXPECT_EQ(f.pad_before, 1);
  EXPECT_EQ(f.pad_after, 1);
  EXPECT_EQ(f.out_bands, 20);
  EXPECT_EQ(f.pad_bands_before, 0);
  EXPECT_EQ(f.pad_bands_after, 1);  // (20 - 1) * 2 + 3 - 40
  EXPECT_EQ(f.out_channels, 80);
  EXPECT_EQ(f.bias_count(), 4);
  EXPECT_EQ(a.layers[1].in_channels, 80);
  // Front 4 x 3 x 3 + 4; the TC-ResNet as MakeTcResNet(12, 2, 9) but its
  // first conv reads 80 channels, not 40.
  const ArchSpec plain = MakeTcResNet(12, 2, 9);
  EXPECT_EQ(a.params(), (4 * 9 + 4) + plain.params() + 3 * 40 * 12);
  EXPECT_EQ(a.macs(), 49 * 20 * 4 * 9 + plain.macs() + 49 * 12 * 3 * 40);

  const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
  tools::AlignedBuffer bytes(file.size());
  std::copy(file.begin(), file.end(), bytes.data());
  Model m;
  ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk) << m.error();
  ASSERT_EQ(m.num_operators(), static_cast<int32_t>(a.layers.size()) + 2);
  const int32_t kReshape = static_cast<int32_t>(BuiltinOp::kReshape), kConv = static_cast<int32_t>(BuiltinOp::kConv2d);
  ASSERT_EQ(m.op(0).builtin_code, kReshape);
  ASSERT_EQ(m.op(1).builtin_code, kConv);
  ASSERT_EQ(m.op(2).builtin_code, kReshape);
  EXPECT_EQ(m.op(0).inputs[0], m.input_tensor(0));
  const auto dims = [&](int32_t tensor) {
    const Shape s = m.tensor(tensor).shape;
    return std::vector<int32_t>(s.dims, s.dims + s.rank);
  };
  EXPECT_EQ(dims(m.op(0).outputs[0]), (std::vector<int32_t>{1, 49, 40, 1}));
  EXPECT_EQ(dims(m.op(1).inputs[1]), (std::vector<int32_t>{4, 3, 3, 1}));
  EXPECT_EQ(dims(m.op(1).outputs[0]), (std::vector<int32_t>{1, 49, 20, 4}));
  EXPECT_EQ(dims(m.op(2).outputs[0]), (std::vector<int32_t>{1, 49, 1, 80}));
  EXPECT_EQ(m.op(3).inputs[0], m.op(2).outputs[0]);
  EXPECT_EQ(dims(m.op(3).inputs[1]), (std::vector<int32_t>{12, 3, 1, 80}));
  // Runs: the arena holds the input and the front's 49 x 20 x 4 output at once.
  EXPECT_GE(CheckTflite(file).arena_bytes, 1960u + 3920u);
  std::vector<int8_t> x(1960);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>((i * 5) % 250 - 125);
  EXPECT_EQ(RunTflite(file, x.data(), 1).size(), 2u);
}

// An int4 entry: every conv/depthwise weight tensor after the first conv is
// INT4 (half the bytes, rounded up); the first conv (reading the features)
// and the FC stay INT8; the ops carry the converter's versions (7 for int4
// CONV_2D and DEPTHWISE_CONV_2D, TFLite's op_version.cc; 3 for int8).
TEST(ModelZoo, Int4EntriesPackConvWeights) {
  for (const ArchSpec& a : {MakeTcResNet(18, 2, 9, 4), MakeDsCnn(32, 2, 9, 4)}) {
    SCOPED_TRACE(a.name);
    EXPECT_EQ(a.layers[0].weight_bits, 8);  // the first conv
    EXPECT_EQ(a.layers[1].weight_bits, 4);
    EXPECT_NE(a.name.find("-int4"), std::string::npos);
    const ArchSpec int8 = a.family == "tcresnet-int4" ? MakeTcResNet(18, 2, 9) : MakeDsCnn(32, 2, 9);
    EXPECT_EQ(a.params(), int8.params());
    const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
    tools::AlignedBuffer bytes(file.size());
    std::copy(file.begin(), file.end(), bytes.data());
    Model m;
    ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk) << m.error();
    int int4 = 0;
    for (int32_t i = 0; i < m.num_operators(); ++i) {
      const OperatorMeta op = m.op(i);
      if (op.num_inputs < 2) continue;
      const TensorMeta w = m.tensor(op.inputs[1]);
      if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kConv2d) ||
          op.builtin_code == static_cast<int32_t>(BuiltinOp::kDepthwiseConv2d)) {
        const bool first = op.inputs[0] == m.input_tensor(0);
        EXPECT_EQ(w.type, first ? TensorType::kInt8 : TensorType::kInt4) << "op " << i;
        EXPECT_EQ(w.const_bytes, first ? w.shape.FlatSize() : (w.shape.FlatSize() + 1) / 2);
        EXPECT_EQ(op.version, first ? 3 : 7);
        int4 += first ? 0 : 1;
      } else if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kFullyConnected)) {
        EXPECT_EQ(w.type, TensorType::kInt8);
      }
    }
    EXPECT_GE(int4, 3);
    EXPECT_LT(file.size(), ExportTflite(PlaceholderQuantModel(int8), kDescription).size());
    // A value outside -8..7 in an int4 layer cannot be exported.
    QuantModel q = PlaceholderQuantModel(a);
    q.layers[1].weights[0] = 8;
    EXPECT_THROW(ExportTflite(q, kDescription), std::invalid_argument);
  }
}

// builtin code -> version of every operator in a .tflite.
std::map<int32_t, int32_t> OpVersions(const uint8_t* data, size_t size) {
  tools::AlignedBuffer bytes(size);
  std::copy(data, data + size, bytes.data());
  Model m;
  EXPECT_EQ(m.Load(bytes.data(), size), Status::kOk) << m.error();
  std::map<int32_t, int32_t> versions;
  for (int32_t i = 0; i < m.num_operators(); ++i) versions[m.op(i).builtin_code] = m.op(i).version;
  return versions;
}

// Ops reading the same input are written back to back: a TC-ResNet block's
// 1x1 shortcut right after its first conv, so the block input is freed
// before the second conv (the arena's peak) runs. The graph is unchanged.
TEST(ModelZoo, ShortcutFollowsTheBlocksFirstConv) {
  const ArchSpec a = MakeTcResNet(14, 2, 9);
  const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
  tools::AlignedBuffer bytes(file.size());
  std::copy(file.begin(), file.end(), bytes.data());
  Model m;
  ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk) << m.error();
  ASSERT_EQ(m.num_operators(), static_cast<int32_t>(a.layers.size()));
  // conv 3x1; then per block: conv 9x1, shortcut 1x1 (same input), conv 9x1, add.
  const int32_t kernels[] = {3, 9, 1, 9, -1, 9, 1, 9, -1};
  for (int32_t i = 0; i < 9; ++i) {
    const OperatorMeta op = m.op(i);
    if (kernels[i] < 0) {
      EXPECT_EQ(op.builtin_code, static_cast<int32_t>(BuiltinOp::kAdd)) << i;
      continue;
    }
    ASSERT_EQ(op.builtin_code, static_cast<int32_t>(BuiltinOp::kConv2d)) << i;
    EXPECT_EQ(m.tensor(op.inputs[1]).shape.dims[1], kernels[i]) << i;
  }
  EXPECT_EQ(m.op(1).inputs[0], m.op(2).inputs[0]);  // the shortcut reads the block's input
}

TEST(ModelZoo, OperatorVersionsAreTheConvertersForInt8) {
  // The TFLite converter's versions for the same int8 ops, read from
  // converter-made models in ../shared: KWS DS-CNN (CONV_2D, DEPTHWISE,
  // AVERAGE_POOL_2D, FULLY_CONNECTED, SOFTMAX) and IC ResNet-8 (ADD).
  const std::string shared = TINYML_SHARED_DIR;
  const std::string kws = shared + "/models/mlperf_tiny_kws/kws_ref_model.tflite";
  const std::string resnet = shared + "/models/mlperf_tiny_ic/pretrainedResnet_quant.tflite";
  if (!std::filesystem::exists(kws) || !std::filesystem::exists(resnet)) {
    GTEST_SKIP() << "needs " << kws << " and " << resnet << " (../shared absent)";
  }
  std::map<int32_t, int32_t> reference;
  for (const std::string& path : {kws, resnet}) {
    const tools::AlignedBuffer file = tools::ReadFileAligned(path);
    for (const auto& [code, version] : OpVersions(file.data(), file.size())) reference[code] = version;
  }
  for (const ArchSpec& a : {MakeDsCnn(16, 2, 9), MakeTcResNet(8, 2, 9)}) {
    const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
    for (const auto& [code, version] : OpVersions(file.data(), file.size())) {
      ASSERT_TRUE(reference.count(code)) << a.name << ": op " << code << " not in the reference models";
      EXPECT_EQ(version, reference[code]) << a.name << ": op " << code;
    }
  }
}

TEST(ModelZoo, LayerShapesFollowSamePadding) {
  const ArchSpec a = MakeDsCnn(24, 3, 9);
  ASSERT_EQ(a.layers.size(), 1u + 2u * 3u + 3u);
  EXPECT_EQ(a.layers[0].out_frames, 25);  // 49 / 2 rounded up
  EXPECT_EQ(a.layers[0].pad_before + a.layers[0].pad_after, 2);  // (25-1)*2+3-49
  EXPECT_EQ(a.layers[1].out_frames, 13);
  EXPECT_EQ(a.layers[1].pad_before, 4);
  EXPECT_EQ(a.layers[3].out_frames, 7);
  EXPECT_EQ(a.layers[5].out_frames, 7);
  // Parameters: conv 3x40x24 + 24, per block dw 9x24 + 24 and pw 24x24 + 24, FC 24x2 + 2.
  EXPECT_EQ(a.params(), (3 * 40 * 24 + 24) + 2 * (9 * 24 + 24 + 24 * 24 + 24) + (9 * 24 + 24 + 24 * 24 + 24) + 50);
  EXPECT_EQ(a.macs(), 25 * 24 * 3 * 40 + 13 * 24 * 9 + 13 * 24 * 24 + 7 * 24 * 9 + 7 * 24 * 24 + 7 * 24 * 9 +
                          7 * 24 * 24 + 48);
  const ArchSpec t = MakeTcResNet(12, 2, 9);
  int adds = 0;
  for (const LayerSpec& l : t.layers) adds += l.kind == LayerKind::kAdd ? 1 : 0;
  EXPECT_EQ(adds, 2);
  EXPECT_EQ(t.layers.back().kind, LayerKind::kSoftmax);
}

TEST(ModelZoo, PlaceholderRunsInTheInterpreter) {
  const ArchSpec a = MakeTcResNet(8, 2, 9);
  const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(a), kDescription);
  std::vector<int8_t> x(2 * 1960);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>((i * 7) % 200 - 100);
  const std::vector<int8_t> s = RunTflite(file, x.data(), 2);
  ASSERT_EQ(s.size(), 4u);
  // Softmax output with scale 1/256, zero point -128: the two scores sum to about 256 steps.
  for (int e = 0; e < 2; ++e) EXPECT_NEAR((s[e * 2] + 128) + (s[e * 2 + 1] + 128), 256, 2);
}

// The budget check's size is a trained model's: a model whose scales and
// zero points are all different random values (as training gives) exports
// to MeasureArch's bytes within alignment padding (8-byte zero-point
// vectors land at other offsets), although the writer shares equal vectors.
// (With equal placeholder scales, as before, w14 measured 800 bytes short.)
TEST(ModelZoo, MeasuredBytesAreATrainedModelsBytes) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> scale(0.001f, 0.2f);
  for (const ArchSpec& a : ModelZoo()) {
    QuantModel m = PlaceholderQuantModel(a);
    for (size_t i = 0; i < m.layers.size(); ++i) {
      QuantLayer& l = m.layers[i];
      for (float& s : l.weight_scales) s = scale(rng);
      const LayerKind kind = a.layers[i].kind;
      if (kind == LayerKind::kSoftmax) continue;
      if (kind == LayerKind::kAvgPool) {
        l.output = m.layers[a.layers[i].input].output;
        continue;
      }
      l.output.scale = scale(rng);
      if (!a.layers[i].relu) l.output.zero_point = static_cast<int32_t>(rng() % 255) - 127;
    }
    const double trained = static_cast<double>(ExportTflite(m, kDescription).size());
    EXPECT_NEAR(trained, static_cast<double>(MeasureArch(a, kDescription).file_bytes), 32.0) << a.name;
  }
}

TEST(ModelZoo, PickArchTakesTheLargestFit) {
  const ArchChoice c = PickArch("dscnn", 14336, 8192, kDescription);
  EXPECT_LE(c.stats.file_bytes, 14336u);
  EXPECT_LE(c.stats.arena_bytes, 8192u);
  const ModelStats again = MeasureArch(c.arch, kDescription);
  EXPECT_EQ(again.file_bytes, c.stats.file_bytes);
  for (const ArchSpec& a : ModelZoo()) {
    if (a.family != "dscnn") continue;
    const ModelStats s = MeasureArch(a, kDescription);
    if (s.file_bytes <= 14336 && s.arena_bytes <= 8192) EXPECT_LE(s.file_bytes, c.stats.file_bytes) << a.name;
  }
  // A smaller budget gives a smaller model; an exact entry name works.
  const ArchChoice small = PickArch("dscnn", 8000, 8192, kDescription);
  EXPECT_LT(small.stats.file_bytes, c.stats.file_bytes);
  EXPECT_EQ(PickArch(small.arch.name, 1 << 20, 1 << 20, kDescription).arch.name, small.arch.name);
}

TEST(ModelZoo, PickArchErrors) {
  try {
    PickArch("dscnn", 1000, 8192, kDescription);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("size budget of 1000 bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PickArch("dscnn", 14336, 100, kDescription), std::runtime_error);
  EXPECT_THROW(PickArch("resnet50", 14336, 8192, kDescription), std::runtime_error);
  EXPECT_THROW(PickArch("auto", 1000, 8192, kDescription), std::runtime_error);
}

TEST(ModelZoo, AutoPrefersTcResNetThenDsCnn) {
  EXPECT_EQ(PickArch("auto", 14336, 8192, kDescription).arch.family, "tcresnet");
  // Below the smallest TC-ResNet only a DS-CNN fits.
  size_t smallest_tcresnet = SIZE_MAX;
  for (const ArchSpec& a : ModelZoo()) {
    if (a.family == "tcresnet") smallest_tcresnet = std::min(smallest_tcresnet, MeasureArch(a, kDescription).file_bytes);
  }
  ASSERT_LT(smallest_tcresnet, SIZE_MAX);
  const ArchChoice small = PickArch("auto", smallest_tcresnet - 1, 8192, kDescription);
  EXPECT_EQ(small.arch.family, "dscnn");
  EXPECT_LT(small.stats.file_bytes, smallest_tcresnet);
}

TEST(ModelZoo, ExportRejectsMismatchedParameters) {
  QuantModel m = PlaceholderQuantModel(MakeDsCnn(12, 2, 9));
  m.layers[0].weights.pop_back();
  EXPECT_THROW(ExportTflite(m, kDescription), std::invalid_argument);
  m = PlaceholderQuantModel(MakeDsCnn(12, 2, 9));
  m.layers.pop_back();
  EXPECT_THROW(ExportTflite(m, kDescription), std::invalid_argument);
}

TEST(ModelZoo, CompareScores) {
  const Agreement a = CompareScores({10, -10, -20, 20, 0, 0}, {11, -12, 25, -20, 0, 0}, 2);
  EXPECT_EQ(a.examples, 3u);
  EXPECT_DOUBLE_EQ(a.top1, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.equal_outputs, 2.0 / 6.0);
  EXPECT_EQ(a.max_abs_diff, 45);
  EXPECT_THROW(CompareScores({1, 2}, {1}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace tinyml::train
