#include "kernels/ref/quantize.h"

#include "kernels/ref/scale_util.h"

namespace tinyml {
namespace ref {
namespace {

template <typename Out>
void AffineQuantize(const float* in, int64_t count, float scale, int32_t zero_point, Out* out, int32_t type_min,
                    int32_t type_max) {
  for (int64_t i = 0; i < count; ++i) {
    const int64_t q = static_cast<int64_t>(RoundToInt32(in[i] / scale)) + zero_point;
    out[i] = static_cast<Out>(q < type_min ? type_min : q > type_max ? type_max : q);
  }
}

template <typename In>
void Dequantize(const In* in, int64_t count, float scale, int32_t zero_point, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    out[i] = scale * static_cast<float>(static_cast<int32_t>(in[i]) - zero_point);
  }
}

}  // namespace

void QuantizeF32ToS8(const float* in, int64_t count, float scale, int32_t zero_point, int8_t* out) {
  AffineQuantize(in, count, scale, zero_point, out, -128, 127);
}

void QuantizeF32ToS16(const float* in, int64_t count, float scale, int32_t zero_point, int16_t* out) {
  AffineQuantize(in, count, scale, zero_point, out, -32768, 32767);
}

bool PrepareRequantize(float input_scale, float output_scale, int32_t* multiplier, int32_t* shift) {
  if (!ScaleOk(input_scale) || !ScaleOk(output_scale)) return false;
  return QuantizeMultiplierChecked(static_cast<double>(input_scale) / static_cast<double>(output_scale), multiplier,
                                   shift);
}

void DequantizeS8(const int8_t* in, int64_t count, float scale, int32_t zero_point, float* out) {
  Dequantize(in, count, scale, zero_point, out);
}

void DequantizeS16(const int16_t* in, int64_t count, float scale, int32_t zero_point, float* out) {
  Dequantize(in, count, scale, zero_point, out);
}

void DequantizeU8(const uint8_t* in, int64_t count, float scale, int32_t zero_point, float* out) {
  Dequantize(in, count, scale, zero_point, out);
}

}  // namespace ref
}  // namespace tinyml
