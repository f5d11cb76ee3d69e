// QuantizeMultiplier (integer-only, from the double's bits) against TFLite's
// formula written with libm: q = frexp(real, &shift); m = round(q * 2^31);
// m == 2^31 renormalizes; shift < -31 gives 0.
#include <gtest/gtest.h>
#include <math.h>
#include <string.h>

#include <cstdint>
#include <limits>
#include <random>

#include "core/fixed_point.h"

namespace tinyml {
namespace {

void TfliteFormula(double real, int32_t* multiplier, int* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

void ExpectSame(double real) {
  int32_t want_m = 0, got_m = 0;
  int want_s = 0, got_s = 0;
  TfliteFormula(real, &want_m, &want_s);
  QuantizeMultiplier(real, &got_m, &got_s);
  ASSERT_EQ(got_m, want_m) << "real " << real;
  ASSERT_EQ(got_s, want_s) << "real " << real;
}

TEST(QuantizeMultiplier, HandWorked) {
  int32_t m = 0;
  int s = 0;
  QuantizeMultiplier(0.5, &m, &s);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 0);
  QuantizeMultiplier(3.0, &m, &s);
  EXPECT_EQ(m, 3 << 29);
  EXPECT_EQ(s, 2);
  // 1 - 2^-40 rounds up to 2^31 and renormalizes.
  QuantizeMultiplier(1.0 - std::ldexp(1.0, -40), &m, &s);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 1);
  // Below 2^-32 the shift would be < -31: zero.
  QuantizeMultiplier(std::ldexp(1.0, -33), &m, &s);
  EXPECT_EQ(m, 0);
  EXPECT_EQ(s, 0);
  // Non-finite inputs give zero (TFLite's cast would be undefined).
  QuantizeMultiplier(std::numeric_limits<double>::infinity(), &m, &s);
  EXPECT_EQ(m, 0);
  EXPECT_EQ(s, 0);
  QuantizeMultiplier(std::numeric_limits<double>::quiet_NaN(), &m, &s);
  EXPECT_EQ(m, 0);
  EXPECT_EQ(s, 0);
}

TEST(QuantizeMultiplier, EdgesEqualTheDoubleFormula) {
  const double edges[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.75, 1.0 - std::ldexp(1.0, -32),
                          1.0 - std::ldexp(1.0, -31), 1.0 - std::ldexp(1.0, -33), -(1.0 - std::ldexp(1.0, -40)),
                          std::ldexp(1.0, -31), std::ldexp(1.0, -32), std::ldexp(0.75, -31),
                          std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
                          std::numeric_limits<double>::denorm_min(), 1e-300, 12345.678, 0.0009765625};
  for (double real : edges) ExpectSame(real);
  // Exactly halfway between two multipliers: significand bit 21 set, bits
  // 0..20 clear (rounds away from zero), and one ulp either side of it.
  for (uint64_t k : {0ull, 1ull, 12345ull, (1ull << 29), (1ull << 30) - 1}) {
    for (uint64_t exponent : {1ull, 1000ull, 1022ull, 1030ull}) {
      for (int64_t ulp : {-1, 0, 1}) {
        const uint64_t bits = (exponent << 52) | (k << 22) | ((1ull << 21) + ulp);
        double real;
        memcpy(&real, &bits, sizeof(real));
        ExpectSame(real);
        ExpectSame(-real);
      }
    }
  }
}

// Random bit patterns over every finite double (subnormals and negatives
// included) and random scale products like the ops compute; fixed seed.
TEST(QuantizeMultiplier, RandomDoublesEqualTheDoubleFormula) {
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 2000000; ++i) {
    uint64_t bits = rng();
    if (i % 4 == 0) bits &= ~(static_cast<uint64_t>(0x7ff) << 52);  // subnormal (or zero)
    if (i % 4 == 1) {
      // Exponents near 1 (scale ratios): 2^-40 .. 2^8.
      const uint64_t e = 1023 - 40 + (rng() % 49);
      bits = (bits & ~(static_cast<uint64_t>(0x7ff) << 52)) | (e << 52);
    }
    double real;
    memcpy(&real, &bits, sizeof(real));
    if (!std::isfinite(real)) continue;
    ExpectSame(real);
  }
  std::uniform_real_distribution<float> scale(1e-6f, 1.0f);
  for (int i = 0; i < 200000; ++i) {
    const float a = scale(rng), b = scale(rng), c = scale(rng);
    ExpectSame(static_cast<double>(a) * static_cast<double>(b) / static_cast<double>(c));
  }
}

}  // namespace
}  // namespace tinyml
