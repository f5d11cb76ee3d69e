// General int8 convolution: im2col of 4 output pixels into widened columns,
// then the shared matmul (conv_s8.h).
#include "kernels/cortex_m/conv_s8.h"

#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {
namespace {

// `words` input words (nullptr: padding) widened into column p's slots
// starting at `dst` (block-aligned depth): the inline twin of WidenRun for
// runs that are a multiple of 4 long.
inline uint32_t* WidenWords(uint32_t* dst, const int8_t* src, int32_t words, const Widen& widen) {
  if (src == nullptr) {
    for (; words > 0; --words, dst += 8) dst[0] = dst[1] = 0;
    return dst;
  }
  for (; words > 0; --words, dst += 8, src += 4) {
    const uint32_t w = Load32(src);
    uint32_t e = Sxtab16(widen.offset_pair, w);
    uint32_t o = Sxtab16Ror8(widen.offset_pair, w);
    if (widen.doubled) {
      e = Sadd16(e, e);
      o = Sadd16(o, o);
    }
    dst[0] = e;
    dst[1] = o;
  }
  return dst;
}

}  // namespace

// Prepare-time: compiled for size (the file is otherwise -O2).
__attribute__((optimize("Os"))) int64_t AccBound(const int8_t* first, int32_t count, int32_t stride, int32_t bias, int32_t input_offset) {
  int64_t abs_sum = 0;
  for (int32_t k = 0; k < count; ++k) {
    const int32_t f = first[k * stride];
    abs_sum += f < 0 ? -f : f;
  }
  return AccBoundFromAbsSum(abs_sum, bias, input_offset);
}

__attribute__((optimize("Os"))) int64_t AccBoundFromAbsSum(int64_t abs_sum, int32_t bias, int32_t input_offset) {
  const int64_t lo = -128 + static_cast<int64_t>(input_offset);
  const int64_t hi = 127 + static_cast<int64_t>(input_offset);
  const int64_t a = lo < 0 ? -lo : lo;
  const int64_t b = hi < 0 ? -hi : hi;
  return abs_sum * (a > b ? a : b) + (bias < 0 ? -static_cast<int64_t>(bias) : bias);
}

size_t ConvS8ColumnBytes(int32_t depth) {
  const size_t blocks = (static_cast<size_t>(depth) + 3) / 4;
  return blocks * 8 * sizeof(uint32_t);
}

size_t ConvS8ScratchBytes(int32_t depth) {
  const size_t bytes = ConvS8ColumnBytes(depth);
  return bytes <= kConvS8StackColumnBytes ? 0 : bytes;
}

void ConvS8(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape, const int8_t* input,
            const Shape& filter_shape, const int8_t* filter, const Shape& output_shape, int8_t* output,
            void* scratch) {
  const int32_t batches = input_shape.dims[0];
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t in_c = input_shape.dims[3];
  const int32_t channels = filter_shape.dims[0];
  const int32_t k_h = filter_shape.dims[1];
  const int32_t k_w = filter_shape.dims[2];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  const int32_t depth = k_h * k_w * in_c;
  const int32_t row_len = k_w * in_c;
  const int8_t zero_point = static_cast<int8_t>(-params.input_offset);
  const uint32_t zp_word = static_cast<uint8_t>(zero_point) * 0x01010101u;
  const Widen widen = MakeWiden(params.input_offset, params.out);
  alignas(8) uint32_t stack_cols[kConvS8StackColumnBytes / sizeof(uint32_t)];
  uint32_t* cols = ConvS8ScratchBytes(depth) == 0 ? stack_cols : static_cast<uint32_t*>(scratch);
  // A partly padded filter row is gathered here (zero points outside the
  // image, which widen to 0) and widened as one run.
  int8_t row_buf[64];
  const int32_t pixels_per_image = out_h * out_w;

  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = input + b * in_h * in_w * in_c;
    int8_t* out_image = output + b * pixels_per_image * channels;
    for (int32_t first = 0; first < pixels_per_image; first += 4) {
      const int32_t pixels = pixels_per_image - first < 4 ? pixels_per_image - first : 4;
      for (int32_t p = 0; p < 4; ++p) {
        // Unused columns repeat the last pixel; their results are dropped.
        const int32_t pixel = first + (p < pixels ? p : pixels - 1);
        const int32_t y0 = (pixel / out_w) * params.stride_height - params.pad_height;
        const int32_t x0 = (pixel % out_w) * params.stride_width - params.pad_width;
        const int32_t x_last = x0 + (k_w - 1) * params.dilation_width;
        const bool cols_inside = x0 >= 0 && x_last < in_w;
        if (row_len == 4 && params.dilation_width == 1 && in_w * in_c >= 4) {
          // Filter rows of one word (e.g. 4 taps of one channel): a padded
          // side is shifted in as zero-point bytes; no byte loop and no
          // read outside the input row.
          const int32_t row_bytes = in_w * in_c;
          const int32_t left_bits = x0 < 0 ? -x0 * in_c * 8 : 0;
          const int32_t right_bits = x0 + k_w > in_w ? (x0 + k_w - in_w) * in_c * 8 : 0;
          const bool all_padding = left_bits >= 32 || right_bits >= 32;
          uint32_t* dst = cols + 2 * p;
          for (int32_t fy = 0; fy < k_h; ++fy, dst += 8) {
            const int32_t y = y0 + fy * params.dilation_height;
            if (y < 0 || y >= in_h || all_padding) {
              dst[0] = dst[1] = 0;
              continue;
            }
            const int8_t* row = image + y * row_bytes;
            uint32_t w;
            if (left_bits > 0) {
              w = (Load32(row) << left_bits) | (zp_word & ((1u << left_bits) - 1u));
            } else if (right_bits > 0) {
              w = (Load32(row + row_bytes - 4) >> right_bits) | (zp_word & ~(0xffffffffu >> right_bits));
            } else {
              w = Load32(row + x0 * in_c);
            }
            WidenWords(dst, reinterpret_cast<const int8_t*>(&w), 1, widen);
          }
          continue;
        }
        if ((row_len & 3) == 0 && row_len <= static_cast<int32_t>(sizeof(row_buf))) {
          // Every filter row starts on a block: widen whole words inline.
          uint32_t* dst = cols + 2 * p;
          const int32_t words = row_len >> 2;
          for (int32_t fy = 0; fy < k_h; ++fy) {
            const int32_t y = y0 + fy * params.dilation_height;
            const int8_t* src = nullptr;
            if (y >= 0 && y < in_h) {
              if (cols_inside && params.dilation_width == 1) {
                src = image + (y * in_w + x0) * in_c;
              } else {
                const int8_t* row = image + y * in_w * in_c;
                for (int32_t fx = 0, i = 0; fx < k_w; ++fx) {
                  const int32_t x = x0 + fx * params.dilation_width;
                  const bool inside = x >= 0 && x < in_w;
                  for (int32_t ic = 0; ic < in_c; ++ic, ++i) row_buf[i] = inside ? row[x * in_c + ic] : zero_point;
                }
                src = row_buf;
              }
            }
            dst = WidenWords(dst, src, words, widen);
          }
          continue;  // depth is a multiple of 4: no tail
        }
        if (params.dilation_height == 1 && params.dilation_width == 1 && x0 == 0 && k_w == in_w) {
          // Filter rows that are whole input rows (a kx1 filter over a
          // one-column image: TC-ResNet's temporal convolutions): the rows
          // inside the image are one contiguous run, widened in one go.
          const int32_t lo = y0 < 0 ? -y0 : 0;                   // first filter row inside
          const int32_t hi = y0 + k_h > in_h ? in_h - y0 : k_h;  // one past the last
          if (hi <= lo) {
            WidenRun(cols, p, 0, nullptr, depth, widen);
          } else {
            if (lo > 0) WidenRun(cols, p, 0, nullptr, lo * row_len, widen);
            WidenRun(cols, p, lo * row_len, image + (y0 + lo) * row_len, (hi - lo) * row_len, widen);
            if (hi < k_h) WidenRun(cols, p, hi * row_len, nullptr, (k_h - hi) * row_len, widen);
          }
          WidenPadTail(cols, p, depth);
          continue;
        }
        int32_t k = 0;
        for (int32_t fy = 0; fy < k_h; ++fy, k += row_len) {
          const int32_t y = y0 + fy * params.dilation_height;
          if (y < 0 || y >= in_h) {
            WidenRun(cols, p, k, nullptr, row_len, widen);
          } else if (cols_inside && params.dilation_width == 1) {
            // The whole filter row reads one contiguous input run.
            WidenRun(cols, p, k, image + (y * in_w + x0) * in_c, row_len, widen);
          } else if (row_len <= static_cast<int32_t>(sizeof(row_buf))) {
            const int8_t* row = image + y * in_w * in_c;
            for (int32_t fx = 0, i = 0; fx < k_w; ++fx) {
              const int32_t x = x0 + fx * params.dilation_width;
              const bool inside = x >= 0 && x < in_w;
              for (int32_t ic = 0; ic < in_c; ++ic, ++i) row_buf[i] = inside ? row[x * in_c + ic] : zero_point;
            }
            WidenRun(cols, p, k, row_buf, row_len, widen);
          } else {
            for (int32_t fx = 0; fx < k_w; ++fx) {
              const int32_t x = x0 + fx * params.dilation_width;
              const bool inside = x >= 0 && x < in_w;
              WidenRun(cols, p, k + fx * in_c, inside ? image + (y * in_w + x) * in_c : nullptr, in_c, widen);
            }
          }
        }
        WidenPadTail(cols, p, depth);
      }
      MatMulS8Cols4(cols, depth, filter, channels, quant, params.out, pixels, out_image + first * channels);
    }
  }
}

}  // namespace cortex_m
}  // namespace tinyml
