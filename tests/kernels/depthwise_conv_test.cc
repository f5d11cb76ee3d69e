// DEPTHWISE_CONV_2D reference math (kernels/ref/depthwise_conv.h) against
// independent re-derivations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "conv_reference.h"
#include "kernels/ref/depthwise_conv.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using conv_test::Act;
using conv_test::ExpectMatchesReferences;
using conv_test::IntegerReference;
using conv_test::MakeShape;
using conv_test::Requant;
using conv_test::Rng;

constexpr uint32_t kSeed = 7031;

struct DwCase {
  int batches = 1, in_h = 1, in_w = 1, in_c = 1, multiplier = 1;
  int k_h = 1, k_w = 1;  // filter [1, k_h, k_w, in_c * multiplier]
  int stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  bool same = true;
  Act act = Act::kNone;
  float in_scale = 1.0f, out_scale = 1.0f;
  int in_zp = 0, out_zp = 0;
  std::vector<float> w_scales;
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias;

  int out_c() const { return in_c * multiplier; }
  conv_test::Axis AxisH() const { return conv_test::AxisGeometry(same, in_h, k_h, stride_h, dil_h); }
  conv_test::Axis AxisW() const { return conv_test::AxisGeometry(same, in_w, k_w, stride_w, dil_w); }
  size_t OutSize() const { return static_cast<size_t>(batches) * AxisH().out * AxisW().out * out_c(); }
  float WScale(int c) const { return w_scales.size() == 1 ? w_scales[0] : w_scales[c]; }
  Requant ChannelRequant(int c) const {
    return conv_test::QuantizeReal(double{in_scale} * double{WScale(c)} / double{out_scale});
  }
  std::string Describe() const {
    char buf[320];
    std::snprintf(buf, sizeof(buf),
                  "in %dx%dx%dx%d mult %d k %dx%d stride %d,%d dil %d,%d %s act %d zp %d/%d scales %g/%g "
                  "w_scales %zu bias %d",
                  batches, in_h, in_w, in_c, multiplier, k_h, k_w, stride_h, stride_w, dil_h, dil_w,
                  same ? "SAME" : "VALID", static_cast<int>(act), in_zp, out_zp, in_scale, out_scale,
                  w_scales.size(), bias.empty() ? 0 : 1);
    return buf;
  }
};

ref::DepthwiseConvParams Geometry(const DwCase& c) {
  ref::DepthwiseConvParams p;
  p.stride_height = c.stride_h, p.stride_width = c.stride_w;
  p.dilation_height = c.dil_h, p.dilation_width = c.dil_w;
  p.pad_height = c.AxisH().pad, p.pad_width = c.AxisW().pad;
  p.depth_multiplier = c.multiplier;
  return p;
}

std::vector<int8_t> RunKernel(const DwCase& c) {
  ref::DepthwiseConvParams p = Geometry(c);
  p.input_offset = -c.in_zp;
  p.output_offset = c.out_zp;
  conv_test::ActRange(c.act, c.out_scale, c.out_zp, &p.quantized_min, &p.quantized_max);
  std::vector<int32_t> mult(c.out_c()), shift(c.out_c());
  for (int oc = 0; oc < c.out_c(); ++oc) {
    const Requant r = c.ChannelRequant(oc);
    mult[oc] = r.multiplier;
    shift[oc] = r.shift;
  }
  std::vector<int8_t> out(c.OutSize(), 0x55);
  ref::DepthwiseConvPerChannelS8(p, mult.data(), shift.data(), MakeShape(c.batches, c.in_h, c.in_w, c.in_c),
                                 c.input.data(), MakeShape(1, c.k_h, c.k_w, c.out_c()), c.filter.data(),
                                 c.bias.empty() ? nullptr : c.bias.data(),
                                 MakeShape(c.batches, c.AxisH().out, c.AxisW().out, c.out_c()), out.data());
  return out;
}

// Every output with its (input index, filter index) taps, from the
// definition: output channel oc reads input channel oc / multiplier.
template <typename Fn>
void ForEachOutput(const DwCase& c, Fn fn) {
  const auto ah = c.AxisH();
  const auto aw = c.AxisW();
  std::vector<std::pair<size_t, size_t>> taps;
  for (int b = 0; b < c.batches; ++b)
    for (int oy = 0; oy < ah.out; ++oy)
      for (int ox = 0; ox < aw.out; ++ox)
        for (int oc = 0; oc < c.out_c(); ++oc) {
          taps.clear();
          for (int ky = 0; ky < c.k_h; ++ky)
            for (int kx = 0; kx < c.k_w; ++kx) {
              const int iy = oy * c.stride_h - ah.pad + ky * c.dil_h;
              const int ix = ox * c.stride_w - aw.pad + kx * c.dil_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
              taps.emplace_back(((static_cast<size_t>(b) * c.in_h + iy) * c.in_w + ix) * c.in_c + oc / c.multiplier,
                                (static_cast<size_t>(ky) * c.k_w + kx) * c.out_c() + oc);
            }
          fn(((static_cast<size_t>(b) * ah.out + oy) * aw.out + ox) * c.out_c() + oc, oc, taps);
        }
}

DwCase RandomCase(Rng& rng) {
  DwCase c;
  c.batches = rng.Int(1, 2);
  c.in_h = rng.Int(1, 9);
  c.in_w = rng.Int(1, 9);
  c.in_c = rng.Int(1, 6);
  c.multiplier = std::vector<int>{1, 1, 2, 3, 8}[rng.Int(0, 4)];
  c.k_h = rng.Int(1, 5);
  c.k_w = rng.Int(1, 5);
  c.stride_h = rng.Int(1, 3);
  c.stride_w = rng.Int(1, 3);
  c.dil_h = rng.Int(1, 2);
  c.dil_w = rng.Int(1, 2);
  c.same = rng.Int(0, 1) == 0;
  c.act = static_cast<Act>(std::vector<int>{0, 1, 3}[rng.Int(0, 2)]);
  c.in_zp = rng.ZeroPoint();
  c.out_zp = rng.ZeroPoint();
  c.in_scale = rng.LogUniform(1e-3f, 1.0f);
  const float w_base = rng.LogUniform(1e-4f, 1e-1f);
  const bool per_channel = rng.Int(0, 2) != 0;
  for (int i = 0; i < (per_channel ? c.out_c() : 1); ++i) c.w_scales.push_back(w_base * rng.LogUniform(0.3f, 3.0f));
  const double typical = c.in_scale * w_base * 128.0 * 64.0 * std::sqrt(double(c.k_h * c.k_w));
  c.out_scale = static_cast<float>(typical / 64.0 * rng.LogUniform(0.3f, 3.0f));
  if (rng.Int(0, 9) == 0) c.out_scale *= 1e-2f;  // saturates
  if (rng.Int(0, 9) == 0) c.out_scale *= 1e2f;
  c.input = rng.Int8s(static_cast<size_t>(c.batches) * c.in_h * c.in_w * c.in_c);
  c.filter = rng.Int8s(static_cast<size_t>(c.k_h) * c.k_w * c.out_c(), rng.Int(0, 4) ? -127 : -128);
  if (rng.Int(0, 3) != 0) {
    c.bias.resize(c.out_c());
    for (auto& b : c.bias) b = rng.Int(-40000, 40000);
  }
  return c;
}

bool HasOutput(const DwCase& c) { return c.AxisH().out > 0 && c.AxisW().out > 0; }

TEST(DepthwiseConvRefS8, RandomSweepMatchesTfliteFormulaAndRealConv) {
  std::printf("seed %u\n", kSeed);
  Rng rng(kSeed);
  int run = 0, multiplier8 = 0;
  for (int i = 0; i < 800; ++i) {
    DwCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    SCOPED_TRACE(c.Describe());
    ExpectMatchesReferences(c);
    ++run;
    multiplier8 += c.multiplier == 8;
  }
  EXPECT_GT(run, 500);
  EXPECT_GT(multiplier8, 50);
}

// Channel mapping with depth multiplier 2: output 2*ic + m uses input ic and
// filter column 2*ic + m (1x1 filter, unit scales, no rounding involved).
TEST(DepthwiseConvRefS8, HandWorkedChannelMapping) {
  DwCase c;
  c.in_c = 3;
  c.multiplier = 2;
  c.w_scales = {1.0f};
  c.input = {10, 20, 30};
  c.filter = {1, -1, 2, -2, 3, 0};
  c.bias = {0, 5, 0, 0, 0, -1};
  EXPECT_EQ(RunKernel(c), (std::vector<int8_t>{10, -5, 40, -40, 90, -1}));
}

// Like micro_speech's first layer: 8 outputs per input channel, stride 2,
// SAME, RELU, 10x8 filter, and an input zero point at the extreme.
TEST(DepthwiseConvRefS8, MicroSpeechLikeLayer) {
  Rng rng(kSeed + 1);
  DwCase c;
  c.in_h = 49, c.in_w = 40, c.in_c = 1, c.multiplier = 8, c.k_h = 10, c.k_w = 8;
  c.stride_h = c.stride_w = 2;
  c.act = Act::kRelu;
  c.in_zp = -128;
  c.out_zp = -128;
  c.in_scale = 0.0236f;
  c.out_scale = 0.1f;
  c.w_scales = {0.0037f};
  c.input = rng.Int8s(49 * 40);
  c.filter = rng.Int8s(10 * 8 * 8, -127, 127);
  c.bias.resize(8);
  for (auto& b : c.bias) b = rng.Int(-3000, 3000);
  ExpectMatchesReferences(c);
  c.w_scales.clear();
  for (int i = 0; i < 8; ++i) c.w_scales.push_back(0.001f * (i + 1));
  ExpectMatchesReferences(c);
}

TEST(DepthwiseConvRefS8, ExtremeZeroPointsAndSaturation) {
  Rng rng(kSeed + 2);
  for (int in_zp : {-128, 127})
    for (int out_zp : {-128, 127})
      for (float out_scale : {1e-4f, 1e-2f, 1e3f}) {
        DwCase c;
        c.in_h = 6, c.in_w = 5, c.in_c = 3, c.multiplier = 2, c.k_h = 3, c.k_w = 3, c.stride_h = 2;
        c.in_zp = in_zp, c.out_zp = out_zp;
        c.in_scale = 0.05f;
        c.out_scale = out_scale;
        c.w_scales = {0.01f, 0.02f, 0.5f, 1e-5f, 0.1f, 0.3f};
        c.input = rng.Int8s(6 * 5 * 3);
        c.filter = rng.Int8s(3 * 3 * 6, -127, 127);
        c.bias = {1000, -1000, 0, 123456, -7, 7};
        c.act = rng.Int(0, 1) ? Act::kRelu6 : Act::kNone;
        SCOPED_TRACE(c.Describe());
        ExpectMatchesReferences(c);
      }
}

TEST(DepthwiseConvRefF32, RandomSweepMatchesDoubleLoop) {
  Rng rng(kSeed + 3);
  int run = 0;
  for (int i = 0; i < 300; ++i) {
    DwCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    ++run;
    const std::vector<float> input = rng.Floats(c.input.size(), -2.0f, 2.0f);
    const std::vector<float> filter = rng.Floats(c.filter.size(), -1.0f, 1.0f);
    const std::vector<float> bias = c.bias.empty() ? std::vector<float>{} : rng.Floats(c.out_c(), -3.0f, 3.0f);
    ref::DepthwiseConvParams p = Geometry(c);
    conv_test::ActRangeFloat(c.act, &p.float_min, &p.float_max);
    std::vector<float> got(c.OutSize());
    ref::DepthwiseConvF32(p, MakeShape(c.batches, c.in_h, c.in_w, c.in_c), input.data(),
                          MakeShape(1, c.k_h, c.k_w, c.out_c()), filter.data(), bias.empty() ? nullptr : bias.data(),
                          MakeShape(c.batches, c.AxisH().out, c.AxisW().out, c.out_c()), got.data());
    ForEachOutput(c, [&](size_t o, int oc, const std::vector<std::pair<size_t, size_t>>& taps) {
      double sum = 0, magnitude = 0;
      for (const auto& t : taps) {
        sum += double{input[t.first]} * filter[t.second];
        magnitude += std::fabs(double{input[t.first]} * filter[t.second]);
      }
      if (!bias.empty()) sum += bias[oc], magnitude += std::fabs(bias[oc]);
      sum = std::min<double>(std::max<double>(sum, p.float_min), p.float_max);
      const double tol = (taps.size() + 2) * 1.2e-7 * magnitude + 1e-30;
      EXPECT_NEAR(got[o], sum, tol) << c.Describe() << " output " << o;
    });
  }
  EXPECT_GT(run, 150);
}

// --- the op through a .tflite file and the interpreter -----------------------

using writer::ModelBuilder;
using writer::QuantParams;

enum class Defect { kNone, kFilterRank3, kFilterDim0, kBiasLength, kOutputShape, kInt16, kMultiplier, kScaleCount };

// A one-DEPTHWISE_CONV_2D model for `c`; bias_slot as in conv_test.cc.
std::vector<uint8_t> BuildDwModel(const DwCase& c, Defect defect = Defect::kNone, int bias_slot = 2) {
  ModelBuilder b;
  const TensorType act_type = defect == Defect::kInt16 ? TensorType::kInt16 : TensorType::kInt8;
  const int in = b.AddTensor(act_type, {c.batches, c.in_h, c.in_w, c.in_c}, QuantParams::PerTensor(c.in_scale, c.in_zp));
  std::vector<int32_t> f_shape = {1, c.k_h, c.k_w, c.out_c()};
  if (defect == Defect::kFilterRank3) f_shape = {c.k_h, c.k_w, c.out_c()};
  std::vector<int8_t> filter = c.filter;
  if (defect == Defect::kFilterDim0) {
    f_shape[0] = 2;
    filter.insert(filter.end(), c.filter.begin(), c.filter.end());
  }
  std::vector<float> w_scales = c.w_scales;
  if (defect == Defect::kScaleCount) w_scales.resize(c.out_c() + 1, 0.01f);
  const QuantParams w_q =
      w_scales.size() == 1 ? QuantParams::PerTensor(w_scales[0], 0) : QuantParams::PerChannel(w_scales, 3);
  std::vector<int32_t> inputs = {in, b.AddConst<int8_t>(TensorType::kInt8, f_shape, filter, w_q)};
  if (bias_slot == 1) inputs.push_back(-1);
  if (bias_slot == 2) {
    std::vector<int32_t> bias = c.bias;
    if (defect == Defect::kBiasLength) bias.pop_back();
    inputs.push_back(b.AddConst<int32_t>(TensorType::kInt32, {static_cast<int32_t>(bias.size())}, bias));
  }
  std::vector<int32_t> out_shape = {c.batches, c.AxisH().out, c.AxisW().out, c.out_c()};
  if (defect == Defect::kOutputShape) out_shape[2] += 1;
  const int out = b.AddTensor(act_type, out_shape, QuantParams::PerTensor(c.out_scale, c.out_zp));
  writer::DepthwiseConv2DOptions opt;
  opt.padding = c.same ? writer::Padding::kSame : writer::Padding::kValid;
  opt.stride_h = c.stride_h;
  opt.stride_w = c.stride_w;
  opt.dilation_h = c.dil_h;
  opt.dilation_w = c.dil_w;
  opt.depth_multiplier = defect == Defect::kMultiplier ? c.multiplier + 1 : c.multiplier;
  opt.activation = static_cast<writer::Activation>(c.act);
  b.AddOperator(BuiltinOp::kDepthwiseConv2d, inputs, {out}, opt);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(DepthwiseConv2dOp, RandomModelsMatchTfliteFormula) {
  std::printf("seed %u\n", kSeed + 4);
  Rng rng(kSeed + 4);
  int run = 0;
  for (int i = 0; i < 150; ++i) {
    DwCase c = RandomCase(rng);
    if (!HasOutput(c)) continue;
    SCOPED_TRACE(c.Describe());
    const int bias_slot = c.bias.empty() ? rng.Int(0, 1) : 2;
    const auto r = conv_test::RunOneOp(BuildDwModel(c, Defect::kNone, bias_slot), c.input.data(), c.input.size());
    ASSERT_EQ(r.prepare, Status::kOk) << r.error;
    ASSERT_EQ(r.invoke, Status::kOk) << r.error;
    const std::vector<int8_t> want = IntegerReference(c);
    ASSERT_EQ(r.output.size(), want.size());
    EXPECT_EQ(0, std::memcmp(r.output.data(), want.data(), want.size()));
    ++run;
  }
  EXPECT_GT(run, 100);
}

TEST(DepthwiseConv2dOp, BadModelsFailPrepareWithAClearStatus) {
  DwCase c;
  c.in_h = 6, c.in_w = 5, c.in_c = 3, c.multiplier = 2, c.k_h = 3, c.k_w = 3;
  c.in_scale = 0.1f, c.out_scale = 0.3f;
  c.w_scales = {0.01f};
  Rng rng(2);
  c.input = rng.Int8s(6 * 5 * 3);
  c.filter = rng.Int8s(3 * 3 * 6, -127, 127);
  c.bias = {1, 2, 3, 4, 5, 6};
  struct Expect {
    Defect defect;
    Status status;
    const char* words;
    bool at_load = false;  // the model verifier already rejects it
  };
  const Expect cases[] = {
      {Defect::kFilterRank3, Status::kInvalidShape, "filter must be rank 4"},
      {Defect::kFilterDim0, Status::kInvalidShape, "[1, kh, kw, out_c]"},
      {Defect::kBiasLength, Status::kInvalidShape, "bias length"},
      {Defect::kOutputShape, Status::kInvalidShape, "output height/width"},
      {Defect::kInt16, Status::kUnsupportedType, "int16"},
      {Defect::kMultiplier, Status::kInvalidShape, "depth_multiplier"},
      {Defect::kScaleCount, Status::kInvalidModel, "scale", true},
  };
  for (const Expect& e : cases) {
    const auto r = conv_test::RunOneOp(BuildDwModel(c, e.defect), c.input.data(), c.input.size());
    EXPECT_EQ(r.prepare, e.status) << static_cast<int>(e.defect) << ": " << r.error;
    if (!e.at_load) EXPECT_NE(r.error.find("DEPTHWISE_CONV_2D"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find(e.words), std::string::npos) << r.error;
  }
  const auto ok = conv_test::RunOneOp(BuildDwModel(c), c.input.data(), c.input.size());
  EXPECT_EQ(ok.prepare, Status::kOk) << ok.error;
  EXPECT_EQ(ok.output.size(), IntegerReference(c).size());
}

// Every DEPTHWISE_CONV_2D layer of the real models (micro_speech has depth
// multiplier 8), cut out into a one-op model and checked like conv_test.cc.
TEST(DepthwiseConv2dOp, RealModelLayersMatchTfliteFormula) {
  Rng rng(kSeed + 5);
  int layers = 0;
  for (const std::string& path : conv_test::RealConvModels()) {
    auto m = conv_test::LoadRealModel(path);
    if (m == nullptr) {
      std::printf("note: %s not found under shared/models, skipped\n", path.c_str());
      continue;
    }
    for (const conv_test::RealLayer& l : conv_test::LayersOf(*m, path, BuiltinOp::kDepthwiseConv2d)) {
      SCOPED_TRACE(l.name);
      ASSERT_EQ(l.input.type, TensorType::kInt8);
      DwCase c;
      const Shape& in = l.input.shape;
      const Shape& f = l.filter.shape;
      c.batches = in.dims[0], c.in_h = in.dims[1], c.in_w = in.dims[2], c.in_c = in.dims[3];
      c.multiplier = l.depth_multiplier, c.k_h = f.dims[1], c.k_w = f.dims[2];
      ASSERT_EQ(c.out_c(), f.dims[3]);
      c.stride_h = l.stride_h, c.stride_w = l.stride_w, c.dil_h = l.dil_h, c.dil_w = l.dil_w;
      c.same = l.padding == 0;
      c.act = static_cast<Act>(l.activation);
      c.in_scale = l.input.quant.scale(0), c.in_zp = static_cast<int>(l.input.quant.zero_point(0));
      c.out_scale = l.output.quant.scale(0), c.out_zp = static_cast<int>(l.output.quant.zero_point(0));
      c.w_scales = conv_test::Scales(l.filter.quant);
      c.filter.assign(l.filter.const_data, l.filter.const_data + l.filter.const_bytes);
      if (l.has_bias) {
        c.bias.resize(c.out_c());
        std::memcpy(c.bias.data(), l.bias.const_data, c.bias.size() * 4);
      }
      EXPECT_EQ(c.AxisH().out, l.output.shape.dims[1]);
      EXPECT_EQ(c.AxisW().out, l.output.shape.dims[2]);
      c.input = rng.Int8s(static_cast<size_t>(in.FlatSize()));
      const auto r =
          conv_test::RunOneOp(BuildDwModel(c, Defect::kNone, l.has_bias ? 2 : 1), c.input.data(), c.input.size());
      ASSERT_EQ(r.prepare, Status::kOk) << r.error;
      const std::vector<int8_t> want = IntegerReference(c);
      ASSERT_EQ(r.output.size(), want.size());
      EXPECT_EQ(0, std::memcmp(r.output.data(), want.data(), want.size()));
      ++layers;
    }
  }
  std::printf("%d real DEPTHWISE_CONV_2D layers checked\n", layers);
}

}  // namespace
}  // namespace tinyml
