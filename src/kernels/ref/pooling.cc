#include "kernels/ref/pooling.h"

#include <float.h>

namespace tinyml {
namespace ref {
namespace {

// The part of one filter window that lies inside the input.
struct Window {
  int32_t y_begin, y_end, x_begin, x_end;  // input coordinates, end exclusive
};

inline Window ClipWindow(const PoolParams& p, int32_t in_h, int32_t in_w, int32_t out_y, int32_t out_x) {
  const int32_t y0 = out_y * p.stride_height - p.pad_height;
  const int32_t x0 = out_x * p.stride_width - p.pad_width;
  Window w;
  w.y_begin = y0 > 0 ? y0 : 0;
  w.x_begin = x0 > 0 ? x0 : 0;
  // min(y0 + filter, in_h) without forming an overflowing y0 + filter
  // (filters may be written huge for global pooling).
  w.y_end = y0 > in_h - p.filter_height ? in_h : y0 + p.filter_height;
  w.x_end = x0 > in_w - p.filter_width ? in_w : x0 + p.filter_width;
  return w;
}

// Visits every output position; `f(window, in_base, out_index)` gets the
// clipped window, the offset of (batch, 0, 0, 0) in the input and the output
// offset of (batch, y, x, 0). Verified models have fewer than 2^31 elements
// per tensor, so every index fits in int32.
template <typename F>
bool ForEachOutput(const PoolParams& p, const Shape& input_shape, const Shape& output_shape, F f) {
  const int32_t batches = input_shape.dims[0];
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t depth = input_shape.dims[3];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  for (int32_t b = 0; b < batches; ++b) {
    const int32_t in_base = b * in_h * in_w * depth;
    for (int32_t y = 0; y < out_h; ++y) {
      for (int32_t x = 0; x < out_w; ++x) {
        const Window w = ClipWindow(p, in_h, in_w, y, x);
        const int32_t out_index = ((b * out_h + y) * out_w + x) * depth;
        if (!f(w, in_base, out_index)) return false;
      }
    }
  }
  return true;
}

inline int32_t InputIndex(const Shape& s, int32_t base, int32_t y, int32_t x) {
  return base + (y * s.dims[2] + x) * s.dims[3];
}

}  // namespace

bool AveragePoolS8(const PoolParams& params, const Shape& input_shape, const int8_t* input, const Shape& output_shape,
                   int8_t* output) {
  const int32_t depth = input_shape.dims[3];
  return ForEachOutput(params, input_shape, output_shape, [&](const Window& w, int32_t base, int32_t out_index) {
    for (int32_t c = 0; c < depth; ++c) {
      int32_t sum = 0;
      int32_t count = 0;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          sum += input[InputIndex(input_shape, base, y, x) + c];
          ++count;
        }
      }
      if (count == 0) return false;
      // Division truncates toward zero, so +-count/2 rounds half away from zero.
      int32_t avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
      avg = avg < params.quantized_min ? params.quantized_min : avg;
      avg = avg > params.quantized_max ? params.quantized_max : avg;
      output[out_index + c] = static_cast<int8_t>(avg);
    }
    return true;
  });
}

void MaxPoolS8(const PoolParams& params, const Shape& input_shape, const int8_t* input, const Shape& output_shape,
               int8_t* output) {
  const int32_t depth = input_shape.dims[3];
  ForEachOutput(params, input_shape, output_shape, [&](const Window& w, int32_t base, int32_t out_index) {
    for (int32_t c = 0; c < depth; ++c) {
      int32_t max = -128;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          const int32_t v = input[InputIndex(input_shape, base, y, x) + c];
          max = v > max ? v : max;
        }
      }
      max = max < params.quantized_min ? params.quantized_min : max;
      max = max > params.quantized_max ? params.quantized_max : max;
      output[out_index + c] = static_cast<int8_t>(max);
    }
    return true;
  });
}

bool AveragePoolF32(const PoolParams& params, const Shape& input_shape, const float* input, const Shape& output_shape,
                    float* output) {
  const int32_t depth = input_shape.dims[3];
  return ForEachOutput(params, input_shape, output_shape, [&](const Window& w, int32_t base, int32_t out_index) {
    for (int32_t c = 0; c < depth; ++c) {
      float sum = 0.0f;
      // TFLite counts in float too; exact up to 2^24 elements.
      float count = 0.0f;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          sum += input[InputIndex(input_shape, base, y, x) + c];
          count += 1.0f;
        }
      }
      if (count == 0.0f) return false;
      float avg = sum / count;
      // TFLite's order: max with the lower bound, then min with the upper.
      avg = avg < params.float_min ? params.float_min : avg;
      avg = params.float_max < avg ? params.float_max : avg;
      output[out_index + c] = avg;
    }
    return true;
  });
}

void MaxPoolF32(const PoolParams& params, const Shape& input_shape, const float* input, const Shape& output_shape,
                float* output) {
  const int32_t depth = input_shape.dims[3];
  ForEachOutput(params, input_shape, output_shape, [&](const Window& w, int32_t base, int32_t out_index) {
    for (int32_t c = 0; c < depth; ++c) {
      float max = -FLT_MAX;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          const float v = input[InputIndex(input_shape, base, y, x) + c];
          max = max < v ? v : max;
        }
      }
      max = max < params.float_min ? params.float_min : max;
      max = params.float_max < max ? params.float_max : max;
      output[out_index + c] = max;
    }
    return true;
  });
}

}  // namespace ref
}  // namespace tinyml
