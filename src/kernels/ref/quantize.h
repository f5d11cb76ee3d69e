// QUANTIZE (float -> int, int -> int requantization) and DEQUANTIZE, with
// TFLite Micro's reference semantics. `out` may alias `in` when both have the
// same element size.
#ifndef TINYML_KERNELS_REF_QUANTIZE_H_
#define TINYML_KERNELS_REF_QUANTIZE_H_

#include <stdint.h>

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {

// TFLite's AffineQuantize: round(value / scale) (float division, rounding
// half away from zero) + zero_point, clamped to the output type. Where the
// C++ cast in TFLite is undefined (NaN, |quotient| >= 2^31) NaN maps to the
// zero point and large values saturate.
void QuantizeF32ToS8(const float* in, int64_t count, float scale, int32_t zero_point, int8_t* out);
void QuantizeF32ToS16(const float* in, int64_t count, float scale, int32_t zero_point, int16_t* out);

// Multiplier and shift for requantizing from input_scale to output_scale
// (double ratio, TFLite's QuantizeMultiplier). False for unusable scales.
bool PrepareRequantize(float input_scale, float output_scale, int32_t* multiplier, int32_t* shift);

// TFLite's Requantize: (x - input_zero_point) rescaled, + output_zero_point,
// clamped to Out. For int32 inputs the subtraction wraps like TFLite's does
// on two's complement hardware.
template <typename In, typename Out>
void Requantize(const In* in, int64_t count, int32_t multiplier, int32_t shift, int32_t input_zero_point,
                int32_t output_zero_point, Out* out, int64_t out_min, int64_t out_max) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int32_t>(in[i])) -
                                           static_cast<uint32_t>(input_zero_point));
    const int64_t r = static_cast<int64_t>(MultiplyByQuantizedMultiplier(x, multiplier, shift)) + output_zero_point;
    out[i] = static_cast<Out>(r < out_min ? out_min : r > out_max ? out_max : r);
  }
}

// scale * (x - zero_point), multiplied in float as TFLite does.
void DequantizeS8(const int8_t* in, int64_t count, float scale, int32_t zero_point, float* out);
void DequantizeS16(const int16_t* in, int64_t count, float scale, int32_t zero_point, float* out);
void DequantizeU8(const uint8_t* in, int64_t count, float scale, int32_t zero_point, float* out);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_QUANTIZE_H_
