#include "kernels/ref/depthwise_conv.h"

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {
namespace {

inline int32_t Offset4(const Shape& s, int32_t b, int32_t y, int32_t x, int32_t c) {
  return ((b * s.dims[1] + y) * s.dims[2] + x) * s.dims[3] + c;
}

}  // namespace

void DepthwiseConvPerChannelS8(const DepthwiseConvParams& params, const int32_t* output_multipliers,
                               const int32_t* output_shifts, const Shape& input_shape, const int8_t* input,
                               const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                               const Shape& output_shape, int8_t* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t input_height = input_shape.dims[1];
  const int32_t input_width = input_shape.dims[2];
  const int32_t input_depth = input_shape.dims[3];
  const int32_t filter_height = filter_shape.dims[1];
  const int32_t filter_width = filter_shape.dims[2];
  const int32_t output_height = output_shape.dims[1];
  const int32_t output_width = output_shape.dims[2];
  const int32_t depth_multiplier = params.depth_multiplier;

  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t out_y = 0; out_y < output_height; ++out_y) {
      const int32_t in_y_origin = out_y * params.stride_height - params.pad_height;
      for (int32_t out_x = 0; out_x < output_width; ++out_x) {
        const int32_t in_x_origin = out_x * params.stride_width - params.pad_width;
        for (int32_t ic = 0; ic < input_depth; ++ic) {
          for (int32_t m = 0; m < depth_multiplier; ++m) {
            const int32_t oc = ic * depth_multiplier + m;
            // int32 wraparound as TFLite, without signed-overflow UB.
            uint32_t acc = 0;
            for (int32_t fy = 0; fy < filter_height; ++fy) {
              const int32_t in_y = in_y_origin + params.dilation_height * fy;
              if (in_y < 0 || in_y >= input_height) continue;
              for (int32_t fx = 0; fx < filter_width; ++fx) {
                const int32_t in_x = in_x_origin + params.dilation_width * fx;
                if (in_x < 0 || in_x >= input_width) continue;
                const int32_t in_val = input[Offset4(input_shape, b, in_y, in_x, ic)];
                const int32_t filter_val = filter[Offset4(filter_shape, 0, fy, fx, oc)];
                acc += static_cast<uint32_t>(filter_val * (in_val + params.input_offset));
              }
            }
            if (bias != nullptr) acc += static_cast<uint32_t>(bias[oc]);
            int32_t value =
                MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), output_multipliers[oc], output_shifts[oc]);
            value += params.output_offset;
            value = value < params.quantized_min ? params.quantized_min : value;
            value = value > params.quantized_max ? params.quantized_max : value;
            output[Offset4(output_shape, b, out_y, out_x, oc)] = static_cast<int8_t>(value);
          }
        }
      }
    }
  }
}

void DepthwiseConvF32(const DepthwiseConvParams& params, const Shape& input_shape, const float* input,
                      const Shape& filter_shape, const float* filter, const float* bias, const Shape& output_shape,
                      float* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t input_height = input_shape.dims[1];
  const int32_t input_width = input_shape.dims[2];
  const int32_t input_depth = input_shape.dims[3];
  const int32_t filter_height = filter_shape.dims[1];
  const int32_t filter_width = filter_shape.dims[2];
  const int32_t output_height = output_shape.dims[1];
  const int32_t output_width = output_shape.dims[2];
  const int32_t depth_multiplier = params.depth_multiplier;

  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t out_y = 0; out_y < output_height; ++out_y) {
      const int32_t in_y_origin = out_y * params.stride_height - params.pad_height;
      for (int32_t out_x = 0; out_x < output_width; ++out_x) {
        const int32_t in_x_origin = out_x * params.stride_width - params.pad_width;
        for (int32_t ic = 0; ic < input_depth; ++ic) {
          for (int32_t m = 0; m < depth_multiplier; ++m) {
            const int32_t oc = ic * depth_multiplier + m;
            float total = 0.0f;
            for (int32_t fy = 0; fy < filter_height; ++fy) {
              const int32_t in_y = in_y_origin + params.dilation_height * fy;
              if (in_y < 0 || in_y >= input_height) continue;
              for (int32_t fx = 0; fx < filter_width; ++fx) {
                const int32_t in_x = in_x_origin + params.dilation_width * fx;
                if (in_x < 0 || in_x >= input_width) continue;
                total += input[Offset4(input_shape, b, in_y, in_x, ic)] * filter[Offset4(filter_shape, 0, fy, fx, oc)];
              }
            }
            float value = total + (bias != nullptr ? bias[oc] : 0.0f);
            // Comparison order as std::max/std::min in TFLite (NaN passes through).
            value = value < params.float_min ? params.float_min : value;
            value = params.float_max < value ? params.float_max : value;
            output[Offset4(output_shape, b, out_y, out_x, oc)] = value;
          }
        }
      }
    }
  }
}

}  // namespace ref
}  // namespace tinyml
