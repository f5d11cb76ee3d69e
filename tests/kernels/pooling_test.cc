// AVERAGE_POOL_2D / MAX_POOL_2D: reference math against an independent
// implementation (exact for int8: TFLite's average rounds half away from
// zero, which double arithmetic reproduces exactly), hand-worked cases, a
// random edge battery over shapes, paddings, strides and zero points, op-level
// runs and malformed models.
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

#include "kernels/ref/pooling.h"
#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using writer::ModelBuilder;
using writer::QuantParams;

Shape Nhwc(int n, int h, int w, int c) {
  Shape s;
  s.rank = 4;
  s.dims[0] = n;
  s.dims[1] = h;
  s.dims[2] = w;
  s.dims[3] = c;
  return s;
}

// Output size and leading padding, written out from the TensorFlow padding
// definitions (not through op_common.h).
void Geometry(bool same, int in, int filter, int stride, int* out, int* pad) {
  if (same) {
    *out = (in + stride - 1) / stride;
    const int needed = std::max(0, (*out - 1) * stride + filter - in);
    *pad = needed / 2;
  } else {
    *out = (in - filter) / stride + 1;
    if (in < filter) *out = 0;
    *pad = 0;
  }
}

enum class Kind { kAverage, kMax };

// Independent pooling in double; int8 averages rounded half away from zero.
template <typename T>
std::vector<double> PoolDouble(Kind kind, const std::vector<T>& in, const Shape& is, const Shape& os, int fh, int fw,
                               int sh, int sw, int ph, int pw) {
  std::vector<double> out(os.FlatSize());
  for (int b = 0; b < os.dims[0]; ++b)
    for (int y = 0; y < os.dims[1]; ++y)
      for (int x = 0; x < os.dims[2]; ++x)
        for (int c = 0; c < os.dims[3]; ++c) {
          double sum = 0, mx = -1e300;
          int n = 0;
          for (int ky = 0; ky < fh; ++ky)
            for (int kx = 0; kx < fw; ++kx) {
              const int iy = y * sh - ph + ky, ix = x * sw - pw + kx;
              if (iy < 0 || ix < 0 || iy >= is.dims[1] || ix >= is.dims[2]) continue;
              const double v = in[((b * is.dims[1] + iy) * is.dims[2] + ix) * is.dims[3] + c];
              sum += v;
              mx = std::max(mx, v);
              ++n;
            }
          out[((b * os.dims[1] + y) * os.dims[2] + x) * os.dims[3] + c] = kind == Kind::kMax ? mx : sum / n;
        }
  return out;
}

TEST(PoolingRef, HandWorkedAverageRounding) {
  ref::PoolParams p;
  p.filter_height = p.filter_width = 2;
  p.stride_height = p.stride_width = 2;
  const Shape is = Nhwc(1, 2, 2, 1), os = Nhwc(1, 1, 1, 1);
  int8_t out[1];
  const int8_t a[4] = {1, 2, 3, 4};  // 2.5 -> 3
  ASSERT_TRUE(ref::AveragePoolS8(p, is, a, os, out));
  EXPECT_EQ(out[0], 3);
  const int8_t b[4] = {-1, -2, -3, -4};  // -2.5 -> -3
  ASSERT_TRUE(ref::AveragePoolS8(p, is, b, os, out));
  EXPECT_EQ(out[0], -3);
  const int8_t c[4] = {-1, 0, 0, 0};  // -0.25 -> 0
  ASSERT_TRUE(ref::AveragePoolS8(p, is, c, os, out));
  EXPECT_EQ(out[0], 0);
  const int8_t d[4] = {-128, -128, -128, -127};  // -127.75 -> -128
  ASSERT_TRUE(ref::AveragePoolS8(p, is, d, os, out));
  EXPECT_EQ(out[0], -128);
  p.quantized_min = -100;  // fused clamp
  ASSERT_TRUE(ref::AveragePoolS8(p, is, d, os, out));
  EXPECT_EQ(out[0], -100);
}

TEST(PoolingRef, SamePaddingCountsOnlyInputElements) {
  // 3x3 input 1..9, 3x3 filter, stride 1, SAME: the corner averages 4 values.
  ref::PoolParams p;
  p.filter_height = p.filter_width = 3;
  p.pad_height = p.pad_width = 1;
  const Shape s = Nhwc(1, 3, 3, 1);
  const int8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  int8_t out[9];
  ASSERT_TRUE(ref::AveragePoolS8(p, s, in, s, out));
  EXPECT_EQ(out[0], 3);  // (1+2+4+5)/4 = 3
  EXPECT_EQ(out[1], 4);  // (1+2+3+4+5+6)/6 = 3.5 -> 4
  EXPECT_EQ(out[4], 5);  // 45/9
  EXPECT_EQ(out[8], 7);  // (5+6+8+9)/4
  ref::MaxPoolS8(p, s, in, s, out);
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(out[4], 9);
}

TEST(PoolingRef, RandomBatteryExact) {
  const uint32_t seed = 7781;
  std::printf("PoolingRef seed %u\n", seed);
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int iter = 0; iter < 400; ++iter) {
    const bool same = uni(0, 1) == 1;
    const int n = uni(1, 3), h = uni(1, 13), w = uni(1, 13), c = uni(1, 5);
    const int fh = uni(1, 6), fw = uni(1, 6), sh = uni(1, 4), sw = uni(1, 4);
    int oh, ow, ph, pw;
    Geometry(same, h, fh, sh, &oh, &ph);
    Geometry(same, w, fw, sw, &ow, &pw);
    if (oh <= 0 || ow <= 0) continue;
    const Shape is = Nhwc(n, h, w, c), os = Nhwc(n, oh, ow, c);
    ref::PoolParams p;
    p.filter_height = fh;
    p.filter_width = fw;
    p.stride_height = sh;
    p.stride_width = sw;
    p.pad_height = ph;
    p.pad_width = pw;
    p.quantized_min = uni(0, 2) == 0 ? uni(-128, 0) : -128;
    p.quantized_max = uni(0, 2) == 0 ? uni(0, 127) : 127;
    // Inputs biased to the extremes now and then (saturated activations).
    std::vector<int8_t> in(is.FlatSize());
    const int mode = uni(0, 2);
    for (auto& v : in) v = static_cast<int8_t>(mode == 0 ? uni(-128, 127) : mode == 1 ? uni(-128, -120) : uni(120, 127));
    std::vector<int8_t> avg(os.FlatSize()), mx(os.FlatSize());
    ASSERT_TRUE(ref::AveragePoolS8(p, is, in.data(), os, avg.data()));
    ref::MaxPoolS8(p, is, in.data(), os, mx.data());
    const auto want_avg = PoolDouble(Kind::kAverage, in, is, os, fh, fw, sh, sw, ph, pw);
    const auto want_max = PoolDouble(Kind::kMax, in, is, os, fh, fw, sh, sw, ph, pw);
    for (size_t i = 0; i < avg.size(); ++i) {
      const double r = std::clamp<double>(std::round(want_avg[i]), p.quantized_min, p.quantized_max);
      ASSERT_EQ(avg[i], static_cast<int8_t>(r)) << "iter " << iter << " i " << i;
      ASSERT_EQ(mx[i], static_cast<int8_t>(std::clamp<double>(want_max[i], p.quantized_min, p.quantized_max)))
          << "iter " << iter << " i " << i;
      ++checked;
    }
    // float path on the same geometry.
    std::vector<float> fin(in.begin(), in.end()), favg(os.FlatSize()), fmx(os.FlatSize());
    for (auto& v : fin) v *= 0.37f;
    p.float_min = -1e30f;
    p.float_max = 1e30f;
    ASSERT_TRUE(ref::AveragePoolF32(p, is, fin.data(), os, favg.data()));
    ref::MaxPoolF32(p, is, fin.data(), os, fmx.data());
    const auto fwant_avg = PoolDouble(Kind::kAverage, fin, is, os, fh, fw, sh, sw, ph, pw);
    const auto fwant_max = PoolDouble(Kind::kMax, fin, is, os, fh, fw, sh, sw, ph, pw);
    for (size_t i = 0; i < favg.size(); ++i) {
      ASSERT_NEAR(favg[i], fwant_avg[i], 1e-4) << "iter " << iter;
      ASSERT_EQ(fmx[i], static_cast<float>(fwant_max[i])) << "iter " << iter;
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(PoolingRef, FloatClampOrder) {
  ref::PoolParams p;
  p.float_min = 0.0f;
  p.float_max = 6.0f;
  const Shape s = Nhwc(1, 1, 3, 1);
  const float in[3] = {-3.0f, 2.5f, 9.0f};
  float out[3];
  ref::MaxPoolF32(p, s, in, s, out);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 2.5f);
  EXPECT_EQ(out[2], 6.0f);
}

// --- op level -------------------------------------------------------------

struct PoolSpec {
  BuiltinOp op = BuiltinOp::kAveragePool2d;
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> in_shape{1, 5, 7, 3};
  std::vector<int32_t> out_shape{1, 3, 4, 3};
  writer::Pool2DOptions options{writer::Padding::kSame, 2, 2, 3, 3, writer::Activation::kNone};
  QuantParams in_q = QuantParams::PerTensor(0.05f, -3);
  QuantParams out_q = QuantParams::PerTensor(0.05f, -3);
};

std::vector<uint8_t> BuildPool(const PoolSpec& s) {
  ModelBuilder b;
  const bool quant = s.type != TensorType::kFloat32;
  const int in = b.AddTensor(s.type, s.in_shape, quant ? s.in_q : QuantParams{});
  const int out = b.AddTensor(s.type, s.out_shape, quant ? s.out_q : QuantParams{});
  b.AddOperator(s.op, {in}, {out}, s.options);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

std::vector<testing::OpEntry> PoolingOps() {
  return {{BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D()},
          {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D()}};
}

TEST(PoolingOp, Int8AverageAndMaxMatchRef) {
  for (BuiltinOp op : {BuiltinOp::kAveragePool2d, BuiltinOp::kMaxPool2d}) {
    PoolSpec spec;
    spec.op = op;
    spec.options.activation = writer::Activation::kRelu6;
    testing::OpRunner m;
    ASSERT_EQ(m.Prepare(BuildPool(spec), PoolingOps()), Status::kOk) << m.error();
    Tensor* in = m.interpreter().input(0);
    const Shape is = in->shape();
    std::vector<int8_t> x(is.FlatSize());
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>(int(i * 97 % 256) - 128);
    std::memcpy(in->data, x.data(), x.size());
    ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
    const Shape os = m.interpreter().output(0)->shape();
    const int8_t* y = static_cast<const int8_t*>(m.interpreter().output(0)->data);
    // SAME, 5x7 -> 3x4 with 3x3 filter, stride 2: pads 1 and 1.
    const auto want = PoolDouble(op == BuiltinOp::kMaxPool2d ? Kind::kMax : Kind::kAverage, x, is, os, 3, 3, 2, 2, 1,
                                 1);
    // RELU6 on scale 0.05, zp -3: [-3, 117].
    for (size_t i = 0; i < want.size(); ++i) {
      const double r = std::clamp<double>(std::round(want[i]), -3, 117);
      EXPECT_EQ(y[i], static_cast<int8_t>(r)) << i;
    }
  }
}

TEST(PoolingOp, FloatValidGlobalAverage) {
  PoolSpec spec;
  spec.type = TensorType::kFloat32;
  spec.in_shape = {2, 4, 4, 2};
  spec.out_shape = {2, 1, 1, 2};
  spec.options = {writer::Padding::kValid, 1, 1, 4, 4, writer::Activation::kNone};
  testing::OpRunner m;
  ASSERT_EQ(m.Prepare(BuildPool(spec), PoolingOps()), Status::kOk) << m.error();
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i);
  std::memcpy(m.interpreter().input(0)->data, x.data(), 256);
  ASSERT_EQ(m.interpreter().Invoke(), Status::kOk) << m.error();
  const float* y = static_cast<const float*>(m.interpreter().output(0)->data);
  EXPECT_FLOAT_EQ(y[0], 15.0f);  // mean of 0, 2, ..., 30
  EXPECT_FLOAT_EQ(y[1], 16.0f);
  EXPECT_FLOAT_EQ(y[2], 47.0f);
  EXPECT_FLOAT_EQ(y[3], 48.0f);
}

TEST(PoolingOp, BadModelsFailInPrepare) {
  struct Case {
    const char* what;
    Status expected;
    PoolSpec spec;
  };
  std::vector<Case> cases;
  {
    PoolSpec s;
    s.out_q = QuantParams::PerTensor(0.05f, -2);
    cases.push_back({"zero points differ", Status::kInvalidModel, s});
  }
  {
    PoolSpec s;
    s.out_q = QuantParams::PerTensor(0.06f, -3);
    cases.push_back({"scales differ", Status::kInvalidModel, s});
  }
  {
    PoolSpec s;
    s.out_shape = {1, 3, 3, 3};
    cases.push_back({"output width", Status::kInvalidShape, s});
  }
  {
    PoolSpec s;
    s.out_shape = {1, 3, 4, 2};
    cases.push_back({"output channels", Status::kInvalidShape, s});
  }
  {
    PoolSpec s;
    s.options.stride_w = 0;
    cases.push_back({"zero stride", Status::kInvalidModel, s});
  }
  {
    PoolSpec s;
    s.options.filter_height = 0;
    cases.push_back({"zero filter", Status::kInvalidModel, s});
  }
  {
    PoolSpec s;
    s.type = TensorType::kInt16;
    cases.push_back({"int16", Status::kUnsupportedType, s});
  }
  {
    PoolSpec s;
    s.in_shape = {5, 7, 3};
    cases.push_back({"rank 3 input", Status::kInvalidShape, s});
  }
  {
    PoolSpec s;
    s.options.activation = writer::Activation::kTanh;
    cases.push_back({"tanh activation", Status::kUnsupportedOp, s});
  }
  {
    PoolSpec s;
    s.options.padding = writer::Padding::kValid;
    s.options.filter_width = 9;  // wider than the input
    cases.push_back({"valid window wider than input", Status::kInvalidShape, s});
  }
  for (const auto& c : cases) {
    for (BuiltinOp op : {BuiltinOp::kAveragePool2d, BuiltinOp::kMaxPool2d}) {
      PoolSpec s = c.spec;
      s.op = op;
      testing::OpRunner m;
      EXPECT_EQ(m.Prepare(BuildPool(s), PoolingOps()), c.expected) << c.what << ": " << m.error();
      EXPECT_NE(m.error().find("POOL_2D"), std::string::npos) << c.what << ": " << m.error();
    }
  }
}

}  // namespace
}  // namespace tinyml
