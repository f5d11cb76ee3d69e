// SOFTMAX along the last dimension, with TFLite's reference semantics.
//
// The int8 kernels follow TFLite's integer reference: differences to the
// row maximum are rescaled by a (multiplier, left shift) pair into Q5.26,
// exponentiated in gemmlowp fixed point, summed in Q12.19 and scaled by the
// fixed-point reciprocal of the sum. Differences below diff_min contribute
// nothing and produce the output minimum.
#ifndef TINYML_KERNELS_REF_SOFTMAX_H_
#define TINYML_KERNELS_REF_SOFTMAX_H_

#include <stdint.h>

namespace tinyml {
namespace ref {

struct SoftmaxParams {
  // int8 input: beta * input_scale as a Q5.26 multiplier > 1 (left_shift >= 0).
  int32_t input_multiplier = 0;
  int32_t input_left_shift = 0;
  // int8 input: most negative difference to the row maximum that still counts.
  int32_t diff_min = 0;
  // float only.
  float beta = 1.0f;
};

// TFLite's prepare step for int8 input (PreprocessSoftmaxScaling with 5
// integer bits, then CalculateInputRadius). Returns false where TFLite would
// abort: beta * input_scale too small for a multiplier above one.
bool PrepareSoftmaxS8(double beta, double input_scale, SoftmaxParams* params);

// `outer_size` rows of `depth` values; input and output may not alias.
// int8 output is quantized with scale 1/256 and zero point -128; int16 output
// with scale 1/65536 and zero point -32768. Both return false (leaving the
// row partly written) for a row whose sum of exponentials leaves TFLite's
// fixed-point range (TFLite aborts there): that needs more than 511 values
// near the maximum for int8 output, or 4096 for int16.
bool SoftmaxS8(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const int8_t* input,
               int8_t* output);
bool SoftmaxS8ToS16(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const int8_t* input,
                    int16_t* output);

// exp((x - max) * beta) / sum, in float, in TFLite's order of operations.
void SoftmaxF32(const SoftmaxParams& params, int32_t outer_size, int32_t depth, const float* input, float* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_SOFTMAX_H_
