// FULLY_CONNECTED with TFLite's reference semantics.
//
// The input is read as [batches, accum_depth] row-major, the filter as
// [output_depth, accum_depth] and the output written as [batches,
// output_depth]: output[b][o] = sum_d input[b][d] * filter[o][d] (+ bias[o]).
#ifndef TINYML_KERNELS_REF_FULLY_CONNECTED_H_
#define TINYML_KERNELS_REF_FULLY_CONNECTED_H_

#include <stdint.h>

namespace tinyml {
namespace ref {

struct FullyConnectedParams {
  int32_t batches = 0;
  int32_t accum_depth = 0;
  int32_t output_depth = 0;
  // int8 only: negated input and filter zero points, output zero point.
  int32_t input_offset = 0;
  int32_t filter_offset = 0;  // per-tensor kernel only
  int32_t output_offset = 0;
  // int8 per-tensor kernel only; shift > 0 shifts left.
  int32_t output_multiplier = 0;
  int32_t output_shift = 0;
  // int8 only: fused activation clamp in the quantized domain.
  int32_t quantized_min = -128;
  int32_t quantized_max = 127;
  // float only: fused activation clamp.
  float float_min = 0.0f;
  float float_max = 0.0f;
};

// int8, one requantization for the whole tensor; the filter zero point is
// applied (TFLite keeps it for per-tensor filters). bias may be nullptr.
void FullyConnectedS8(const FullyConnectedParams& params, const int8_t* input, const int8_t* filter,
                      const int32_t* bias, int8_t* output);

// int8, one (multiplier, shift) per output channel; the filter is symmetric
// (TFLite ignores its zero point here). bias may be nullptr.
void FullyConnectedPerChannelS8(const FullyConnectedParams& params, const int32_t* output_multipliers,
                                const int32_t* output_shifts, const int8_t* input, const int8_t* filter,
                                const int32_t* bias, int8_t* output);

// float32; bias may be nullptr.
void FullyConnectedF32(const FullyConnectedParams& params, const float* input, const float* filter, const float* bias,
                       float* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_FULLY_CONNECTED_H_
