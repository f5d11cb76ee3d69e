#include "kernels/ref/conv.h"

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {
namespace {

inline int32_t Offset4(const Shape& s, int32_t b, int32_t y, int32_t x, int32_t c) {
  return ((b * s.dims[1] + y) * s.dims[2] + x) * s.dims[3] + c;
}

}  // namespace

void ConvPerChannelS8(const ConvParams& params, const int32_t* output_multipliers, const int32_t* output_shifts,
                      const Shape& input_shape, const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                      const int32_t* bias, const Shape& output_shape, int8_t* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t input_height = input_shape.dims[1];
  const int32_t input_width = input_shape.dims[2];
  const int32_t input_depth = input_shape.dims[3];
  const int32_t output_depth = filter_shape.dims[0];
  const int32_t filter_height = filter_shape.dims[1];
  const int32_t filter_width = filter_shape.dims[2];
  const int32_t filter_depth = filter_shape.dims[3];
  const int32_t output_height = output_shape.dims[1];
  const int32_t output_width = output_shape.dims[2];
  const int32_t groups = input_depth / filter_depth;
  const int32_t filters_per_group = output_depth / groups;

  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t out_y = 0; out_y < output_height; ++out_y) {
      const int32_t in_y_origin = out_y * params.stride_height - params.pad_height;
      for (int32_t out_x = 0; out_x < output_width; ++out_x) {
        const int32_t in_x_origin = out_x * params.stride_width - params.pad_width;
        for (int32_t oc = 0; oc < output_depth; ++oc) {
          const int32_t in_c_base = (oc / filters_per_group) * filter_depth;
          // TFLite accumulates in int32 with no overflow check; summing in
          // uint32 gives the same two's-complement wraparound without UB.
          uint32_t acc = 0;
          for (int32_t fy = 0; fy < filter_height; ++fy) {
            const int32_t in_y = in_y_origin + params.dilation_height * fy;
            if (in_y < 0 || in_y >= input_height) continue;
            for (int32_t fx = 0; fx < filter_width; ++fx) {
              const int32_t in_x = in_x_origin + params.dilation_width * fx;
              if (in_x < 0 || in_x >= input_width) continue;
              const int8_t* in_row = input + Offset4(input_shape, b, in_y, in_x, in_c_base);
              const int8_t* filter_row = filter + Offset4(filter_shape, oc, fy, fx, 0);
              for (int32_t ic = 0; ic < filter_depth; ++ic) {
                const int32_t product =
                    static_cast<int32_t>(filter_row[ic]) * (static_cast<int32_t>(in_row[ic]) + params.input_offset);
                acc += static_cast<uint32_t>(product);
              }
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

void ConvF32(const ConvParams& params, const Shape& input_shape, const float* input, const Shape& filter_shape,
             const float* filter, const float* bias, const Shape& output_shape, float* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t input_height = input_shape.dims[1];
  const int32_t input_width = input_shape.dims[2];
  const int32_t input_depth = input_shape.dims[3];
  const int32_t output_depth = filter_shape.dims[0];
  const int32_t filter_height = filter_shape.dims[1];
  const int32_t filter_width = filter_shape.dims[2];
  const int32_t filter_depth = filter_shape.dims[3];
  const int32_t output_height = output_shape.dims[1];
  const int32_t output_width = output_shape.dims[2];
  const int32_t groups = input_depth / filter_depth;
  const int32_t filters_per_group = output_depth / groups;

  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t out_y = 0; out_y < output_height; ++out_y) {
      const int32_t in_y_origin = out_y * params.stride_height - params.pad_height;
      for (int32_t out_x = 0; out_x < output_width; ++out_x) {
        const int32_t in_x_origin = out_x * params.stride_width - params.pad_width;
        for (int32_t oc = 0; oc < output_depth; ++oc) {
          const int32_t in_c_base = (oc / filters_per_group) * filter_depth;
          // Same summation order as TFLite (y, x, channel) so float results
          // round identically.
          float total = 0.0f;
          for (int32_t fy = 0; fy < filter_height; ++fy) {
            const int32_t in_y = in_y_origin + params.dilation_height * fy;
            if (in_y < 0 || in_y >= input_height) continue;
            for (int32_t fx = 0; fx < filter_width; ++fx) {
              const int32_t in_x = in_x_origin + params.dilation_width * fx;
              if (in_x < 0 || in_x >= input_width) continue;
              const float* in_row = input + Offset4(input_shape, b, in_y, in_x, in_c_base);
              const float* filter_row = filter + Offset4(filter_shape, oc, fy, fx, 0);
              for (int32_t ic = 0; ic < filter_depth; ++ic) total += in_row[ic] * filter_row[ic];
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

}  // namespace ref
}  // namespace tinyml
