// RELU, RELU6, LEAKY_RELU: exact hand-worked values, a double reference
// within 1 LSB, the edge battery, op-level runs and TFLite Micro goldens.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "elementwise_harness.h"
#include "kernels/ref/elementwise.h"
#include "support/test_util.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 977;

int32_t RoundAway(double x) { return static_cast<int32_t>(x >= 0 ? std::floor(x + 0.5) : -std::floor(-x + 0.5)); }
int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

TEST(ReluS8, HandWorked) {
  // Input scale 0.5, output scale 0.25: a factor of exactly 2.
  ref::ReluQuantParams p;
  ASSERT_TRUE(ref::PrepareReluQuant(0.5f, 3, 0.25f, -10, -128, 127, &p));
  EXPECT_EQ(p.multiplier, 1 << 30);
  EXPECT_EQ(p.shift, 2);
  EXPECT_EQ(p.quantized_min, -10);
  const std::vector<int8_t> in = {3, 4, 2, 127, -128, 40};
  std::vector<int8_t> out(in.size());
  ref::ReluS8(p, in.data(), static_cast<int64_t>(in.size()), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-10, -8, -10, 127, -10, 64}));
}

TEST(ReluS8, WithinOneLsbOfDoubleAndInPlace) {
  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed);
  for (int t = 0; t < 50; ++t) {
    const float si = std::exp2(static_cast<float>(rng() % 16) - 12.0f) * 1.37f;
    const float so = si * std::exp2(static_cast<float>(rng() % 8) - 4.0f) * 0.81f;
    const int32_t zi = t == 0 ? -128 : t == 1 ? 127 : static_cast<int32_t>(rng() % 256) - 128;
    const int32_t zo = t == 0 ? 127 : t == 1 ? -128 : static_cast<int32_t>(rng() % 256) - 128;
    ref::ReluQuantParams p;
    ASSERT_TRUE(ref::PrepareReluQuant(si, zi, so, zo, -128, 127, &p));
    std::vector<int8_t> v(256), expect(256);
    for (int i = 0; i < 256; ++i) v[i] = static_cast<int8_t>(i - 128);
    for (int i = 0; i < 256; ++i) {
      const double real = std::max(0.0, si * (static_cast<double>(v[i]) - zi));
      expect[i] = static_cast<int8_t>(Clamp(RoundAway(std::min(1e9, real / so + zo)), std::max(-128, zo), 127));
    }
    ref::ReluS8(p, v.data(), 256, v.data());  // in place
    for (int i = 0; i < 256; ++i) ASSERT_LE(std::abs(v[i] - expect[i]), 1) << "trial " << t << " i " << i;
  }
}

TEST(Relu6S8, ClampsInInputQuantization) {
  int32_t lo = 0, hi = 0;
  ASSERT_TRUE(ref::Relu6QuantBounds(0.1f, -20, -128, 127, &lo, &hi));
  EXPECT_EQ(lo, -20);
  EXPECT_EQ(hi, 40);  // round(6 / 0.1) - 20
  ASSERT_TRUE(ref::Relu6QuantBounds(1e-6f, 100, -128, 127, &lo, &hi));
  EXPECT_EQ(hi, 127);  // saturated
  ASSERT_TRUE(ref::Relu6QuantBounds(0.1f, -20, -128, 127, &lo, &hi));
  const std::vector<int8_t> in = {-128, -21, -20, 0, 40, 41, 127};
  std::vector<int8_t> out(in.size());
  ref::Relu6S8(lo, hi, in.data(), static_cast<int64_t>(in.size()), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-20, -20, -20, 0, 40, 40, 40}));
  EXPECT_FALSE(ref::Relu6QuantBounds(0.0f, 0, -128, 127, &lo, &hi));
}

TEST(ReluFloat, ExactIncludingNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> in = {-1.0f, 0.0f, 3.5f, 7.0f, nan, -0.0f};
  std::vector<float> r(in.size()), r6(in.size());
  ref::ReluF32(in.data(), 6, r.data());
  ref::Relu6F32(in.data(), 6, r6.data());
  EXPECT_EQ(r[0], 0.0f);
  EXPECT_EQ(r[2], 3.5f);
  EXPECT_EQ(r[3], 7.0f);
  EXPECT_TRUE(std::isnan(r[4]));
  EXPECT_EQ(r6[3], 6.0f);
  EXPECT_EQ(r6[2], 3.5f);
  EXPECT_EQ(r6[0], 0.0f);
  EXPECT_TRUE(std::isnan(r6[4]));
}

TEST(LeakyReluS8, HandWorkedAndDouble) {
  // alpha 0.5, equal scales: identity factor 1 (2^30, shift 1), alpha 2^30, 0.
  ref::LeakyReluQuantParams p;
  ASSERT_TRUE(ref::PrepareLeakyReluQuant(0.25f, 0, 0.25f, 0, 0.5f, &p));
  EXPECT_EQ(p.multiplier_identity, 1 << 30);
  EXPECT_EQ(p.shift_identity, 1);
  EXPECT_EQ(p.multiplier_alpha, 1 << 30);
  EXPECT_EQ(p.shift_alpha, 0);
  const std::vector<int8_t> in = {10, -10, -3, -1, 127, -128};
  std::vector<int8_t> out(in.size());
  ref::LeakyReluS8(p, in.data(), 6, out.data());
  // TFLite's doubling high multiply rounds ties upward: -1.5 -> -1, -0.5 -> 0.
  EXPECT_EQ(out, (std::vector<int8_t>{10, -5, -1, 0, 127, -64}));

  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed + 1);
  for (int t = 0; t < 50; ++t) {
    const float alpha = t == 0 ? -0.3f : t == 1 ? 0.0f : static_cast<float>(rng() % 1000) / 500.0f - 0.5f;
    const float si = std::exp2(static_cast<float>(rng() % 12) - 10.0f);
    const float so = si * std::exp2(static_cast<float>(rng() % 6) - 3.0f) * 1.3f;
    const int32_t zi = static_cast<int32_t>(rng() % 256) - 128, zo = static_cast<int32_t>(rng() % 256) - 128;
    ASSERT_TRUE(ref::PrepareLeakyReluQuant(si, zi, so, zo, alpha, &p));
    std::vector<int8_t> v(256), o(256);
    for (int i = 0; i < 256; ++i) v[i] = static_cast<int8_t>(i - 128);
    ref::LeakyReluS8(p, v.data(), 256, o.data());
    for (int i = 0; i < 256; ++i) {
      const double x = si * (static_cast<double>(v[i]) - zi);
      const double real = x >= 0 ? x : x * alpha;
      const int32_t e = Clamp(RoundAway(std::max(-1e9, std::min(1e9, real / so + zo))), -128, 127);
      ASSERT_LE(std::abs(o[i] - e), 1) << "trial " << t << " alpha " << alpha << " i " << i;
    }
  }
}

TEST(LeakyReluFloat, Exact) {
  const std::vector<float> in = {2.0f, -2.0f, 0.0f};
  std::vector<float> out(3);
  ref::LeakyReluF32(0.2f, in.data(), 3, out.data());
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[1], -2.0f * 0.2f);
  EXPECT_EQ(out[2], 0.0f);
}

TEST(ElementwiseOps, Int8ReluRelu6LeakyThroughInterpreter) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {2, 3, 5}, QuantParams::PerTensor(0.05f, -7));
  const int r = b.AddTensor(TensorType::kInt8, {2, 3, 5}, QuantParams::PerTensor(0.04f, -128));
  const int r6 = b.AddTensor(TensorType::kInt8, {2, 3, 5}, QuantParams::PerTensor(0.04f, -128));
  const int lr = b.AddTensor(TensorType::kInt8, {2, 3, 5}, QuantParams::PerTensor(0.03f, 10));
  b.AddOperator(BuiltinOp::kRelu, {in}, {r});
  b.AddOperator(BuiltinOp::kRelu6, {r}, {r6});
  b.AddOperator(BuiltinOp::kLeakyRelu, {in}, {lr}, writer::LeakyReluOptions{0.1f});
  b.SetInputs({in});
  b.SetOutputs({r6, lr});
  testing::OpRunner run;
  ASSERT_EQ(run.Prepare(b.Finish(), elementwise_test::ElementwiseOps()), Status::kOk) << run.error();
  std::vector<int8_t> x(30);
  for (int i = 0; i < 30; ++i) x[i] = static_cast<int8_t>(i * 9 - 128);
  const auto got = As<int8_t>(run.Run({Bytes(x)}));
  ASSERT_EQ(got.size(), 60u);
  ref::ReluQuantParams rp;
  ASSERT_TRUE(ref::PrepareReluQuant(0.05f, -7, 0.04f, -128, -128, 127, &rp));
  int32_t lo = 0, hi = 0;
  ASSERT_TRUE(ref::Relu6QuantBounds(0.04f, -128, -128, 127, &lo, &hi));
  ref::LeakyReluQuantParams lp;
  ASSERT_TRUE(ref::PrepareLeakyReluQuant(0.05f, -7, 0.03f, 10, 0.1f, &lp));
  std::vector<int8_t> e1(30), e2(30);
  ref::ReluS8(rp, x.data(), 30, e1.data());
  ref::Relu6S8(lo, hi, e1.data(), 30, e1.data());
  ref::LeakyReluS8(lp, x.data(), 30, e2.data());
  EXPECT_EQ(std::vector<int8_t>(got.begin(), got.begin() + 30), e1);
  EXPECT_EQ(std::vector<int8_t>(got.begin() + 30, got.end()), e2);
}

TEST(ElementwiseOps, BadModelsFailInPrepare) {
  auto expect_fail = [](BuiltinOp op, TensorType ti, TensorType to, QuantParams qi, QuantParams qo, Status want,
                        const char* part, std::vector<int32_t> out_shape = {4}) {
    ModelBuilder b;
    const int in = b.AddTensor(ti, {4}, qi);
    const int out = b.AddTensor(to, out_shape, qo);
    b.AddOperator(op, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    testing::OpRunner r;
    (void)r.Prepare(b.Finish(), elementwise_test::ElementwiseOps());
    ASSERT_EQ(r.load_status(), Status::kOk) << r.error();
    EXPECT_EQ(r.prepare_status(), want) << r.error();
    EXPECT_NE(r.error().find(part), std::string::npos) << r.error();
  };
  const auto q = QuantParams::PerTensor(0.1f, 0);
  expect_fail(BuiltinOp::kRelu, TensorType::kInt8, TensorType::kInt16, q, q, Status::kUnsupportedType,
              "INT8 -> INT16");
  expect_fail(BuiltinOp::kRelu6, TensorType::kInt32, TensorType::kInt32, {}, {}, Status::kUnsupportedType, "INT32");
  expect_fail(BuiltinOp::kLeakyRelu, TensorType::kInt8, TensorType::kInt8, {}, q, Status::kInvalidModel,
              "lacks quantization");
  expect_fail(BuiltinOp::kRelu, TensorType::kInt16, TensorType::kInt16, QuantParams::PerTensor(0.1f, 5), q,
              Status::kUnsupportedType, "zero points of 0");
  expect_fail(BuiltinOp::kRelu, TensorType::kFloat32, TensorType::kFloat32, {}, {}, Status::kInvalidShape,
              "sizes differ", {5});
  // A zero scale loads (negative or non-finite ones do not: Model::Load) but
  // cannot requantize.
  expect_fail(BuiltinOp::kRelu, TensorType::kInt8, TensorType::kInt8, QuantParams::PerTensor(0.0f, 0), q,
              Status::kInvalidModel, "scale");
}

TEST(ElementwiseOps, SeanetInt16LeakyReluGoldens) {
  const std::string dir = testing::SharedDir() + "/models/seanet_layers/leaky_relu/";
  int ran = 0;
  for (int i = 0; i < 23; ++i) {
    const std::string base = dir + "leaky_relu" + std::to_string(i);
    std::vector<uint8_t> model, in, want;
    if (!testing::ReadFile(base + ".tflite", &model)) continue;
    ASSERT_TRUE(testing::ReadFile(base + "_input0_int16.bin", &in));
    ASSERT_TRUE(testing::ReadFile(base + "_golden_int16.bin", &want));
    testing::OpRunner r;
    ASSERT_EQ(r.Prepare(model, elementwise_test::ElementwiseOps()), Status::kOk) << base << ": " << r.error();
    EXPECT_EQ(r.Run({in}), want) << base;
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no models in " << dir;
}

}  // namespace
}  // namespace tinyml
