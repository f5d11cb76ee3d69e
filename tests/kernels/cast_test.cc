// CAST: every supported type pair against C++ conversions on values where
// those are defined, the documented choices where they are not, and
// op-level validation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "elementwise_harness.h"
#include "kernels/ref/cast.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using writer::ModelBuilder;

template <typename From, typename To>
std::vector<To> RunCast(TensorType from, TensorType to, const std::vector<From>& in) {
  std::vector<To> out(in.size());
  ref::Cast(from, in.data(), to, out.data(), static_cast<int64_t>(in.size()));
  return out;
}

TEST(Cast, IntegerPairsWrapLikeStaticCast) {
  const std::vector<int32_t> i32 = {0, 1, -1, 127, 128, -129, 32768, -32769, INT32_MAX, INT32_MIN};
  const auto to8 = RunCast<int32_t, int8_t>(TensorType::kInt32, TensorType::kInt8, i32);
  const auto to16 = RunCast<int32_t, int16_t>(TensorType::kInt32, TensorType::kInt16, i32);
  const auto tou = RunCast<int32_t, uint32_t>(TensorType::kInt32, TensorType::kUInt32, i32);
  const auto tof = RunCast<int32_t, float>(TensorType::kInt32, TensorType::kFloat32, i32);
  for (size_t i = 0; i < i32.size(); ++i) {
    EXPECT_EQ(to8[i], static_cast<int8_t>(i32[i])) << i;
    EXPECT_EQ(to16[i], static_cast<int16_t>(i32[i])) << i;
    EXPECT_EQ(tou[i], static_cast<uint32_t>(i32[i])) << i;
    EXPECT_EQ(tof[i], static_cast<float>(i32[i])) << i;
  }
  const std::vector<uint32_t> u = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu};
  const auto u_to_i = RunCast<uint32_t, int32_t>(TensorType::kUInt32, TensorType::kInt32, u);
  EXPECT_EQ(u_to_i, (std::vector<int32_t>{0, 1, INT32_MAX, INT32_MIN, -1}));
  const auto u_to_f = RunCast<uint32_t, float>(TensorType::kUInt32, TensorType::kFloat32, u);
  EXPECT_EQ(u_to_f[4], 4294967296.0f);
  const std::vector<int16_t> s = {-32768, -1, 300, 32767};
  EXPECT_EQ((RunCast<int16_t, int32_t>(TensorType::kInt16, TensorType::kInt32, s)),
            (std::vector<int32_t>{-32768, -1, 300, 32767}));
  EXPECT_EQ((RunCast<int16_t, int8_t>(TensorType::kInt16, TensorType::kInt8, s)),
            (std::vector<int8_t>{0, -1, 44, -1}));
  EXPECT_EQ((RunCast<int16_t, float>(TensorType::kInt16, TensorType::kFloat32, s)),
            (std::vector<float>{-32768.0f, -1.0f, 300.0f, 32767.0f}));
  const std::vector<int8_t> b = {-128, 127};
  EXPECT_EQ((RunCast<int8_t, uint32_t>(TensorType::kInt8, TensorType::kUInt32, b)),
            (std::vector<uint32_t>{0xffffff80u, 127u}));
}

TEST(Cast, FloatToIntegerTruncatesAndIsDefinedEverywhere) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> f = {1.9f, -1.9f, 0.5f, -0.5f, 200.0f, -3e9f, nan, inf, -inf, 3e9f};
  const auto to32 = RunCast<float, int32_t>(TensorType::kFloat32, TensorType::kInt32, f);
  EXPECT_EQ(to32[0], 1);
  EXPECT_EQ(to32[1], -1);
  EXPECT_EQ(to32[2], 0);
  EXPECT_EQ(to32[3], 0);
  EXPECT_EQ(to32[4], 200);
  EXPECT_EQ(to32[6], 0);  // NaN
  const auto to8 = RunCast<float, int8_t>(TensorType::kFloat32, TensorType::kInt8, f);
  EXPECT_EQ(to8[4], static_cast<int8_t>(200));  // through int: wraps to -56 as on x86-64
  const auto tou = RunCast<float, uint32_t>(TensorType::kFloat32, TensorType::kUInt32, f);
  EXPECT_EQ(tou[1], 0xffffffffu);  // -1 wraps
  EXPECT_EQ(tou[9], 3000000000u);
  const auto tof = RunCast<float, float>(TensorType::kFloat32, TensorType::kFloat32, f);
  EXPECT_EQ(tof[0], 1.9f);
}

TEST(Cast, BoolSourceAndSupportTable) {
  const std::vector<uint8_t> b = {0, 1, 0, 1};
  EXPECT_EQ((RunCast<uint8_t, float>(TensorType::kBool, TensorType::kFloat32, b)),
            (std::vector<float>{0.0f, 1.0f, 0.0f, 1.0f}));
  EXPECT_EQ((RunCast<uint8_t, int32_t>(TensorType::kBool, TensorType::kInt32, b)), (std::vector<int32_t>{0, 1, 0, 1}));
  EXPECT_TRUE(ref::CastSupported(TensorType::kUInt32, TensorType::kInt32));
  EXPECT_TRUE(ref::CastSupported(TensorType::kInt16, TensorType::kFloat32));
  EXPECT_FALSE(ref::CastSupported(TensorType::kInt32, TensorType::kBool));
  EXPECT_FALSE(ref::CastSupported(TensorType::kInt64, TensorType::kInt32));
  EXPECT_FALSE(ref::CastSupported(TensorType::kFloat32, TensorType::kUInt8));
}

TEST(CastOp, ThroughInterpreterAndBadModels) {
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kUInt32, {5});
    const int out = b.AddTensor(TensorType::kInt32, {5});
    b.AddOperator(BuiltinOp::kCast, {in}, {out}, writer::CastOptions{TensorType::kUInt32, TensorType::kInt32});
    b.SetInputs({in});
    b.SetOutputs({out});
    testing::OpRunner r;
    ASSERT_EQ(r.Prepare(b.Finish(), elementwise_test::ElementwiseOps()), Status::kOk) << r.error();
    const std::vector<uint32_t> x = {0, 5, 0x80000000u, 0xfffffffeu, 123456};
    EXPECT_EQ(As<int32_t>(r.Run({Bytes(x)})),
              (std::vector<int32_t>{0, 5, INT32_MIN, -2, 123456}));
  }
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt64, {5});
    const int out = b.AddTensor(TensorType::kInt32, {5});
    b.AddOperator(BuiltinOp::kCast, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    testing::OpRunner r;
    (void)r.Prepare(b.Finish(), elementwise_test::ElementwiseOps());
    EXPECT_EQ(r.prepare_status(), Status::kUnsupportedType);
    EXPECT_NE(r.error().find("INT64 -> INT32"), std::string::npos) << r.error();
  }
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt32, {5});
    const int out = b.AddTensor(TensorType::kInt8, {6});
    b.AddOperator(BuiltinOp::kCast, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    testing::OpRunner r;
    (void)r.Prepare(b.Finish(), elementwise_test::ElementwiseOps());
    EXPECT_EQ(r.prepare_status(), Status::kInvalidShape) << r.error();
  }
}

}  // namespace
}  // namespace tinyml
