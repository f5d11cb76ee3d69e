// ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM: math-level checks against exact
// hand-worked TFLite integer results and an independent double reference,
// broadcasting at every rank, an edge battery, then op-level runs through
// .tflite models (including TFLite Micro goldens when ../shared is there).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/fixed_point_math.h"
#include "elementwise_harness.h"
#include "kernels/ref/binary.h"
#include "kernels/ref/broadcast.h"
#include "support/test_util.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using elementwise_test::BroadcastSourceIndex;
using testing::Bytes;
using elementwise_test::Count;
using elementwise_test::ToShape;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 20240611;

int32_t RoundAway(double x) { return static_cast<int32_t>(x >= 0 ? std::floor(x + 0.5) : -std::floor(-x + 0.5)); }
int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

struct Quant {
  float scale;
  int32_t zp;
};

// --- Broadcast shapes.

TEST(Broadcast, ShapeRules) {
  Shape out;
  ASSERT_TRUE(ref::BroadcastShape(ToShape({4, 1}), ToShape({2, 1, 3}), &out));
  EXPECT_EQ(out, ToShape({2, 4, 3}));
  ASSERT_TRUE(ref::BroadcastShape(ToShape({}), ToShape({40}), &out));
  EXPECT_EQ(out, ToShape({40}));
  ASSERT_TRUE(ref::BroadcastShape(ToShape({1, 0}), ToShape({5, 1}), &out));
  EXPECT_EQ(out, ToShape({5, 0}));
  EXPECT_FALSE(ref::BroadcastShape(ToShape({2, 3}), ToShape({3, 2}), &out));
  EXPECT_FALSE(ref::BroadcastShape(ToShape({4}), ToShape({3}), &out));
}

// Random shape pairs of every rank 1..6 with size-1 dims on either side and
// differing ranks; float ADD/MUL/MAX checked against a from-scratch index map.
TEST(Broadcast, AllRanksMatchIndependentIndexing) {
  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed);
  std::uniform_real_distribution<float> value(-4.0f, 4.0f);
  for (int rank = 1; rank <= 6; ++rank) {
    for (int trial = 0; trial < 40; ++trial) {
      std::vector<int32_t> out(rank), a(rank), b(rank);
      for (int d = 0; d < rank; ++d) {
        out[d] = 1 + static_cast<int32_t>(rng() % 4);
        const int pick = static_cast<int>(rng() % 3);  // 0: both full, 1: a is 1, 2: b is 1
        a[d] = pick == 1 ? 1 : out[d];
        b[d] = pick == 2 ? 1 : out[d];
      }
      // Drop leading dims of one side sometimes (right-aligned ranks).
      const int drop = static_cast<int>(rng() % (rank + 1));
      if (trial % 2 == 0) {
        for (int d = 0; d < drop; ++d) out[d] = b[d];
        a.erase(a.begin(), a.begin() + drop);
      } else {
        for (int d = 0; d < drop; ++d) out[d] = a[d];
        b.erase(b.begin(), b.begin() + drop);
      }
      SCOPED_TRACE("rank " + std::to_string(rank) + " trial " + std::to_string(trial));
      Shape expect;
      ASSERT_TRUE(ref::BroadcastShape(ToShape(a), ToShape(b), &expect));
      ASSERT_EQ(expect, ToShape(out));
      std::vector<float> x(Count(a)), y(Count(b)), sum(Count(out)), prod(Count(out));
      std::vector<int32_t> xi(Count(a)), yi(Count(b)), mx(Count(out));
      for (auto& v : x) v = value(rng);
      for (auto& v : y) v = value(rng);
      for (size_t i = 0; i < x.size(); ++i) xi[i] = static_cast<int32_t>(rng());
      for (size_t i = 0; i < y.size(); ++i) yi[i] = static_cast<int32_t>(rng());
      ref::ArithmeticParams p;
      p.float_min = -1e30f;
      p.float_max = 1e30f;
      ref::AddF32(p, ToShape(a), x.data(), ToShape(b), y.data(), ToShape(out), sum.data());
      ref::MulF32(p, ToShape(a), x.data(), ToShape(b), y.data(), ToShape(out), prod.data());
      ref::Maximum<int32_t>(ToShape(a), xi.data(), ToShape(b), yi.data(), ToShape(out), mx.data());
      for (int64_t o = 0; o < Count(out); ++o) {
        const int64_t ia = BroadcastSourceIndex(a, out, o);
        const int64_t ib = BroadcastSourceIndex(b, out, o);
        ASSERT_EQ(sum[o], x[ia] + y[ib]) << o;
        ASSERT_EQ(prod[o], x[ia] * y[ib]) << o;
        ASSERT_EQ(mx[o], std::max(xi[ia], yi[ib])) << o;
      }
    }
  }
}

// --- Quantized ADD / SUB / MUL: exact cases worked out by hand from
// TFLite's integer formulas.

TEST(AddS8, HandWorkedRounding) {
  // s1 = 0.5, s2 = 0.25, so = 1: multipliers 2^30 with shifts 0, -1, -19.
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(false, 0.5f, 0, 0.25f, 0, 1.0f, 0, &p));
  EXPECT_EQ(p.input1_multiplier, 1 << 30);
  EXPECT_EQ(p.input1_shift, 0);
  EXPECT_EQ(p.input2_multiplier, 1 << 30);
  EXPECT_EQ(p.input2_shift, -1);
  EXPECT_EQ(p.output_multiplier, 1 << 30);
  EXPECT_EQ(p.output_shift, -19);
  p.quantized_min = -128;
  p.quantized_max = 127;
  const std::vector<int8_t> x = {3, -3, 1, -1, 127, -128};
  const std::vector<int8_t> y = {1, -1, 0, 0, 127, -128};
  std::vector<int8_t> out(6);
  ref::AddS8(p, ToShape({6}), x.data(), ToShape({6}), y.data(), ToShape({6}), out.data());
  // 1.75 -> 2, -1.75 -> -2, 0.5 -> 1 and -0.5 -> -1 (ties away from zero),
  // 95.25 -> 95, -96 -> -96.
  EXPECT_EQ(out, (std::vector<int8_t>{2, -2, 1, -1, 95, -96}));
}

TEST(MulS8, HandWorkedDoubleRounding) {
  // Real multiplier 1/3 = 1431655765 * 2^-32: TFLite rounds twice, so 7/3
  // becomes 3 and 1/3 becomes 1.
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedMul(0.5f, 0, 0.5f, 0, 0.75f, 0, &p));
  EXPECT_EQ(p.output_multiplier, 1431655765);
  EXPECT_EQ(p.output_shift, -1);
  p.quantized_min = -128;
  p.quantized_max = 127;
  const std::vector<int8_t> x = {7, 5, -5, -7, 1, 2, -1};
  const std::vector<int8_t> one = {1};
  std::vector<int8_t> out(7);
  ref::MulS8(p, ToShape({7}), x.data(), ToShape({1}), one.data(), ToShape({7}), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{3, 2, -2, -3, 1, 1, -1}));
}

// Random scales and zero points; every output within 1 LSB of the double
// computation (before clamping), exact at the clamp bounds.
template <typename T>
void CheckQuantizedBinary(char op, bool is_int16, int trials) {
  std::printf("seed=%u op=%c int16=%d\n", kSeed, op, is_int16);
  std::mt19937 rng(kSeed + op + (is_int16 ? 1000 : 0));
  const int32_t lo = is_int16 ? -32768 : -128;
  const int32_t hi = is_int16 ? 32767 : 127;
  std::uniform_real_distribution<float> log_scale(-10.0f, 2.0f);
  std::uniform_int_distribution<int32_t> zp_dist(lo, hi);
  std::uniform_int_distribution<int32_t> v_dist(lo, hi);
  for (int t = 0; t < trials; ++t) {
    Quant q1{std::exp2(log_scale(rng)), is_int16 && op == '*' ? 0 : zp_dist(rng)};
    Quant q2{q1.scale * std::exp2(log_scale(rng) / 4.0f), is_int16 && op == '*' ? 0 : zp_dist(rng)};
    const float sum_scale = std::max(q1.scale, q2.scale) * std::exp2(static_cast<float>(rng() % 4));
    // MUL: a rescale factor in [2^-7, 2^4] (int8) or [2^-8, 1] (int16), where
    // the integer product cannot overflow when shifted left.
    const float mul_factor = is_int16 ? std::exp2(static_cast<float>(rng() % 9))
                                      : std::exp2(static_cast<float>(rng() % 12) - 4.0f);
    Quant qo{op == '*' ? q1.scale * q2.scale * mul_factor : sum_scale,
             is_int16 && op == '*' ? 0 : zp_dist(rng)};
    if (t == 0 && !(is_int16 && op == '*')) {  // extreme zero points
      q1.zp = lo;
      q2.zp = hi;
      qo.zp = lo;
    }
    ref::ArithmeticParams p;
    bool ok = false;
    if (op == '+') ok = ref::PrepareQuantizedAdd(is_int16, q1.scale, q1.zp, q2.scale, q2.zp, qo.scale, qo.zp, &p);
    if (op == '-') ok = ref::PrepareQuantizedSub(is_int16, q1.scale, q1.zp, q2.scale, q2.zp, qo.scale, qo.zp, &p);
    if (op == '*') ok = ref::PrepareQuantizedMul(q1.scale, q1.zp, q2.scale, q2.zp, qo.scale, qo.zp, &p);
    ASSERT_TRUE(ok) << "trial " << t;
    p.quantized_min = lo;
    p.quantized_max = hi;
    const int n = 257;
    std::vector<T> x(n), y(n), out(n);
    for (int i = 0; i < n; ++i) {
      x[i] = static_cast<T>(v_dist(rng));
      y[i] = static_cast<T>(v_dist(rng));
    }
    x[0] = static_cast<T>(lo), y[0] = static_cast<T>(hi);
    x[1] = static_cast<T>(hi), y[1] = static_cast<T>(hi);
    const Shape s = ToShape({n});
    if constexpr (sizeof(T) == 1) {
      if (op == '+') ref::AddS8(p, s, x.data(), s, y.data(), s, out.data());
      if (op == '-') ref::SubS8(p, s, x.data(), s, y.data(), s, out.data());
      if (op == '*') ref::MulS8(p, s, x.data(), s, y.data(), s, out.data());
    } else {
      if (op == '+') ref::AddS16(p, s, x.data(), s, y.data(), s, out.data());
      if (op == '-') ref::SubS16(p, s, x.data(), s, y.data(), s, out.data());
      if (op == '*') ref::MulS16(p, s, x.data(), s, y.data(), s, out.data());
    }
    for (int i = 0; i < n; ++i) {
      const double a = q1.scale * (static_cast<double>(x[i]) - q1.zp);
      const double b = q2.scale * (static_cast<double>(y[i]) - q2.zp);
      const double real = op == '+' ? a + b : op == '-' ? a - b : a * b;
      const double q = real / qo.scale + qo.zp;
      const int32_t expect = Clamp(RoundAway(std::max(-1e9, std::min(1e9, q))), lo, hi);
      ASSERT_LE(std::abs(static_cast<int32_t>(out[i]) - expect), 1)
          << "trial " << t << " i " << i << " x " << +x[i] << " y " << +y[i] << " real " << real;
    }
  }
}

TEST(AddS8, WithinOneLsbOfDouble) { CheckQuantizedBinary<int8_t>('+', false, 60); }
TEST(SubS8, WithinOneLsbOfDouble) { CheckQuantizedBinary<int8_t>('-', false, 60); }
TEST(MulS8, WithinOneLsbOfDouble) { CheckQuantizedBinary<int8_t>('*', false, 60); }
TEST(AddS16, WithinOneLsbOfDouble) { CheckQuantizedBinary<int16_t>('+', true, 40); }
TEST(SubS16, WithinOneLsbOfDouble) { CheckQuantizedBinary<int16_t>('-', true, 40); }
TEST(MulS16, WithinOneLsbOfDouble) { CheckQuantizedBinary<int16_t>('*', true, 40); }

TEST(AddS8, BroadcastEqualsMaterializedInputs) {
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(false, 0.04f, -2, 0.07f, 5, 0.09f, -3, &p));
  p.quantized_min = -128;
  p.quantized_max = 127;
  const std::vector<int32_t> a = {2, 1, 3, 1}, b = {5, 1, 1}, out = {2, 5, 3, 1};
  std::vector<int8_t> x(Count(a)), y(Count(b)), xa(Count(out)), ya(Count(out)), r1(Count(out)), r2(Count(out));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>(i * 37 - 100);
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int8_t>(i * 53 - 128);
  for (int64_t o = 0; o < Count(out); ++o) {
    xa[o] = x[BroadcastSourceIndex(a, out, o)];
    ya[o] = y[BroadcastSourceIndex(b, out, o)];
  }
  ref::AddS8(p, ToShape(a), x.data(), ToShape(b), y.data(), ToShape(out), r1.data());
  ref::AddS8(p, ToShape(out), xa.data(), ToShape(out), ya.data(), ToShape(out), r2.data());
  EXPECT_EQ(r1, r2);
}

TEST(QuantizedPrepare, RejectsWhatTfliteRejects) {
  ref::ArithmeticParams p;
  // Output scale so small that the ADD output multiplier reaches 1.
  EXPECT_FALSE(ref::PrepareQuantizedAdd(false, 1.0f, 0, 1.0f, 0, 1e-7f, 0, &p));
  EXPECT_FALSE(ref::PrepareQuantizedAdd(false, 0.0f, 0, 1.0f, 0, 1.0f, 0, &p));
  EXPECT_FALSE(ref::PrepareQuantizedSub(false, std::nanf(""), 0, 1.0f, 0, 1.0f, 0, &p));
  EXPECT_FALSE(ref::PrepareQuantizedMul(1.0f, 0, 1.0f, 0, -1.0f, 0, &p));
  EXPECT_FALSE(ref::PrepareQuantizedMul(1e30f, 0, 1e30f, 0, 1e-30f, 0, &p));  // factor >= 2^30
  EXPECT_TRUE(ref::PrepareQuantizedMul(1e-30f, 0, 1e-30f, 0, 1.0f, 0, &p));   // flushes to 0
  EXPECT_EQ(p.output_multiplier, 0);
}

TEST(AddS8, SaturatesAndAppliesFusedClamp) {
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(false, 1.0f, 0, 1.0f, 0, 0.01f, 0, &p));
  p.quantized_min = 0;  // as a fused RELU with zero point 0
  p.quantized_max = 127;
  const std::vector<int8_t> x = {1, -1, 0, 100};
  const std::vector<int8_t> y = {0, 0, 0, 100};
  std::vector<int8_t> out(4);
  ref::AddS8(p, ToShape({4}), x.data(), ToShape({4}), y.data(), ToShape({4}), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{100, 0, 0, 127}));
}

TEST(AddS8, InPlaceAliasing) {
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(false, 0.1f, 3, 0.2f, -7, 0.25f, 1, &p));
  p.quantized_min = -128;
  p.quantized_max = 127;
  std::vector<int8_t> x(33), y(33);
  for (int i = 0; i < 33; ++i) {
    x[i] = static_cast<int8_t>(i * 7 - 110);
    y[i] = static_cast<int8_t>(90 - i * 5);
  }
  std::vector<int8_t> expect(33);
  ref::AddS8(p, ToShape({33}), x.data(), ToShape({33}), y.data(), ToShape({33}), expect.data());
  ref::AddS8(p, ToShape({33}), x.data(), ToShape({33}), y.data(), ToShape({33}), x.data());
  EXPECT_EQ(x, expect);
}

// --- DIV.

TEST(Reciprocal, MatchesGemmlowpSemantics) {
  // 1/x to within a few parts in 2^31 for every small x.
  uint64_t fnv = 1469598103934665603ull;
  for (int32_t x = 1; x <= 70000; ++x) {
    int shift = 0;
    const int32_t r = fixed_point::Reciprocal(x, 31, &shift);
    const double approx = r / 2147483648.0 / std::ldexp(1.0, shift);
    ASSERT_NEAR(approx * x, 1.0, 1e-8) << x;
    fnv = (fnv ^ static_cast<uint32_t>(r)) * 1099511628211ull;
    fnv = (fnv ^ static_cast<uint32_t>(shift)) * 1099511628211ull;
  }
  // Every (r, shift) above, pinned: DIV and SOFTMAX share this function, and
  // DIV's former private copy gave exactly these bits.
  EXPECT_EQ(fnv, 11256212655352709690ull);
  EXPECT_EQ(ref::CountLeadingSignBits32(0), 31);
  EXPECT_EQ(ref::CountLeadingSignBits32(-1), 31);
  EXPECT_EQ(ref::CountLeadingSignBits32(1), 30);
  EXPECT_EQ(ref::CountLeadingSignBits32(-2), 30);
  EXPECT_EQ(ref::CountLeadingSignBits32(INT32_MIN), 0);
  EXPECT_EQ(ref::CountLeadingSignBits32(INT32_MAX), 0);
}

TEST(DivS8, WithinOneLsbOfDouble) {
  std::printf("seed=%u\n", kSeed);
  std::mt19937 rng(kSeed + 42);
  for (int t = 0; t < 40; ++t) {
    const Quant q1{std::exp2(static_cast<float>(rng() % 8) - 6.0f) * 1.1f, static_cast<int32_t>(rng() % 256) - 128};
    const Quant q2{std::exp2(static_cast<float>(rng() % 8) - 6.0f) * 0.9f, static_cast<int32_t>(rng() % 256) - 128};
    const Quant qo{q1.scale / q2.scale * std::exp2(static_cast<float>(rng() % 6)) / 16.0f,
                   static_cast<int32_t>(rng() % 256) - 128};
    ref::ArithmeticParams p;
    ASSERT_TRUE(ref::PrepareQuantizedDiv(q1.scale, q1.zp, q2.scale, q2.zp, qo.scale, qo.zp, &p));
    p.quantized_min = -128;
    p.quantized_max = 127;
    std::vector<int8_t> x(256), y(256), out(256);
    for (int i = 0; i < 256; ++i) {
      x[i] = static_cast<int8_t>(i - 128);
      y[i] = static_cast<int8_t>(rng() % 256 - 128);
      if (y[i] == q2.zp) y[i] = static_cast<int8_t>(q2.zp == 127 ? 126 : q2.zp + 1);
    }
    ref::DivS8(p, ToShape({256}), x.data(), ToShape({256}), y.data(), ToShape({256}), out.data());
    for (int i = 0; i < 256; ++i) {
      const double real = q1.scale * (x[i] - q1.zp) / (q2.scale * (y[i] - q2.zp));
      const int32_t expect = Clamp(RoundAway(std::max(-1e9, std::min(1e9, real / qo.scale + qo.zp))), -128, 127);
      ASSERT_LE(std::abs(out[i] - expect), 1) << "trial " << t << " x " << +x[i] << " y " << +y[i];
    }
  }
}

TEST(DivS8, ZeroDivisorIsDefined) {
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedDiv(0.1f, 0, 0.1f, 4, 0.1f, -5, &p));
  p.quantized_min = -128;
  p.quantized_max = 127;
  const std::vector<int8_t> x = {3, -3, 0}, y = {4, 4, 4};
  std::vector<int8_t> out(3);
  ref::DivS8(p, ToShape({3}), x.data(), ToShape({3}), y.data(), ToShape({3}), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{127, -128, -5}));
}

// --- int32 and float paths.

TEST(Int32Arithmetic, WrapsAndClamps) {
  ref::ArithmeticParams p;
  p.quantized_min = INT32_MIN;
  p.quantized_max = INT32_MAX;
  const std::vector<int32_t> x = {INT32_MAX, INT32_MIN, 7, -7, 100000};
  const std::vector<int32_t> y = {1, 1, 2, 2, 100000};
  std::vector<int32_t> out(5);
  const Shape s = ToShape({5});
  ref::AddS32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MIN, INT32_MIN + 1, 9, -5, 200000}));
  ref::SubS32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MAX - 1, INT32_MAX, 5, -9, 0}));
  ref::MulS32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MAX, INT32_MIN, 14, -14, 1410065408}));  // 10^10 mod 2^32
  ref::DivS32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MAX, INT32_MIN, 3, -3, 1}));
  const std::vector<int32_t> d = {0, -1, 0, 3, -2};
  ref::DivS32(p, s, x.data(), s, d.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, INT32_MIN, 0, -2, -50000}));
  p.quantized_min = 0;  // fused RELU6 on int32
  p.quantized_max = 6;
  ref::SubS32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{6, 6, 5, 0, 0}));
}

TEST(FloatArithmetic, FollowsIeeeAndClamp) {
  ref::ArithmeticParams p;
  p.float_min = -std::numeric_limits<float>::max();
  p.float_max = std::numeric_limits<float>::max();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {1.5f, -2.0f, 1.0f, nan};
  const std::vector<float> y = {0.25f, 0.0f, 3.0f, 1.0f};
  std::vector<float> out(4);
  const Shape s = ToShape({4});
  ref::DivF32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out[0], 6.0f);
  EXPECT_EQ(out[1], -std::numeric_limits<float>::max());  // -inf clamped by the None range
  EXPECT_EQ(out[2], 1.0f / 3.0f);
  EXPECT_TRUE(std::isnan(out[3]));
  p.float_min = 0.0f;
  p.float_max = 6.0f;
  ref::SubF32(p, s, x.data(), s, y.data(), s, out.data());
  EXPECT_EQ(out[0], 1.25f);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_TRUE(std::isnan(out[3]));
}

TEST(MinMax, AllTypesAndNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> a = {1.0f, nan, 2.0f}, b = {2.0f, 1.0f, nan};
  std::vector<float> mx(3), mn(3);
  ref::Maximum<float>(ToShape({3}), a.data(), ToShape({3}), b.data(), ToShape({3}), mx.data());
  ref::Minimum<float>(ToShape({3}), a.data(), ToShape({3}), b.data(), ToShape({3}), mn.data());
  EXPECT_EQ(mx[0], 2.0f);
  EXPECT_EQ(mx[1], 1.0f);  // NaN in input1 yields input2
  EXPECT_TRUE(std::isnan(mx[2]));
  EXPECT_EQ(mn[0], 1.0f);
  EXPECT_EQ(mn[1], 1.0f);
  EXPECT_TRUE(std::isnan(mn[2]));
  const std::vector<int64_t> c = {INT64_MIN, 5, INT64_MAX}, d = {0};
  std::vector<int64_t> o(3);
  ref::Maximum<int64_t>(ToShape({3}), c.data(), ToShape({}), d.data(), ToShape({3}), o.data());
  EXPECT_EQ(o, (std::vector<int64_t>{0, 5, INT64_MAX}));
  const std::vector<int8_t> e = {-128, 127, 0}, f = {3};
  std::vector<int8_t> g(3);
  ref::Minimum<int8_t>(ToShape({3}), e.data(), ToShape({1}), f.data(), ToShape({3}), g.data());
  EXPECT_EQ(g, (std::vector<int8_t>{-128, 3, 0}));
  const std::vector<int16_t> h = {-32768, 32767}, k = {-5, 9};
  std::vector<int16_t> m(2);
  ref::Maximum<int16_t>(ToShape({2}), h.data(), ToShape({2}), k.data(), ToShape({2}), m.data());
  EXPECT_EQ(m, (std::vector<int16_t>{-5, 32767}));
}

// --- Op level.

TEST(BinaryOps, Int8AddThroughInterpreterMatchesMath) {
  ModelBuilder b;
  const int in1 = b.AddTensor(TensorType::kInt8, {1, 4, 4, 3}, QuantParams::PerTensor(0.05f, -2));
  const int in2 = b.AddTensor(TensorType::kInt8, {3}, QuantParams::PerTensor(0.03f, 7));
  const int out = b.AddTensor(TensorType::kInt8, {1, 4, 4, 3}, QuantParams::PerTensor(0.07f, -5));
  b.AddOperator(BuiltinOp::kAdd, {in1, in2}, {out}, writer::AddOptions{writer::Activation::kRelu});
  b.SetInputs({in1, in2});
  b.SetOutputs({out});
  testing::OpRunner r;
  ASSERT_EQ(r.Prepare(b.Finish(), elementwise_test::ElementwiseOps()), Status::kOk) << r.error();
  std::vector<int8_t> x(48), y = {-128, 0, 127};
  for (int i = 0; i < 48; ++i) x[i] = static_cast<int8_t>(i * 5 - 120);
  const auto got = As<int8_t>(r.Run({Bytes(x), Bytes(y)}));
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(false, 0.05f, -2, 0.03f, 7, 0.07f, -5, &p));
  p.quantized_min = -5;  // RELU: the output zero point
  p.quantized_max = 127;
  std::vector<int8_t> expect(48);
  ref::AddS8(p, ToShape({1, 4, 4, 3}), x.data(), ToShape({3}), y.data(), ToShape({1, 4, 4, 3}), expect.data());
  EXPECT_EQ(got, expect);
  for (int8_t v : got) EXPECT_GE(v, -5);
}

// The int32 tail of TFLite Micro's audio preprocessor: MUL, ADD, DIV, ADD,
// MINIMUM, MAXIMUM with scalar constants, then CAST to int8.
TEST(BinaryOps, Int32ChainLikeAudioPreprocessor) {
  ModelBuilder b;
  const int x = b.AddTensor(TensorType::kInt32, {6});
  const int c_mul = b.AddConst<int32_t>(TensorType::kInt32, {}, {3});
  const int c_add = b.AddConst<int32_t>(TensorType::kInt32, {}, {-50});
  const int c_div = b.AddConst<int32_t>(TensorType::kInt32, {}, {4});
  const int c_min = b.AddConst<int32_t>(TensorType::kInt32, {}, {127});
  const int c_max = b.AddConst<int32_t>(TensorType::kInt32, {}, {-128});
  int t[6];
  for (int& v : t) v = b.AddTensor(TensorType::kInt32, {6});
  const int y = b.AddTensor(TensorType::kInt8, {6});
  b.AddOperator(BuiltinOp::kMul, {x, c_mul}, {t[0]}, writer::MulOptions{});
  b.AddOperator(BuiltinOp::kAdd, {t[0], c_add}, {t[1]}, writer::AddOptions{});
  b.AddOperator(BuiltinOp::kDiv, {t[1], c_div}, {t[2]}, writer::DivOptions{});
  b.AddOperator(BuiltinOp::kAdd, {t[2], c_max}, {t[3]}, writer::AddOptions{});
  b.AddOperator(BuiltinOp::kMinimum, {t[3], c_min}, {t[4]}, writer::MaximumMinimumOptions{});
  b.AddOperator(BuiltinOp::kMaximum, {t[4], c_max}, {t[5]}, writer::MaximumMinimumOptions{});
  b.AddOperator(BuiltinOp::kCast, {t[5]}, {y}, writer::CastOptions{TensorType::kInt32, TensorType::kInt8});
  b.SetInputs({x});
  b.SetOutputs({y});
  testing::OpRunner r;
  ASSERT_EQ(r.Prepare(b.Finish(), elementwise_test::ElementwiseOps()), Status::kOk) << r.error();
  const std::vector<int32_t> in = {0, 10, 100, 1000, -7, 200};
  const auto got = As<int8_t>(r.Run({Bytes(in)}));
  std::vector<int8_t> expect;
  for (int32_t v : in) {
    int32_t z = (v * 3 - 50) / 4 - 128;
    z = std::max(std::min(z, 127), -128);
    expect.push_back(static_cast<int8_t>(z));
  }
  EXPECT_EQ(got, expect);
}

TEST(BinaryOps, BadModelsFailInPrepareWithClearStatus) {
  const auto q = QuantParams::PerTensor(0.1f, 0);
  auto run = [](ModelBuilder& b, Status want, const char* part) {
    testing::OpRunner r;
    (void)r.Prepare(b.Finish(), elementwise_test::ElementwiseOps());
    ASSERT_EQ(r.load_status(), Status::kOk) << r.error();
    EXPECT_EQ(r.prepare_status(), want) << r.error();
    EXPECT_NE(r.error().find(part), std::string::npos) << r.error();
  };
  {  // input types differ
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt8, {4}, q), c = b.AddTensor(TensorType::kInt16, {4}, q);
    const int o = b.AddTensor(TensorType::kInt8, {4}, q);
    b.AddOperator(BuiltinOp::kAdd, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kUnsupportedType, "INT8 -> INT16");
  }
  {  // shapes do not broadcast
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kFloat32, {4, 3}), c = b.AddTensor(TensorType::kFloat32, {4});
    const int o = b.AddTensor(TensorType::kFloat32, {4, 3});
    b.AddOperator(BuiltinOp::kSub, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kInvalidShape, "cannot be broadcast");
  }
  {  // output shape is not the broadcast shape
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kFloat32, {4, 1}), c = b.AddTensor(TensorType::kFloat32, {3});
    const int o = b.AddTensor(TensorType::kFloat32, {4, 1});
    b.AddOperator(BuiltinOp::kMul, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kInvalidShape, "broadcast input shape");
  }
  {  // missing quantization on an int8 input
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt8, {4}), c = b.AddTensor(TensorType::kInt8, {4}, q);
    const int o = b.AddTensor(TensorType::kInt8, {4}, q);
    b.AddOperator(BuiltinOp::kAdd, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kInvalidModel, "input 0 lacks quantization; type INT8");
  }
  {  // unsupported type, named
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kUInt8, {4}, q), c = b.AddTensor(TensorType::kUInt8, {4}, q);
    const int o = b.AddTensor(TensorType::kUInt8, {4}, q);
    b.AddOperator(BuiltinOp::kDiv, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kUnsupportedType, "UINT8");
  }
  {  // int16 MUL with a non-zero zero point
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt16, {4}, QuantParams::PerTensor(0.1f, 3));
    const int c = b.AddTensor(TensorType::kInt16, {4}, q);
    const int o = b.AddTensor(TensorType::kInt16, {4}, q);
    b.AddOperator(BuiltinOp::kMul, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kUnsupportedType, "zero points of 0");
  }
  {  // zero point outside int8
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(0.1f, 300));
    const int c = b.AddTensor(TensorType::kInt8, {4}, q);
    const int o = b.AddTensor(TensorType::kInt8, {4}, q);
    b.AddOperator(BuiltinOp::kSub, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kInvalidModel, "zero point");
  }
  {  // ADD scales TFLite rejects (output multiplier >= 1)
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
    const int c = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
    const int o = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1e-7f, 0));
    b.AddOperator(BuiltinOp::kAdd, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kInvalidModel, "rescale factor");
  }
  {  // quantized int32 ADD
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt32, {4}, q), c = b.AddTensor(TensorType::kInt32, {4});
    const int o = b.AddTensor(TensorType::kInt32, {4});
    b.AddOperator(BuiltinOp::kAdd, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kUnsupportedType, "INT32");
  }
  {  // MAXIMUM on bool
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kBool, {4}), c = b.AddTensor(TensorType::kBool, {4});
    const int o = b.AddTensor(TensorType::kBool, {4});
    b.AddOperator(BuiltinOp::kMaximum, {a, c}, {o});
    b.SetInputs({a, c});
    b.SetOutputs({o});
    run(b, Status::kUnsupportedType, "BOOL");
  }
  {  // one input only
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kFloat32, {4});
    const int o = b.AddTensor(TensorType::kFloat32, {4});
    b.AddOperator(BuiltinOp::kAdd, {a}, {o});
    b.SetInputs({a});
    b.SetOutputs({o});
    run(b, Status::kInvalidModel, "inputs");
  }
}

// --- TFLite Micro goldens (skipped without ../shared).

TEST(BinaryOps, SimpleAddConformance) {
  const std::string model_path = testing::SharedDir() + "/models/simple_add/simple_add_model.tflite";
  std::vector<uint8_t> model;
  if (!testing::ReadFile(model_path, &model)) GTEST_SKIP() << "no " << model_path;
  testing::OpRunner r;
  ASSERT_EQ(r.Prepare(model, elementwise_test::ElementwiseOps()), Status::kOk) << r.error();
  for (const char* c : {"rand0", "rand1", "rand2", "edge_min", "edge_max"}) {
    std::vector<uint8_t> in, want;
    const std::string dir = testing::SharedDir() + "/conformance/simple_add/";
    ASSERT_TRUE(testing::ReadFile(dir + "input_" + c + ".bin", &in));
    ASSERT_TRUE(testing::ReadFile(dir + "output_" + c + ".bin", &want));
    const size_t half = in.size() / 2;
    const auto got = r.Run({std::vector<uint8_t>(in.begin(), in.begin() + half),
                                                  std::vector<uint8_t>(in.begin() + half, in.end())});
    EXPECT_EQ(got, want) << c;
  }
}

// int16 ADD/SUB layers (general-scale path, broadcasting SUB) with goldens.
void RunSeanetBinary(const std::string& kind, int count) {
  const std::string dir = testing::SharedDir() + "/models/seanet_layers/" + kind + "/";
  int ran = 0;
  for (int i = 0; i < count; ++i) {
    const std::string base = dir + kind + std::to_string(i);
    std::vector<uint8_t> model, in0, in1, want;
    if (!testing::ReadFile(base + ".tflite", &model)) continue;
    ASSERT_TRUE(testing::ReadFile(base + "_input0_int16.bin", &in0));
    ASSERT_TRUE(testing::ReadFile(base + "_input1_int16.bin", &in1));
    ASSERT_TRUE(testing::ReadFile(base + "_golden_int16.bin", &want));
    testing::OpRunner r;
    ASSERT_EQ(r.Prepare(model, elementwise_test::ElementwiseOps()), Status::kOk) << base << ": " << r.error();
    EXPECT_EQ(r.Run({in0, in1}), want) << base;
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no models in " << dir;
}

TEST(BinaryOps, SeanetInt16AddGoldens) { RunSeanetBinary("add", 17); }
TEST(BinaryOps, SeanetInt16SubGoldens) { RunSeanetBinary("sub", 5); }

}  // namespace
}  // namespace tinyml
