// QuantizeForActivation (float-only rounding) against TFLite's formula
// zero_point + (int)std::round(f / scale), the quotient a float.
#include <gtest/gtest.h>
#include <math.h>

#include <random>

#include "kernels/ops/op_common.h"

namespace tinyml {
namespace {

int32_t TfliteFormula(float f, float scale, int32_t zero_point) {
  return zero_point + static_cast<int32_t>(std::round(f / scale));
}

TEST(QuantizeForActivation, HandWorked) {
  EXPECT_EQ(QuantizeForActivation(6.0f, 0.05f, -128), -8);      // 120 - 128
  EXPECT_EQ(QuantizeForActivation(1.0f, 0.4f, 0), 3);           // 2.5 rounds away
  EXPECT_EQ(QuantizeForActivation(-1.0f, 0.4f, 0), -3);         // -2.5 rounds away
  EXPECT_EQ(QuantizeForActivation(0.0f, 1e-30f, 5), 5);
  // The largest float below 0.5 must not round up (q + 0.5f would).
  EXPECT_EQ(QuantizeForActivation(nextafterf(0.5f, 0.0f), 1.0f, 0), 0);
  EXPECT_EQ(QuantizeForActivation(-nextafterf(0.5f, 0.0f), 1.0f, 0), 0);
  // Quotients beyond 2^24 clamp there (TFLite's cast would overflow).
  EXPECT_EQ(QuantizeForActivation(6.0f, 1e-30f, 0), 16777216);
  EXPECT_EQ(QuantizeForActivation(-1.0f, 1e-30f, 0), -16777216);
}

// Random bounds and scales where the quotient fits (|q| < 2^24), including
// quotients near halves; fixed seed.
TEST(QuantizeForActivation, RandomEqualsTheFormula) {
  std::mt19937 rng(20261127);
  std::uniform_real_distribution<float> exponent(-20.0f, 8.0f);
  std::uniform_int_distribution<int32_t> zp(-32768, 32767);
  const float bounds[] = {-1.0f, 0.0f, 1.0f, 6.0f};
  for (int i = 0; i < 1000000; ++i) {
    const float scale = std::exp2(exponent(rng));
    const float f = bounds[i % 4];
    const int32_t z = zp(rng);
    if (!(fabsf(f / scale) < 16777216.0f)) continue;
    ASSERT_EQ(QuantizeForActivation(f, scale, z), TfliteFormula(f, scale, z)) << f << " / " << scale;
  }
  // Quotients k + 0.5 and their float neighbours.
  for (int32_t k = -5000; k <= 5000; ++k) {
    const float half = static_cast<float>(k) + 0.5f;
    for (float q : {half, nextafterf(half, -1e9f), nextafterf(half, 1e9f)}) {
      ASSERT_EQ(QuantizeForActivation(q, 1.0f, 0), TfliteFormula(q, 1.0f, 0)) << q;
    }
  }
}

}  // namespace
}  // namespace tinyml
