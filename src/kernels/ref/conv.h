// 2-D convolution, reference math with TFLite's exact semantics.
//
// Layouts are NHWC: input [batches, in_h, in_w, in_c], filter
// [out_c, kh, kw, filter_in_c], output [batches, out_h, out_w, out_c]. When
// filter_in_c divides in_c the convolution is grouped: output channel oc reads
// input channels [g * filter_in_c, (g + 1) * filter_in_c) of group
// g = oc / (out_c / groups). Padding is implicit zeros (points outside the
// image are skipped), exactly like TFLite's reference kernels.
//
// Callers guarantee (the op glue validates): all shapes rank 4, consistent
// as described, out_c divisible by the group count, strides and dilations
// >= 1, and every index the loops form fits in int32.
#ifndef TINYML_KERNELS_REF_CONV_H_
#define TINYML_KERNELS_REF_CONV_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct ConvParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  // Leading (top/left) padding; trailing padding is implied by the shapes.
  int32_t pad_height = 0;
  int32_t pad_width = 0;
  // int8 only: the negated input zero point and the output zero point.
  int32_t input_offset = 0;
  int32_t output_offset = 0;
  // int8 only: fused activation clamp in the output's quantized domain.
  int32_t quantized_min = -128;
  int32_t quantized_max = 127;
  // float only: fused activation clamp.
  float float_min = 0.0f;
  float float_max = 0.0f;
};

// int8 input/output, int8 symmetric filter with one (multiplier, shift) per
// output channel (per-tensor filters repeat the same pair), optional int32
// bias (nullptr = none). shift > 0 is a left shift, as TFLite's
// QuantizeMultiplier returns it.
void ConvPerChannelS8(const ConvParams& params, const int32_t* output_multipliers, const int32_t* output_shifts,
                      const Shape& input_shape, const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                      const int32_t* bias, const Shape& output_shape, int8_t* output);

// float32 everything; bias optional (nullptr).
void ConvF32(const ConvParams& params, const Shape& input_shape, const float* input, const Shape& filter_shape,
             const float* filter, const float* bias, const Shape& output_shape, float* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_CONV_H_
