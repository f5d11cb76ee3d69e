#include "kernels/ref/activations.h"

#include <float.h>
#include <math.h>

#include "core/fixed_point.h"
#include "core/fixed_point_math.h"

namespace tinyml {
namespace ref {
namespace {

// Integer bits of the rescaled input (Q4.27).
constexpr int kInputIntegerBits = 4;

}  // namespace

bool PrepareSigmoidTanhS8(float input_scale, int32_t input_zero_point, SigmoidTanhParams* params) {
  const double real = static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
  if (!(real > 0.0) || !(real <= DBL_MAX)) return false;
  int shift = 0;
  const double fraction = FrexpExact(real, &shift);
  // TFLite rounds the fraction directly (no renormalization): a float scale
  // has 24 significant bits, so the result stays below 2^31.
  const int64_t multiplier = RoundHalfAway(fraction * 2147483648.0);
  if (multiplier > INT32_MAX || shift < 0 || shift > 62) return false;
  params->input_zero_point = input_zero_point;
  params->input_multiplier = static_cast<int32_t>(multiplier);
  params->input_shift = shift;
  const double max_input_rescaled = 1.0 * ((1 << kInputIntegerBits) - 1) *
                                    static_cast<double>(1LL << (31 - kInputIntegerBits)) /
                                    static_cast<double>(1LL << shift);
  params->input_range_radius = static_cast<int32_t>(max_input_rescaled);  // positive, so the cast floors
  return true;
}

void LogisticS8(const SigmoidTanhParams& params, int64_t size, const int8_t* input, int8_t* output) {
  for (int64_t i = 0; i < size; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - params.input_zero_point;
    if (x <= -params.input_range_radius) {
      output[i] = -128;
    } else if (x >= params.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(x, params.input_multiplier, params.input_shift);
      const int32_t q0 = fixed_point::Logistic<kInputIntegerBits>(q4);
      // Q0.31 to 1/256 steps, zero point -128.
      int32_t value = RoundingDivideByPOT(q0, 23) - 128;
      value = value < -128 ? -128 : value;
      value = value > 127 ? 127 : value;
      output[i] = static_cast<int8_t>(value);
    }
  }
}

void TanhS8(const SigmoidTanhParams& params, int64_t size, const int8_t* input, int8_t* output) {
  for (int64_t i = 0; i < size; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - params.input_zero_point;
    if (x <= -params.input_range_radius) {
      output[i] = -128;
    } else if (x >= params.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(x, params.input_multiplier, params.input_shift);
      const int32_t q0 = fixed_point::Tanh<kInputIntegerBits>(q4);
      // Q0.31 to 1/128 steps, zero point 0.
      int32_t value = RoundingDivideByPOT(q0, 24);
      value = value < -128 ? -128 : value;
      value = value > 127 ? 127 : value;
      output[i] = static_cast<int8_t>(value);
    }
  }
}

void LogisticF32(int64_t size, const float* input, float* output) {
  // TFLite's cutoffs: above this 1/(1+exp(-x)) rounds to 1.0f anyway, and
  // below -9 exp(x) alone is accurate enough.
  const float kCutoffUpper = 16.619047164916992188f;
  const float kCutoffLower = -9.0f;
  for (int64_t i = 0; i < size; ++i) {
    const float x = input[i];
    float result;
    if (x > kCutoffUpper) {
      result = 1.0f;
    } else if (x < kCutoffLower) {
      result = expf(x);
    } else {
      result = 1.0f / (1.0f + expf(-x));
    }
    output[i] = result;
  }
}

void TanhF32(int64_t size, const float* input, float* output) {
  for (int64_t i = 0; i < size; ++i) output[i] = tanhf(input[i]);
}

}  // namespace ref
}  // namespace tinyml
