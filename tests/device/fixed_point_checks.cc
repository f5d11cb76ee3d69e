// The fixed-point helpers on the target's own arithmetic: hand-worked
// values, and a digest over many pseudo-random inputs that must equal the
// digest of the same computation on the x86-64 host (kHostDigest, printed
// by building this file for the host; see README.md). QuantizeMultiplier
// runs in software double arithmetic on M4/M33/M55 (single-precision FPUs),
// so it gets its own digest.
#include "checks.h"

#include "check.h"
#include "core/fixed_point.h"

namespace tinyml::device_test {
namespace {

// Digests computed by the same code on the host (g++ 12, x86-64).
constexpr uint32_t kHostIntegerDigest = 0x27453e9f;
constexpr uint32_t kHostMultiplierDigest = 0x1bfb8cf1;

}  // namespace

uint32_t Mix(uint32_t h, uint32_t v) {
  // FNV-1a over the 4 bytes of v.
  for (int i = 0; i < 4; ++i) h = (h ^ ((v >> (8 * i)) & 0xFFu)) * 16777619u;
  return h;
}

uint32_t NextRandom(uint32_t* state) {
  // xorshift32: fixed sequence for a fixed seed.
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

uint32_t FixedPointIntegerDigest() {
  uint32_t h = 2166136261u, state = 20240601u;
  for (int i = 0; i < 20000; ++i) {
    const int32_t a = static_cast<int32_t>(NextRandom(&state));
    const int32_t b = static_cast<int32_t>(NextRandom(&state));
    const int exponent = static_cast<int>(NextRandom(&state) % 32u);
    const int shift = static_cast<int>(NextRandom(&state) % 40u) - 31;  // -31..8
    // Small accumulators are the common case in kernels.
    const int32_t acc = static_cast<int32_t>(NextRandom(&state)) >> (NextRandom(&state) % 24u);
    h = Mix(h, static_cast<uint32_t>(SaturatingRoundingDoublingHighMul(a, b)));
    h = Mix(h, static_cast<uint32_t>(RoundingDivideByPOT(a, exponent)));
    h = Mix(h, static_cast<uint32_t>(MultiplyByQuantizedMultiplier(acc, b & 0x7FFFFFFF, shift)));
  }
  return h;
}

uint32_t FixedPointMultiplierDigest() {
  uint32_t h = 2166136261u, state = 777u;
  for (int i = 0; i < 5000; ++i) {
    // Scales like real models: 2^-40 .. 2^8 with random mantissas.
    const double mantissa = 1.0 + static_cast<double>(NextRandom(&state)) / 4294967296.0;
    const int exponent = static_cast<int>(NextRandom(&state) % 48u) - 40;
    double real = mantissa;
    for (int e = 0; e < (exponent < 0 ? -exponent : exponent); ++e) real = exponent < 0 ? real * 0.5 : real * 2.0;
    int32_t multiplier = 0;
    int shift = 0;
    QuantizeMultiplier(real, &multiplier, &shift);
    h = Mix(h, static_cast<uint32_t>(multiplier));
    h = Mix(h, static_cast<uint32_t>(shift));
  }
  return h;
}

#ifndef TINYML_DEVICE_DIGEST_ONLY
void FixedPointChecks() {
  // Hand-worked values (gemmlowp semantics).
  TINYML_CHECK_EQ(SaturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN), INT32_MAX);
  TINYML_CHECK_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
  TINYML_CHECK_EQ(SaturatingRoundingDoublingHighMul(-(1 << 30), 1 << 30), -(1 << 29));
  TINYML_CHECK_EQ(SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);     // 1.5 rounds away
  // gemmlowp's nudge is asymmetric: -1.5 rounds toward zero.
  TINYML_CHECK_EQ(SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
  TINYML_CHECK_EQ(RoundingDivideByPOT(5, 1), 3);
  TINYML_CHECK_EQ(RoundingDivideByPOT(-5, 1), -3);
  TINYML_CHECK_EQ(RoundingDivideByPOT(-4, 1), -2);
  TINYML_CHECK_EQ(RoundingDivideByPOT(INT32_MAX, 31), 1);
  TINYML_CHECK_EQ(RoundingDivideByPOT(INT32_MIN, 31), -1);
  TINYML_CHECK_EQ(MultiplyByQuantizedMultiplier(1000, 1 << 30, 0), 500);
  TINYML_CHECK_EQ(MultiplyByQuantizedMultiplier(1000, 1 << 30, -3), 63);  // 62.5 rounds away
  TINYML_CHECK_EQ(MultiplyByQuantizedMultiplier(1000, 1 << 30, 2), 2000);
  int32_t multiplier = 0;
  int shift = 0;
  QuantizeMultiplier(0.5, &multiplier, &shift);
  TINYML_CHECK_EQ(multiplier, 1 << 30);
  TINYML_CHECK_EQ(shift, 0);
  QuantizeMultiplier(0.75, &multiplier, &shift);
  TINYML_CHECK_EQ(multiplier, 3 << 29);
  TINYML_CHECK_EQ(shift, 0);
  QuantizeMultiplier(3.0, &multiplier, &shift);
  TINYML_CHECK_EQ(multiplier, 3 << 29);
  TINYML_CHECK_EQ(shift, 2);
  QuantizeMultiplier(0.0, &multiplier, &shift);
  TINYML_CHECK_EQ(multiplier, 0);
  TINYML_CHECK_EQ(shift, 0);
  // 1 - 2^-40 rounds up to 2^31 and must renormalize.
  QuantizeMultiplier(1.0 - 1.0 / 1099511627776.0, &multiplier, &shift);
  TINYML_CHECK_EQ(multiplier, 1 << 30);
  TINYML_CHECK_EQ(shift, 1);

  TINYML_CHECK_EQ(FixedPointIntegerDigest(), kHostIntegerDigest);
  TINYML_CHECK_EQ(FixedPointMultiplierDigest(), kHostMultiplierDigest);
}
#endif

}  // namespace tinyml::device_test
