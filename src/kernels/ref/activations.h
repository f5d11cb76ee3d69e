// LOGISTIC and TANH with TFLite's reference semantics.
//
// int8: inputs are rescaled into Q4.27 by a (multiplier, shift) pair derived
// from the input scale, then evaluated with gemmlowp's fixed-point logistic /
// tanh. Inputs at or beyond +-input_range_radius (in quantized steps from the
// zero point) saturate directly. Output quantization is implied, as in
// TFLite: logistic writes scale 1/256 with zero point -128, tanh writes scale
// 1/128 with zero point 0.
#ifndef TINYML_KERNELS_REF_ACTIVATIONS_H_
#define TINYML_KERNELS_REF_ACTIVATIONS_H_

#include <stdint.h>

namespace tinyml {
namespace ref {

struct SigmoidTanhParams {
  int32_t input_zero_point = 0;
  int32_t input_range_radius = 0;
  int32_t input_multiplier = 0;
  int32_t input_shift = 0;  // > 0 shifts left
};

// TFLite's prepare step for int8 LOGISTIC and TANH (both use the same one).
// Returns false for input scales TFLite cannot represent (the shift would be
// negative or the radius computation undefined): scale < 2^-28 or >= 2^35.
bool PrepareSigmoidTanhS8(float input_scale, int32_t input_zero_point, SigmoidTanhParams* params);

void LogisticS8(const SigmoidTanhParams& params, int64_t size, const int8_t* input, int8_t* output);
void TanhS8(const SigmoidTanhParams& params, int64_t size, const int8_t* input, int8_t* output);

// 1 / (1 + exp(-x)) with TFLite's cutoffs (exactly 1 above ~16.6, exp(x)
// below -9).
void LogisticF32(int64_t size, const float* input, float* output);
void TanhF32(int64_t size, const float* input, float* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_ACTIVATIONS_H_
