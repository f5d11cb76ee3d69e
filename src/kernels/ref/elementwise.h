// RELU, RELU6, LEAKY_RELU: reference math with TFLite Micro's semantics.
//
// All kernels map `count` elements of `in` to `out`; `out` may alias `in`.
// Quantized kernels are integer-only; their constants come from the
// Prepare* functions, which return false where TFLite would reject the
// scales (non-finite or non-positive, or a rescale factor of 2^30 or more).
#ifndef TINYML_KERNELS_REF_ELEMENTWISE_H_
#define TINYML_KERNELS_REF_ELEMENTWISE_H_

#include <stdint.h>

namespace tinyml {
namespace ref {

// Quantized RELU requantizes from the input to the output scale, then clamps
// below at the output zero point (TFLite Micro's ReluQuantized).
struct ReluQuantParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t multiplier = 0;
  int32_t shift = 0;
  int32_t quantized_min = 0;
  int32_t quantized_max = 0;
};

// type_min/type_max: the quantized type's limits.
bool PrepareReluQuant(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                      int32_t type_min, int32_t type_max, ReluQuantParams* params);
void ReluS8(const ReluQuantParams& params, const int8_t* in, int64_t count, int8_t* out);
void ReluS16(const ReluQuantParams& params, const int16_t* in, int64_t count, int16_t* out);
void ReluF32(const float* in, int64_t count, float* out);

// Quantized RELU6 clamps raw input values to [zero, six] in the *input's*
// quantization and copies them (TFLite Micro ignores the output's scale).
// `six` is round(6 / scale) + zero_point, limited to the type's range.
bool Relu6QuantBounds(float input_scale, int32_t input_zero_point, int32_t type_min, int32_t type_max,
                      int32_t* lower, int32_t* upper);
void Relu6S8(int32_t lower, int32_t upper, const int8_t* in, int64_t count, int8_t* out);
void Relu6S16(int32_t lower, int32_t upper, const int16_t* in, int64_t count, int16_t* out);
void Relu6F32(const float* in, int64_t count, float* out);

// Quantized LEAKY_RELU: non-negative (x - zero_point) are rescaled by
// input_scale / output_scale, negative ones by alpha * input_scale /
// output_scale (a negative alpha gives a negative multiplier), then the
// output zero point is added and the result clamped to the type.
struct LeakyReluQuantParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t multiplier_identity = 0;
  int32_t shift_identity = 0;
  int32_t multiplier_alpha = 0;
  int32_t shift_alpha = 0;
};

bool PrepareLeakyReluQuant(float input_scale, int32_t input_zero_point, float output_scale,
                           int32_t output_zero_point, float alpha, LeakyReluQuantParams* params);
void LeakyReluS8(const LeakyReluQuantParams& params, const int8_t* in, int64_t count, int8_t* out);
void LeakyReluS16(const LeakyReluQuantParams& params, const int16_t* in, int64_t count, int16_t* out);
// x > 0 ? x : x * alpha.
void LeakyReluF32(float alpha, const float* in, int64_t count, float* out);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_ELEMENTWISE_H_
