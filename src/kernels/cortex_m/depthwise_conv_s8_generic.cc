// The depthwise convolution's less frequent cases (depthwise_conv_s8.h),
// compiled for size: every depth multiplier but 1 (or channels % 4 != 0),
// and, for depth multiplier 1, every output stage but the fast folded one
// with a bias (depthwise_conv_s8.cc, -O2).
#include "kernels/cortex_m/depthwise_conv_s8.h"

#include "kernels/cortex_m/depthwise_conv_s8_internal.h"

#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/requant.h"

namespace tinyml {
namespace cortex_m {
namespace {

// Accumulates the taps of table [d, end) for four channels. Each entry is a
// pair (delta, step): the input word is at f + delta and the filter word at
// f, then f += step (to the next entry's filter row). The DSP build is one
// asm loop so the compiler cannot split f into per-tap pointers and spill
// the accumulators (it did); `by3` (entries % 3 == 0) unrolls 3 taps.
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TINYML_DW_TAP_ASM                   \
  "ldrd   %[xe], %[st], [%[d]], #8\n\t"     \
  "ldr    %[w], [%[f], %[xe]]\n\t"          \
  "ldr    %[g], [%[f]]\n\t"                 \
  "add    %[f], %[f], %[st]\n\t"            \
  "sxtab16 %[xe], %[off], %[w]\n\t"         \
  "sxtab16 %[w], %[off], %[w], ror #8\n\t"  \
  "sxtb16 %[fe], %[g]\n\t"                  \
  "sxtb16 %[g], %[g], ror #8\n\t"           \
  "smlabb %[a0], %[xe], %[fe], %[a0]\n\t"   \
  "smlatt %[a2], %[xe], %[fe], %[a2]\n\t"   \
  "smlabb %[a1], %[w], %[g], %[a1]\n\t"     \
  "smlatt %[a3], %[w], %[g], %[a3]\n\t"

inline void DwTaps4(const int8_t* f, const uintptr_t* d, const uintptr_t* end, uint32_t off, bool by3, int32_t& a0,
                    int32_t& a1, int32_t& a2, int32_t& a3) {
  uint32_t w, g, xe, fe, st;
  if (by3) {
    __asm__ volatile(
        "1:\n\t" TINYML_DW_TAP_ASM TINYML_DW_TAP_ASM TINYML_DW_TAP_ASM
        "cmp    %[d], %[end]\n\t"
        "bne    1b\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [f] "+r"(f), [d] "+r"(d), [w] "=&r"(w),
          [g] "=&r"(g), [xe] "=&r"(xe), [fe] "=&r"(fe), [st] "=&r"(st)
        : [end] "r"(end), [off] "r"(off)
        : "cc", "memory");
  } else {
    __asm__ volatile(
        "1:\n\t" TINYML_DW_TAP_ASM
        "cmp    %[d], %[end]\n\t"
        "bne    1b\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [f] "+r"(f), [d] "+r"(d), [w] "=&r"(w),
          [g] "=&r"(g), [xe] "=&r"(xe), [fe] "=&r"(fe), [st] "=&r"(st)
        : [end] "r"(end), [off] "r"(off)
        : "cc", "memory");
  }
}
#undef TINYML_DW_TAP_ASM
#else
inline void DwTaps4(const int8_t* f, const uintptr_t* d, const uintptr_t* end, uint32_t off, bool /*by3*/,
                    int32_t& a0, int32_t& a1, int32_t& a2, int32_t& a3) {
  do {
    const uint32_t w = Load32(reinterpret_cast<const int8_t*>(reinterpret_cast<uintptr_t>(f) + d[0]));
    const uint32_t g = Load32(f);
    f = reinterpret_cast<const int8_t*>(reinterpret_cast<uintptr_t>(f) + d[1]);
    d += 2;
    const uint32_t xe = Sxtab16(off, w), xo = Sxtab16Ror8(off, w), fe = Sxtb16(g), fo = Sxtb16Ror8(g);
    a0 = Smlabb(xe, fe, a0);
    a2 = Smlatt(xe, fe, a2);
    a1 = Smlabb(xo, fo, a1);
    a3 = Smlatt(xo, fo, a3);
  } while (d != end);
}
#endif

// Depth multiplier % 4 == 0: four output channels of one input channel.
// rows[t] already points at the input value of tap t (row + input channel),
// which feeds all four lanes: SMLABB/SMLABT take its low half against both
// filter halves, so it is never duplicated. `by2`: taps % 2 == 0.
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TINYML_DW_BCAST_TAP_ASM            \
  "ldr    %[x], [%[d]], #4\n\t"            \
  "ldrsb  %[x], [%[x]]\n\t"                \
  "add    %[x], %[x], %[off]\n\t"         \
  "ldr    %[g], [%[f]]\n\t"                \
  "add    %[f], %[f], %[ch]\n\t"           \
  "sxtb16 %[fe], %[g]\n\t"                 \
  "sxtb16 %[g], %[g], ror #8\n\t"          \
  "smlabb %[a0], %[x], %[fe], %[a0]\n\t"   \
  "smlabt %[a2], %[x], %[fe], %[a2]\n\t"   \
  "smlabb %[a1], %[x], %[g], %[a1]\n\t"    \
  "smlabt %[a3], %[x], %[g], %[a3]\n\t"

// Out of line: inlined, the caller's live values can leave the compiler
// no registers for the 12 operands (-Os builds failed).
__attribute__((noinline)) void DwBroadcastTaps4(const int8_t* f, const uintptr_t* d, const uintptr_t* end,
                                                int32_t channels, int32_t off, bool by2, int32_t* acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  uint32_t x, g, fe;
  if (by2) {
    __asm__ volatile("1:\n\t" TINYML_DW_BCAST_TAP_ASM TINYML_DW_BCAST_TAP_ASM
                     "cmp    %[d], %[end]\n\t"
                     "bne    1b\n\t"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [f] "+r"(f), [d] "+r"(d),
                       [x] "=&r"(x), [g] "=&r"(g), [fe] "=&r"(fe)
                     : [end] "r"(end), [ch] "r"(channels), [off] "r"(off)
                     : "cc", "memory");
  } else {
    __asm__ volatile("1:\n\t" TINYML_DW_BCAST_TAP_ASM
                     "cmp    %[d], %[end]\n\t"
                     "bne    1b\n\t"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [f] "+r"(f), [d] "+r"(d),
                       [x] "=&r"(x), [g] "=&r"(g), [fe] "=&r"(fe)
                     : [end] "r"(end), [ch] "r"(channels), [off] "r"(off)
                     : "cc", "memory");
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#undef TINYML_DW_BCAST_TAP_ASM
#else
inline void DwBroadcastTaps4(const int8_t* f, const uintptr_t* d, const uintptr_t* end, int32_t channels,
                             int32_t off, bool /*by2*/, int32_t* acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  do {
    const uint32_t x = static_cast<uint32_t>(static_cast<int32_t>(*reinterpret_cast<const int8_t*>(*d++)) + off);
    const uint32_t g = Load32(f);
    f += channels;
    const uint32_t fe = Sxtb16(g), fo = Sxtb16Ror8(g);
    a0 = Smlabb(x, fe, a0);
    a2 = Smlabt(x, fe, a2);
    a1 = Smlabb(x, fo, a1);
    a3 = Smlabt(x, fo, a3);
  } while (d != end);
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

inline int32_t ClampRange(int32_t v, int32_t act_min, int32_t act_max) {
  v = v < act_min ? act_min : v;
  return v > act_max ? act_max : v;
}

// Fast output stage of one channel: acc doubled, then RequantFold2Sat or
// RequantFast2Sat, then the activation clamp.
inline int32_t OutFast(int32_t acc, int32_t multiplier, uint32_t pre_shift, int32_t round_offset,
                       const OutputStage& stage) {
  const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc) << 1);
  const int32_t v = stage.fold ? RequantFold2Sat(acc2, multiplier, pre_shift, FoldedOffset(round_offset, pre_shift))
                               : RequantFast2Sat(acc2, multiplier, pre_shift, round_offset);
  return ClampRange(v, stage.act_min, stage.act_max);
}

// Depth multiplier % 4 == 0, fast requantization: all output channels of
// one pixel. Advances the tap addresses in place to each input channel.
void PixelBroadcast4(uintptr_t* rows, int32_t taps, int32_t depth_multiplier, const int8_t* filter,
                     int32_t channels, int32_t input_offset, const ChannelQuant& quant, const OutputStage& stage,
                     int8_t* out) {
  const int32_t round_offset = RoundOffset(stage.output_offset);
  const uintptr_t* const rows_end = rows + taps;
  const bool by2 = (taps & 1) == 0;
  for (int32_t c = 0, in_group = 0; c < channels; c += 4, in_group += 4) {
    if (in_group == depth_multiplier) {
      for (int32_t t = 0; t < taps; ++t) rows[t] += 1;
      in_group = 0;
    }
    int32_t acc[4] = {0, 0, 0, 0};
    if (quant.bias != nullptr) {
      for (int32_t i = 0; i < 4; ++i) acc[i] = quant.bias[c + i];
    }
    DwBroadcastTaps4(filter + c, rows, rows_end, channels, input_offset, by2, acc);
    for (int32_t i = 0; i < 4; ++i) {
      const uint32_t pre_shift = ~static_cast<uint32_t>(quant.shift[c + i]);
      out[c + i] = static_cast<int8_t>(OutFast(acc[i], quant.multiplier[c + i], pre_shift, round_offset, stage));
    }
  }
}

// RequantFast2Sat of the doubled accumulator, then the activation clamp.
inline int32_t OutFastClamp(int32_t acc, int32_t multiplier, uint32_t pre_shift, int32_t round_offset,
                            int32_t act_min, int32_t act_max) {
  const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc) << 1);
  return ClampRange(RequantFast2Sat(acc2, multiplier, pre_shift, round_offset), act_min, act_max);
}

// Depth multiplier 1, channels % 4 == 0, fast requantization: all output
// channels of one pixel. `entries` (delta, step) pairs (DwTaps4) for the
// taps inside the image, the first of which reads filter row `filter`, so
// one pointer walks input and filter and the tap loop needs few registers.
// Kept out of line, free of the caller's state.
// The fast output stage without the fold, with a bias (e.g. layers without
// activation), straight-line per group of four channels.
void PixelChannelsBiased(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                         const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t round_offset = RoundOffset(stage.output_offset);
  const int32_t act_min = stage.act_min;
  const int32_t act_max = stage.act_max;
  const uintptr_t* const deltas_end = deltas + 2 * taps;
  const bool by3 = taps % 3 == 0;
  const int8_t* const out_end = out + channels;
  const int8_t* filter_c = filter;
  for (; out != out_end; out += 4, filter_c += 4, mult += 4, shift += 4) {
    int32_t a0, a1, a2, a3;
    a0 = bias[0];
    a1 = bias[1];
    a2 = bias[2];
    a3 = bias[3];
    bias += 4;
    if (taps > 0) DwTaps4(filter_c, deltas, deltas_end, off, by3, a0, a1, a2, a3);
    // The four pre-shifts (~shift) as bytes of one word: ASR/LSL by
    // register read only the low byte.
    uint32_t pre = ~Load32(shift);
    a0 = OutFastClamp(a0, mult[0], pre, round_offset, act_min, act_max);
    pre >>= 8;
    a1 = OutFastClamp(a1, mult[1], pre, round_offset, act_min, act_max);
    pre >>= 8;
    a2 = OutFastClamp(a2, mult[2], pre, round_offset, act_min, act_max);
    pre >>= 8;
    a3 = OutFastClamp(a3, mult[3], pre, round_offset, act_min, act_max);
    out[0] = static_cast<int8_t>(a0);
    out[1] = static_cast<int8_t>(a1);
    out[2] = static_cast<int8_t>(a2);
    out[3] = static_cast<int8_t>(a3);
  }
}

}  // namespace

void DwPixelChannels4(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                      const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
  if (stage.fast && !stage.fold && quant.bias != nullptr) {
    PixelChannelsBiased(deltas, taps, filter, channels, off, quant, stage, out);
    return;
  }
  const int32_t round_offset = RoundOffset(stage.output_offset);
  const uintptr_t* const deltas_end = deltas + 2 * taps;
  const bool by3 = taps % 3 == 0;
  for (int32_t c = 0; c < channels; c += 4) {
    int32_t a[4] = {0, 0, 0, 0};
    if (quant.bias != nullptr) {
      for (int32_t i = 0; i < 4; ++i) a[i] = quant.bias[c + i];
    }
    if (taps > 0) DwTaps4(filter + c, deltas, deltas_end, off, by3, a[0], a[1], a[2], a[3]);
    for (int32_t i = 0; i < 4; ++i) {
      const int32_t m = quant.multiplier[c + i];
      const int32_t s = quant.shift[c + i];
      out[c + i] = static_cast<int8_t>(stage.fast ? OutFast(a[i], m, ~static_cast<uint32_t>(s), round_offset, stage)
                                                  : Requant(a[i], m, s, stage));
    }
  }
}

size_t DepthwiseConvS8ScratchBytes(int32_t input_channels, int32_t output_channels, int32_t filter_height,
                                   int32_t filter_width) {
  const int32_t taps = filter_height * filter_width;
  const int32_t dm = input_channels > 0 ? output_channels / input_channels : 1;
  if (DwLanesByChannel(dm, output_channels)) {
    // (delta, step) pairs.
    return taps <= kDepthwiseStackTaps ? 0 : 2 * static_cast<size_t>(taps) * sizeof(uintptr_t);
  }
  return DwZeroRowBytes(input_channels) + static_cast<size_t>(taps) * sizeof(uintptr_t);
}

void DepthwiseConvS8Rest(const DepthwiseS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                         const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                         const Shape& output_shape, int8_t* output, void* scratch) {
  const int32_t batches = input_shape.dims[0];
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t in_c = input_shape.dims[3];
  const int32_t k_h = filter_shape.dims[1];
  const int32_t k_w = filter_shape.dims[2];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  const int32_t out_c = output_shape.dims[3];
  const int32_t dm = params.depth_multiplier;
  const int32_t taps = k_h * k_w;
  const OutputStage stage = params.out;
  const int32_t input_offset = params.input_offset;
  const bool broadcast = (dm & 3) == 0 && stage.fast && taps > 0;
  const uintptr_t x_step = static_cast<uintptr_t>(params.dilation_width) * static_cast<uintptr_t>(in_c);
  int8_t* zero_row = static_cast<int8_t*>(scratch);
  uintptr_t* tap_addr = reinterpret_cast<uintptr_t*>(static_cast<uint8_t*>(scratch) + DwZeroRowBytes(in_c));
  const int8_t zero_point = static_cast<int8_t>(-input_offset);
  for (int32_t c = 0; c < in_c; ++c) zero_row[c] = zero_point;

  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = input + b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t y0 = oy * params.stride_height - params.pad_height;
        const int32_t x0 = ox * params.stride_width - params.pad_width;
        int8_t* out = output + ((b * out_h + oy) * out_w + ox) * out_c;
        const bool cols_inside = x0 >= 0 && x0 + (k_w - 1) * params.dilation_width < in_w;
        for (int32_t fy = 0, t = 0; fy < k_h; ++fy) {
          const int32_t y = y0 + fy * params.dilation_height;
          if (cols_inside && y >= 0 && y < in_h) {
            // Whole filter row inside: the addresses are an arithmetic run.
            uintptr_t a = reinterpret_cast<uintptr_t>(image + (y * in_w + x0) * in_c);
            for (int32_t fx = 0; fx < k_w; ++fx, ++t, a += x_step) tap_addr[t] = a;
            continue;
          }
          for (int32_t fx = 0; fx < k_w; ++fx, ++t) {
            const int32_t x = x0 + fx * params.dilation_width;
            const bool inside = y >= 0 && y < in_h && x >= 0 && x < in_w;
            tap_addr[t] = reinterpret_cast<uintptr_t>(inside ? image + (y * in_w + x) * in_c : zero_row);
          }
        }
        if (broadcast) {
          PixelBroadcast4(tap_addr, taps, dm, filter, out_c, input_offset, quant, stage, out);
          continue;
        }
        for (int32_t c = 0; c < out_c; ++c) {
          const int32_t ic = c / dm;
          uint32_t acc = quant.bias != nullptr ? static_cast<uint32_t>(quant.bias[c]) : 0u;
          for (int32_t t = 0; t < taps; ++t) {
            const int32_t x = reinterpret_cast<const int8_t*>(tap_addr[t])[ic] + input_offset;
            acc += static_cast<uint32_t>(x * static_cast<int32_t>(filter[t * out_c + c]));
          }
          out[c] = static_cast<int8_t>(Requant(static_cast<int32_t>(acc), quant.multiplier[c], quant.shift[c], stage));
        }
      }
    }
  }
}

}  // namespace cortex_m
}  // namespace tinyml
