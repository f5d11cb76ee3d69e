// Pieces shared by the two depthwise files: depthwise_conv_s8.cc (depth
// multiplier 1, -O2) and depthwise_conv_s8_cold.cc (the rest, -Os).
// The functions declared noinline stay out of their hot callers under
// link-time optimization too (the hot/cold split is by file).
#ifndef TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_
#define TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/cortex_m/depthwise_conv_s8.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {

// Depth multiplier 1 and channels % 4 == 0: four channels per step, taps
// inside the image only (a table of (delta, step) pairs).
inline bool DwLanesByChannel(int32_t depth_multiplier, int32_t output_channels) {
  return depth_multiplier == 1 && (output_channels & 3) == 0;
}

// The other paths' row of input zero points, rounded up so the tap table
// that follows it in scratch is pointer-aligned.
inline size_t DwZeroRowBytes(int32_t input_channels) {
  return (static_cast<size_t>(input_channels) + 7) & ~static_cast<size_t>(7);
}

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


// One pixel, all channels (DwLanesByChannel), any output stage: `taps`
// (delta, step) pairs whose first reads filter row `filter`.
void DwPixelChannels4(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                      const ChannelQuant& quant, const OutputStage& stage, int8_t* out);

// DwPixelChannels4 without a bias or with the exact requantization
// (depthwise_conv_s8_cold.cc).
__attribute__((noinline)) void DwPixelChannelsSlow(const uintptr_t* deltas, int32_t taps, const int8_t* filter,
                                                   int32_t channels, uint32_t off, const ChannelQuant& quant,
                                                   const OutputStage& stage, int8_t* out);

// One pixel, any depth multiplier and output stage, one channel at a time:
// rows[t] is tap t's input row (depthwise_conv_s8_cold.cc).
__attribute__((noinline)) void DwPixelSlow(const uintptr_t* rows, int32_t taps, int32_t dm, const int8_t* filter,
                                           int32_t out_c, int32_t input_offset, const ChannelQuant& quant,
                                           const OutputStage& stage, int8_t* out);

// DepthwiseConvS8 when !DwLanesByChannel.
__attribute__((noinline)) void DepthwiseConvS8Rest(const DepthwiseS8Params& params, const ChannelQuant& quant,
                                                   const Shape& input_shape, const int8_t* input,
                                                   const Shape& filter_shape, const int8_t* filter,
                                                   const Shape& output_shape, int8_t* output, void* scratch);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_
