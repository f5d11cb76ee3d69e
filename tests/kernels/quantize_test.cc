// QUANTIZE, DEQUANTIZE and requantization: exact hand-worked values, a
// double reference within 1 LSB, edge cases and op-level runs (including
// TFLite Micro goldens for int32 <-> int16 requantization).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "elementwise_harness.h"
#include "kernels/ref/quantize.h"
#include "support/test_util.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 4242;

int32_t RoundAway(double x) { return static_cast<int32_t>(x >= 0 ? std::floor(x + 0.5) : -std::floor(-x + 0.5)); }

TEST(QuantizeF32, RoundsHalfAwayAndClamps) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> in = {0.25f, -0.25f, 0.75f, -0.75f, 1.0f, 1000.0f, -1000.0f, nan, inf, -inf, 0.0f};
  std::vector<int8_t> out(in.size());
  ref::QuantizeF32ToS8(in.data(), static_cast<int64_t>(in.size()), 0.5f, 3, out.data());
  // 0.5 -> 1, -0.5 -> -1, 1.5 -> 2, -1.5 -> -2, 2, then clamps; NaN -> zero point.
  EXPECT_EQ(out, (std::vector<int8_t>{4, 2, 5, 1, 5, 127, -128, 3, 127, -128, 3}));
  std::vector<int16_t> out16(in.size());
  ref::QuantizeF32ToS16(in.data(), static_cast<int64_t>(in.size()), 0.5f, 0, out16.data());
  EXPECT_EQ(out16, (std::vector<int16_t>{1, -1, 2, -2, 2, 2000, -2000, 0, 32767, -32768, 0}));
}

TEST(QuantizeF32, MatchesDoubleOnRandomValues) {
  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed);
  std::uniform_real_distribution<float> v(-300.0f, 300.0f);
  for (int t = 0; t < 20; ++t) {
    const float scale = std::exp2(static_cast<float>(rng() % 12) - 6.0f) * 0.77f;
    const int32_t zp = static_cast<int32_t>(rng() % 256) - 128;
    std::vector<float> in(200);
    for (auto& x : in) x = v(rng);
    std::vector<int8_t> out(200);
    ref::QuantizeF32ToS8(in.data(), 200, scale, zp, out.data());
    for (int i = 0; i < 200; ++i) {
      const float q = in[i] / scale;  // TFLite divides in float
      const int32_t e = std::max(-128, std::min(127, RoundAway(q) + zp));
      ASSERT_EQ(out[i], e) << in[i] << " / " << scale;
    }
  }
}

TEST(Dequantize, FloatProductOfScaleAndOffset) {
  const std::vector<int8_t> in = {-128, 0, 127, 5};
  std::vector<float> out(4);
  ref::DequantizeS8(in.data(), 4, 0.1f, 5, out.data());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], 0.1f * static_cast<float>(in[i] - 5));
  const std::vector<int16_t> in16 = {-32768, 32767};
  std::vector<float> out16(2);
  ref::DequantizeS16(in16.data(), 2, 3.0517578125e-05f, 0, out16.data());
  EXPECT_EQ(out16[0], -1.0f);
  const std::vector<uint8_t> in8 = {0, 255};
  std::vector<float> outu(2);
  ref::DequantizeU8(in8.data(), 2, 0.5f, 128, outu.data());
  EXPECT_EQ(outu[0], -64.0f);
  EXPECT_EQ(outu[1], 63.5f);
}

TEST(Requantize, HandWorkedAndWithinOneLsb) {
  int32_t m = 0, s = 0;
  ASSERT_TRUE(ref::PrepareRequantize(0.5f, 0.25f, &m, &s));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 2);
  const std::vector<int8_t> in = {0, 1, -1, 100, -128};
  std::vector<int8_t> out(5);
  ref::Requantize(in.data(), 5, m, s, 1, -3, out.data(), -128, 127);
  EXPECT_EQ(out, (std::vector<int8_t>{-5, -3, -7, 127, -128}));
  // int8 -> uint8 with the same scale and a zero point shift of 128 flips the sign bit.
  ASSERT_TRUE(ref::PrepareRequantize(0.3f, 0.3f, &m, &s));
  std::vector<int8_t> all(256);
  std::vector<uint8_t> u(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<int8_t>(i - 128);
  ref::Requantize(all.data(), 256, m, s, -5, 123, u.data(), 0, 255);
  for (int i = 0; i < 256; ++i) ASSERT_EQ(u[i], static_cast<uint8_t>(all[i] ^ 0x80)) << i;
  // Random scale pairs, int16 -> int8 against double.
  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed + 5);
  for (int t = 0; t < 30; ++t) {
    const float si = std::exp2(static_cast<float>(rng() % 20) - 16.0f) * 1.13f;
    const float so = si * std::exp2(static_cast<float>(rng() % 20) - 10.0f) * 0.91f;
    const int32_t zo = static_cast<int32_t>(rng() % 256) - 128;
    ASSERT_TRUE(ref::PrepareRequantize(si, so, &m, &s));
    std::vector<int16_t> x(300);
    std::vector<int8_t> y(300);
    for (auto& v : x) v = static_cast<int16_t>(rng());
    ref::Requantize(x.data(), 300, m, s, 0, zo, y.data(), -128, 127);
    for (int i = 0; i < 300; ++i) {
      const int32_t e = std::max(-128, std::min(127, RoundAway(std::min(1e9, x[i] * (double(si) / so)) + zo)));
      ASSERT_LE(std::abs(y[i] - e), 1) << "trial " << t;
    }
  }
}

TEST(QuantizeOps, FloatRoundTripThroughInterpreter) {
  ModelBuilder b;
  const int f = b.AddTensor(TensorType::kFloat32, {8});
  const int q = b.AddTensor(TensorType::kInt8, {8}, QuantParams::PerTensor(0.25f, -3));
  const int q2 = b.AddTensor(TensorType::kInt16, {8}, QuantParams::PerTensor(0.125f, 0));
  const int g = b.AddTensor(TensorType::kFloat32, {8});
  b.AddOperator(BuiltinOp::kQuantize, {f}, {q});
  b.AddOperator(BuiltinOp::kQuantize, {q}, {q2});
  b.AddOperator(BuiltinOp::kDequantize, {q2}, {g});
  b.SetInputs({f});
  b.SetOutputs({g});
  testing::OpRunner r;
  ASSERT_EQ(r.Prepare(b.Finish(), elementwise_test::ElementwiseOps()), Status::kOk) << r.error();
  const std::vector<float> in = {0.0f, 0.1f, -0.125f, 0.375f, 31.0f, -33.0f, 100.0f, -0.3f};
  const auto got = As<float>(r.Run({Bytes(in)}));
  const std::vector<float> expect = {0.0f, 0.0f, -0.25f, 0.5f, 31.0f, -31.25f, 32.5f, -0.25f};
  EXPECT_EQ(got, expect);
}

TEST(QuantizeOps, BadModelsFailInPrepare) {
  auto expect_fail = [](BuiltinOp op, TensorType ti, TensorType to, QuantParams qi, QuantParams qo, Status want,
                        const char* part) {
    ModelBuilder b;
    const int in = b.AddTensor(ti, {4}, qi);
    const int out = b.AddTensor(to, {4}, qo);
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
  expect_fail(BuiltinOp::kQuantize, TensorType::kFloat32, TensorType::kUInt8, {}, q, Status::kUnsupportedType,
              "FLOAT32 -> UINT8");
  expect_fail(BuiltinOp::kQuantize, TensorType::kFloat32, TensorType::kInt8, {}, {}, Status::kUnsupportedType,
              "per-tensor");
  expect_fail(BuiltinOp::kQuantize, TensorType::kInt16, TensorType::kInt8, {}, q, Status::kInvalidModel,
              "input lacks quantization");
  expect_fail(BuiltinOp::kQuantize, TensorType::kFloat32, TensorType::kInt8, {},
              QuantParams::PerChannel({0.1f, 0.2f, 0.3f, 0.4f}, 0), Status::kUnsupportedType, "per-tensor");
  expect_fail(BuiltinOp::kDequantize, TensorType::kInt32, TensorType::kFloat32, q, {}, Status::kUnsupportedType,
              "INT32 -> FLOAT32");
  expect_fail(BuiltinOp::kDequantize, TensorType::kInt8, TensorType::kFloat32, {}, {}, Status::kInvalidModel,
              "lacks quantization");
}

TEST(QuantizeOps, SeanetRequantizeGoldens) {
  const std::string dir = testing::SharedDir() + "/models/seanet_layers/quantize/";
  const struct {
    const char* name;
    const char* in;
    const char* golden;
  } kCases[] = {{"quantize0", "_input0_int32.bin", "_golden_int16.bin"},
                {"quantize1", "_input0_int16.bin", "_golden_int32.bin"}};
  int ran = 0;
  for (const auto& c : kCases) {
    std::vector<uint8_t> model, in, want;
    if (!testing::ReadFile(dir + c.name + ".tflite", &model)) continue;
    ASSERT_TRUE(testing::ReadFile(dir + c.name + c.in, &in));
    ASSERT_TRUE(testing::ReadFile(dir + c.name + c.golden, &want));
    testing::OpRunner r;
    ASSERT_EQ(r.Prepare(model, elementwise_test::ElementwiseOps()), Status::kOk) << c.name << ": " << r.error();
    EXPECT_EQ(r.Run({in}), want) << c.name;
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no models in " << dir;
}

}  // namespace
}  // namespace tinyml
