#include "kernels/ref/elementwise.h"

#include "core/fixed_point.h"
#include "kernels/ref/scale_util.h"

namespace tinyml {
namespace ref {
namespace {

int32_t ClampInt(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : x > hi ? hi : x; }

template <typename T>
void ReluQuant(const ReluQuantParams& p, const T* in, int64_t count, T* out) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t v = static_cast<int32_t>(in[i]) - p.input_zero_point;
    const int32_t r = p.output_zero_point + MultiplyByQuantizedMultiplier(v, p.multiplier, p.shift);
    out[i] = static_cast<T>(ClampInt(r, p.quantized_min, p.quantized_max));
  }
}

template <typename T>
void ClampRaw(int32_t lower, int32_t upper, const T* in, int64_t count, T* out) {
  const T lo = static_cast<T>(lower);
  const T hi = static_cast<T>(upper);
  for (int64_t i = 0; i < count; ++i) {
    const T v = in[i];
    out[i] = v > hi ? hi : v < lo ? lo : v;
  }
}

template <typename T>
void LeakyReluQuant(const LeakyReluQuantParams& p, const T* in, int64_t count, T* out, int32_t type_min,
                    int32_t type_max) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t v = static_cast<int32_t>(in[i]) - p.input_zero_point;
    const int32_t scaled = v >= 0 ? MultiplyByQuantizedMultiplier(v, p.multiplier_identity, p.shift_identity)
                                  : MultiplyByQuantizedMultiplier(v, p.multiplier_alpha, p.shift_alpha);
    out[i] = static_cast<T>(ClampInt(p.output_zero_point + scaled, type_min, type_max));
  }
}

}  // namespace

bool PrepareReluQuant(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                      int32_t type_min, int32_t type_max, ReluQuantParams* params) {
  if (!ScaleOk(input_scale) || !ScaleOk(output_scale)) return false;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = output_zero_point;
  // Lower bound: the output's quantized 0.0 (round(0 / scale) is 0); no
  // upper bound besides the type.
  params->quantized_min = output_zero_point > type_min ? output_zero_point : type_min;
  params->quantized_max = type_max;
  return QuantizeMultiplierChecked(static_cast<double>(input_scale) / static_cast<double>(output_scale),
                                   &params->multiplier, &params->shift);
}

void ReluS8(const ReluQuantParams& params, const int8_t* in, int64_t count, int8_t* out) {
  ReluQuant(params, in, count, out);
}

void ReluS16(const ReluQuantParams& params, const int16_t* in, int64_t count, int16_t* out) {
  ReluQuant(params, in, count, out);
}

void ReluF32(const float* in, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    const float v = in[i];
    out[i] = v < 0.0f ? 0.0f : v;
  }
}

bool Relu6QuantBounds(float input_scale, int32_t input_zero_point, int32_t type_min, int32_t type_max,
                      int32_t* lower, int32_t* upper) {
  if (!ScaleOk(input_scale)) return false;
  // TFLite's FloatToQuantizedType: round(6 / scale) + zero_point, clamped.
  const int64_t six = static_cast<int64_t>(RoundToInt32(6.0f / input_scale)) + input_zero_point;
  *upper = six < type_min ? type_min : six > type_max ? type_max : static_cast<int32_t>(six);
  *lower = input_zero_point;
  return true;
}

void Relu6S8(int32_t lower, int32_t upper, const int8_t* in, int64_t count, int8_t* out) {
  ClampRaw(lower, upper, in, count, out);
}

void Relu6S16(int32_t lower, int32_t upper, const int16_t* in, int64_t count, int16_t* out) {
  ClampRaw(lower, upper, in, count, out);
}

void Relu6F32(const float* in, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    const float v = in[i];
    out[i] = v > 6.0f ? 6.0f : v < 0.0f ? 0.0f : v;
  }
}

bool PrepareLeakyReluQuant(float input_scale, int32_t input_zero_point, float output_scale,
                           int32_t output_zero_point, float alpha, LeakyReluQuantParams* params) {
  if (!ScaleOk(input_scale) || !ScaleOk(output_scale)) return false;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = output_zero_point;
  // Both ratios in float first, as TFLite Micro's leaky_relu_common does.
  const float alpha_ratio = input_scale * alpha / output_scale;
  const float identity_ratio = input_scale / output_scale;
  return QuantizeMultiplierChecked(static_cast<double>(alpha_ratio), &params->multiplier_alpha,
                                   &params->shift_alpha) &&
         QuantizeMultiplierChecked(static_cast<double>(identity_ratio), &params->multiplier_identity,
                                   &params->shift_identity);
}

void LeakyReluS8(const LeakyReluQuantParams& params, const int8_t* in, int64_t count, int8_t* out) {
  LeakyReluQuant(params, in, count, out, -128, 127);
}

void LeakyReluS16(const LeakyReluQuantParams& params, const int16_t* in, int64_t count, int16_t* out) {
  LeakyReluQuant(params, in, count, out, -32768, 32767);
}

void LeakyReluF32(float alpha, const float* in, int64_t count, float* out) {
  for (int64_t i = 0; i < count; ++i) {
    const float v = in[i];
    out[i] = v > 0.0f ? v : v * alpha;
  }
}

}  // namespace ref
}  // namespace tinyml
