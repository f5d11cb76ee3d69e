// ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM: reference math with TFLite Micro's
// exact semantics, broadcasting as in broadcast.h (ranks up to kMaxRank).
//
// Every kernel takes (params, shape1, in1, shape2, in2, out_shape, out).
// Callers guarantee (the op glue validates): out_shape is the broadcast shape
// of shape1 and shape2, the params come from the Prepare* functions below,
// and quantized zero points lie in their type's range. `out` may alias an
// input of the same shape.
//
// Integer arithmetic that TFLite leaves to wrap on overflow (int32 ADD, SUB,
// MUL) wraps here too, without undefined behaviour. Where TFLite's reference
// is undefined (integer division by zero), the choice made is documented at
// the kernel.
#ifndef TINYML_KERNELS_REF_BINARY_H_
#define TINYML_KERNELS_REF_BINARY_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct ArithmeticParams {
  // Quantized paths: negated input zero points, output zero point.
  int32_t input1_offset = 0;
  int32_t input2_offset = 0;
  int32_t output_offset = 0;
  // Quantized ADD/SUB: inputs are shifted left, rescaled to a common scale,
  // combined, then rescaled to the output.
  int32_t left_shift = 0;
  int32_t input1_multiplier = 0;
  int32_t input1_shift = 0;
  int32_t input2_multiplier = 0;
  int32_t input2_shift = 0;
  // Quantized ADD/SUB/MUL/DIV. shift > 0 is a left shift.
  int32_t output_multiplier = 0;
  int32_t output_shift = 0;
  // Clamp of quantized and int32 outputs (fused activation included).
  int32_t quantized_min = 0;
  int32_t quantized_max = 0;
  // Clamp of float outputs.
  float float_min = 0.0f;
  float float_max = 0.0f;
};

// --- Prepare: constants from the tensors' scales and zero points. Each
// returns false when TFLite would reject (abort on) the scales: a non-finite
// or non-positive scale, or a rescale factor outside what the integer
// kernel can represent. Clamp bounds are left to the caller.

// ADD: left shift 20 (int8) or 15 (int16); multipliers from double
// arithmetic, as TFLite Micro's add_common.
bool PrepareQuantizedAdd(bool is_int16, float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params);
// SUB: the same constants as ADD. (Recent TFLite Micro forms SUB's ratios
// in float, which moves some multipliers by one bit; the reference snapshot
// whose int16 SUB goldens we match uses double, like ADD.)
bool PrepareQuantizedSub(bool is_int16, float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params);
// MUL: one multiplier for input1_scale * input2_scale / output_scale (double).
bool PrepareQuantizedMul(float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params);
// DIV: one multiplier for input1_scale / (input2_scale * output_scale),
// computed in float as TFLite Micro's div.cc does.
bool PrepareQuantizedDiv(float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params);

// --- ADD.
void AddS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out);
void AddS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out);
void AddS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out);
void AddF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out);

// --- SUB: in1 - in2.
void SubS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out);
void SubS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out);
void SubS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out);
void SubF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out);

// --- MUL.
void MulS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out);
// int16 MUL: TFLite requires all zero points to be 0.
void MulS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out);
void MulS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out);
void MulF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out);

// --- DIV: in1 / in2.
// int8: TFLite's reciprocal-based fixed-point division. A zero divisor
// (input2 equal to its zero point; undefined in TFLite) gives the clamp
// bound on the dividend's side: quantized_max for a positive dividend,
// quantized_min for a negative one, the output zero point for zero.
void DivS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out);
// int32: C division (truncates toward zero), then the activation clamp.
// Division by zero (undefined in TFLite) gives a quotient of 0;
// INT32_MIN / -1 gives INT32_MIN (two's complement wrap).
void DivS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out);
void DivF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out);

// --- MINIMUM / MAXIMUM: raw comparisons, no requantization (TFLite assumes
// the tensors share one quantization). For floats, a NaN in input1 yields
// input2 and a NaN in input2 yields NaN, as `a > b ? a : b` does.
template <typename T>
void Maximum(const Shape& shape1, const T* in1, const Shape& shape2, const T* in2, const Shape& out_shape, T* out);
template <typename T>
void Minimum(const Shape& shape1, const T* in1, const Shape& shape2, const T* in2, const Shape& out_shape, T* out);

// Instantiated for float, int8_t, int16_t, int32_t, int64_t.
extern template void Maximum<float>(const Shape&, const float*, const Shape&, const float*, const Shape&, float*);
extern template void Maximum<int8_t>(const Shape&, const int8_t*, const Shape&, const int8_t*, const Shape&,
                                     int8_t*);
extern template void Maximum<int16_t>(const Shape&, const int16_t*, const Shape&, const int16_t*, const Shape&,
                                      int16_t*);
extern template void Maximum<int32_t>(const Shape&, const int32_t*, const Shape&, const int32_t*, const Shape&,
                                      int32_t*);
extern template void Maximum<int64_t>(const Shape&, const int64_t*, const Shape&, const int64_t*, const Shape&,
                                      int64_t*);
extern template void Minimum<float>(const Shape&, const float*, const Shape&, const float*, const Shape&, float*);
extern template void Minimum<int8_t>(const Shape&, const int8_t*, const Shape&, const int8_t*, const Shape&,
                                     int8_t*);
extern template void Minimum<int16_t>(const Shape&, const int16_t*, const Shape&, const int16_t*, const Shape&,
                                      int16_t*);
extern template void Minimum<int32_t>(const Shape&, const int32_t*, const Shape&, const int32_t*, const Shape&,
                                      int32_t*);
extern template void Minimum<int64_t>(const Shape&, const int64_t*, const Shape&, const int64_t*, const Shape&,
                                      int64_t*);

// --- Helpers shared with the tests.

// TFLite's CountLeadingSignBits for int32 (31 for 0).
int CountLeadingSignBits32(int32_t x);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_BINARY_H_
