// SOFTMAX: the fixed-point exp / reciprocal against double math, the prepare
// constants against an independent derivation, int8 outputs within 1 LSB of
// round(p * 256) - 128, exact hand-worked rows, TFLite's failure domain, the
// float kernel, op-level runs and malformed models.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/fixed_point_math.h"
#include "kernels/ref/softmax.h"
#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using writer::ModelBuilder;
using writer::QuantParams;

TEST(SoftmaxFixedPoint, ExpOnNegativeValuesQ5MatchesExp) {
  // Documented tolerance: 3e-7 absolute. gemmlowp's Taylor expansion stops at
  // x^4 around -1/8, so the x^5/120 term (<= 2.5e-7 on [-1/4, 0]) is the error.
  double worst = 0;
  for (int64_t raw = 0; raw >= -(int64_t(32) << 26); raw -= 99991) {
    const int32_t q0 = fixed_point::ExpOnNegativeValues<5>(static_cast<int32_t>(raw));
    const double got = q0 / 2147483648.0;
    const double want = std::exp(double(raw) / double(1 << 26));
    worst = std::max(worst, std::fabs(got - want));
  }
  EXPECT_LT(worst, 3e-7);
  EXPECT_GT(worst, 1e-7);  // the truncation error is really there: same scheme as gemmlowp
  EXPECT_EQ(fixed_point::ExpOnNegativeValues<5>(0), INT32_MAX);
}

TEST(SoftmaxFixedPoint, ReciprocalMatchesDivision) {
  double worst = 0;
  for (int64_t x = 1 << 19; x < (int64_t(1) << 31); x = x * 1.0007 + 13) {
    int bits = 0;
    const int32_t s = fixed_point::Reciprocal(static_cast<int32_t>(x), 12, &bits);
    const double got = s / 2147483648.0 * std::ldexp(1.0, -bits);
    const double want = 1.0 / (double(x) / double(1 << 19));
    worst = std::max(worst, std::fabs(got - want) / want);
  }
  EXPECT_LT(worst, 1e-8);
}

TEST(SoftmaxPrepare, ConstantsMatchIndependentDerivation) {
  const float scales[] = {1e-6f, 0.003f, 0.0625f, 0.1f, 0.3515625f, 1.0f, 31.0f, 1000.0f};
  const float betas[] = {0.5f, 1.0f, 2.0f};
  for (float scale : scales) {
    for (float beta : betas) {
      ref::SoftmaxParams p;
      ASSERT_TRUE(ref::PrepareSoftmaxS8(beta, scale, &p)) << scale;
      const double real = std::min(double(beta) * double(scale) * 67108864.0, 2147483647.0);
      int e = 0;
      const double f = std::frexp(real, &e);
      int64_t m = std::llround(f * 2147483648.0);
      if (m == (int64_t(1) << 31)) {
        m /= 2;
        ++e;
      }
      EXPECT_EQ(p.input_multiplier, m) << scale << " " << beta;
      EXPECT_EQ(p.input_left_shift, e) << scale << " " << beta;
      EXPECT_EQ(p.diff_min, -static_cast<int32_t>(std::floor(31.0 * 67108864.0 / std::ldexp(1.0, e))));
    }
  }
  ref::SoftmaxParams p;
  EXPECT_FALSE(ref::PrepareSoftmaxS8(1.0, 1e-9, &p));  // multiplier would be below one
  EXPECT_FALSE(ref::PrepareSoftmaxS8(0.0, 0.1, &p));
}

std::vector<int8_t> RunS8(float scale, float beta, int rows, int depth, const std::vector<int8_t>& in) {
  ref::SoftmaxParams p;
  EXPECT_TRUE(ref::PrepareSoftmaxS8(beta, scale, &p));
  std::vector<int8_t> out(in.size());
  EXPECT_TRUE(ref::SoftmaxS8(p, rows, depth, in.data(), out.data()));
  return out;
}

TEST(SoftmaxRef, HandWorkedAllEqualRows) {
  // Every value at the maximum: exp = 1 each, probability 1/N, output
  // round(256 / N) - 128 saturated.
  const struct {
    int depth;
    int8_t want;
  } cases[] = {{1, 127}, {2, 0}, {3, -43}, {4, -64}, {5, -77}, {256, -127}, {511, -127}};
  for (const auto& c : cases) {
    for (int8_t v : {int8_t(-128), int8_t(0), int8_t(127)}) {
      const std::vector<int8_t> in(c.depth, v);
      const auto out = RunS8(0.1f, 1.0f, 1, c.depth, in);
      for (int8_t o : out) ASSERT_EQ(o, c.want) << "depth " << c.depth;
    }
  }
  // int16 output: round(65536 / N) - 32768.
  ref::SoftmaxParams p;
  ASSERT_TRUE(ref::PrepareSoftmaxS8(1.0, 0.1, &p));
  const int8_t two[2] = {5, 5};
  int16_t out16[2];
  ASSERT_TRUE(ref::SoftmaxS8ToS16(p, 1, 2, two, out16));
  EXPECT_EQ(out16[0], 0);
  ASSERT_TRUE(ref::SoftmaxS8ToS16(p, 1, 1, two, out16));
  EXPECT_EQ(out16[0], 32767);
}

TEST(SoftmaxRef, FarBelowMaximumGivesMinimum) {
  // Scale 1: a difference of 127 is far below diff_min's useful range.
  const std::vector<int8_t> in = {127, 0, -128, 126};
  const auto out = RunS8(1.0f, 1.0f, 1, 4, in);
  // p = [1/(1+e^-1), ~0, ~0, e^-1/(1+e^-1)] = [0.7311, 0, 0, 0.2689].
  EXPECT_EQ(out[0], 59);    // 187.16 - 128
  EXPECT_EQ(out[1], -128);
  EXPECT_EQ(out[2], -128);
  EXPECT_EQ(out[3], -59);   // 68.84 - 128
}

TEST(SoftmaxRef, TfliteAbortDomainIsReported) {
  ref::SoftmaxParams p;
  ASSERT_TRUE(ref::PrepareSoftmaxS8(1.0, 0.1, &p));
  const std::vector<int8_t> in(512, 3);
  std::vector<int8_t> out(512);
  EXPECT_FALSE(ref::SoftmaxS8(p, 1, 512, in.data(), out.data()));
  std::vector<int16_t> out16(4096);
  const std::vector<int8_t> in4096(4096, 3);
  EXPECT_TRUE(ref::SoftmaxS8ToS16(p, 1, 512, in.data(), out16.data()));
  EXPECT_FALSE(ref::SoftmaxS8ToS16(p, 1, 4096, in4096.data(), out16.data()));
}

TEST(SoftmaxRef, RandomVersusDoubleWithinOneLsb) {
  const uint32_t seed = 424242;
  std::printf("SoftmaxRef seed %u\n", seed);
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const float scales[] = {0.0009f, 0.01f, 0.0390625f, 0.1f, 0.25f, 0.7f, 3.0f, 40.0f};
  int checked = 0;
  for (int iter = 0; iter < 400; ++iter) {
    const float scale = scales[uni(0, 7)];
    const float beta = uni(0, 3) == 0 ? 0.5f : 1.0f;
    const int rows = uni(1, 3), depth = uni(1, 40);
    std::vector<int8_t> in(static_cast<size_t>(rows) * depth);
    const int lo = uni(-128, 127), hi = uni(lo, 127);
    for (auto& v : in) v = static_cast<int8_t>(uni(lo, hi));
    ref::SoftmaxParams p;
    ASSERT_TRUE(ref::PrepareSoftmaxS8(beta, scale, &p));
    std::vector<int8_t> out(in.size());
    std::vector<int16_t> out16(in.size());
    ASSERT_TRUE(ref::SoftmaxS8(p, rows, depth, in.data(), out.data()));
    ASSERT_TRUE(ref::SoftmaxS8ToS16(p, rows, depth, in.data(), out16.data()));
    for (int r = 0; r < rows; ++r) {
      const int8_t* x = in.data() + r * depth;
      const int mx = *std::max_element(x, x + depth);
      double sum = 0;
      for (int c = 0; c < depth; ++c) sum += std::exp(double(beta) * scale * (x[c] - mx));
      for (int c = 0; c < depth; ++c) {
        const double prob = std::exp(double(beta) * scale * (x[c] - mx)) / sum;
        const double want = std::clamp<double>(std::round(prob * 256) - 128, -128, 127);
        ASSERT_LE(std::fabs(out[r * depth + c] - want), 1) << "iter " << iter << " c " << c;
        const double want16 = std::clamp<double>(std::round(prob * 65536) - 32768, -32768, 32767);
        // int16 keeps ~12 fractional bits of exp accuracy per term: 2 LSB.
        ASSERT_LE(std::fabs(out16[r * depth + c] - want16), 2) << "iter " << iter << " c " << c;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 3000);
}

TEST(SoftmaxRef, FloatMatchesDouble) {
  const float in[8] = {1.0f, 2.0f, 3.0f, 4.0f, -50.0f, 0.0f, 1e-3f, 88.0f};
  float out[8];
  ref::SoftmaxParams p;
  p.beta = 1.0f;
  ref::SoftmaxF32(p, 2, 4, in, out);
  for (int r = 0; r < 2; ++r) {
    double mx = -1e30, sum = 0;
    for (int c = 0; c < 4; ++c) mx = std::max<double>(mx, in[r * 4 + c]);
    for (int c = 0; c < 4; ++c) sum += std::exp(in[r * 4 + c] - mx);
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(out[r * 4 + c], std::exp(in[r * 4 + c] - mx) / sum, 1e-6);
  }
  EXPECT_NEAR(out[0], 0.0320586, 1e-6);
}

// --- op level -------------------------------------------------------------

struct SoftmaxSpec {
  TensorType in_type = TensorType::kInt8;
  TensorType out_type = TensorType::kInt8;
  std::vector<int32_t> in_shape{2, 3, 5};
  std::vector<int32_t> out_shape{2, 3, 5};
  QuantParams in_q = QuantParams::PerTensor(0.1f, 7);
  QuantParams out_q = QuantParams::PerTensor(1.0f / 256, -128);
  float beta = 1.0f;
};

std::vector<uint8_t> BuildSoftmax(const SoftmaxSpec& s) {
  ModelBuilder b;
  const int in = b.AddTensor(s.in_type, s.in_shape, s.in_type == TensorType::kFloat32 ? QuantParams{} : s.in_q);
  const int out = b.AddTensor(s.out_type, s.out_shape, s.out_type == TensorType::kFloat32 ? QuantParams{} : s.out_q);
  b.AddOperator(BuiltinOp::kSoftmax, {in}, {out}, writer::SoftmaxOptions{s.beta});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

std::vector<testing::OpEntry> SoftmaxOps() { return {{BuiltinOp::kSoftmax, Register_SOFTMAX()}}; }

TEST(SoftmaxOp, Int8RowsMatchRef) {
  SoftmaxSpec spec;
  spec.beta = 0.75f;
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildSoftmax(spec), SoftmaxOps()), Status::kOk) << m.error();
  std::vector<int8_t> x(30);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>(int(i * 41 % 256) - 128);
  std::memcpy(m.interpreter().input(0)->data, x.data(), x.size());
  ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
  ref::SoftmaxParams p;
  ASSERT_TRUE(ref::PrepareSoftmaxS8(0.75, 0.1, &p));
  std::vector<int8_t> want(30);
  ASSERT_TRUE(ref::SoftmaxS8(p, 6, 5, x.data(), want.data()));
  EXPECT_EQ(std::memcmp(m.interpreter().output(0)->data, want.data(), 30), 0);
}

TEST(SoftmaxOp, Int8ToInt16AndFloat) {
  SoftmaxSpec spec;
  spec.out_type = TensorType::kInt16;
  spec.out_q = QuantParams::PerTensor(1.0f / 65536, -32768);
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildSoftmax(spec), SoftmaxOps()), Status::kOk) << m.error();
  std::memset(m.interpreter().input(0)->data, 9, 30);
  ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
  const int16_t* y = static_cast<const int16_t*>(m.interpreter().output(0)->data);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(y[i], 13107 - 32768);  // 65536 / 5

  SoftmaxSpec fspec;
  fspec.in_type = fspec.out_type = TensorType::kFloat32;
  testing::OpRunner f;
  ASSERT_EQ(f.Prepare(BuildSoftmax(fspec), SoftmaxOps()), Status::kOk) << f.error();
  std::vector<float> x(30, 2.0f);
  std::memcpy(f.interpreter().input(0)->data, x.data(), 120);
  ASSERT_EQ(f.interpreter().Invoke(), Status::kOk) << f.error();
  const float* fy = static_cast<const float*>(f.interpreter().output(0)->data);
  for (int i = 0; i < 30; ++i) EXPECT_FLOAT_EQ(fy[i], 0.2f);
}

TEST(SoftmaxOp, BadModelsFailInPrepare) {
  struct Case {
    const char* what;
    Status expected;
    SoftmaxSpec spec;
  };
  std::vector<Case> cases;
  {
    SoftmaxSpec s;
    s.out_q = QuantParams::PerTensor(1.0f / 255, -128);
    cases.push_back({"output scale 1/255", Status::kInvalidModel, s});
  }
  {
    SoftmaxSpec s;
    s.out_q = QuantParams::PerTensor(1.0f / 256, 0);
    cases.push_back({"output zero point 0", Status::kInvalidModel, s});
  }
  {
    SoftmaxSpec s;
    s.out_q = {};
    cases.push_back({"output not quantized", Status::kInvalidModel, s});
  }
  {
    SoftmaxSpec s;
    s.out_type = TensorType::kInt16;
    s.out_q = QuantParams::PerTensor(1.0f / 32768, -32768);
    cases.push_back({"int16 output scale", Status::kInvalidModel, s});
  }
  {
    SoftmaxSpec s;
    s.in_type = s.out_type = TensorType::kInt16;
    cases.push_back({"int16 input", Status::kUnsupportedType, s});
  }
  {
    SoftmaxSpec s;
    s.out_type = TensorType::kFloat32;
    cases.push_back({"int8 to float", Status::kUnsupportedType, s});
  }
  {
    SoftmaxSpec s;
    s.out_shape = {2, 5, 3};
    cases.push_back({"last dimension differs", Status::kInvalidShape, s});
  }
  {
    SoftmaxSpec s;
    s.out_shape = {2, 3, 6};
    cases.push_back({"size differs", Status::kInvalidShape, s});
  }
  {
    SoftmaxSpec s;
    s.beta = 0.0f;
    cases.push_back({"beta 0 with int8", Status::kInvalidModel, s});
  }
  for (const auto& c : cases) {
    testing::OpRunner m;
    EXPECT_EQ(m.Prepare(BuildSoftmax(c.spec), SoftmaxOps()), c.expected) << c.what << ": " << m.error();
    EXPECT_NE(m.error().find("SOFTMAX"), std::string::npos) << c.what << ": " << m.error();
  }
}

}  // namespace
}  // namespace tinyml
