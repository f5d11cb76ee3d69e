// Fixed-point transcendental functions with gemmlowp's exact arithmetic.
//
// TFLite's int8 SOFTMAX, LOGISTIC and TANH reference kernels evaluate exp,
// 1/(1+x), logistic and tanh in gemmlowp fixed point. To produce the same
// bytes we evaluate the same polynomial / Newton-Raphson / barrel-shifter
// schemes with the same rounding at every step.
//
// Values are raw int32 in Qm.(31-m) format: a value with `m` integer bits
// represents raw / 2^(31-m). Functions name the integer bits of their input
// as a template parameter and return Q0.31 unless stated otherwise.
//
// Additions and negations wrap (two's complement) instead of being undefined
// on overflow: for every input the kernels reach they never overflow, and
// where gemmlowp's plain int32 arithmetic would, wrapping is what the
// hardware TFLite runs on does.
#ifndef TINYML_CORE_FIXED_POINT_MATH_H_
#define TINYML_CORE_FIXED_POINT_MATH_H_

#include <stdint.h>

#include "core/fixed_point.h"

namespace tinyml {
namespace fixed_point {

inline int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t WrappingSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t WrappingNeg(int32_t a) { return static_cast<int32_t>(0u - static_cast<uint32_t>(a)); }

// Number of leading zero bits; 32 for x == 0.
inline int CountLeadingZeros32(uint32_t x) {
  if (x == 0) return 32;
  int n = 0;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

// x * 2^kExponent. Positive exponents saturate; gemmlowp saturates as soon
// as |x| exceeds 2^(31-kExponent) - 1, one step earlier than strictly needed
// on the negative side, and we keep that. Negative exponents round to
// nearest (ties away from zero).
template <int kExponent>
inline int32_t SaturatingRoundingMultiplyByPOT(int32_t x) {
  static_assert(kExponent > -32 && kExponent < 31, "exponent out of range");
  if (kExponent == 0) return x;
  if (kExponent < 0) return RoundingDivideByPOT(x, kExponent < 0 ? -kExponent : 0);
  constexpr int kLeft = kExponent > 0 ? kExponent : 0;
  constexpr int32_t kThreshold = static_cast<int32_t>((1LL << (31 - kLeft)) - 1);
  if (x > kThreshold) return INT32_MAX;
  if (x < -kThreshold) return INT32_MIN;
  return static_cast<int32_t>(static_cast<uint32_t>(x) << kLeft);
}

// (a + b) / 2 rounded to nearest, ties away from zero; never overflows.
inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

// Q0.31 constants (round(value * 2^31)) and the raw "one" of each format.
constexpr int32_t kQ0One = INT32_MAX;  // 1.0 is not representable in Q0.31
constexpr int32_t kQ2One = 1 << 29;
constexpr int32_t kExpMinusOneEighth = 1895147668;
constexpr int32_t kOneThird = 715827883;
constexpr int32_t kQ2FortyEightSeventeenths = 1515870810;      // 48/17 in Q2.29
constexpr int32_t kQ2MinusThirtyTwoSeventeenths = -1010580540;  // -32/17 in Q2.29

// exp(a) for a in [-1/4, 0), input and output Q0.31: a 4th-order Taylor
// expansion around -1/8.
inline int32_t ExpOnIntervalMinusQuarterToZero(int32_t a) {
  const int32_t x = WrappingAdd(a, 1 << 28);  // x = a + 1/8
  const int32_t x2 = SaturatingRoundingDoublingHighMul(x, x);
  const int32_t x3 = SaturatingRoundingDoublingHighMul(x2, x);
  const int32_t x4 = SaturatingRoundingDoublingHighMul(x2, x2);
  const int32_t x4_over_4 = SaturatingRoundingMultiplyByPOT<-2>(x4);
  // (x^4/24 + x^3/6 + x^2/2) evaluated as (((x^4/4 + x^3) / 3) + x^2) / 2.
  const int32_t poly = SaturatingRoundingMultiplyByPOT<-1>(
      WrappingAdd(SaturatingRoundingDoublingHighMul(WrappingAdd(x4_over_4, x3), kOneThird), x2));
  return WrappingAdd(kExpMinusOneEighth, SaturatingRoundingDoublingHighMul(kExpMinusOneEighth, WrappingAdd(x, poly)));
}

// exp(a) for a <= 0, a in Q(kIntegerBits).(31-kIntegerBits); result Q0.31.
// a = (a mod 1/4 - 1/4) - r with r a sum of powers of two >= 1/4: the first
// part goes through the Taylor expansion, and exp(-2^k) factors are
// multiplied in for the bits set in r.
template <int kIntegerBits>
inline int32_t ExpOnNegativeValues(int32_t a) {
  static_assert(kIntegerBits >= 0 && kIntegerBits < 31, "integer bits out of range");
  constexpr int kFractionalBits = 31 - kIntegerBits;
  constexpr int32_t kOneQuarter = static_cast<int32_t>(1) << (kFractionalBits - 2);
  const int32_t mask = kOneQuarter - 1;
  const int32_t a_mod_quarter_minus_quarter = WrappingSub(a & mask, kOneQuarter);
  int32_t result =
      ExpOnIntervalMinusQuarterToZero(SaturatingRoundingMultiplyByPOT<kIntegerBits>(a_mod_quarter_minus_quarter));
  const int32_t remainder = WrappingSub(a_mod_quarter_minus_quarter, a);

  // exp(-2^k) in Q0.31 for k = -2 .. 4.
  constexpr int32_t kExpMinusPow2[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k) {
    if (kIntegerBits <= k) break;
    const int bit = kFractionalBits + k;
    if ((remainder & static_cast<int32_t>(1u << bit)) != 0)
      result = SaturatingRoundingDoublingHighMul(result, kExpMinusPow2[k + 2]);
  }
  if (kIntegerBits > 5) {
    // Below -32 the result underflows Q0.31 entirely.
    constexpr int kClampShift = kIntegerBits > 5 ? 36 - kIntegerBits : 0;
    const int32_t clamp = -(static_cast<int32_t>(1) << kClampShift);
    if (a < clamp) result = 0;
  }
  return a == 0 ? kQ0One : result;
}

// Three Newton-Raphson steps for 1 / half_denominator, in Q2.29, as gemmlowp
// seeds and iterates them.
inline int32_t NewtonReciprocalQ2(int32_t half_denominator) {
  int32_t x = WrappingAdd(kQ2FortyEightSeventeenths,
                          SaturatingRoundingDoublingHighMul(half_denominator, kQ2MinusThirtyTwoSeventeenths));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = SaturatingRoundingDoublingHighMul(half_denominator, x);
    const int32_t one_minus = WrappingSub(kQ2One, half_denominator_times_x);
    // Q2 * Q2 is Q4; back to Q2 is a saturating doubling twice.
    x = WrappingAdd(x, SaturatingRoundingMultiplyByPOT<2>(SaturatingRoundingDoublingHighMul(x, one_minus)));
  }
  return x;
}

// 1 / (1 + a) for a in [0, 1), Q0.31 in and out.
inline int32_t OneOverOnePlusX(int32_t a) {
  const int32_t x = NewtonReciprocalQ2(RoundingHalfSum(a, kQ0One));
  // x approximates 2 / (1 + a) in Q2.29: halve exactly (Q1.30), then Q0.31.
  return SaturatingRoundingMultiplyByPOT<1>(x);
}

// (1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out.
inline int32_t OneMinusXOverOnePlusX(int32_t a) {
  const int32_t x = NewtonReciprocalQ2(RoundingHalfSum(a, kQ0One));
  return SaturatingRoundingMultiplyByPOT<2>(WrappingSub(x, kQ2One));
}

// logistic(a) = 1 / (1 + exp(-a)), a in Q(kIntegerBits); result Q0.31.
template <int kIntegerBits>
inline int32_t Logistic(int32_t a) {
  const bool positive = a > 0;
  const int32_t abs_a = positive ? a : WrappingNeg(a);
  const int32_t if_positive = OneOverOnePlusX(ExpOnNegativeValues<kIntegerBits>(WrappingNeg(abs_a)));
  const int32_t if_negative = WrappingSub(kQ0One, if_positive);
  if (a == 0) return 1 << 30;  // 0.5
  return positive ? if_positive : if_negative;
}

// tanh(a) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with a's sign; a in
// Q(kIntegerBits); result Q0.31.
template <int kIntegerBits>
inline int32_t Tanh(int32_t a) {
  const bool negative = a < 0;
  const int32_t minus_abs = negative ? a : WrappingNeg(a);
  // -2|a| reinterprets the raw value with one more integer bit.
  const int32_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues<kIntegerBits + 1>(minus_abs));
  if (a == 0) return 0;
  return negative ? WrappingNeg(t) : t;
}

// 1 / x for x > 0 in Q(x_integer_digits): returns a Q0.31 value s and
// num_bits_over_unit n with 1/x = s * 2^-n, as TFLite's GetReciprocal.
inline int32_t Reciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  // x normalized into [1, 2), minus one, in Q0.31.
  const int32_t shifted_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << (headroom_plus_one & 31)) - (1u << 31));
  return OneOverOnePlusX(shifted_minus_one);
}

}  // namespace fixed_point
}  // namespace tinyml

#endif  // TINYML_CORE_FIXED_POINT_MATH_H_
