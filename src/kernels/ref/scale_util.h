// Checks and conversions shared by the elementwise reference kernels'
// prepare steps (binary.cc, elementwise.cc, quantize.cc).
#ifndef TINYML_KERNELS_REF_SCALE_UTIL_H_
#define TINYML_KERNELS_REF_SCALE_UTIL_H_

#include <float.h>
#include <stdint.h>

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {

// A usable quantization scale: finite and positive (false for NaN).
inline bool ScaleOk(float scale) { return scale > 0.0f && scale <= FLT_MAX; }

// TFLite's QuantizeMultiplier, refusing what MultiplyByQuantizedMultiplier
// cannot apply inside int32 arithmetic: non-finite factors and left shifts
// above 30 (a rescale factor of 2^30 or more). Negative factors are allowed
// (LEAKY_RELU with a negative alpha).
inline bool QuantizeMultiplierChecked(double real, int32_t* multiplier, int32_t* shift) {
  if (!(real >= -1e300 && real <= 1e300)) return false;
  int s = 0;
  QuantizeMultiplier(real, multiplier, &s);
  *shift = s;
  return s <= 30;
}

// float -> int64 as a C cast would truncate, but defined everywhere: NaN
// gives 0 and out-of-range values saturate.
inline int64_t TruncateToInt64(float value) {
  if (!(value == value)) return 0;
  if (value >= 9.2233720368547758e18f) return INT64_MAX;
  if (value <= -9.2233720368547758e18f) return INT64_MIN;
  return static_cast<int64_t>(value);
}

// std::round(float) (half away from zero), then saturated to int32; NaN
// gives 0. Exact: a float has at most 24 significant bits, so adding 0.5 in
// double cannot round.
inline int32_t RoundToInt32(float value) {
  if (!(value == value)) return 0;
  if (value >= 2147483648.0f) return INT32_MAX;
  if (value <= -2147483648.0f) return INT32_MIN;
  const double d = value;
  const double r = d >= 0 ? d + 0.5 : d - 0.5;
  const int64_t t = static_cast<int64_t>(r);  // truncation toward zero
  if (t > INT32_MAX) return INT32_MAX;
  if (t < INT32_MIN) return INT32_MIN;
  return static_cast<int32_t>(t);
}

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_SCALE_UTIL_H_
