// Test-side re-derivations for the convolution tests, written independently
// of src/: TFLite's requantization with 64-bit arithmetic and libm, window
// geometry from first principles, and a seeded random generator.
#ifndef TINYML_TESTS_KERNELS_CONV_REFERENCE_H_
#define TINYML_TESTS_KERNELS_CONV_REFERENCE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/model.h"
#include "tinyml/types.h"

namespace conv_test {

struct Requant {
  int32_t multiplier = 0;
  int shift = 0;  // > 0: left shift
};

// TFLite's QuantizeMultiplier via std::frexp / std::round.
inline Requant QuantizeReal(double real) {
  Requant r;
  if (real == 0.0) return r;
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);
  int64_t fixed = static_cast<int64_t>(std::round(fraction * 2147483648.0));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    fixed = 0;
  }
  r.multiplier = static_cast<int32_t>(fixed);
  r.shift = exponent;
  return r;
}

// x / 2^e rounded half away from zero, via magnitudes.
inline int64_t DivPow2HalfAway(int64_t x, int e) {
  if (e == 0) return x;
  const int64_t half = int64_t{1} << (e - 1);
  return x >= 0 ? (x + half) >> e : -((-x + half) >> e);
}

// TFLite's MultiplyByQuantizedMultiplier: int32 left shift (wrapping), then
// the doubling high multiply (round half away, saturating), then a rounding
// right shift.
inline int32_t Requantize(int32_t acc, Requant q) {
  const int left = q.shift > 0 ? q.shift : 0;
  const int right = q.shift > 0 ? 0 : -q.shift;
  const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) << left);
  int64_t high;
  if (x == INT32_MIN && q.multiplier == INT32_MIN) {
    high = INT32_MAX;
  } else {
    const int64_t prod = static_cast<int64_t>(x) * q.multiplier;  // exact
    // gemmlowp's nudge-then-truncate is round-half-up: floor(prod / 2^31 + 1/2).
    const int64_t num = prod + (int64_t{1} << 30);
    const int64_t den = int64_t{1} << 31;
    high = num >= 0 ? num / den : -((-num + den - 1) / den);
  }
  return static_cast<int32_t>(DivPow2HalfAway(high, right));
}

// TFLite's activation clamp: zero_point + round(f / scale) in float.
inline int32_t QuantizeActivation(float f, float scale, int32_t zp) {
  return zp + static_cast<int32_t>(std::round(f / scale));
}

enum class Act { kNone = 0, kRelu = 1, kRelu6 = 3 };

inline void ActRange(Act act, float scale, int32_t zp, int32_t* lo, int32_t* hi) {
  *lo = -128;
  *hi = 127;
  if (act == Act::kRelu || act == Act::kRelu6) *lo = std::max(*lo, QuantizeActivation(0.0f, scale, zp));
  if (act == Act::kRelu6) *hi = std::min(*hi, QuantizeActivation(6.0f, scale, zp));
}

inline void ActRangeFloat(Act act, float* lo, float* hi) {
  *lo = act == Act::kNone ? -3.4028235e38f : 0.0f;
  *hi = act == Act::kRelu6 ? 6.0f : 3.4028235e38f;
}

// Output size and leading padding of one axis, from the definitions:
// SAME covers every input position (ceil(in / stride) outputs) with the
// extra padding split, the odd pixel going to the end; VALID uses only
// windows fully inside the input.
struct Axis {
  int out = 0;
  int pad = 0;
};
inline Axis AxisGeometry(bool same, int in, int k, int stride, int dilation) {
  const int span = (k - 1) * dilation + 1;
  Axis a;
  if (same) {
    a.out = (in + stride - 1) / stride;
    const int needed = (a.out - 1) * stride + span;
    a.pad = std::max(needed - in, 0) / 2;
  } else {
    a.out = in >= span ? (in - span) / stride + 1 : 0;
    a.pad = 0;
  }
  return a;
}

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  float Uniform(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen_); }
  // Log-uniform in [lo, hi].
  float LogUniform(float lo, float hi) {
    return std::exp(std::uniform_real_distribution<float>(std::log(lo), std::log(hi))(gen_));
  }
  std::vector<int8_t> Int8s(size_t n, int lo = -128, int hi = 127) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(Int(lo, hi));
    return v;
  }
  std::vector<float> Floats(size_t n, float lo, float hi) {
    std::vector<float> v(n);
    for (auto& x : v) x = Uniform(lo, hi);
    return v;
  }
  // A zero point biased toward the extremes.
  int ZeroPoint() {
    switch (Int(0, 5)) {
      case 0: return -128;
      case 1: return 127;
      case 2: return 0;
      default: return Int(-128, 127);
    }
  }

 private:
  std::mt19937 gen_;
};

inline tinyml::Shape MakeShape(int a, int b, int c, int d) {
  tinyml::Shape s;
  s.rank = 4;
  s.dims[0] = a;
  s.dims[1] = b;
  s.dims[2] = c;
  s.dims[3] = d;
  return s;
}

// References shared by the CONV_2D and DEPTHWISE_CONV_2D tests. `Case` (a
// test's problem description) has input, filter, bias, in_zp, out_zp,
// in_scale, out_scale, act, OutSize(), WScale(oc), ChannelRequant(oc) and
// Describe(); its own namespace supplies ForEachOutput(c, fn), the op's taps
// from the definition, and RunKernel(c), the kernel under test (both found
// by argument-dependent lookup).

// TFLite's integer formula, re-derived with 64-bit sums.
template <typename Case>
std::vector<int8_t> IntegerReference(const Case& c) {
  std::vector<int8_t> out(c.OutSize());
  int32_t lo, hi;
  ActRange(c.act, c.out_scale, c.out_zp, &lo, &hi);
  ForEachOutput(c, [&](size_t o, int oc, const std::vector<std::pair<size_t, size_t>>& taps) {
    int64_t acc = 0;
    for (const auto& t : taps) acc += int64_t{c.filter[t.second]} * (int64_t{c.input[t.first]} - c.in_zp);
    if (!c.bias.empty()) acc += c.bias[oc];
    EXPECT_TRUE(acc >= INT32_MIN && acc <= INT32_MAX) << "test case overflows int32";
    int32_t v = Requantize(static_cast<int32_t>(acc), c.ChannelRequant(oc)) + c.out_zp;
    v = std::min(std::max(v, lo), hi);
    out[o] = static_cast<int8_t>(v);
  });
  return out;
}

// Dequantize, convolve in double, quantize with one rounding.
template <typename Case>
std::vector<int32_t> DoubleReference(const Case& c) {
  std::vector<int32_t> out(c.OutSize());
  int32_t lo, hi;
  ActRange(c.act, c.out_scale, c.out_zp, &lo, &hi);
  ForEachOutput(c, [&](size_t o, int oc, const std::vector<std::pair<size_t, size_t>>& taps) {
    const double ws = c.WScale(oc);
    double sum = 0;
    for (const auto& t : taps)
      sum += (double{c.in_scale} * (c.input[t.first] - c.in_zp)) * (ws * c.filter[t.second]);
    if (!c.bias.empty()) sum += c.bias[oc] * (double{c.in_scale} * ws);
    const double q = std::round(sum / c.out_scale) + c.out_zp;
    out[o] = static_cast<int32_t>(std::min<double>(std::max<double>(q, lo), hi));
  });
  return out;
}

// The kernel equals the integer formula exactly and the real-valued
// convolution within 1 LSB; reports the first few mismatches.
template <typename Case>
void ExpectMatchesReferences(const Case& c) {
  const std::vector<int8_t> got = RunKernel(c);
  const std::vector<int8_t> exact = IntegerReference(c);
  const std::vector<int32_t> approx = DoubleReference(c);
  ASSERT_EQ(got.size(), exact.size());
  int mismatches = 0;
  for (size_t i = 0; i < got.size() && mismatches < 5; ++i) {
    if (got[i] != exact[i]) {
      ++mismatches;
      ADD_FAILURE() << c.Describe() << ": output " << i << " = " << int{got[i]} << ", TFLite formula gives "
                    << int{exact[i]};
    }
    if (std::abs(int{got[i]} - approx[i]) > 1) {
      ++mismatches;
      ADD_FAILURE() << c.Describe() << ": output " << i << " = " << int{got[i]} << ", real-valued conv gives "
                    << approx[i];
    }
  }
}

// Loads a one-op .tflite, prepares it with only CONV_2D and
// DEPTHWISE_CONV_2D registered, and (if Prepare succeeds) runs it on `input`.
struct OneOpResult {
  tinyml::Status prepare = tinyml::Status::kInternal;  // Load's status when it failed
  tinyml::Status invoke = tinyml::Status::kInternal;
  std::string error;
  std::vector<uint8_t> output;
};

inline OneOpResult RunOneOp(const std::vector<uint8_t>& file, const void* input, size_t input_bytes) {
  OneOpResult r;
  tinyml::testing::OpRunner runner;
  r.prepare = runner.Prepare(file,
                             {{tinyml::BuiltinOp::kConv2d, tinyml::Register_CONV_2D()},
                              {tinyml::BuiltinOp::kDepthwiseConv2d, tinyml::Register_DEPTHWISE_CONV_2D()}},
                             4 << 20);
  r.error = runner.error();
  if (r.prepare != tinyml::Status::kOk) return r;
  const uint8_t* bytes = static_cast<const uint8_t*>(input);
  r.invoke = runner.Invoke({std::vector<uint8_t>(bytes, bytes + input_bytes)});
  r.error = runner.error();
  r.output = runner.Output(0);
  return r;
}

// A CONV_2D / DEPTHWISE_CONV_2D layer of a real model, with its options
// (schema field order; depth_multiplier only for depthwise).
struct RealLayer {
  std::string name;  // "model.tflite op N"
  tinyml::TensorMeta input, filter, bias, output;
  bool has_bias = false;
  int padding = 0, stride_w = 1, stride_h = 1, depth_multiplier = 1, activation = 0, dil_w = 1, dil_h = 1;
};

struct RealModel {
  tinyml::testing::AlignedBuffer bytes;
  tinyml::Model model;
};

// Loads shared/models/<path>; nullptr (and a note) when the file is absent.
inline std::unique_ptr<RealModel> LoadRealModel(const std::string& path) {
  auto m = std::make_unique<RealModel>();
  if (!tinyml::testing::ReadFileAligned(tinyml::testing::SharedDir() + "/models/" + path, &m->bytes)) return nullptr;
  if (m->model.Load(m->bytes.data(), m->bytes.size()) != tinyml::Status::kOk) return nullptr;
  return m;
}

inline std::vector<RealLayer> LayersOf(const RealModel& m, const std::string& label, tinyml::BuiltinOp op) {
  std::vector<RealLayer> layers;
  const bool depthwise = op == tinyml::BuiltinOp::kDepthwiseConv2d;
  for (int32_t i = 0; i < m.model.num_operators(); ++i) {
    const tinyml::OperatorMeta o = m.model.op(i);
    if (o.builtin_code != static_cast<int32_t>(op)) continue;
    RealLayer l;
    l.name = label + " op " + std::to_string(i);
    l.input = m.model.tensor(o.inputs[0]);
    l.filter = m.model.tensor(o.inputs[1]);
    l.has_bias = o.num_inputs > 2 && o.inputs[2] >= 0;
    if (l.has_bias) l.bias = m.model.tensor(o.inputs[2]);
    l.output = m.model.tensor(o.outputs[0]);
    const tinyml::FbTable& t = o.options;
    int f = 0;
    l.padding = t.Scalar<int8_t>(f++, 0);
    l.stride_w = t.Scalar<int32_t>(f++, 0);
    l.stride_h = t.Scalar<int32_t>(f++, 0);
    if (depthwise) l.depth_multiplier = t.Scalar<int32_t>(f++, 0);
    l.activation = t.Scalar<int8_t>(f++, 0);
    l.dil_w = t.Scalar<int32_t>(f++, 1);
    l.dil_h = t.Scalar<int32_t>(f++, 1);
    layers.push_back(l);
  }
  return layers;
}

inline std::vector<float> Scales(const tinyml::QuantView& q) {
  std::vector<float> v;
  for (int i = 0; i < q.count; ++i) v.push_back(q.scale(i));
  return v;
}

// The int8 models from the brief that use convolutions.
inline std::vector<std::string> RealConvModels() {
  return {"mlperf_tiny_kws/kws_ref_model.tflite", "person_detection/person_detect.tflite",
          "mlperf_tiny_vww/vww_96_int8.tflite", "mlperf_tiny_ic/pretrainedResnet_quant.tflite",
          "micro_speech/micro_speech_quantized.tflite"};
}

}  // namespace conv_test

#endif  // TINYML_TESTS_KERNELS_CONV_REFERENCE_H_
