#include "kernels/cortex_m/pooling_s8.h"

#include "kernels/cortex_m/dsp.h"

// -Os (this pragma; the compute kernels are otherwise -O2): the pools are
// one small layer in the measured models. 178 B less for KWS, at most 870
// more instructions per model (ports/cortex_m/README.md).
#pragma GCC optimize("Os")
namespace tinyml {
namespace cortex_m {
namespace {

// Largest window whose int8 sums fit a signed halfword lane.
constexpr int32_t kPackedSumElements = 256;

struct Window {
  int32_t y_begin, y_end, x_begin, x_end;
};

// The reference's clipping (kernels/ref/pooling.cc), overflow-safe for
// huge filters.
inline Window ClipWindow(const ref::PoolParams& p, int32_t in_h, int32_t in_w, int32_t out_y, int32_t out_x) {
  const int32_t y0 = out_y * p.stride_height - p.pad_height;
  const int32_t x0 = out_x * p.stride_width - p.pad_width;
  Window w;
  w.y_begin = y0 > 0 ? y0 : 0;
  w.x_begin = x0 > 0 ? x0 : 0;
  w.y_end = y0 > in_h - p.filter_height ? in_h : y0 + p.filter_height;
  w.x_end = x0 > in_w - p.filter_width ? in_w : x0 + p.filter_width;
  return w;
}

inline int32_t ClampQ(int32_t v, const ref::PoolParams& p) {
  v = v < p.quantized_min ? p.quantized_min : v;
  return v > p.quantized_max ? p.quantized_max : v;
}

// The reference's rounding: half away from zero, C division.
inline int32_t RoundedAverage(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

// Per-byte signed max of two words.
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
inline uint32_t MaxS8x4(uint32_t a, uint32_t b) {
  uint32_t t, r;
  __asm__("ssub8 %0, %2, %3\n\t"
          "sel   %1, %2, %3"
          : "=&r"(t), "=r"(r)
          : "r"(a), "r"(b)
          : "cc");
  return r;
}
#else
inline uint32_t MaxS8x4(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (int i = 0; i < 32; i += 8) {
    const int8_t x = static_cast<int8_t>(a >> i), y = static_cast<int8_t>(b >> i);
    r |= static_cast<uint32_t>(static_cast<uint8_t>(x >= y ? x : y)) << i;
  }
  return r;
}
#endif

}  // namespace

bool AveragePoolS8(const ref::PoolParams& params, const Shape& input_shape, const int8_t* input,
                   const Shape& output_shape, int8_t* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t depth = input_shape.dims[3];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  const int32_t row_step = in_w * depth;
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = input + b * in_h * row_step;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const Window w = ClipWindow(params, in_h, in_w, oy, ox);
        const int32_t rows = w.y_end - w.y_begin;
        const int32_t cols = w.x_end - w.x_begin;
        if (rows <= 0 || cols <= 0) return false;
        const int32_t count = rows * cols;
        int8_t* out = output + ((b * out_h + oy) * out_w + ox) * depth;
        const int8_t* corner = image + w.y_begin * row_step + w.x_begin * depth;
        int32_t c = 0;
        if (count <= kPackedSumElements) {
          for (; c + 4 <= depth; c += 4) {
            uint32_t s02 = 0, s13 = 0;
            const int8_t* row = corner + c;
            for (int32_t y = 0; y < rows; ++y, row += row_step) {
              const int8_t* p = row;
              for (int32_t x = 0; x < cols; ++x, p += depth) {
                const uint32_t v = Load32(p);
                s02 = Sxtab16(s02, v);
                s13 = Sxtab16Ror8(s13, v);
              }
            }
            out[c] = static_cast<int8_t>(ClampQ(RoundedAverage(static_cast<int16_t>(s02), count), params));
            out[c + 1] = static_cast<int8_t>(ClampQ(RoundedAverage(static_cast<int16_t>(s13), count), params));
            out[c + 2] = static_cast<int8_t>(ClampQ(RoundedAverage(static_cast<int16_t>(s02 >> 16), count), params));
            out[c + 3] = static_cast<int8_t>(ClampQ(RoundedAverage(static_cast<int16_t>(s13 >> 16), count), params));
          }
        }
        for (; c < depth; ++c) {
          int32_t sum = 0;
          const int8_t* row = corner + c;
          for (int32_t y = 0; y < rows; ++y, row += row_step) {
            const int8_t* p = row;
            for (int32_t x = 0; x < cols; ++x, p += depth) sum += *p;
          }
          out[c] = static_cast<int8_t>(ClampQ(RoundedAverage(sum, count), params));
        }
      }
    }
  }
  return true;
}

void MaxPoolS8(const ref::PoolParams& params, const Shape& input_shape, const int8_t* input,
               const Shape& output_shape, int8_t* output) {
  const int32_t batches = input_shape.dims[0];
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t depth = input_shape.dims[3];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  const int32_t row_step = in_w * depth;
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = input + b * in_h * row_step;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const Window w = ClipWindow(params, in_h, in_w, oy, ox);
        const int32_t rows = w.y_end - w.y_begin;
        const int32_t cols = w.x_end - w.x_begin;
        int8_t* out = output + ((b * out_h + oy) * out_w + ox) * depth;
        const int8_t* corner = image + w.y_begin * row_step + w.x_begin * depth;
        int32_t c = 0;
        for (; c + 4 <= depth; c += 4) {
          uint32_t m = 0x80808080u;  // -128 in every lane, the reference's start
          const int8_t* row = corner + c;
          for (int32_t y = 0; y < rows; ++y, row += row_step) {
            const int8_t* p = row;
            for (int32_t x = 0; x < cols; ++x, p += depth) m = MaxS8x4(Load32(p), m);
          }
          for (int32_t i = 0; i < 4; ++i) out[c + i] = static_cast<int8_t>(ClampQ(static_cast<int8_t>(m >> (8 * i)), params));
        }
        for (; c < depth; ++c) {
          int32_t m = -128;
          const int8_t* row = corner + c;
          for (int32_t y = 0; y < rows; ++y, row += row_step) {
            const int8_t* p = row;
            for (int32_t x = 0; x < cols; ++x, p += depth) m = *p > m ? *p : m;
          }
          out[c] = static_cast<int8_t>(ClampQ(m, params));
        }
      }
    }
  }
}

}  // namespace cortex_m
}  // namespace tinyml
