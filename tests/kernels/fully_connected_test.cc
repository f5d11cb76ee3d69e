// FULLY_CONNECTED: reference math against an independent double computation
// (within 1 LSB), exact hand-worked cases, an edge battery, op-level runs
// through the interpreter, malformed models, and byte-exact TFLite Micro
// conformance on the FC-only models when ../shared is present.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/fixed_point.h"
#include "kernels/ref/fully_connected.h"
#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::AlignedBuffer;
using testing::Bytes;
using writer::ModelBuilder;
using writer::QuantParams;

int32_t Clamp(int64_t v, int32_t lo, int32_t hi) { return static_cast<int32_t>(v < lo ? lo : v > hi ? hi : v); }

// Independent int8 FC: dequantize, accumulate in double, quantize with round().
std::vector<int8_t> FcDouble(const std::vector<int8_t>& in, int batches, int depth, int units, float in_scale,
                             int in_zp, const std::vector<int8_t>& w, const std::vector<float>& w_scales, int w_zp,
                             const std::vector<int32_t>* bias, float out_scale, int out_zp, int act_min,
                             int act_max) {
  std::vector<int8_t> out(static_cast<size_t>(batches) * units);
  for (int b = 0; b < batches; ++b) {
    for (int o = 0; o < units; ++o) {
      const double ws = w_scales.size() == 1 ? w_scales[0] : w_scales[o];
      double acc = 0;
      for (int d = 0; d < depth; ++d)
        acc += double(in[b * depth + d] - in_zp) * double(w[o * depth + d] - w_zp);
      if (bias) acc += (*bias)[o];
      const double real = acc * double(in_scale) * ws / double(out_scale);
      out[b * units + o] = static_cast<int8_t>(Clamp(std::llround(real) + out_zp, act_min, act_max));
    }
  }
  return out;
}

std::vector<testing::OpEntry> FullyConnectedOps() {
  return {{BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED()}};
}

struct FcCase {
  int batches = 1, depth = 3, units = 2;
  float in_scale = 0.5f, out_scale = 0.25f;
  int in_zp = 0, out_zp = 0;
  std::vector<float> w_scales{0.1f};
  bool bias = true;
  writer::Activation act = writer::Activation::kNone;
  bool keep_num_dims = false;
};

std::vector<uint8_t> BuildInt8Fc(const FcCase& c, const std::vector<int8_t>& w, const std::vector<int32_t>& bias) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {c.batches, c.depth}, QuantParams::PerTensor(c.in_scale, c.in_zp));
  const QuantParams wq =
      c.w_scales.size() == 1 ? QuantParams::PerTensor(c.w_scales[0], 0) : QuantParams::PerChannel(c.w_scales, 0);
  const int wt = b.AddConst<int8_t>(TensorType::kInt8, {c.units, c.depth}, w, wq);
  int bt = -1;
  if (c.bias) {
    std::vector<float> bs;
    for (float s : c.w_scales) bs.push_back(c.in_scale * s);
    const QuantParams bq = bs.size() == 1 ? QuantParams::PerTensor(bs[0], 0) : QuantParams::PerChannel(bs, 0);
    bt = b.AddConst<int32_t>(TensorType::kInt32, {c.units}, bias, bq);
  }
  const int out = b.AddTensor(TensorType::kInt8, {c.batches, c.units}, QuantParams::PerTensor(c.out_scale, c.out_zp));
  b.AddOperator(BuiltinOp::kFullyConnected, {in, wt, bt}, {out}, writer::FullyConnectedOptions{c.act, false});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

ref::FullyConnectedParams ParamsFor(const FcCase& c) {
  ref::FullyConnectedParams p;
  p.batches = c.batches;
  p.accum_depth = c.depth;
  p.output_depth = c.units;
  p.input_offset = -c.in_zp;
  p.output_offset = c.out_zp;
  return p;
}

TEST(FullyConnectedRef, HandWorkedPerTensor) {
  // input [1, 2, 3], filter rows [1, 1, 1] and [-1, 0, 1], scales 1: acc = 6, 2.
  // Output scale 1 -> multiplier 0.5 * 2^1: exact. Output scale 2 -> 3, 1.
  const int8_t input[3] = {1, 2, 3};
  const int8_t filter[6] = {1, 1, 1, -1, 0, 1};
  ref::FullyConnectedParams p;
  p.batches = 1;
  p.accum_depth = 3;
  p.output_depth = 2;
  int shift = 0;
  QuantizeMultiplier(1.0, &p.output_multiplier, &shift);
  p.output_shift = shift;
  int8_t out[2];
  ref::FullyConnectedS8(p, input, filter, nullptr, out);
  EXPECT_EQ(out[0], 6);
  EXPECT_EQ(out[1], 2);
  // With bias [-10, 100] and output zero point 5, clamped to [-128, 100].
  const int32_t bias[2] = {-10, 100};
  p.output_offset = 5;
  p.quantized_max = 100;
  ref::FullyConnectedS8(p, input, filter, bias, out);
  EXPECT_EQ(out[0], 6 - 10 + 5);
  EXPECT_EQ(out[1], 100);
  // Multiplier 0.5: acc 5 -> 2.5 rounds up to 3; acc -5 -> -2.5 rounds (toward
  // +inf, TFLite's doubling high multiply) to -2.
  QuantizeMultiplier(0.5, &p.output_multiplier, &shift);
  p.output_shift = shift;
  p.output_offset = 0;
  p.quantized_max = 127;
  const int8_t in5[1] = {5};
  const int8_t f_pm[2] = {1, -1};
  p.accum_depth = 1;
  ref::FullyConnectedS8(p, in5, f_pm, nullptr, out);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], -2);
}

TEST(FullyConnectedRef, FilterZeroPointAppliedPerTensorOnly) {
  const int8_t input[2] = {3, 4};
  const int8_t filter[2] = {2, 2};
  ref::FullyConnectedParams p;
  p.batches = 1;
  p.accum_depth = 2;
  p.output_depth = 1;
  p.filter_offset = -1;  // filter zero point 1: effective weights 1, 1
  int shift = 0;
  QuantizeMultiplier(1.0, &p.output_multiplier, &shift);
  p.output_shift = shift;
  int8_t out[1];
  ref::FullyConnectedS8(p, input, filter, nullptr, out);
  EXPECT_EQ(out[0], 7);
  const int32_t mult[1] = {p.output_multiplier};
  const int32_t shifts[1] = {p.output_shift};
  ref::FullyConnectedPerChannelS8(p, mult, shifts, input, filter, nullptr, out);
  EXPECT_EQ(out[0], 14);  // per-channel ignores filter_offset
}

// Random battery against the double computation; fixed, printed seed.
TEST(FullyConnectedRef, RandomVersusDoubleWithinOneLsb) {
  const uint32_t seed = 20240611;
  std::printf("FullyConnectedRef seed %u\n", seed);
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int zero_points[] = {-128, -127, -1, 0, 1, 64, 126, 127};
  int checked = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const int batches = uni(1, 4), depth = uni(1, 67), units = uni(1, 19);
    const bool per_channel = iter % 2 == 1;
    const float in_scale = std::ldexp(float(uni(1000, 2000)) / 1000.0f, uni(-12, 2));
    const float out_scale = std::ldexp(float(uni(1000, 2000)) / 1000.0f, uni(-6, 3));
    const int in_zp = zero_points[uni(0, 7)], out_zp = zero_points[uni(0, 7)];
    std::vector<float> w_scales(per_channel ? units : 1);
    for (float& s : w_scales) s = std::ldexp(float(uni(1000, 2000)) / 1000.0f, uni(-10, -4));
    std::vector<int8_t> in(static_cast<size_t>(batches) * depth), w(static_cast<size_t>(units) * depth);
    for (auto& v : in) v = static_cast<int8_t>(uni(-128, 127));
    for (auto& v : w) v = static_cast<int8_t>(uni(-127, 127));
    std::vector<int32_t> bias(units);
    for (auto& v : bias) v = uni(-20000, 20000);
    const bool with_bias = uni(0, 3) != 0;
    const int act_min = uni(0, 1) ? -128 : uni(-128, 0), act_max = uni(0, 1) ? 127 : uni(1, 127);

    ref::FullyConnectedParams p;
    p.batches = batches;
    p.accum_depth = depth;
    p.output_depth = units;
    p.input_offset = -in_zp;
    p.output_offset = out_zp;
    p.quantized_min = act_min;
    p.quantized_max = act_max;
    std::vector<int32_t> mult(units), shifts(units);
    for (int o = 0; o < units; ++o) {
      int s = 0;
      QuantizeMultiplier(double(in_scale) * double(w_scales[per_channel ? o : 0]) / double(out_scale), &mult[o], &s);
      shifts[o] = s;
    }
    p.output_multiplier = mult[0];
    p.output_shift = shifts[0];
    std::vector<int8_t> got(static_cast<size_t>(batches) * units);
    const int32_t* bias_ptr = with_bias ? bias.data() : nullptr;
    if (per_channel) {
      ref::FullyConnectedPerChannelS8(p, mult.data(), shifts.data(), in.data(), w.data(), bias_ptr, got.data());
    } else {
      ref::FullyConnectedS8(p, in.data(), w.data(), bias_ptr, got.data());
    }
    const auto want = FcDouble(in, batches, depth, units, in_scale, in_zp, w, w_scales, 0,
                               with_bias ? &bias : nullptr, out_scale, out_zp, act_min, act_max);
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_LE(std::abs(int(got[i]) - int(want[i])), 1) << "iter " << iter << " index " << i;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(FullyConnectedRef, FloatMatchesSequentialSumAndClamp) {
  const float input[6] = {1.5f, -2.0f, 0.25f, 3.0f, 1.0f, -1.0f};  // 2 batches x 3
  const float filter[6] = {1.0f, 2.0f, 4.0f, -1.0f, 0.5f, 0.0f};  // 2 units x 3
  const float bias[2] = {0.5f, -0.25f};
  ref::FullyConnectedParams p;
  p.batches = 2;
  p.accum_depth = 3;
  p.output_depth = 2;
  p.float_min = -2.0f;
  p.float_max = 1.25f;
  float out[4];
  ref::FullyConnectedF32(p, input, filter, bias, out);
  EXPECT_EQ(out[0], -1.0f);   // 1.5 - 4 + 1 + 0.5
  EXPECT_EQ(out[1], -2.0f);   // -1.5 - 1 + 0 - 0.25 = -2.75, clamped
  EXPECT_EQ(out[2], 1.25f);   // 3 + 2 - 4 + 0.5 = 1.5, clamped
  EXPECT_EQ(out[3], -2.0f);   // -3 + 0.5 + 0 - 0.25 = -2.75, clamped
  p.float_min = -100.0f;
  p.float_max = 100.0f;
  ref::FullyConnectedF32(p, input, filter, nullptr, out);
  EXPECT_EQ(out[1], -2.5f);
  EXPECT_EQ(out[2], 1.0f);
}

// --- op level -------------------------------------------------------------

TEST(FullyConnectedOp, Int8PerTensorMatchesRef) {
  FcCase c;
  c.batches = 3;
  c.depth = 5;
  c.units = 4;
  c.in_zp = -7;
  c.out_zp = 11;
  c.act = writer::Activation::kRelu;
  std::vector<int8_t> w(c.units * c.depth), in(c.batches * c.depth);
  std::vector<int32_t> bias(c.units);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(int(i * 37 % 255) - 127);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int8_t>(int(i * 91 % 256) - 128);
  for (int i = 0; i < c.units; ++i) bias[i] = 100 * i - 150;
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildInt8Fc(c, w, bias), FullyConnectedOps()), Status::kOk) << m.error();
  ASSERT_EQ(m.Invoke({Bytes(in)}), Status::kOk) << m.error();
  const std::vector<uint8_t> out = m.Output(0);
  const int relu_min = c.out_zp;  // quantize(0)
  const auto want =
      FcDouble(in, c.batches, c.depth, c.units, c.in_scale, c.in_zp, w, c.w_scales, 0, &bias, c.out_scale, c.out_zp,
               relu_min, 127);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_LE(std::abs(int(int8_t(out[i])) - int(want[i])), 1) << i;
  for (size_t i = 0; i < want.size(); ++i) EXPECT_GE(int(int8_t(out[i])), relu_min) << i;
}

TEST(FullyConnectedOp, Int8PerChannelNoBiasMatchesRef) {
  FcCase c;
  c.batches = 2;
  c.depth = 7;
  c.units = 3;
  c.w_scales = {0.02f, 0.1f, 0.005f};
  c.bias = false;
  c.in_zp = 127;
  c.out_zp = -128;
  std::vector<int8_t> w(c.units * c.depth), in(c.batches * c.depth);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(int(i * 53 % 255) - 127);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int8_t>(int(i * 29 % 256) - 128);
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildInt8Fc(c, w, {}), FullyConnectedOps()), Status::kOk) << m.error();
  ASSERT_EQ(m.Invoke({Bytes(in)}), Status::kOk) << m.error();
  const std::vector<uint8_t> out = m.Output(0);
  const auto want = FcDouble(in, c.batches, c.depth, c.units, c.in_scale, c.in_zp, w, c.w_scales, 0, nullptr,
                             c.out_scale, c.out_zp, -128, 127);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_LE(std::abs(int(int8_t(out[i])) - int(want[i])), 1) << i;
}

// TFLite's per-tensor FULLY_CONNECTED requantizes with
// double(float(input_scale * filter_scale)) / double(output_scale)
// (GetQuantizedConvolutionMultipler), not the double product its per-channel
// path uses; the two multipliers differ in their low bits on most real models.
// Here an accumulator whose output differs between them is searched for and
// the op must give the float-product answer.
TEST(FullyConnectedOp, Int8PerTensorMultiplierFromTheFloatProduct) {
  FcCase c;
  c.in_scale = 0.0173f;
  c.w_scales = {0.0021f};
  c.out_scale = 0.6347f;
  c.bias = false;
  int32_t m_float = 0, m_double = 0;
  int s_float = 0, s_double = 0;
  QuantizeMultiplier(static_cast<double>(c.in_scale * c.w_scales[0]) / static_cast<double>(c.out_scale), &m_float,
                     &s_float);
  QuantizeMultiplier(static_cast<double>(c.in_scale) * static_cast<double>(c.w_scales[0]) /
                         static_cast<double>(c.out_scale),
                     &m_double, &s_double);
  ASSERT_EQ(s_float, s_double);
  ASSERT_NE(m_float, m_double);
  int32_t acc = -1;
  for (int32_t a = 0; a < (1 << 21) && acc < 0; ++a) {
    const int32_t want = MultiplyByQuantizedMultiplier(a, m_float, s_float);
    if (want <= 127 && want != MultiplyByQuantizedMultiplier(a, m_double, s_double)) acc = a;
  }
  ASSERT_GE(acc, 0) << "no accumulator separates the two multipliers";
  // acc = k * 127 * 127 + q * 127 + t as a dot product of depth k + 2.
  const int32_t k = acc / (127 * 127), q = acc % (127 * 127) / 127, t = acc % 127;
  c.depth = k + 2;
  c.units = 1;
  std::vector<int8_t> w(c.depth, 127), in(c.depth, 127);
  w[k] = static_cast<int8_t>(q);
  in[k + 1] = static_cast<int8_t>(t);
  w[k + 1] = 1;
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildInt8Fc(c, w, {}), FullyConnectedOps()), Status::kOk) << m.error();
  ASSERT_EQ(m.Invoke({Bytes(in)}), Status::kOk) << m.error();
  EXPECT_EQ(int(int8_t(m.Output(0)[0])), MultiplyByQuantizedMultiplier(acc, m_float, s_float)) << "acc " << acc;
}

TEST(FullyConnectedOp, FloatWithKeepNumDims) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {2, 3, 4});
  std::vector<float> w(5 * 4);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.25f * float(int(i % 7) - 3);
  const int wt = b.AddConst<float>(TensorType::kFloat32, {5, 4}, w);
  const int out = b.AddTensor(TensorType::kFloat32, {2, 3, 5});
  b.AddOperator(BuiltinOp::kFullyConnected, {in, wt, -1}, {out},
                writer::FullyConnectedOptions{writer::Activation::kNone, true});
  b.SetInputs({in});
  b.SetOutputs({out});
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(b.Finish(), FullyConnectedOps()), Status::kOk) << m.error();
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.5f * float(i) - 5.0f;
  ASSERT_EQ(m.Invoke({Bytes(x)}), Status::kOk) << m.error();
  const std::vector<uint8_t> raw = m.Output(0);
  std::vector<float> y(30);
  std::memcpy(y.data(), raw.data(), raw.size());
  for (int r = 0; r < 6; ++r) {
    for (int o = 0; o < 5; ++o) {
      double acc = 0;
      for (int d = 0; d < 4; ++d) acc += double(x[r * 4 + d]) * w[o * 4 + d];
      EXPECT_NEAR(y[r * 5 + o], acc, 1e-5) << r << "," << o;
    }
  }
}

// Malformed or unsupported models fail in Prepare() with a clear status.
struct BadFc {
  const char* what;
  Status expected;
  std::vector<uint8_t> (*build)();
};

std::vector<uint8_t> FcWith(TensorType in_type, TensorType w_type, TensorType b_type, std::vector<int32_t> w_shape,
                            std::vector<int32_t> out_shape, int bias_len, QuantParams out_q,
                            QuantParams w_q = QuantParams::PerTensor(0.1f, 0)) {
  ModelBuilder b;
  const QuantParams aq = QuantParams::PerTensor(0.5f, 0);
  const int in = b.AddTensor(in_type, {1, 4}, aq);
  int64_t wn = 1;
  for (int d : w_shape) wn *= d;
  std::vector<uint8_t> wbytes(static_cast<size_t>(wn) * TensorTypeBytes(w_type));
  const int wt = b.AddConstTensor(w_type, w_shape, wbytes.data(), wbytes.size(), w_q);
  std::vector<uint8_t> bbytes(static_cast<size_t>(bias_len) * TensorTypeBytes(b_type));
  const int bt = b.AddConstTensor(b_type, {bias_len}, bbytes.data(), bbytes.size(), QuantParams::PerTensor(0.05f, 0));
  const int out = b.AddTensor(in_type, out_shape, out_q);
  b.AddOperator(BuiltinOp::kFullyConnected, {in, wt, bt}, {out}, writer::FullyConnectedOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(FullyConnectedOp, BadModelsFailInPrepare) {
  const BadFc cases[] = {
      {"int16 input", Status::kUnsupportedType,
       [] { return FcWith(TensorType::kInt16, TensorType::kInt8, TensorType::kInt32, {2, 4}, {1, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"hybrid float input int8 filter", Status::kUnsupportedType,
       [] { return FcWith(TensorType::kFloat32, TensorType::kInt8, TensorType::kFloat32, {2, 4}, {1, 2}, 2, {}); }},
      {"bias type", Status::kUnsupportedType,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt8, {2, 4}, {1, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"bias length", Status::kInvalidShape,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 4}, {1, 2}, 3,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"depth does not divide input", Status::kInvalidShape,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 3}, {1, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"output units", Status::kInvalidShape,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 4}, {1, 3}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"output batches", Status::kInvalidShape,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 4}, {2, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"filter rank", Status::kInvalidShape,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 2, 2}, {1, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0)); }},
      {"output not quantized", Status::kInvalidModel,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 4}, {1, 2}, 2, {}); }},
      {"bias scale far from input*filter", Status::kInvalidModel,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {2, 4}, {1, 2}, 2,
                          QuantParams::PerTensor(0.25f, 0), QuantParams::PerTensor(0.5f, 0)); }},
      {"per-channel along dimension 1", Status::kInvalidModel,
       [] { return FcWith(TensorType::kInt8, TensorType::kInt8, TensorType::kInt32, {4, 4}, {1, 4}, 4,
                          QuantParams::PerTensor(0.25f, 0), QuantParams::PerChannel({0.1f, 0.1f, 0.1f, 0.1f}, 1)); }},
  };
  for (const BadFc& c : cases) {
    testing::OpRunner m;
    EXPECT_EQ(m.Prepare(c.build(), FullyConnectedOps()), c.expected) << c.what << ": " << m.error();
    EXPECT_NE(m.error().find("FULLY_CONNECTED"), std::string::npos) << c.what << ": " << m.error();
  }
}

// --- TFLite Micro conformance (FC-only models) -----------------------------

void CheckConformance(const std::string& folder, const std::string& model_path, bool is_float) {
  const std::string root = testing::SharedDir();
  AlignedBuffer model_bytes;
  if (!testing::ReadFileAligned(root + "/models/" + model_path, &model_bytes)) {
    GTEST_SKIP() << "shared model not found: " << root << "/models/" << model_path;
  }
  const char* cases[] = {"rand0", "rand1", "rand2", "edge_min", "edge_max"};
  for (const char* name : cases) {
    std::vector<uint8_t> input, expected;
    ASSERT_TRUE(testing::ReadFile(root + "/conformance/" + folder + "/input_" + name + ".bin", &input)) << name;
    ASSERT_TRUE(testing::ReadFile(root + "/conformance/" + folder + "/output_" + name + ".bin", &expected)) << name;
    testing::OpRunner m;
    std::vector<uint8_t> file(model_bytes.data(), model_bytes.data() + model_bytes.size());
    ASSERT_EQ(m.Prepare(file, FullyConnectedOps()), Status::kOk) << m.error();
    ASSERT_EQ(m.Invoke({input}), Status::kOk) << m.error();
    const std::vector<uint8_t> out = m.Output(0);
    ASSERT_EQ(out.size(), expected.size()) << name;
    if (!is_float) {
      int mismatches = 0;
      for (size_t i = 0; i < out.size(); ++i) mismatches += out[i] != expected[i];
      EXPECT_EQ(mismatches, 0) << folder << " " << name << ": bytes differ from TFLite Micro";
    } else {
      std::vector<float> got(out.size() / 4), want(out.size() / 4);
      std::memcpy(got.data(), out.data(), out.size());
      std::memcpy(want.data(), expected.data(), expected.size());
      // Documented float tolerance: 1e-5 relative to max(1, |want|).
      for (size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], want[i], 1e-5 * std::max(1.0f, std::fabs(want[i]))) << folder << " " << name << " " << i;
    }
  }
}

TEST(FullyConnectedConformance, HelloWorldInt8) {
  CheckConformance("hello_world_int8", "hello_world/hello_world_int8.tflite", false);
}
TEST(FullyConnectedConformance, HelloWorldFloat) {
  CheckConformance("hello_world_float", "hello_world/hello_world_float.tflite", true);
}
TEST(FullyConnectedConformance, AnomalyDetectionInt8) {
  CheckConformance("mlperf_ad_autoencoder_int8", "mlperf_tiny_ad/ad01_int8.tflite", false);
}
TEST(FullyConnectedConformance, AnomalyDetectionFloat) {
  CheckConformance("mlperf_ad_autoencoder_float", "mlperf_tiny_ad/ad01_fp32.tflite", true);
}

}  // namespace
}  // namespace tinyml
