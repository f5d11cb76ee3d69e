// Fixed-point arithmetic with TFLite's exact rounding (gemmlowp semantics).
//
// Everything here is integer-only except QuantizeMultiplier*, which turns a
// real scale into (multiplier, shift) once, at prepare time, exactly as
// TFLite does (frexp + round half away from zero), so multipliers match
// TFLite's bit for bit.
#ifndef TINYML_CORE_FIXED_POINT_H_
#define TINYML_CORE_FIXED_POINT_H_

#include <stdint.h>
#include <string.h>

namespace tinyml {

// (a * b * 2) >> 32 rounded to nearest, saturating the one overflow case.
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == INT32_MIN;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  // Division (not shift) truncates toward zero, as gemmlowp does.
  const int32_t high = static_cast<int32_t>((ab + nudge) / (1LL << 31));
  return overflow ? INT32_MAX : high;
}

// x / 2^exponent rounded to nearest, ties away from zero. 0 <= exponent <= 31.
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * multiplier * 2^shift with TFLite's (double-rounding) reference rounding.
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // TFLite multiplies by (1 << left_shift) in int32 arithmetic (wrapping).
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier), right_shift);
}

// For multipliers < 1 (shift <= 0).
inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier, int left_shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -left_shift);
}

// For multipliers > 1 (left_shift >= 0).
inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier, int left_shift) {
  return SaturatingRoundingDoublingHighMul(
      static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), multiplier);
}


// frexp without libm: value = fraction * 2^exponent, 0.5 <= |fraction| < 1.
// Exact for every finite double (subnormals included).
inline double FrexpExact(double value, int* exponent) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof(bits));
  int raw_exp = static_cast<int>((bits >> 52) & 0x7ff);
  if (value == 0.0 || raw_exp == 0x7ff) {  // zero, inf, nan: as frexp
    *exponent = 0;
    return value;
  }
  int adjust = 0;
  if (raw_exp == 0) {  // subnormal: scale up by 2^64 first
    value *= 18446744073709551616.0;
    memcpy(&bits, &value, sizeof(bits));
    raw_exp = static_cast<int>((bits >> 52) & 0x7ff);
    adjust = -64;
  }
  *exponent = raw_exp - 1022 + adjust;
  bits = (bits & ~(static_cast<uint64_t>(0x7ff) << 52)) | (static_cast<uint64_t>(1022) << 52);
  double fraction;
  memcpy(&fraction, &bits, sizeof(fraction));
  return fraction;
}

// Round half away from zero, as std::round, for |x| < 2^62.
inline int64_t RoundHalfAway(double x) {
  return x >= 0 ? static_cast<int64_t>(x + 0.5) : -static_cast<int64_t>(-x + 0.5);
}

// TFLite's QuantizeMultiplier: real = multiplier * 2^(shift - 31), that is
// frexp(real) = (q, shift) and multiplier = round(q * 2^31) (half away from
// zero), renormalized when it rounds up to 2^31; shifts below -31 give 0.
// Computed from the double's bits with integer arithmetic only: q * 2^31 is
// the 53-bit significand over 2^22, so the rounding is exact and equals the
// double computation for every finite input (subnormals included; non-finite
// inputs give 0, 0). Prepare-time only: not inlined, so a firmware links one
// copy however many ops call it.
__attribute__((noinline)) inline void QuantizeMultiplier(double real_multiplier, int32_t* quantized_multiplier,
                                                         int* shift) {
  *quantized_multiplier = 0;
  *shift = 0;
  uint64_t bits;
  memcpy(&bits, &real_multiplier, sizeof(bits));
  int exponent = static_cast<int>((bits >> 52) & 0x7ff);
  uint64_t significand = bits & ((static_cast<uint64_t>(1) << 52) - 1);
  if (exponent == 0x7ff) return;  // inf, nan
  if (exponent == 0) {            // zero or subnormal
    if (significand == 0) return;
    exponent = 1;
    while ((significand >> 52) == 0) {
      significand <<= 1;
      --exponent;
    }
  } else {
    significand |= static_cast<uint64_t>(1) << 52;
  }
  // |real| = (significand / 2^53) * 2^(exponent - 1022), the fraction in [0.5, 1).
  int s = exponent - 1022;
  uint32_t magnitude = static_cast<uint32_t>((significand + (static_cast<uint64_t>(1) << 21)) >> 22);
  const bool negative = (bits >> 63) != 0;
  // TFLite renormalizes +2^31 only; -2^31 stays (INT32_MIN).
  if (magnitude == 0x80000000u && !negative) {
    magnitude >>= 1;
    ++s;
  }
  if (s < -31) return;
  *quantized_multiplier = static_cast<int32_t>(negative ? 0u - magnitude : magnitude);
  *shift = s;
}

// TFLite's QuantizeMultiplierSmallerThanOneExp (0 < real < 1).
inline void QuantizeMultiplierSmallerThanOneExp(double real_multiplier, int32_t* quantized_multiplier,
                                                int* left_shift) {
  QuantizeMultiplier(real_multiplier, quantized_multiplier, left_shift);
}

// TFLite's QuantizeMultiplierGreaterThanOne (real > 1).
inline void QuantizeMultiplierGreaterThanOne(double real_multiplier, int32_t* quantized_multiplier,
                                             int* left_shift) {
  QuantizeMultiplier(real_multiplier, quantized_multiplier, left_shift);
}

}  // namespace tinyml

#endif  // TINYML_CORE_FIXED_POINT_H_
