// Register-blocked int8 matmul shared by the convolution kernels: see
// conv_s8.h for the column layout.
#include <string.h>

#include "core/fixed_point.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {
namespace {

inline void SetHalf(uint32_t* cols, int32_t p, int32_t k, int32_t v) {
  const int32_t word = (k >> 2) * 8 + 2 * p + (k & 1);
  // One halfword store; lane "hi" (k & 2) is the upper address on the
  // little-endian cores and hosts this runs on.
  const int16_t h = static_cast<int16_t>(v);
  memcpy(reinterpret_cast<uint8_t*>(cols + word) + ((k & 2) ? 2 : 0), &h, sizeof(h));
}

// The depth tail (1..3 values) of a filter row as a word, zero-padded, so
// the inner loop never reads past the row.
inline uint32_t TailWord(const int8_t* f, int32_t rem) {
  uint32_t w = 0;
  for (int32_t j = 0; j < rem; ++j) w |= static_cast<uint32_t>(static_cast<uint8_t>(f[j])) << (8 * j);
  return w;
}

// 8 depth values x 4 pixels per iteration, `pairs` (>= 1) iterations:
// x and f advance past what they read. The DSP build is one asm loop so the
// accumulators, both pointers and the counter stay in registers.
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
// Per 4 depth values: the filter word widened once, then the 4 pixels'
// column words fetched two pixels per LDM (the scratch layout puts pixel p's
// pair at words 2p, 2p + 1). LDM needs fixed ascending registers: r4..r7.
#define TINYML_MM_BLOCK_ASM                              \
  "ldr    %[w], [%[f]], #4\n\t"                          \
  "sxtb16 %[fe], %[w]\n\t"                               \
  "sxtb16 %[w], %[w], ror #8\n\t"                        \
  "ldmia  %[x]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"       \
  "smlad  %[a0], %[c0], %[fe], %[a0]\n\t"                \
  "smlad  %[a0], %[c1], %[w], %[a0]\n\t"                 \
  "smlad  %[a1], %[c2], %[fe], %[a1]\n\t"                \
  "smlad  %[a1], %[c3], %[w], %[a1]\n\t"                 \
  "ldmia  %[x]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"       \
  "smlad  %[a2], %[c0], %[fe], %[a2]\n\t"                \
  "smlad  %[a2], %[c1], %[w], %[a2]\n\t"                 \
  "smlad  %[a3], %[c2], %[fe], %[a3]\n\t"                \
  "smlad  %[a3], %[c3], %[w], %[a3]\n\t"

inline void MacPairs(const uint32_t*& x_ref, const int8_t*& f_ref, int32_t pairs, int32_t* a0_ref, int32_t* a1_ref,
                     int32_t* a2_ref, int32_t* a3_ref) {
  const uint32_t* x = x_ref;
  const int8_t* f = f_ref;
  int32_t a0 = *a0_ref, a1 = *a1_ref, a2 = *a2_ref, a3 = *a3_ref;
  uint32_t w, fe;
  register uint32_t c0 __asm__("r4");
  register uint32_t c1 __asm__("r5");
  register uint32_t c2 __asm__("r6");
  register uint32_t c3 __asm__("r7");
  __asm__ volatile("1:\n\t" TINYML_MM_BLOCK_ASM TINYML_MM_BLOCK_ASM
                   "subs   %[n], %[n], #1\n\t"
                   "bne    1b\n\t"
                   : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [f] "+r"(f),
                     [n] "+r"(pairs), [w] "=&r"(w), [fe] "=&r"(fe), [c0] "=&r"(c0), [c1] "=&r"(c1), [c2] "=&r"(c2),
                     [c3] "=&r"(c3)
                   :
                   : "cc", "memory");
  x_ref = x;
  f_ref = f;
  *a0_ref = a0;
  *a1_ref = a1;
  *a2_ref = a2;
  *a3_ref = a3;
}
#undef TINYML_MM_BLOCK_ASM
#else
inline void MacPairs(const uint32_t*& x, const int8_t*& f, int32_t pairs, int32_t* a0_ref, int32_t* a1_ref,
                     int32_t* a2_ref, int32_t* a3_ref) {
  int32_t a0 = *a0_ref, a1 = *a1_ref, a2 = *a2_ref, a3 = *a3_ref;
  for (; pairs > 0; --pairs) {
    const uint32_t w0 = Load32(f);
    const uint32_t w1 = Load32(f + 4);
    f += 8;
    uint32_t fe = Sxtb16(w0), fo = Sxtb16Ror8(w0);
    uint32_t xe, xo;
    Load2Advance(x, &xe, &xo);
    a0 = Smlad(xo, fo, Smlad(xe, fe, a0));
    Load2Advance(x, &xe, &xo);
    a1 = Smlad(xo, fo, Smlad(xe, fe, a1));
    Load2Advance(x, &xe, &xo);
    a2 = Smlad(xo, fo, Smlad(xe, fe, a2));
    Load2Advance(x, &xe, &xo);
    a3 = Smlad(xo, fo, Smlad(xe, fe, a3));
    fe = Sxtb16(w1);
    fo = Sxtb16Ror8(w1);
    Load2Advance(x, &xe, &xo);
    a0 = Smlad(xo, fo, Smlad(xe, fe, a0));
    Load2Advance(x, &xe, &xo);
    a1 = Smlad(xo, fo, Smlad(xe, fe, a1));
    Load2Advance(x, &xe, &xo);
    a2 = Smlad(xo, fo, Smlad(xe, fe, a2));
    Load2Advance(x, &xe, &xo);
    a3 = Smlad(xo, fo, Smlad(xe, fe, a3));
  }
  *a0_ref = a0;
  *a1_ref = a1;
  *a2_ref = a2;
  *a3_ref = a3;
}
#endif

inline void Store4(int8_t* out, int32_t stride, int32_t pixels, int32_t v0, int32_t v1, int32_t v2, int32_t v3) {
  out[0] = static_cast<int8_t>(v0);
  if (pixels > 1) out[stride] = static_cast<int8_t>(v1);
  if (pixels > 2) out[2 * stride] = static_cast<int8_t>(v2);
  if (pixels > 3) out[3 * stride] = static_cast<int8_t>(v3);
}

}  // namespace

void WidenRun(uint32_t* cols, int32_t p, int32_t k0, const int8_t* src, int32_t count, int8_t fill) {
  int32_t i = 0;
  if ((k0 & 3) == 0) {
    const uint32_t fill_word = static_cast<uint8_t>(fill) * 0x01010101u;
    uint32_t* dst = cols + (k0 >> 2) * 8 + 2 * p;
    for (; i + 4 <= count; i += 4, dst += 8) {
      const uint32_t w = src != nullptr ? Load32(src + i) : fill_word;
      dst[0] = Sxtb16(w);
      dst[1] = Sxtb16Ror8(w);
    }
  }
  for (; i < count; ++i) SetHalf(cols, p, k0 + i, src != nullptr ? src[i] : fill);
}

void WidenPadTail(uint32_t* cols, int32_t p, int32_t depth) {
  for (int32_t k = depth; (k & 3) != 0; ++k) SetHalf(cols, p, k, 0);
}

namespace {

// Four output bytes of one channel at out, out + stride, out + 2 * stride,
// out + 3 * stride. In asm on the DSP build: left to itself the compiler
// keeps three extra output pointers and spills them.
inline void StoreStrided4(int8_t* out, int32_t stride, int32_t v0, int32_t v1, int32_t v2, int32_t v3) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  int8_t* t;
  __asm__ volatile(
      "strb   %[v0], [%[o]]\n\t"
      "strb   %[v1], [%[o], %[s]]\n\t"
      "add    %[t], %[o], %[s], lsl #1\n\t"
      "strb   %[v2], [%[t]]\n\t"
      "strb   %[v3], [%[t], %[s]]\n\t"
      : [t] "=&r"(t)
      : [o] "r"(out), [s] "r"(stride), [v0] "r"(v0), [v1] "r"(v1), [v2] "r"(v2), [v3] "r"(v3)
      : "memory");
#else
  out[0] = static_cast<int8_t>(v0);
  out[stride] = static_cast<int8_t>(v1);
  out[2 * stride] = static_cast<int8_t>(v2);
  out[3 * stride] = static_cast<int8_t>(v3);
#endif
}

// kFast: every channel may use RequantFast; kFullRange: the clamp is SSAT.
template <bool kFast, bool kFullRange>
void MatMulImpl(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                const ChannelQuant& quant_ref, const OutputStage& out_ref, int32_t pixels, int8_t* output) {
  // Local copies: int8 stores may alias anything, which would otherwise
  // force reloads of these after every output byte.
  const ChannelQuant quant = quant_ref;
  const OutputStage out = out_ref;
  const int32_t blocks = depth >> 2;
  const int32_t rem = depth & 3;
  const uint32_t* tail_cols = cols + blocks * 8;
  for (int32_t c = 0; c < channels; ++c) {
    const int8_t* f = filter + c * depth;
    const int32_t bias = quant.bias[c];
    int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
    const uint32_t* x = cols;
    int32_t n = blocks;
    if (n >= 2) {
      MacPairs(x, f, n >> 1, &a0, &a1, &a2, &a3);
      n &= 1;
    }
    if (n > 0 || rem > 0) {
      // One leftover full block and/or the zero-padded depth tail.
      const int32_t extra = n + (rem > 0 ? 1 : 0);
      for (int32_t b = 0; b < extra; ++b) {
        const uint32_t w = (b < n) ? Load32(f) : TailWord(f, rem);
        f += 4;
        const uint32_t* xb = (b < n) ? x : tail_cols;
        const uint32_t fe = Sxtb16(w), fo = Sxtb16Ror8(w);
        a0 = Smlad(xb[0], fe, a0);
        a0 = Smlad(xb[1], fo, a0);
        a1 = Smlad(xb[2], fe, a1);
        a1 = Smlad(xb[3], fo, a1);
        a2 = Smlad(xb[4], fe, a2);
        a2 = Smlad(xb[5], fo, a2);
        a3 = Smlad(xb[6], fe, a3);
        a3 = Smlad(xb[7], fo, a3);
        x += 8;
      }
    }
    const int32_t multiplier = quant.multiplier[c];
    const int32_t shift = quant.shift[c];
    if (kFast) {
      const FastChannel fc = MakeFastChannel(multiplier, shift);
      a0 = RequantFast(a0, fc);
      a1 = RequantFast(a1, fc);
      a2 = RequantFast(a2, fc);
      a3 = RequantFast(a3, fc);
    } else {
      a0 = MultiplyByQuantizedMultiplier(a0, multiplier, shift);
      a1 = MultiplyByQuantizedMultiplier(a1, multiplier, shift);
      a2 = MultiplyByQuantizedMultiplier(a2, multiplier, shift);
      a3 = MultiplyByQuantizedMultiplier(a3, multiplier, shift);
    }
    a0 = OffsetClamp<kFullRange>(a0, out.output_offset, out.act_min, out.act_max);
    a1 = OffsetClamp<kFullRange>(a1, out.output_offset, out.act_min, out.act_max);
    a2 = OffsetClamp<kFullRange>(a2, out.output_offset, out.act_min, out.act_max);
    a3 = OffsetClamp<kFullRange>(a3, out.output_offset, out.act_min, out.act_max);
    int8_t* o = output + c;
    if (pixels == 4) {
      o[0] = static_cast<int8_t>(a0);
      o[channels] = static_cast<int8_t>(a1);
      o[2 * channels] = static_cast<int8_t>(a2);
      o[3 * channels] = static_cast<int8_t>(a3);
    } else {
      Store4(o, channels, pixels, a0, a1, a2, a3);
    }
  }
}

// The hot case: fast requantization, 4 pixels, depth % 8 == 0. Written
// with the fewest live values across the MAC loop (the filter pointer runs
// straight on into the next channel's row) to limit spills around the asm.
template <bool kFullRange>
void MatMulWhole(const uint32_t* cols, int32_t pairs, const int8_t* f, int32_t channels, const ChannelQuant& quant,
                 const OutputStage& out, int8_t* o) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t offset = out.output_offset;
  const int32_t act_min = out.act_min;
  const int32_t act_max = out.act_max;
  int8_t* const o_end = o + channels;
  for (; o != o_end; ++o) {
    int32_t a0 = *bias++;
    int32_t a1 = a0, a2 = a0, a3 = a0;
    const uint32_t* x = cols;
    MacPairs(x, f, pairs, &a0, &a1, &a2, &a3);
    const FastChannel fc = MakeFastChannel(*mult++, *shift++);
    a0 = OffsetClamp<kFullRange>(RequantFast(a0, fc), offset, act_min, act_max);
    a1 = OffsetClamp<kFullRange>(RequantFast(a1, fc), offset, act_min, act_max);
    a2 = OffsetClamp<kFullRange>(RequantFast(a2, fc), offset, act_min, act_max);
    a3 = OffsetClamp<kFullRange>(RequantFast(a3, fc), offset, act_min, act_max);
    StoreStrided4(o, channels, a0, a1, a2, a3);
  }
}

}  // namespace

void MatMulS8Cols4(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                   const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output) {
  const bool whole = pixels == 4 && depth > 0 && (depth & 7) == 0;
  if (!out.fast) {
    MatMulImpl<false, false>(cols, depth, filter, channels, quant, out, pixels, output);
  } else if (IsFullRange(out)) {
    if (whole) {
      MatMulWhole<true>(cols, depth >> 3, filter, channels, quant, out, output);
    } else {
      MatMulImpl<true, true>(cols, depth, filter, channels, quant, out, pixels, output);
    }
  } else if (whole) {
    MatMulWhole<false>(cols, depth >> 3, filter, channels, quant, out, output);
  } else {
    MatMulImpl<true, false>(cols, depth, filter, channels, quant, out, pixels, output);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
