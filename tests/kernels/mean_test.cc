// MEAN: reference math against (a) TFLite's integer formula re-derived here
// independently (bit-exact) and (b) a double-precision mean (within 1 LSB),
// plus float32, then the op through one-op .tflite models and bad models.
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

#include "kernels/ref/reduce.h"
#include "support/op_runner.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using testing::Contains;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 777003;

// ---- TFLite's arithmetic, written out from its definition with 64-bit math.
int32_t HighMul(int32_t a, int32_t b) {  // round(a*b / 2^31), saturating
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t p = static_cast<int64_t>(a) * b;
  const int64_t nudge = p >= 0 ? (int64_t{1} << 30) : 1 - (int64_t{1} << 30);
  const int64_t q = p + nudge;
  // C++ division truncates toward zero, as gemmlowp does.
  return static_cast<int32_t>(q / (int64_t{1} << 31));
}
int32_t DivPot(int32_t x, int e) {  // round half away from zero of x / 2^e
  if (e == 0) return x;
  const int64_t d = int64_t{1} << e;
  const int64_t ax = x < 0 ? -static_cast<int64_t>(x) : x;
  const int64_t r = (ax + d / 2) / d;
  return static_cast<int32_t>(x < 0 ? -r : r);
}
int32_t Requant(int32_t x, int32_t m, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return DivPot(HighMul(static_cast<int32_t>(static_cast<uint32_t>(x) << left), m), right);
}
void QuantizeReal(double r, int32_t* m, int* shift) {
  if (r == 0) {
    *m = 0;
    *shift = 0;
    return;
  }
  const double f = std::frexp(r, shift);
  int64_t q = static_cast<int64_t>(std::round(f * 2147483648.0));
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q = 0;
  }
  *m = static_cast<int32_t>(q);
}

struct MeanCase {
  std::vector<int> dims;
  std::vector<bool> reduced;
  int in_zp = 0, out_zp = 0;
  float in_scale = 1, out_scale = 1;
};

// Sums per output in the same index space the kernel uses.
std::vector<int64_t> SumsAndCount(const MeanCase& c, const std::vector<int32_t>& in, int64_t* count,
                                  std::vector<int64_t>* out_count) {
  const int rank = static_cast<int>(c.dims.size());
  int64_t outputs = 1;
  *count = 1;
  for (int d = 0; d < rank; ++d) (c.reduced[d] ? *count : outputs) *= c.dims[d];
  std::vector<int64_t> sums(outputs, 0);
  out_count->assign(outputs, 0);
  for (size_t flat = 0; flat < in.size(); ++flat) {
    size_t rem = flat;
    std::vector<int> idx(rank);
    for (int d = rank - 1; d >= 0; --d) {
      idx[d] = static_cast<int>(rem % c.dims[d]);
      rem /= c.dims[d];
    }
    int64_t o = 0;
    for (int d = 0; d < rank; ++d)
      if (!c.reduced[d]) o = o * c.dims[d] + idx[d];
    sums[o] += in[flat];
    (*out_count)[o]++;
  }
  return sums;
}

ref::MeanParams ParamsFor(const MeanCase& c) {
  ref::MeanParams p;
  p.input_shape.rank = static_cast<int32_t>(c.dims.size());
  for (size_t d = 0; d < c.dims.size(); ++d) {
    p.input_shape.dims[d] = c.dims[d];
    p.reduced[d] = c.reduced[d];
    (c.reduced[d] ? p.count : p.num_outputs) *= c.dims[d];
  }
  p.input_zero_point = c.in_zp;
  p.output_zero_point = c.out_zp;
  int32_t m;
  int s;
  QuantizeReal(static_cast<double>(c.in_scale) / static_cast<double>(c.out_scale), &m, &s);
  if (p.count > 0) {
    ref::MeanFoldCount(m, s, p.count, &p.multiplier, &p.shift);
  }
  return p;
}

// TFLite's requantizing mean for one output, re-derived: fold 1/count into
// the multiplier (floor(log2 count) bits, capped at 32 and 31 + shift).
int32_t ExpectedRequant(const MeanCase& c, int64_t sum, int64_t count, int32_t qmin, int32_t qmax) {
  int32_t m;
  int s;
  QuantizeReal(static_cast<double>(c.in_scale) / static_cast<double>(c.out_scale), &m, &s);
  int bits = 63 - __builtin_clzll(static_cast<unsigned long long>(count));
  bits = std::min(bits, 32);
  bits = std::min(bits, 31 + s);
  const int32_t folded = static_cast<int32_t>((static_cast<int64_t>(m) << bits) / count);
  const int32_t centered = static_cast<int32_t>(sum - static_cast<int64_t>(c.in_zp) * count);
  const int32_t v = Requant(centered, folded, s - bits) + c.out_zp;
  return std::min(std::max(v, qmin), qmax);
}

int32_t DoubleMean(const MeanCase& c, int64_t sum, int64_t count, int32_t qmin, int32_t qmax) {
  const double real = (static_cast<double>(sum) / count - c.in_zp) * c.in_scale;
  const double q = std::round(real / c.out_scale) + c.out_zp;
  return static_cast<int32_t>(std::min<double>(std::max<double>(q, qmin), qmax));
}

MeanCase RandomCase(std::mt19937& rng, int qmin, int qmax) {
  MeanCase c;
  const int rank = 1 + static_cast<int>(rng() % 6);
  for (int d = 0; d < rank; ++d) {
    c.dims.push_back(1 + static_cast<int>(rng() % 5));
    c.reduced.push_back(rng() % 2 == 0);
  }
  if (rng() % 8 == 0) c.dims[rng() % rank] = 1;
  std::uniform_int_distribution<int> zp(qmin, qmax);
  c.in_zp = zp(rng);
  c.out_zp = zp(rng);
  if (rng() % 4 == 0) c.in_zp = rng() % 2 ? qmin : qmax;
  if (rng() % 4 == 0) c.out_zp = rng() % 2 ? qmin : qmax;
  c.in_scale = std::exp(std::uniform_real_distribution<float>(-8, 0)(rng));
  const float ratio = std::exp(std::uniform_real_distribution<float>(-3, 3)(rng));
  c.out_scale = c.in_scale / ratio;
  return c;
}

TEST(MeanMath, Int8RequantMatchesTfliteFormulaAndDouble) {
  std::printf("seed %u\n", kSeed);
  std::mt19937 rng(kSeed);
  int max_diff = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    MeanCase c = RandomCase(rng, -128, 127);
    const ref::MeanParams p = ParamsFor(c);
    std::vector<int8_t> in(p.input_shape.FlatSize());
    std::vector<int32_t> in32(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      in[i] = static_cast<int8_t>(rng());
      if (iter % 7 == 0) in[i] = iter % 14 == 0 ? 127 : -128;  // saturating sums
      in32[i] = in[i];
    }
    int64_t count;
    std::vector<int64_t> per_out;
    const std::vector<int64_t> sums = SumsAndCount(c, in32, &count, &per_out);
    std::vector<int32_t> scratch(p.num_outputs);
    std::vector<int8_t> out(p.num_outputs);
    ref::MeanRequantS8(p, in.data(), scratch.data(), out.data());
    for (size_t o = 0; o < sums.size(); ++o) {
      ASSERT_EQ(out[o], ExpectedRequant(c, sums[o], count, -128, 127)) << "iter " << iter << " output " << o;
      const int diff = std::abs(out[o] - DoubleMean(c, sums[o], count, -128, 127));
      max_diff = std::max(max_diff, diff);
      ASSERT_LE(diff, 1) << "iter " << iter;
    }
  }
  std::printf("max |int8 - double| = %d LSB\n", max_diff);
}

TEST(MeanMath, Int16RequantMatchesTfliteFormula) {
  std::mt19937 rng(kSeed + 1);
  for (int iter = 0; iter < 500; ++iter) {
    MeanCase c = RandomCase(rng, -32768, 32767);
    if (iter % 2 == 0) c.in_zp = c.out_zp = 0;  // the int16 spec's symmetric case
    const ref::MeanParams p = ParamsFor(c);
    std::vector<int16_t> in(p.input_shape.FlatSize());
    std::vector<int32_t> in32(in.size());
    for (size_t i = 0; i < in.size(); ++i) in32[i] = in[i] = static_cast<int16_t>(rng());
    int64_t count;
    std::vector<int64_t> per_out;
    const std::vector<int64_t> sums = SumsAndCount(c, in32, &count, &per_out);
    std::vector<int32_t> scratch(p.num_outputs);
    std::vector<int16_t> out(p.num_outputs);
    ref::MeanRequantS16(p, in.data(), scratch.data(), out.data());
    for (size_t o = 0; o < sums.size(); ++o) {
      ASSERT_EQ(out[o], ExpectedRequant(c, sums[o], count, -32768, 32767)) << "iter " << iter;
      ASSERT_LE(std::abs(out[o] - DoubleMean(c, sums[o], count, -32768, 32767)), 1) << "iter " << iter;
    }
  }
}

// Equal scales and zero points: TFLite Micro truncates sum / count.
TEST(MeanMath, SameScaleTruncates) {
  std::mt19937 rng(kSeed + 2);
  for (int iter = 0; iter < 500; ++iter) {
    MeanCase c = RandomCase(rng, -128, 127);
    const ref::MeanParams p = ParamsFor(c);
    std::vector<int8_t> in(p.input_shape.FlatSize());
    std::vector<int32_t> in32(in.size());
    for (size_t i = 0; i < in.size(); ++i) in32[i] = in[i] = static_cast<int8_t>(rng());
    int64_t count;
    std::vector<int64_t> per_out;
    const std::vector<int64_t> sums = SumsAndCount(c, in32, &count, &per_out);
    std::vector<int32_t> scratch(p.num_outputs);
    std::vector<int8_t> out(p.num_outputs);
    ref::MeanSameScaleS8(p, in.data(), scratch.data(), out.data());
    for (size_t o = 0; o < sums.size(); ++o) {
      const int64_t q = sums[o] / count;  // toward zero
      ASSERT_EQ(out[o], q) << "iter " << iter;
    }
  }
  // Exact values: [-3, -4] averages to -3.5 -> -3 (truncation, not rounding).
  MeanCase c;
  c.dims = {2};
  c.reduced = {true};
  const ref::MeanParams p = ParamsFor(c);
  const int8_t in[2] = {-3, -4};
  int32_t scratch[1];
  int8_t out[1];
  ref::MeanSameScaleS8(p, in, scratch, out);
  EXPECT_EQ(out[0], -3);
}

TEST(MeanMath, FloatMatchesDouble) {
  std::mt19937 rng(kSeed + 3);
  for (int iter = 0; iter < 500; ++iter) {
    MeanCase c = RandomCase(rng, 0, 0);
    const ref::MeanParams p = ParamsFor(c);
    std::vector<float> in(p.input_shape.FlatSize());
    std::vector<int32_t> dummy(in.size());
    for (auto& v : in) v = std::uniform_real_distribution<float>(-100, 100)(rng);
    std::vector<float> out(p.num_outputs);
    ref::MeanF32(p, in.data(), out.data());
    // Reference in double, same grouping.
    const int rank = static_cast<int>(c.dims.size());
    std::vector<double> sums(p.num_outputs, 0.0);
    for (size_t flat = 0; flat < in.size(); ++flat) {
      size_t rem = flat;
      std::vector<int> idx(rank);
      for (int d = rank - 1; d >= 0; --d) {
        idx[d] = static_cast<int>(rem % c.dims[d]);
        rem /= c.dims[d];
      }
      int64_t o = 0;
      for (int d = 0; d < rank; ++d)
        if (!c.reduced[d]) o = o * c.dims[d] + idx[d];
      sums[o] += in[flat];
    }
    for (size_t o = 0; o < sums.size(); ++o) {
      // float accumulation of <= 15625 values in [-100, 100]: 1e-3 absolute is ample.
      ASSERT_NEAR(out[o], sums[o] / p.count, 1e-3) << "iter " << iter;
    }
  }
}

TEST(MeanMath, EmptyReducedDimGivesZeros) {
  MeanCase c;
  c.dims = {2, 0, 3};
  c.reduced = {false, true, false};
  c.in_zp = 5;
  c.out_zp = -7;
  c.in_scale = 0.5f;
  c.out_scale = 0.25f;
  ref::MeanParams p = ParamsFor(c);
  std::vector<int32_t> scratch(6);
  std::vector<int8_t> out(6, 1);
  ref::MeanRequantS8(p, nullptr, scratch.data(), out.data());
  EXPECT_EQ(out, std::vector<int8_t>(6, 0));
  std::vector<float> fout(6, 1.0f);
  ref::MeanF32(p, nullptr, fout.data());
  EXPECT_EQ(fout, std::vector<float>(6, 0.0f));
}

// ---- Op level.
struct MeanModel {
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> in_shape, out_shape;
  std::vector<int32_t> axes;
  bool keep_dims = false;
  float in_scale = 0.5f, out_scale = 0.5f;
  int in_zp = 0, out_zp = 0;
  bool const_axis = true;
  TensorType axis_type = TensorType::kInt32;
};

std::unique_ptr<testing::OpRunner> BuildMean(const MeanModel& m) {
  ModelBuilder b;
  const bool q = m.type != TensorType::kFloat32;
  const int in = b.AddTensor(m.type, m.in_shape, q ? QuantParams::PerTensor(m.in_scale, m.in_zp) : QuantParams{});
  const int32_t n = static_cast<int32_t>(m.axes.size());
  int axis;
  if (!m.const_axis) {
    axis = b.AddTensor(m.axis_type, {n});
  } else if (m.axis_type == TensorType::kInt64) {
    axis = b.AddConst<int64_t>(m.axis_type, {n}, std::vector<int64_t>(m.axes.begin(), m.axes.end()));
  } else {
    axis = b.AddConst<int32_t>(m.axis_type, {n}, m.axes);
  }
  const int out =
      b.AddTensor(m.type, m.out_shape, q ? QuantParams::PerTensor(m.out_scale, m.out_zp) : QuantParams{});
  b.AddOperator(BuiltinOp::kMean, {in, axis}, {out}, writer::ReducerOptions{m.keep_dims});
  b.SetInputs(m.const_axis ? std::vector<int32_t>{in} : std::vector<int32_t>{in, axis});
  b.SetOutputs({out});
  return testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kMean, Register_MEAN()}});
}

// Global average pooling as converters emit it: 4-D, axes {1, 2}, keep_dims
// (TFLite Micro's old special case; current TFLM takes the general path).
TEST(MeanOp, Int8SpatialMeanKeepDims) {
  std::mt19937 rng(kSeed + 4);
  for (int variant = 0; variant < 3; ++variant) {
    MeanModel m;
    m.in_shape = {1, 7, 5, 3};
    m.out_shape = {1, 1, 1, 3};
    m.axes = variant == 2 ? std::vector<int32_t>{-2, -3, 1} : std::vector<int32_t>{1, 2};
    m.keep_dims = true;
    m.in_zp = -128;
    m.out_zp = variant == 0 ? -128 : 17;
    m.in_scale = 0.0235f;
    m.out_scale = variant == 0 ? 0.0235f : 0.0117f;
    auto h = BuildMean(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    std::vector<int8_t> input(105);
    for (auto& v : input) v = static_cast<int8_t>(rng());
    const std::vector<int8_t> got = As<int8_t>(h->Run({Bytes(input)}));
    MeanCase c;
    c.dims = {1, 7, 5, 3};
    c.reduced = {false, true, true, false};
    c.in_zp = m.in_zp;
    c.out_zp = m.out_zp;
    c.in_scale = m.in_scale;
    c.out_scale = m.out_scale;
    std::vector<int32_t> in32(input.begin(), input.end());
    int64_t count;
    std::vector<int64_t> per_out;
    const std::vector<int64_t> sums = SumsAndCount(c, in32, &count, &per_out);
    ASSERT_EQ(got.size(), 3u);
    for (int ch = 0; ch < 3; ++ch) {
      const int32_t expected = variant == 0 ? static_cast<int32_t>(sums[ch] / count)
                                            : ExpectedRequant(c, sums[ch], count, -128, 127);
      EXPECT_EQ(got[ch], expected) << "variant " << variant << " channel " << ch;
    }
  }
}

TEST(MeanOp, FloatAndInt16) {
  {
    MeanModel m;
    m.type = TensorType::kFloat32;
    m.in_shape = {2, 3};
    m.out_shape = {2};
    m.axes = {-1};
    auto h = BuildMean(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    EXPECT_EQ(As<float>(h->Run({Bytes(std::vector<float>{1, 2, 4, -1, -2, -6})})), (std::vector<float>{7.0f / 3, -3}));
  }
  {
    MeanModel m;
    m.type = TensorType::kInt16;
    m.in_shape = {4};
    m.out_shape = {};
    m.axes = {0};
    m.in_scale = 1.0f / 1024;
    m.out_scale = 1.0f / 512;
    auto h = BuildMean(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    // mean = 1000 in input units = 500 in output units.
    EXPECT_EQ(As<int16_t>(h->Run({Bytes(std::vector<int16_t>{1000, 2000, 0, 1000})})), (std::vector<int16_t>{500}));
  }
}

TEST(MeanOp, BadModelsFailInPrepare) {
  MeanModel base;
  base.in_shape = {2, 3, 4};
  base.out_shape = {2, 4};
  base.axes = {1};
  {
    MeanModel m = base;
    m.const_axis = false;
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kUnsupportedOp);
    EXPECT_TRUE(Contains(h->error(), "non-constant axis")) << h->error();
  }
  {
    MeanModel m = base;
    m.axes = {3};
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kInvalidModel);
    EXPECT_TRUE(Contains(h->error(), "axis out of range")) << h->error();
  }
  {
    MeanModel m = base;
    m.out_shape = {2, 3};
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kInvalidShape);
    EXPECT_TRUE(Contains(h->error(), "element count")) << h->error();
  }
  {
    MeanModel m = base;
    m.axis_type = TensorType::kInt64;
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kUnsupportedType);
    EXPECT_TRUE(Contains(h->error(), "axis must be int32")) << h->error();
  }
  {
    MeanModel m = base;
    m.type = TensorType::kInt32;
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kUnsupportedType);
    EXPECT_TRUE(Contains(h->error(), "MEAN")) << h->error();
  }
  {
    // input / output scale of 2^40: no int32 left shift expresses it (the
    // fuzz test reached this with a corrupted scale, UBSan flagged the shift).
    MeanModel m = base;
    m.in_scale = 1.0f;
    m.out_scale = std::ldexp(1.0f, -40);
    m.out_zp = 1;
    auto h = BuildMean(m);
    EXPECT_EQ(h->prepare_status(), Status::kInvalidModel);
    EXPECT_TRUE(Contains(h->error(), "requantization scale too large")) << h->error();
  }
}

}  // namespace
}  // namespace tinyml
