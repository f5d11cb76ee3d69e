#include "kernels/ref/fully_connected.h"

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {
namespace {

// TFLite accumulates in int32; very deep layers can wrap. Summing in 64 bits
// and truncating gives the same (two's complement) value without undefined
// behaviour.
inline int32_t Dot(const int8_t* input, const int8_t* filter, int32_t depth, int32_t input_offset,
                   int32_t filter_offset, const int32_t* bias, int32_t channel) {
  int64_t acc = 0;
  for (int32_t d = 0; d < depth; ++d) {
    acc += (static_cast<int32_t>(filter[d]) + filter_offset) * (static_cast<int32_t>(input[d]) + input_offset);
  }
  if (bias != nullptr) acc += bias[channel];
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(acc)));
}

inline int8_t Requantize(const FullyConnectedParams& p, int32_t acc, int32_t multiplier, int32_t shift) {
  int32_t v = MultiplyByQuantizedMultiplier(acc, multiplier, shift) + p.output_offset;
  v = v < p.quantized_min ? p.quantized_min : v;
  v = v > p.quantized_max ? p.quantized_max : v;
  return static_cast<int8_t>(v);
}

}  // namespace

void FullyConnectedS8(const FullyConnectedParams& params, const int8_t* input, const int8_t* filter,
                      const int32_t* bias, int8_t* output) {
  const int32_t depth = params.accum_depth;
  for (int32_t b = 0; b < params.batches; ++b) {
    const int8_t* in = input + static_cast<int64_t>(b) * depth;
    int8_t* out = output + static_cast<int64_t>(b) * params.output_depth;
    for (int32_t o = 0; o < params.output_depth; ++o) {
      const int32_t acc = Dot(in, filter + static_cast<int64_t>(o) * depth, depth, params.input_offset,
                              params.filter_offset, bias, o);
      out[o] = Requantize(params, acc, params.output_multiplier, params.output_shift);
    }
  }
}

void FullyConnectedPerChannelS8(const FullyConnectedParams& params, const int32_t* output_multipliers,
                                const int32_t* output_shifts, const int8_t* input, const int8_t* filter,
                                const int32_t* bias, int8_t* output) {
  const int32_t depth = params.accum_depth;
  for (int32_t b = 0; b < params.batches; ++b) {
    const int8_t* in = input + static_cast<int64_t>(b) * depth;
    int8_t* out = output + static_cast<int64_t>(b) * params.output_depth;
    for (int32_t o = 0; o < params.output_depth; ++o) {
      const int32_t acc =
          Dot(in, filter + static_cast<int64_t>(o) * depth, depth, params.input_offset, 0, bias, o);
      out[o] = Requantize(params, acc, output_multipliers[o], output_shifts[o]);
    }
  }
}

void FullyConnectedF32(const FullyConnectedParams& params, const float* input, const float* filter, const float* bias,
                       float* output) {
  const int32_t depth = params.accum_depth;
  for (int32_t b = 0; b < params.batches; ++b) {
    const float* in = input + static_cast<int64_t>(b) * depth;
    float* out = output + static_cast<int64_t>(b) * params.output_depth;
    for (int32_t o = 0; o < params.output_depth; ++o) {
      const float* w = filter + static_cast<int64_t>(o) * depth;
      float total = 0.0f;
      for (int32_t d = 0; d < depth; ++d) total += in[d] * w[d];
      const float bias_value = bias != nullptr ? bias[o] : 0.0f;
      float v = total + bias_value;
      v = v < params.float_min ? params.float_min : v;
      v = params.float_max < v ? params.float_max : v;
      out[o] = v;
    }
  }
}

}  // namespace ref
}  // namespace tinyml
