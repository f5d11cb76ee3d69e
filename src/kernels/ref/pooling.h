// AVERAGE_POOL_2D and MAX_POOL_2D, NHWC, with TFLite's reference semantics.
//
// Each output reads the filter window at (out_y * stride - pad_height,
// out_x * stride - pad_width), clipped to the input: padded positions are
// skipped, so an average divides by the number of input values actually in
// the window. int8 averages round to nearest with ties away from zero
// (TFLite's (sum +- count/2) / count).
//
// Callers guarantee (the op glue validates): input and output rank 4 with the
// same batch and channel counts, strides and filter sizes >= 1, and every
// output window overlapping the input in at least one element.
#ifndef TINYML_KERNELS_REF_POOLING_H_
#define TINYML_KERNELS_REF_POOLING_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct PoolParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t filter_height = 1;
  int32_t filter_width = 1;
  // Leading (top/left) padding.
  int32_t pad_height = 0;
  int32_t pad_width = 0;
  // int8 only: fused activation clamp in the quantized domain.
  int32_t quantized_min = -128;
  int32_t quantized_max = 127;
  // float only: fused activation clamp.
  float float_min = 0.0f;
  float float_max = 0.0f;
};

// The averages return false if some window holds no input element (which
// validated shapes exclude); the output is then incomplete.
bool AveragePoolS8(const PoolParams& params, const Shape& input_shape, const int8_t* input, const Shape& output_shape,
                   int8_t* output);
void MaxPoolS8(const PoolParams& params, const Shape& input_shape, const int8_t* input, const Shape& output_shape,
               int8_t* output);
bool AveragePoolF32(const PoolParams& params, const Shape& input_shape, const float* input, const Shape& output_shape,
                    float* output);
void MaxPoolF32(const PoolParams& params, const Shape& input_shape, const float* input, const Shape& output_shape,
                float* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_POOLING_H_
