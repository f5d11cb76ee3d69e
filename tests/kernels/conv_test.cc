// CONV_2D: reference math (kernels/ref/conv.h) against independent
// re-derivations, then the op through a one-op .tflite and the interpreter.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "conv_reference.h"
#include "kernels/ref/conv.h"
#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using conv_test::Act;
using conv_test::ExpectMatchesReferences;
using conv_test::IntegerReference;
using conv_test::MakeShape;
using conv_test::Requant;
using conv_test::Rng;

constexpr uint32_t kSeed = 20240611;

// One int8 convolution problem, described the way a .tflite file does.
struct ConvCase {
  int batches = 1, in_h = 1, in_w = 1, in_c = 1;
  int out_c = 1, k_h = 1, k_w = 1, filter_in_c = 1;  // filter [out_c, k_h, k_w, filter_in_c]
  int stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  bool same = true;
  Act act = Act::kNone;
  float in_scale = 1.0f, out_scale = 1.0f;
  int in_zp = 0, out_zp = 0;
  std::vector<float> w_scales;  // 1 (per-tensor) or out_c
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias;  // empty: no bias

  conv_test::Axis AxisH() const { return conv_test::AxisGeometry(same, in_h, k_h, stride_h, dil_h); }
  conv_test::Axis AxisW() const { return conv_test::AxisGeometry(same, in_w, k_w, stride_w, dil_w); }
  size_t OutSize() const { return static_cast<size_t>(batches) * AxisH().out * AxisW().out * out_c; }
  float WScale(int c) const { return w_scales.size() == 1 ? w_scales[0] : w_scales[c]; }
  Requant ChannelRequant(int c) const {
    return conv_test::QuantizeReal(static_cast<double>(in_scale) * static_cast<double>(WScale(c)) /
                                   static_cast<double>(out_scale));
  }
  std::string Describe() const {
    char buf[320];
    std::snprintf(buf, sizeof(buf),
                  "in %dx%dx%dx%d filter %dx%dx%dx%d stride %d,%d dil %d,%d %s act %d zp %d/%d scales %g/%g "
                  "w_scales %zu bias %d",
                  batches, in_h, in_w, in_c, out_c, k_h, k_w, filter_in_c, stride_h, stride_w, dil_h, dil_w,
                  same ? "SAME" : "VALID", static_cast<int>(act), in_zp, out_zp, in_scale, out_scale,
                  w_scales.size(), bias.empty() ? 0 : 1);
    return buf;
  }
};

// Calls the kernel under test with parameters derived in the test.
std::vector<int8_t> RunKernel(const ConvCase& c) {
  const auto ah = c.AxisH();
  const auto aw = c.AxisW();
  ref::ConvParams p;
  p.stride_height = c.stride_h;
  p.stride_width = c.stride_w;
  p.dilation_height = c.dil_h;
  p.dilation_width = c.dil_w;
  p.pad_height = ah.pad;
  p.pad_width = aw.pad;
  p.input_offset = -c.in_zp;
  p.output_offset = c.out_zp;
  conv_test::ActRange(c.act, c.out_scale, c.out_zp, &p.quantized_min, &p.quantized_max);
  std::vector<int32_t> mult(c.out_c), shift(c.out_c);
  for (int oc = 0; oc < c.out_c; ++oc) {
    const Requant r = c.ChannelRequant(oc);
    mult[oc] = r.multiplier;
    shift[oc] = r.shift;
  }
  std::vector<int8_t> out(static_cast<size_t>(c.batches) * ah.out * aw.out * c.out_c, 0x55);
  ref::ConvPerChannelS8(p, mult.data(), shift.data(), MakeShape(c.batches, c.in_h, c.in_w, c.in_c), c.input.data(),
                        MakeShape(c.out_c, c.k_h, c.k_w, c.filter_in_c), c.filter.data(),
                        c.bias.empty() ? nullptr : c.bias.data(), MakeShape(c.batches, ah.out, aw.out, c.out_c),
                        out.data());
  return out;
}

// Visits every (output index, output channel, list of (input index, filter
// index) taps) of the convolution, from the definition.
template <typename Fn>
void ForEachOutput(const ConvCase& c, Fn fn) {
  const auto ah = c.AxisH();
  const auto aw = c.AxisW();
  const int groups = c.in_c / c.filter_in_c;
  const int per_group = c.out_c / groups;
  std::vector<std::pair<size_t, size_t>> taps;
  for (int b = 0; b < c.batches; ++b)
    for (int oy = 0; oy < ah.out; ++oy)
      for (int ox = 0; ox < aw.out; ++ox)
        for (int oc = 0; oc < c.out_c; ++oc) {
          taps.clear();
          const int g = oc / per_group;
          for (int ky = 0; ky < c.k_h; ++ky)
            for (int kx = 0; kx < c.k_w; ++kx) {
              const int iy = oy * c.stride_h - ah.pad + ky * c.dil_h;
              const int ix = ox * c.stride_w - aw.pad + kx * c.dil_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;  // zero padding
              for (int ic = 0; ic < c.filter_in_c; ++ic) {
                const size_t in_index =
                    ((static_cast<size_t>(b) * c.in_h + iy) * c.in_w + ix) * c.in_c + g * c.filter_in_c + ic;
                const size_t f_index = ((static_cast<size_t>(oc) * c.k_h + ky) * c.k_w + kx) * c.filter_in_c + ic;
                taps.emplace_back(in_index, f_index);
              }
            }
          const size_t out_index = ((static_cast<size_t>(b) * ah.out + oy) * aw.out + ox) * c.out_c + oc;
          fn(out_index, oc, taps);
        }
}

ConvCase RandomCase(Rng& rng) {
  ConvCase c;
  c.batches = rng.Int(1, 2);
  c.in_h = rng.Int(1, 9);
  c.in_w = rng.Int(1, 9);
  const int groups = rng.Int(0, 4) == 0 ? rng.Int(2, 3) : 1;
  c.filter_in_c = rng.Int(1, 5);
  c.in_c = c.filter_in_c * groups;
  c.out_c = groups * rng.Int(1, 4);
  c.k_h = rng.Int(1, 4);
  c.k_w = rng.Int(1, 4);
  c.stride_h = rng.Int(1, 3);
  c.stride_w = rng.Int(1, 3);
  c.dil_h = rng.Int(1, 2);
  c.dil_w = rng.Int(1, 2);
  c.same = rng.Int(0, 1) == 0;
  c.act = static_cast<Act>(std::vector<int>{0, 1, 3}[rng.Int(0, 2)]);
  c.in_zp = rng.ZeroPoint();
  c.out_zp = rng.ZeroPoint();
  c.in_scale = rng.LogUniform(1e-3f, 1.0f);
  const bool per_channel = rng.Int(0, 2) != 0;
  const float w_base = rng.LogUniform(1e-4f, 1e-1f);
  for (int i = 0; i < (per_channel ? c.out_c : 1); ++i) c.w_scales.push_back(w_base * rng.LogUniform(0.3f, 3.0f));
  // Aim the output scale so results spread over the int8 range; sometimes
  // much smaller (saturation) or larger (near-constant outputs).
  const double taps = c.k_h * c.k_w * c.filter_in_c;
  const double typical = c.in_scale * c.w_scales[0] * 128.0 * 64.0 * std::sqrt(taps);
  c.out_scale = static_cast<float>(typical / 64.0 * rng.LogUniform(0.3f, 3.0f));
  // (Not smaller: the int32 left shift in TFLite's requantization wraps.)
  if (rng.Int(0, 9) == 0) c.out_scale *= 1e-2f;
  if (rng.Int(0, 9) == 0) c.out_scale *= 1e2f;
  c.input = rng.Int8s(static_cast<size_t>(c.batches) * c.in_h * c.in_w * c.in_c);
  // Symmetric weights never use -128 (TFLite's spec); it still must work.
  c.filter = rng.Int8s(static_cast<size_t>(c.out_c) * c.k_h * c.k_w * c.filter_in_c, rng.Int(0, 4) ? -127 : -128);
  if (rng.Int(0, 3) != 0) {
    c.bias.resize(c.out_c);
    for (auto& b : c.bias) b = rng.Int(-40000, 40000);
  }
  return c;
}

bool HasOutput(const ConvCase& c) { return c.AxisH().out > 0 && c.AxisW().out > 0; }

TEST(ConvRefS8, RandomSweepMatchesTfliteFormulaAndRealConv) {
  std::printf("seed %u\n", kSeed);
  Rng rng(kSeed);
  int run = 0;
  for (int i = 0; i < 600; ++i) {
    ConvCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    SCOPED_TRACE(c.Describe());
    ExpectMatchesReferences(c);
    ++run;
  }
  EXPECT_GT(run, 400);
}

// Effective scale 0.5 -> multiplier 2^30, shift 0: the doubling high multiply
// rounds ties up (2.5 -> 3, -2.5 -> -2). Effective 0.25 -> shift -1: the high
// multiply rounds first, then the shift rounds ties away from zero, so
// 5 * 0.25 = 1.25 becomes 2.5 -> 3, then 1.5 -> 2 (TFLite's double rounding).
TEST(ConvRefS8, HandWorkedRounding) {
  for (const float w_scale : {0.5f, 0.25f}) {
    ConvCase c;
    c.in_w = 4;
    c.same = false;
    c.w_scales = {w_scale};
    c.input = {5, -5, 10, -10};
    c.filter = {1};
    const std::vector<int8_t> got = RunKernel(c);
    const std::vector<int8_t> want =
        w_scale == 0.5f ? std::vector<int8_t>{3, -2, 5, -5} : std::vector<int8_t>{2, -1, 3, -3};
    EXPECT_EQ(got, want) << "w_scale " << w_scale;
    EXPECT_EQ(IntegerReference(c), want);
  }
}

// 3x3 input, 2x2 filter of ones, SAME padding, stride 1: padding goes to
// the bottom/right only (total 1, leading 0), so the last row/column sum
// fewer taps.
TEST(ConvRefS8, HandWorkedSamePadding) {
  ConvCase c;
  c.in_h = c.in_w = 3;
  c.k_h = c.k_w = 2;
  c.w_scales = {1.0f};
  c.input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  c.filter = {1, 1, 1, 1};
  c.bias = {100};
  EXPECT_EQ(RunKernel(c), (std::vector<int8_t>{112, 116, 109, 124, 127, 115, 115, 117, 109}));
}

TEST(ConvRefS8, ExtremeZeroPointsAndSaturation) {
  Rng rng(kSeed + 1);
  for (int in_zp : {-128, 127}) {
    for (int out_zp : {-128, 127}) {
      for (float out_scale : {1e-4f, 1e-2f, 1e3f}) {
        ConvCase c;
        c.in_h = 5, c.in_w = 4, c.in_c = 3, c.out_c = 4, c.k_h = 3, c.k_w = 2, c.filter_in_c = 3;
        c.in_zp = in_zp;
        c.out_zp = out_zp;
        c.in_scale = 0.05f;
        c.out_scale = out_scale;
        c.w_scales = {0.01f, 0.02f, 0.5f, 1e-5f};
        c.input = rng.Int8s(5 * 4 * 3);
        c.filter = rng.Int8s(4 * 3 * 2 * 3, -127, 127);
        c.bias = {1000, -1000, 0, 123456};
        c.act = rng.Int(0, 1) ? Act::kRelu6 : Act::kRelu;
        SCOPED_TRACE(c.Describe());
        ExpectMatchesReferences(c);
      }
    }
  }
  // All inputs at the extremes with the largest weights: every output clamps.
  ConvCase c;
  c.in_h = c.in_w = 3, c.in_c = 8, c.filter_in_c = 8, c.out_c = 2, c.k_h = c.k_w = 3;
  c.in_zp = -128;
  c.w_scales = {1.0f};
  c.out_scale = 1.0f;
  c.input.assign(3 * 3 * 8, 127);
  c.filter.assign(2 * 3 * 3 * 8, 127);
  for (size_t i = c.filter.size() / 2; i < c.filter.size(); ++i) c.filter[i] = -127;
  const std::vector<int8_t> got = RunKernel(c);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i % 2 == 0 ? 127 : -128) << i;
  EXPECT_EQ(got, IntegerReference(c));
}

TEST(ConvRefS8, SizeOneEverything) {
  ConvCase c;
  c.w_scales = {0.3f};
  c.in_scale = 0.7f;
  c.out_scale = 0.11f;
  c.in_zp = 3;
  c.out_zp = -7;
  c.input = {-100};
  c.filter = {-77};
  c.bias = {-5};
  ExpectMatchesReferences(c);
  c.same = false;
  ExpectMatchesReferences(c);
}

// --- float32 -----------------------------------------------------------------

TEST(ConvRefF32, RandomSweepMatchesDoubleLoop) {
  Rng rng(kSeed + 2);
  int run = 0;
  for (int i = 0; i < 300; ++i) {
    ConvCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    ++run;
    const std::vector<float> input = rng.Floats(c.input.size(), -2.0f, 2.0f);
    const std::vector<float> filter = rng.Floats(c.filter.size(), -1.0f, 1.0f);
    const std::vector<float> bias = c.bias.empty() ? std::vector<float>{} : rng.Floats(c.out_c, -3.0f, 3.0f);
    const auto ah = c.AxisH();
    const auto aw = c.AxisW();
    ref::ConvParams p;
    p.stride_height = c.stride_h, p.stride_width = c.stride_w;
    p.dilation_height = c.dil_h, p.dilation_width = c.dil_w;
    p.pad_height = ah.pad, p.pad_width = aw.pad;
    conv_test::ActRangeFloat(c.act, &p.float_min, &p.float_max);
    std::vector<float> got(static_cast<size_t>(c.batches) * ah.out * aw.out * c.out_c);
    ref::ConvF32(p, MakeShape(c.batches, c.in_h, c.in_w, c.in_c), input.data(),
                 MakeShape(c.out_c, c.k_h, c.k_w, c.filter_in_c), filter.data(), bias.empty() ? nullptr : bias.data(),
                 MakeShape(c.batches, ah.out, aw.out, c.out_c), got.data());
    ForEachOutput(c, [&](size_t o, int oc, const std::vector<std::pair<size_t, size_t>>& taps) {
      double sum = 0, magnitude = 0;
      for (const auto& t : taps) {
        sum += double{input[t.first]} * filter[t.second];
        magnitude += std::fabs(double{input[t.first]} * filter[t.second]);
      }
      if (!bias.empty()) sum += bias[oc], magnitude += std::fabs(bias[oc]);
      sum = std::min<double>(std::max<double>(sum, p.float_min), p.float_max);
      // float accumulation of n terms: error <= n * eps * sum|terms|.
      const double tol = (taps.size() + 2) * 1.2e-7 * magnitude + 1e-30;
      EXPECT_NEAR(got[o], sum, tol) << c.Describe() << " output " << o;
    });
  }
  EXPECT_GT(run, 200);
}

// --- the op through a .tflite file and the interpreter -----------------------

using writer::ModelBuilder;
using writer::QuantParams;

enum class Defect {
  kNone, kFilterRank3, kBiasLength, kOutputShape, kInt16, kHybrid, kFilterZeroPoint, kScaleCount,
  kStrideZero, kBadGroups, kQuantDim, kOutputZeroPoint,
};

// A one-CONV_2D model for `c`. bias_slot: 0 = two inputs, 1 = third input -1,
// 2 = bias tensor (requires c.bias). float_model: same geometry in float32
// with values input/16, filter/64, bias/256.
std::vector<uint8_t> BuildConvModel(const ConvCase& c, Defect defect = Defect::kNone, int bias_slot = 2,
                                    bool float_model = false) {
  ModelBuilder b;
  const auto ah = c.AxisH();
  const auto aw = c.AxisW();
  TensorType act_type = float_model ? TensorType::kFloat32 : TensorType::kInt8;
  if (defect == Defect::kInt16) act_type = TensorType::kInt16;
  const QuantParams in_q = float_model ? QuantParams{} : QuantParams::PerTensor(c.in_scale, c.in_zp);
  QuantParams out_q = float_model ? QuantParams{} : QuantParams::PerTensor(c.out_scale, c.out_zp);
  if (defect == Defect::kOutputZeroPoint) out_q = QuantParams::PerTensor(c.out_scale, 300);
  const int in = b.AddTensor(act_type, {c.batches, c.in_h, c.in_w, c.in_c}, in_q, "input");

  std::vector<int32_t> f_shape = {c.out_c, c.k_h, c.k_w, c.filter_in_c};
  if (defect == Defect::kFilterRank3) f_shape = {c.out_c, c.k_h, c.k_w * c.filter_in_c};
  if (defect == Defect::kBadGroups) f_shape[3] = c.in_c + 1;
  std::vector<float> w_scales = c.w_scales;
  if (defect == Defect::kScaleCount) w_scales.resize(c.out_c + 1, 0.01f);
  QuantParams w_q = w_scales.size() == 1 ? QuantParams::PerTensor(w_scales[0], 0) : QuantParams::PerChannel(w_scales, 0);
  if (defect == Defect::kFilterZeroPoint) w_q.zero_point[0] = 1;
  if (defect == Defect::kQuantDim) w_q.quantized_dimension = 3;
  std::vector<int8_t> filter_values = c.filter;
  if (defect == Defect::kBadGroups) filter_values.resize(static_cast<size_t>(c.out_c) * c.k_h * c.k_w * f_shape[3], 1);
  int filter;
  if (float_model || defect == Defect::kHybrid) {
    std::vector<float> fw(c.filter.begin(), c.filter.end());
    for (auto& v : fw) v /= 64.0f;
    if (defect == Defect::kHybrid)
      filter = b.AddConst<int8_t>(TensorType::kInt8, f_shape, filter_values, w_q, "filter");
    else
      filter = b.AddConst<float>(TensorType::kFloat32, f_shape, fw, {}, "filter");
  } else {
    filter = b.AddConst<int8_t>(TensorType::kInt8, f_shape, filter_values, w_q, "filter");
  }

  std::vector<int32_t> inputs = {in, filter};
  if (bias_slot == 1) inputs.push_back(-1);
  if (bias_slot == 2) {
    std::vector<int32_t> bias = c.bias;
    if (defect == Defect::kBiasLength) bias.push_back(0);
    const std::vector<int32_t> b_shape = {static_cast<int32_t>(bias.size())};
    if (float_model) {
      std::vector<float> fb(bias.begin(), bias.end());
      for (auto& v : fb) v /= 256.0f;
      inputs.push_back(b.AddConst<float>(TensorType::kFloat32, b_shape, fb, {}, "bias"));
    } else {
      std::vector<float> b_scales;
      for (size_t i = 0; i < bias.size(); ++i) b_scales.push_back(c.in_scale * c.WScale(std::min<int>(i, c.out_c - 1)));
      inputs.push_back(b.AddConst<int32_t>(TensorType::kInt32, b_shape, bias, QuantParams::PerChannel(b_scales, 0), "bias"));
    }
  }
  std::vector<int32_t> out_shape = {c.batches, ah.out, aw.out, c.out_c};
  if (defect == Defect::kOutputShape) out_shape[1] += 1;
  const int out = b.AddTensor(act_type, out_shape, out_q, "output");

  writer::Conv2DOptions opt;
  opt.padding = c.same ? writer::Padding::kSame : writer::Padding::kValid;
  opt.stride_h = defect == Defect::kStrideZero ? 0 : c.stride_h;
  opt.stride_w = c.stride_w;
  opt.dilation_h = c.dil_h;
  opt.dilation_w = c.dil_w;
  opt.activation = static_cast<writer::Activation>(c.act);
  b.AddOperator(BuiltinOp::kConv2d, inputs, {out}, opt);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(Conv2dOp, RandomModelsMatchTfliteFormula) {
  std::printf("seed %u\n", kSeed + 3);
  Rng rng(kSeed + 3);
  int run = 0;
  for (int i = 0; i < 120; ++i) {
    ConvCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    SCOPED_TRACE(c.Describe());
    const int bias_slot = c.bias.empty() ? rng.Int(0, 1) : 2;
    const auto r = conv_test::RunOneOp(BuildConvModel(c, Defect::kNone, bias_slot), c.input.data(), c.input.size());
    ASSERT_EQ(r.prepare, Status::kOk) << r.error;
    ASSERT_EQ(r.invoke, Status::kOk) << r.error;
    const std::vector<int8_t> want = IntegerReference(c);
    ASSERT_EQ(r.output.size(), want.size());
    EXPECT_EQ(0, std::memcmp(r.output.data(), want.data(), want.size()));
    ++run;
  }
  EXPECT_GT(run, 80);
}

TEST(Conv2dOp, FloatModelsMatchKernel) {
  Rng rng(kSeed + 4);
  for (int i = 0; i < 40; ++i) {
    ConvCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    SCOPED_TRACE(c.Describe());
    std::vector<float> input(c.input.begin(), c.input.end()), filter(c.filter.begin(), c.filter.end());
    for (auto& v : input) v /= 16.0f;
    for (auto& v : filter) v /= 64.0f;
    std::vector<float> bias(c.bias.begin(), c.bias.end());
    for (auto& v : bias) v /= 256.0f;
    const auto r = conv_test::RunOneOp(BuildConvModel(c, Defect::kNone, c.bias.empty() ? 1 : 2, true), input.data(),
                                       input.size() * sizeof(float));
    ASSERT_EQ(r.prepare, Status::kOk) << r.error;
    // The op must hand the kernel exactly the geometry the test derives.
    const auto ah = c.AxisH();
    const auto aw = c.AxisW();
    ref::ConvParams p;
    p.stride_height = c.stride_h, p.stride_width = c.stride_w;
    p.dilation_height = c.dil_h, p.dilation_width = c.dil_w;
    p.pad_height = ah.pad, p.pad_width = aw.pad;
    conv_test::ActRangeFloat(c.act, &p.float_min, &p.float_max);
    std::vector<float> want(static_cast<size_t>(c.batches) * ah.out * aw.out * c.out_c);
    ref::ConvF32(p, MakeShape(c.batches, c.in_h, c.in_w, c.in_c), input.data(),
                 MakeShape(c.out_c, c.k_h, c.k_w, c.filter_in_c), filter.data(), bias.empty() ? nullptr : bias.data(),
                 MakeShape(c.batches, ah.out, aw.out, c.out_c), want.data());
    ASSERT_EQ(r.output.size(), want.size() * sizeof(float));
    EXPECT_EQ(0, std::memcmp(r.output.data(), want.data(), r.output.size()));
  }
}

ConvCase SmallCase() {
  ConvCase c;
  c.in_h = 5, c.in_w = 6, c.in_c = 4, c.out_c = 3, c.k_h = 3, c.k_w = 3, c.filter_in_c = 4;
  c.stride_h = 2;
  c.in_scale = 0.1f, c.out_scale = 0.5f, c.in_zp = 3, c.out_zp = -2;
  c.w_scales = {0.01f, 0.02f, 0.03f};
  Rng rng(1);
  c.input = rng.Int8s(5 * 6 * 4);
  c.filter = rng.Int8s(3 * 3 * 3 * 4, -127, 127);
  c.bias = {10, -20, 30};
  return c;
}

TEST(Conv2dOp, BadModelsFailPrepareWithAClearStatus) {
  const ConvCase c = SmallCase();
  struct Expect {
    Defect defect;
    Status status;
    const char* words;  // expected in the message
    bool at_load = false;  // the model verifier already rejects it
  };
  const Expect cases[] = {
      {Defect::kFilterRank3, Status::kInvalidShape, "filter must be rank 4"},
      {Defect::kBiasLength, Status::kInvalidShape, "bias length"},
      {Defect::kOutputShape, Status::kInvalidShape, "output height/width"},
      {Defect::kInt16, Status::kUnsupportedType, "int16"},
      {Defect::kHybrid, Status::kUnsupportedType, "hybrid"},
      {Defect::kFilterZeroPoint, Status::kInvalidModel, "symmetric"},
      {Defect::kScaleCount, Status::kInvalidModel, "scale", true},
      {Defect::kStrideZero, Status::kInvalidModel, "stride"},
      {Defect::kBadGroups, Status::kInvalidShape, "input channels"},
      {Defect::kQuantDim, Status::kInvalidModel, "dimension", true},
      {Defect::kOutputZeroPoint, Status::kInvalidModel, "zero point"},
  };
  for (const Expect& e : cases) {
    const bool float_model = e.defect == Defect::kHybrid;
    std::vector<float> finput(c.input.size());
    const auto r = float_model ? conv_test::RunOneOp(BuildConvModel(c, e.defect, 2, true), finput.data(),
                                                     finput.size() * 4)
                               : conv_test::RunOneOp(BuildConvModel(c, e.defect), c.input.data(), c.input.size());
    EXPECT_EQ(r.prepare, e.status) << static_cast<int>(e.defect) << ": " << r.error;
    if (!e.at_load) EXPECT_NE(r.error.find("CONV_2D"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find(e.words), std::string::npos) << r.error;
  }
  // The same model without a defect runs.
  const auto ok = conv_test::RunOneOp(BuildConvModel(c), c.input.data(), c.input.size());
  EXPECT_EQ(ok.prepare, Status::kOk) << ok.error;
}

// Every CONV_2D layer of the real models, cut out with its own weights,
// scales and options into a one-op model: the op must accept it, compute the
// model's output shape, and match the TFLite formula on random input.
TEST(Conv2dOp, RealModelLayersMatchTfliteFormula) {
  Rng rng(kSeed + 5);
  int layers = 0;
  for (const std::string& path : conv_test::RealConvModels()) {
    auto m = conv_test::LoadRealModel(path);
    if (m == nullptr) {
      std::printf("note: %s not found under shared/models, skipped\n", path.c_str());
      continue;
    }
    for (const conv_test::RealLayer& l : conv_test::LayersOf(*m, path, BuiltinOp::kConv2d)) {
      SCOPED_TRACE(l.name);
      ASSERT_EQ(l.input.type, TensorType::kInt8);
      ConvCase c;
      const Shape& in = l.input.shape;
      const Shape& f = l.filter.shape;
      c.batches = in.dims[0], c.in_h = in.dims[1], c.in_w = in.dims[2], c.in_c = in.dims[3];
      c.out_c = f.dims[0], c.k_h = f.dims[1], c.k_w = f.dims[2], c.filter_in_c = f.dims[3];
      c.stride_h = l.stride_h, c.stride_w = l.stride_w, c.dil_h = l.dil_h, c.dil_w = l.dil_w;
      c.same = l.padding == 0;
      c.act = static_cast<Act>(l.activation);
      c.in_scale = l.input.quant.scale(0), c.in_zp = static_cast<int>(l.input.quant.zero_point(0));
      c.out_scale = l.output.quant.scale(0), c.out_zp = static_cast<int>(l.output.quant.zero_point(0));
      c.w_scales = conv_test::Scales(l.filter.quant);
      c.filter.assign(l.filter.const_data, l.filter.const_data + l.filter.const_bytes);
      if (l.has_bias) {
        c.bias.resize(c.out_c);
        std::memcpy(c.bias.data(), l.bias.const_data, c.bias.size() * 4);
      }
      EXPECT_EQ(c.AxisH().out, l.output.shape.dims[1]);
      EXPECT_EQ(c.AxisW().out, l.output.shape.dims[2]);
      c.input = rng.Int8s(static_cast<size_t>(in.FlatSize()));
      const auto r = conv_test::RunOneOp(BuildConvModel(c, Defect::kNone, l.has_bias ? 2 : 1), c.input.data(),
                                         c.input.size());
      ASSERT_EQ(r.prepare, Status::kOk) << r.error;
      const std::vector<int8_t> want = IntegerReference(c);
      ASSERT_EQ(r.output.size(), want.size());
      EXPECT_EQ(0, std::memcmp(r.output.data(), want.data(), want.size()));
      ++layers;
    }
  }
  std::printf("%d real CONV_2D layers checked\n", layers);
}

}  // namespace
}  // namespace tinyml
