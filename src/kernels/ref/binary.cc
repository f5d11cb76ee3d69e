#include "kernels/ref/binary.h"

#include "core/fixed_point.h"
#include "core/fixed_point_math.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/scale_util.h"

namespace tinyml {
namespace ref {
namespace {

// TFLite aborts unless 0 < real < 1 for QuantizeMultiplierSmallerThanOneExp.
bool SmallerThanOne(double real, int32_t* multiplier, int32_t* shift) {
  if (!(real > 0.0 && real < 1.0)) return false;
  int s = 0;
  QuantizeMultiplierSmallerThanOneExp(real, multiplier, &s);
  *shift = s;
  return s <= 0;
}

int32_t WrapAdd(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
int32_t WrapSub(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b)); }
int32_t WrapMul(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b)); }

// TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi) with std::max /
// std::min's exact comparisons (a NaN passes through).
template <typename T>
T Clamp(T x, T lo, T hi) {
  const T m = x < lo ? lo : x;
  return hi < m ? hi : m;
}

// x * 2^-exponent rounded half away from zero, for any exponent. TFLite's
// gemmlowp version is only defined for 0..31; inside that range the results
// are identical. Negative exponents shift left, saturating.
int32_t RoundingDivideByPOTAnyExp(int32_t x, int exponent) {
  if (exponent < 0) {
    const int64_t v = static_cast<int64_t>(x) * (static_cast<int64_t>(1) << (exponent < -32 ? 32 : -exponent));
    if (v > INT32_MAX) return INT32_MAX;
    if (v < INT32_MIN) return INT32_MIN;
    return static_cast<int32_t>(v);
  }
  if (exponent > 62) exponent = 62;
  const int64_t x64 = x;
  const int64_t mask = (static_cast<int64_t>(1) << exponent) - 1;
  const int64_t remainder = x64 & mask;
  const int64_t threshold = (mask >> 1) + (x64 < 0 ? 1 : 0);
  return static_cast<int32_t>((x64 >> exponent) + (remainder > threshold ? 1 : 0));
}

// --- Element functions.

template <typename T>
T AddSubQuantized(const ArithmeticParams& p, T x, T y, bool subtract) {
  const int32_t shifted1 = (p.input1_offset + x) * (1 << p.left_shift);
  const int32_t shifted2 = (p.input2_offset + y) * (1 << p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.input1_shift);
  const int32_t scaled2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.input2_shift);
  const int32_t raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  const int32_t result =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output_multiplier, p.output_shift) + p.output_offset;
  return static_cast<T>(Clamp(result, p.quantized_min, p.quantized_max));
}

template <typename T>
T MulQuantized(const ArithmeticParams& p, T x, T y) {
  const int32_t a = p.input1_offset + x;
  const int32_t b = p.input2_offset + y;
  const int32_t result = p.output_offset + MultiplyByQuantizedMultiplier(a * b, p.output_multiplier, p.output_shift);
  return static_cast<T>(Clamp(result, p.quantized_min, p.quantized_max));
}

int8_t DivQuantized(const ArithmeticParams& p, int8_t x, int8_t y) {
  int32_t a = p.input1_offset + x;
  int32_t b = p.input2_offset + y;
  if (b == 0) {
    const int32_t r = a > 0 ? p.quantized_max : a < 0 ? p.quantized_min : p.output_offset;
    return static_cast<int8_t>(Clamp(r, p.quantized_min, p.quantized_max));
  }
  // The reciprocal must be positive to serve as a multiplier.
  if (b < 0) {
    a = -a;
    b = -b;
  }
  int recip_shift = 0;
  const int32_t inverse = fixed_point::Reciprocal(b, /*x_integer_digits=*/31, &recip_shift);
  const int headroom = CountLeadingSignBits32(a);
  const int32_t unscaled = MultiplyByQuantizedMultiplierGreaterThanOne(a, inverse, headroom);
  const int total_shift = p.output_shift - recip_shift - headroom;
  const int32_t result =
      p.output_offset +
      RoundingDivideByPOTAnyExp(SaturatingRoundingDoublingHighMul(unscaled, p.output_multiplier), -total_shift);
  return static_cast<int8_t>(Clamp(result, p.quantized_min, p.quantized_max));
}

}  // namespace

int CountLeadingSignBits32(int32_t x) {
  if (x == 0) return 31;
  const uint32_t u = static_cast<uint32_t>(x);
  return fixed_point::CountLeadingZeros32(x < 0 ? ~u : u) - 1;
}

// --- Prepare.

bool PrepareQuantizedAdd(bool is_int16, float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params) {
  if (!ScaleOk(input1_scale) || !ScaleOk(input2_scale) || !ScaleOk(output_scale)) return false;
  ArithmeticParams& p = *params;
  p.input1_offset = -input1_zero_point;
  p.input2_offset = -input2_zero_point;
  p.output_offset = output_zero_point;
  p.left_shift = is_int16 ? 15 : 20;
  const double twice_max = 2 * static_cast<double>(input1_scale > input2_scale ? input1_scale : input2_scale);
  const double real1 = static_cast<double>(input1_scale) / twice_max;
  const double real2 = static_cast<double>(input2_scale) / twice_max;
  const double real_out = twice_max / ((1 << p.left_shift) * static_cast<double>(output_scale));
  return SmallerThanOne(real1, &p.input1_multiplier, &p.input1_shift) &&
         SmallerThanOne(real2, &p.input2_multiplier, &p.input2_shift) &&
         SmallerThanOne(real_out, &p.output_multiplier, &p.output_shift);
}

bool PrepareQuantizedSub(bool is_int16, float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params) {
  return PrepareQuantizedAdd(is_int16, input1_scale, input1_zero_point, input2_scale, input2_zero_point,
                             output_scale, output_zero_point, params);
}

bool PrepareQuantizedMul(float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params) {
  if (!ScaleOk(input1_scale) || !ScaleOk(input2_scale) || !ScaleOk(output_scale)) return false;
  ArithmeticParams& p = *params;
  p.input1_offset = -input1_zero_point;
  p.input2_offset = -input2_zero_point;
  p.output_offset = output_zero_point;
  const double real =
      static_cast<double>(input1_scale) * static_cast<double>(input2_scale) / static_cast<double>(output_scale);
  return QuantizeMultiplierChecked(real, &p.output_multiplier, &p.output_shift);
}

bool PrepareQuantizedDiv(float input1_scale, int32_t input1_zero_point, float input2_scale,
                         int32_t input2_zero_point, float output_scale, int32_t output_zero_point,
                         ArithmeticParams* params) {
  if (!ScaleOk(input1_scale) || !ScaleOk(input2_scale) || !ScaleOk(output_scale)) return false;
  ArithmeticParams& p = *params;
  p.input1_offset = -input1_zero_point;
  p.input2_offset = -input2_zero_point;
  p.output_offset = output_zero_point;
  const float real = input1_scale / (input2_scale * output_scale);
  return QuantizeMultiplierChecked(static_cast<double>(real), &p.output_multiplier, &p.output_shift);
}

// --- Kernels.

void AddS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int8_t x, int8_t y) { return AddSubQuantized<int8_t>(params, x, y, false); });
}

void AddS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int16_t x, int16_t y) { return AddSubQuantized<int16_t>(params, x, y, false); });
}

void AddS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [&params](int32_t x, int32_t y) {
    return Clamp(WrapAdd(x, y), params.quantized_min, params.quantized_max);
  });
}

void AddF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](float x, float y) { return Clamp(x + y, params.float_min, params.float_max); });
}

void SubS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int8_t x, int8_t y) { return AddSubQuantized<int8_t>(params, x, y, true); });
}

void SubS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int16_t x, int16_t y) { return AddSubQuantized<int16_t>(params, x, y, true); });
}

void SubS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [&params](int32_t x, int32_t y) {
    return Clamp(WrapSub(x, y), params.quantized_min, params.quantized_max);
  });
}

void SubF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](float x, float y) { return Clamp(x - y, params.float_min, params.float_max); });
}

void MulS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int8_t x, int8_t y) { return MulQuantized<int8_t>(params, x, y); });
}

void MulS16(const ArithmeticParams& params, const Shape& shape1, const int16_t* in1, const Shape& shape2,
            const int16_t* in2, const Shape& out_shape, int16_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int16_t x, int16_t y) { return MulQuantized<int16_t>(params, x, y); });
}

void MulS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [&params](int32_t x, int32_t y) {
    return Clamp(WrapMul(x, y), params.quantized_min, params.quantized_max);
  });
}

void MulF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](float x, float y) { return Clamp(x * y, params.float_min, params.float_max); });
}

void DivS8(const ArithmeticParams& params, const Shape& shape1, const int8_t* in1, const Shape& shape2,
           const int8_t* in2, const Shape& out_shape, int8_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](int8_t x, int8_t y) { return DivQuantized(params, x, y); });
}

void DivS32(const ArithmeticParams& params, const Shape& shape1, const int32_t* in1, const Shape& shape2,
            const int32_t* in2, const Shape& out_shape, int32_t* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [&params](int32_t x, int32_t y) {
    int32_t q;
    if (y == 0) {
      q = 0;
    } else if (y == -1) {
      q = WrapSub(0, x);
    } else {
      q = x / y;
    }
    return Clamp(q, params.quantized_min, params.quantized_max);
  });
}

void DivF32(const ArithmeticParams& params, const Shape& shape1, const float* in1, const Shape& shape2,
            const float* in2, const Shape& out_shape, float* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out,
                  [&params](float x, float y) { return Clamp(x / y, params.float_min, params.float_max); });
}

template <typename T>
void Maximum(const Shape& shape1, const T* in1, const Shape& shape2, const T* in2, const Shape& out_shape, T* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [](T x, T y) { return x > y ? x : y; });
}

template <typename T>
void Minimum(const Shape& shape1, const T* in1, const Shape& shape2, const T* in2, const Shape& out_shape, T* out) {
  BroadcastBinary(shape1, in1, shape2, in2, out_shape, out, [](T x, T y) { return x < y ? x : y; });
}

template void Maximum<float>(const Shape&, const float*, const Shape&, const float*, const Shape&, float*);
template void Maximum<int8_t>(const Shape&, const int8_t*, const Shape&, const int8_t*, const Shape&, int8_t*);
template void Maximum<int16_t>(const Shape&, const int16_t*, const Shape&, const int16_t*, const Shape&, int16_t*);
template void Maximum<int32_t>(const Shape&, const int32_t*, const Shape&, const int32_t*, const Shape&, int32_t*);
template void Maximum<int64_t>(const Shape&, const int64_t*, const Shape&, const int64_t*, const Shape&, int64_t*);
template void Minimum<float>(const Shape&, const float*, const Shape&, const float*, const Shape&, float*);
template void Minimum<int8_t>(const Shape&, const int8_t*, const Shape&, const int8_t*, const Shape&, int8_t*);
template void Minimum<int16_t>(const Shape&, const int16_t*, const Shape&, const int16_t*, const Shape&, int16_t*);
template void Minimum<int32_t>(const Shape&, const int32_t*, const Shape&, const int32_t*, const Shape&, int32_t*);
template void Minimum<int64_t>(const Shape&, const int64_t*, const Shape&, const int64_t*, const Shape&, int64_t*);

}  // namespace ref
}  // namespace tinyml
