// LOGISTIC and TANH: the fixed-point functions against double math, the
// prepare constants against an independent derivation, int8 outputs within
// 1 LSB of the real function over every input byte for a sweep of scales and
// zero points, exact hand-worked values, the float kernels, op-level runs and
// malformed models.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/fixed_point_math.h"
#include "kernels/ref/activations.h"
#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using writer::ModelBuilder;
using writer::QuantParams;

TEST(ActivationsFixedPoint, LogisticAndTanhQ4MatchDouble) {
  // Documented tolerance: 1e-6 absolute (exp's Taylor truncation and three
  // Newton-Raphson steps).
  double worst_logistic = 0, worst_tanh = 0;
  for (int64_t raw = -(int64_t(16) << 27) + 1; raw < (int64_t(16) << 27); raw += 65537) {
    const double x = double(raw) / double(1 << 27);
    const double l = fixed_point::Logistic<4>(static_cast<int32_t>(raw)) / 2147483648.0;
    const double t = fixed_point::Tanh<4>(static_cast<int32_t>(raw)) / 2147483648.0;
    worst_logistic = std::max(worst_logistic, std::fabs(l - 1.0 / (1.0 + std::exp(-x))));
    worst_tanh = std::max(worst_tanh, std::fabs(t - std::tanh(x)));
  }
  EXPECT_LT(worst_logistic, 1e-6);
  EXPECT_LT(worst_tanh, 1e-6);
  EXPECT_EQ(fixed_point::Logistic<4>(0), 1 << 30);
  EXPECT_EQ(fixed_point::Tanh<4>(0), 0);
}

TEST(ActivationsFixedPoint, OneOverOnePlusX) {
  double worst = 0;
  for (int64_t raw = 0; raw < (int64_t(1) << 31); raw += 1000003) {
    const double got = fixed_point::OneOverOnePlusX(static_cast<int32_t>(raw)) / 2147483648.0;
    worst = std::max(worst, std::fabs(got - 1.0 / (1.0 + raw / 2147483648.0)));
  }
  EXPECT_LT(worst, 1e-8);
}

TEST(ActivationsPrepare, ConstantsMatchIndependentDerivation) {
  const float scales[] = {2e-8f, 0.001f, 0.0078125f, 0.03f, 0.0625f, 0.1f, 0.2f, 1.0f, 7.5f, 100.0f};
  for (float scale : scales) {
    ref::SigmoidTanhParams p;
    ASSERT_TRUE(ref::PrepareSigmoidTanhS8(scale, -5, &p)) << scale;
    int e = 0;
    const double f = std::frexp(double(scale) * 134217728.0, &e);
    EXPECT_EQ(p.input_multiplier, std::llround(f * 2147483648.0)) << scale;
    EXPECT_EQ(p.input_shift, e) << scale;
    EXPECT_EQ(p.input_range_radius, static_cast<int32_t>(std::floor(15.0 * 134217728.0 / std::ldexp(1.0, e))));
    EXPECT_EQ(p.input_zero_point, -5);
  }
  ref::SigmoidTanhParams p;
  EXPECT_FALSE(ref::PrepareSigmoidTanhS8(1e-9f, 0, &p));  // shift would be negative
  EXPECT_FALSE(ref::PrepareSigmoidTanhS8(0.0f, 0, &p));
  EXPECT_FALSE(ref::PrepareSigmoidTanhS8(-0.1f, 0, &p));
}

// Every int8 input for a sweep of scales and zero points.
TEST(ActivationsRef, AllInputsWithinOneLsb) {
  const float scales[] = {0.0001f, 0.01f, 0.03125f, 0.0470588f, 0.1f, 0.125f, 0.25f, 1.0f, 4.0f};
  const int zero_points[] = {-128, -50, 0, 1, 127};
  int checked = 0;
  for (float scale : scales) {
    for (int zp : zero_points) {
      ref::SigmoidTanhParams p;
      ASSERT_TRUE(ref::PrepareSigmoidTanhS8(scale, zp, &p));
      int8_t in[256], lo[256], th[256];
      for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
      ref::LogisticS8(p, 256, in, lo);
      ref::TanhS8(p, 256, in, th);
      // TFLite saturates inputs at or beyond the radius floor(15 * 2^27 /
      // 2^shift) steps, with 2^shift the power of two at or above
      // scale * 2^27: between 7.5 and 15 in real units, but fewer after the
      // floor when steps are coarse (scale 4: radius 1 step, so 4.0 already
      // saturates).
      int shift = 0;
      std::frexp(double(scale) * 134217728.0, &shift);
      const int radius = static_cast<int>(std::floor(15.0 * 134217728.0 / std::ldexp(1.0, shift)));
      for (int i = 0; i < 256; ++i) {
        const int steps = in[i] - zp;
        const double x = double(scale) * steps;
        double want_l = std::clamp<double>(std::round(256.0 / (1.0 + std::exp(-x))) - 128, -128, 127);
        double want_t = std::clamp<double>(std::round(128.0 * std::tanh(x)), -128, 127);
        if (steps >= radius) want_l = want_t = 127;
        if (steps <= -radius) want_l = want_t = -128;
        ASSERT_LE(std::fabs(lo[i] - want_l), 1) << "logistic scale " << scale << " zp " << zp << " q " << int(in[i]);
        ASSERT_LE(std::fabs(th[i] - want_t), 1) << "tanh scale " << scale << " zp " << zp << " q " << int(in[i]);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 9 * 5 * 256);
}

TEST(ActivationsRef, HandWorkedValues) {
  ref::SigmoidTanhParams p;
  ASSERT_TRUE(ref::PrepareSigmoidTanhS8(0.0625f, 3, &p));
  // 0.0625 * 2^27 = 2^23 exactly: multiplier 2^30, shift 24, radius
  // floor(15 * 2^27 / 2^24) = 120 steps (inputs at +-7.5 saturate).
  EXPECT_EQ(p.input_multiplier, 1 << 30);
  EXPECT_EQ(p.input_shift, 24);
  EXPECT_EQ(p.input_range_radius, 120);
  const int8_t in[5] = {3, 123, -117, 122, -116};  // 0, +120, -120, +119, -119 steps
  int8_t lo[5], th[5];
  ref::LogisticS8(p, 5, in, lo);
  ref::TanhS8(p, 5, in, th);
  EXPECT_EQ(lo[0], 0);     // 0.5 * 256 - 128
  EXPECT_EQ(th[0], 0);
  EXPECT_EQ(lo[1], 127);   // saturated branch
  EXPECT_EQ(lo[2], -128);
  EXPECT_EQ(th[1], 127);
  EXPECT_EQ(th[2], -128);
  // 119 steps = 7.4375: logistic 0.99941 * 256 = 255.85 -> 256 - 128 -> clamp 127;
  // at -7.4375: 0.000588 * 256 = 0.15 -> 0 - 128.
  EXPECT_EQ(lo[3], 127);
  EXPECT_EQ(lo[4], -128);
  // tanh(7.4375) * 128 = 127.99992 -> 128 -> clamp 127; symmetric -128.
  EXPECT_EQ(th[3], 127);
  EXPECT_EQ(th[4], -128);
  // logistic(1.0) = 0.7310586 -> 187.15 -> 187 - 128 = 59; tanh(1.0) * 128 = 97.48 -> 97.
  const int8_t one[1] = {19};  // 16 steps = 1.0
  ref::LogisticS8(p, 1, one, lo);
  ref::TanhS8(p, 1, one, th);
  EXPECT_EQ(lo[0], 59);
  EXPECT_EQ(th[0], 97);
}

TEST(ActivationsRef, FloatKernels) {
  const float in[7] = {-20.0f, -9.5f, -1.0f, 0.0f, 0.5f, 16.0f, 17.0f};
  float lo[7], th[7];
  ref::LogisticF32(7, in, lo);
  ref::TanhF32(7, in, th);
  EXPECT_EQ(lo[0], std::exp(-20.0f));  // below -9: exp(x) alone
  EXPECT_EQ(lo[1], std::exp(-9.5f));
  EXPECT_EQ(lo[2], 1.0f / (1.0f + std::exp(1.0f)));
  EXPECT_EQ(lo[3], 0.5f);
  EXPECT_EQ(lo[6], 1.0f);  // above the upper cutoff: exactly 1
  EXPECT_NEAR(lo[5], 1.0 / (1.0 + std::exp(-16.0)), 1e-7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(th[i], std::tanh(in[i])) << i;
}

// --- op level -------------------------------------------------------------

struct ActSpec {
  BuiltinOp op = BuiltinOp::kLogistic;
  TensorType in_type = TensorType::kInt8;
  TensorType out_type = TensorType::kInt8;
  std::vector<int32_t> in_shape{3, 7};
  std::vector<int32_t> out_shape{3, 7};
  QuantParams in_q = QuantParams::PerTensor(0.08f, -10);
  QuantParams out_q = QuantParams::PerTensor(1.0f / 256, -128);
};

std::vector<uint8_t> BuildAct(const ActSpec& s) {
  ModelBuilder b;
  const int in = b.AddTensor(s.in_type, s.in_shape, s.in_type == TensorType::kFloat32 ? QuantParams{} : s.in_q);
  const int out = b.AddTensor(s.out_type, s.out_shape, s.out_type == TensorType::kFloat32 ? QuantParams{} : s.out_q);
  b.AddOperator(s.op, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

std::vector<testing::OpEntry> ActivationOps() {
  return {{BuiltinOp::kLogistic, Register_LOGISTIC()},
          {BuiltinOp::kTanh, Register_TANH()}};
}

TEST(ActivationsOp, Int8MatchesRef) {
  for (BuiltinOp op : {BuiltinOp::kLogistic, BuiltinOp::kTanh}) {
    ActSpec spec;
    spec.op = op;
    if (op == BuiltinOp::kTanh) spec.out_q = QuantParams::PerTensor(1.0f / 128, 0);
    testing::OpRunner m;
    ASSERT_EQ(m.Prepare(BuildAct(spec), ActivationOps()), Status::kOk) << m.error();
    std::vector<int8_t> x(21);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>(int(i * 13) - 128);
    std::memcpy(m.interpreter().input(0)->data, x.data(), x.size());
    ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
    ref::SigmoidTanhParams p;
    ASSERT_TRUE(ref::PrepareSigmoidTanhS8(0.08f, -10, &p));
    std::vector<int8_t> want(21);
    if (op == BuiltinOp::kLogistic) {
      ref::LogisticS8(p, 21, x.data(), want.data());
    } else {
      ref::TanhS8(p, 21, x.data(), want.data());
    }
    EXPECT_EQ(std::memcmp(m.interpreter().output(0)->data, want.data(), 21), 0);
  }
}

TEST(ActivationsOp, Float) {
  for (BuiltinOp op : {BuiltinOp::kLogistic, BuiltinOp::kTanh}) {
    ActSpec spec;
    spec.op = op;
    spec.in_type = spec.out_type = TensorType::kFloat32;
    testing::OpRunner m;
    ASSERT_EQ(m.Prepare(BuildAct(spec), ActivationOps()), Status::kOk) << m.error();
    std::vector<float> x(21);
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.7f * float(int(i) - 10);
    std::memcpy(m.interpreter().input(0)->data, x.data(), 84);
    ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
    const float* y = static_cast<const float*>(m.interpreter().output(0)->data);
    for (int i = 0; i < 21; ++i) {
      const double want = op == BuiltinOp::kTanh ? std::tanh(double(x[i])) : 1.0 / (1.0 + std::exp(-double(x[i])));
      EXPECT_NEAR(y[i], want, 1e-6) << i;
    }
  }
}

TEST(ActivationsOp, BadModelsFailInPrepare) {
  struct Case {
    const char* what;
    BuiltinOp op;
    Status expected;
    ActSpec spec;
  };
  std::vector<Case> cases;
  {
    ActSpec s;
    s.out_q = QuantParams::PerTensor(1.0f / 256, 0);
    cases.push_back({"logistic output zero point 0", BuiltinOp::kLogistic, Status::kInvalidModel, s});
  }
  for (BuiltinOp op : {BuiltinOp::kLogistic, BuiltinOp::kTanh}) {
    {
      ActSpec s;
      s.in_type = s.out_type = TensorType::kInt16;
      cases.push_back({"int16", op, Status::kUnsupportedType, s});
    }
    {
      ActSpec s;
      s.out_type = TensorType::kFloat32;
      cases.push_back({"types differ", op, Status::kUnsupportedType, s});
    }
    {
      ActSpec s;
      s.out_shape = {3, 6};
      cases.push_back({"size differs", op, Status::kInvalidShape, s});
    }
    {
      ActSpec s;
      s.in_q = {};
      cases.push_back({"input not quantized", op, Status::kInvalidModel, s});
    }
    {
      ActSpec s;
      s.in_q = QuantParams::PerTensor(1e-10f, 0);
      cases.push_back({"input scale too small", op, Status::kInvalidModel, s});
    }
  }
  for (const auto& c : cases) {
    ActSpec s = c.spec;
    s.op = c.op;
    testing::OpRunner m;
    EXPECT_EQ(m.Prepare(BuildAct(s), ActivationOps()), c.expected) << c.what << ": " << m.error();
    const char* name = c.op == BuiltinOp::kTanh ? "TANH" : "LOGISTIC";
    EXPECT_NE(m.error().find(name), std::string::npos) << c.what << ": " << m.error();
  }
}

}  // namespace
}  // namespace tinyml
