#include "kernels/ref/softmax.h"

#include <float.h>
#include <math.h>

#include "core/fixed_point.h"
#include "core/fixed_point_math.h"

namespace tinyml {
namespace ref {
namespace {

// Integer bits of the rescaled differences (Q5.26) and of the sum (Q12.19).
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

// The exponential of one input difference in Q0.31.
inline int32_t ExpOfDiff(const SoftmaxParams& params, int32_t diff) {
  const int32_t scaled =
      MultiplyByQuantizedMultiplierGreaterThanOne(diff, params.input_multiplier, params.input_left_shift);
  return fixed_point::ExpOnNegativeValues<kScaledDiffIntegerBits>(scaled);
}

template <typename Out>
bool SoftmaxS8Impl(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const int8_t* input,
                   Out* output, int output_bits, int32_t out_min, int32_t out_max) {
  for (int32_t i = 0; i < outer_size; ++i) {
    const int8_t* in = input + static_cast<int64_t>(i) * depth;
    Out* out = output + static_cast<int64_t>(i) * depth;
    int32_t max_in_row = -128;
    for (int32_t c = 0; c < depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;

    // TFLite sums in int32; a sum that would not fit is where it aborts.
    int64_t sum_of_exps = 0;
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - max_in_row;
      if (diff >= params.diff_min) {
        // Q0.31 to Q12.19.
        sum_of_exps += RoundingDivideByPOT(ExpOfDiff(params, diff), kAccumulationIntegerBits);
      }
    }
    if (sum_of_exps > INT32_MAX) return false;

    int num_bits_over_unit = 0;
    const int32_t reciprocal = fixed_point::Reciprocal(static_cast<int32_t>(sum_of_exps), kAccumulationIntegerBits,
                                                       &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - output_bits;
    if (exponent < 0 || exponent > 31) return false;

    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - max_in_row;
      if (diff >= params.diff_min) {
        const int32_t probability = SaturatingRoundingDoublingHighMul(reciprocal, ExpOfDiff(params, diff));
        int32_t value = RoundingDivideByPOT(probability, exponent) + out_min;
        value = value > out_max ? out_max : value;
        value = value < out_min ? out_min : value;
        out[c] = static_cast<Out>(value);
      } else {
        out[c] = static_cast<Out>(out_min);
      }
    }
  }
  return true;
}

}  // namespace

bool PrepareSoftmaxS8(double beta, double input_scale, SoftmaxParams* params) {
  // Largest multiplier TFLite allows (double rounding build).
  const double kMaxRealMultiplier = 2147483647.0;
  double real = beta * input_scale * static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
  if (kMaxRealMultiplier < real) real = kMaxRealMultiplier;
  if (!(real > 1.0)) return false;
  int shift = 0;
  QuantizeMultiplier(real, &params->input_multiplier, &shift);
  if (shift < 0 || shift > 31) return false;
  params->input_left_shift = shift;
  // Largest |difference| whose rescaled value still fits in int32: TFLite's
  // floor(31 * 2^26 / 2^shift) in double, which is exact, so an integer
  // shift gives the same value.
  const uint32_t max_input_rescaled = ((1u << kScaledDiffIntegerBits) - 1) << (31 - kScaledDiffIntegerBits);
  params->diff_min = -static_cast<int32_t>(max_input_rescaled >> shift);
  return true;
}

bool SoftmaxS8(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const int8_t* input,
               int8_t* output) {
  return SoftmaxS8Impl<int8_t>(params, outer_size, depth, input, output, 8, -128, 127);
}

bool SoftmaxS8ToS16(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const int8_t* input,
                    int16_t* output) {
  return SoftmaxS8Impl<int16_t>(params, outer_size, depth, input, output, 16, -32768, 32767);
}

void SoftmaxF32(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const float* input, float* output) {
  for (int32_t i = 0; i < outer_size; ++i) {
    const float* in = input + static_cast<int64_t>(i) * depth;
    float* out = output + static_cast<int64_t>(i) * depth;
    float max = -FLT_MAX;
    for (int32_t c = 0; c < depth; ++c) max = max < in[c] ? in[c] : max;
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; ++c) {
      const float e = expf((in[c] - max) * params.beta);
      out[c] = e;
      sum += e;
    }
    for (int32_t c = 0; c < depth; ++c) out[c] = out[c] / sum;
  }
}

}  // namespace ref
}  // namespace tinyml
