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
// Always inlined: out of line (as -Os may choose) the accumulator and
// pointer references would stay live across the 13-register asm.
#define TINYML_MM_INLINE inline __attribute__((always_inline))
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

TINYML_MM_INLINE void MacPairs(const uint32_t*& x_ref, const int8_t*& f_ref, int32_t pairs, int32_t* a0_ref, int32_t* a1_ref,
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
// 64 depth values x 4 pixels, straight-line (no counter register, so the
// filter words come two per LDRD): 200 instructions for 256 MACs.
#define TINYML_MM_HALF_ASM(W)                        \
  "sxtb16 %[fe], " W "\n\t"                          \
  "sxtb16 " W ", " W ", ror #8\n\t"                  \
  "ldmia  %[x]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"   \
  "smlad  %[a0], %[c0], %[fe], %[a0]\n\t"            \
  "smlad  %[a0], %[c1], " W ", %[a0]\n\t"            \
  "smlad  %[a1], %[c2], %[fe], %[a1]\n\t"            \
  "smlad  %[a1], %[c3], " W ", %[a1]\n\t"            \
  "ldmia  %[x]!, {%[c0], %[c1], %[c2], %[c3]}\n\t"   \
  "smlad  %[a2], %[c0], %[fe], %[a2]\n\t"            \
  "smlad  %[a2], %[c1], " W ", %[a2]\n\t"            \
  "smlad  %[a3], %[c2], %[fe], %[a3]\n\t"            \
  "smlad  %[a3], %[c3], " W ", %[a3]\n\t"
#define TINYML_MM_OCT_ASM                   \
  "ldrd   %[w0], %[w1], [%[f]], #8\n\t"     \
  TINYML_MM_HALF_ASM("%[w0]") TINYML_MM_HALF_ASM("%[w1]")

// N x 8 depth values x 4 pixels, straight-line. Spelled out rather than
// .rept: GCC sizes inline asm by its lines, and branches around an
// underestimated block went out of range.
#define TINYML_MM_OCT2_ASM TINYML_MM_OCT_ASM TINYML_MM_OCT_ASM
#define TINYML_MM_OCT4_ASM TINYML_MM_OCT2_ASM TINYML_MM_OCT2_ASM
#define TINYML_MM_OCT8_ASM TINYML_MM_OCT4_ASM TINYML_MM_OCT4_ASM
#define TINYML_MM_DEFINE_MAC_OCTS(NAME, TEXT)                                                                      \
  TINYML_MM_INLINE void NAME(const uint32_t*& x_ref, const int8_t*& f_ref, int32_t* a0_ref, int32_t* a1_ref,       \
                             int32_t* a2_ref, int32_t* a3_ref) {                                                   \
    const uint32_t* x = x_ref;                                                                                     \
    const int8_t* f = f_ref;                                                                                       \
    int32_t a0 = *a0_ref, a1 = *a1_ref, a2 = *a2_ref, a3 = *a3_ref;                                                \
    uint32_t w0, w1, fe;                                                                                           \
    register uint32_t c0 __asm__("r4");                                                                            \
    register uint32_t c1 __asm__("r5");                                                                            \
    register uint32_t c2 __asm__("r6");                                                                            \
    register uint32_t c3 __asm__("r7");                                                                            \
    __asm__ volatile(TEXT                                                                                          \
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [f] "+r"(f),       \
                       [w0] "=&r"(w0), [w1] "=&r"(w1), [fe] "=&r"(fe), [c0] "=&r"(c0), [c1] "=&r"(c1),             \
                       [c2] "=&r"(c2), [c3] "=&r"(c3)                                                              \
                     :                                                                                             \
                     : "memory");                                                                                  \
    x_ref = x;                                                                                                     \
    f_ref = f;                                                                                                     \
    *a0_ref = a0;                                                                                                  \
    *a1_ref = a1;                                                                                                  \
    *a2_ref = a2;                                                                                                  \
    *a3_ref = a3;                                                                                                  \
  }
TINYML_MM_DEFINE_MAC_OCTS(MacOcts8, TINYML_MM_OCT8_ASM)
TINYML_MM_DEFINE_MAC_OCTS(MacOcts4, TINYML_MM_OCT4_ASM)
TINYML_MM_DEFINE_MAC_OCTS(MacOcts2, TINYML_MM_OCT2_ASM)
TINYML_MM_DEFINE_MAC_OCTS(MacOcts1, TINYML_MM_OCT_ASM)
#undef TINYML_MM_DEFINE_MAC_OCTS
#undef TINYML_MM_OCT8_ASM
#undef TINYML_MM_OCT4_ASM
#undef TINYML_MM_OCT2_ASM
#undef TINYML_MM_OCT_ASM
#undef TINYML_MM_HALF_ASM
#undef TINYML_MM_BLOCK_ASM
#else
#define TINYML_MM_INLINE inline
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
inline void MacOcts8(const uint32_t*& x, const int8_t*& f, int32_t* a0, int32_t* a1, int32_t* a2, int32_t* a3) {
  MacPairs(x, f, 8, a0, a1, a2, a3);
}
inline void MacOcts4(const uint32_t*& x, const int8_t*& f, int32_t* a0, int32_t* a1, int32_t* a2, int32_t* a3) {
  MacPairs(x, f, 4, a0, a1, a2, a3);
}
inline void MacOcts2(const uint32_t*& x, const int8_t*& f, int32_t* a0, int32_t* a1, int32_t* a2, int32_t* a3) {
  MacPairs(x, f, 2, a0, a1, a2, a3);
}
inline void MacOcts1(const uint32_t*& x, const int8_t*& f, int32_t* a0, int32_t* a1, int32_t* a2, int32_t* a3) {
  MacPairs(x, f, 1, a0, a1, a2, a3);
}
#endif

// Depth (a multiple of 8) as 64-deep straight runs, then at most one run
// each of 32, 16 and 8 (straight-line code for every depth, no loop
// counter inside a channel). Out of line, so the 1.5 KB of MAC code exists
// once (only the hot 64-deep case inlines its own run); the accumulators
// travel through memory, a few instructions per channel.
__attribute__((noinline)) void MacDepth8(const uint32_t** x_ref, const int8_t** f_ref, int32_t depth, int32_t* acc) {
  const uint32_t* x = *x_ref;
  const int8_t* f = *f_ref;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (; depth >= 64; depth -= 64) MacOcts8(x, f, &a0, &a1, &a2, &a3);
  if (depth & 32) MacOcts4(x, f, &a0, &a1, &a2, &a3);
  if (depth & 16) MacOcts2(x, f, &a0, &a1, &a2, &a3);
  if (depth & 8) MacOcts1(x, f, &a0, &a1, &a2, &a3);
  *x_ref = x;
  *f_ref = f;
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

inline void Store4(int8_t* out, int32_t stride, int32_t pixels, int32_t v0, int32_t v1, int32_t v2, int32_t v3) {
  out[0] = static_cast<int8_t>(v0);
  if (pixels > 1) out[stride] = static_cast<int8_t>(v1);
  if (pixels > 2) out[2 * stride] = static_cast<int8_t>(v2);
  if (pixels > 3) out[3 * stride] = static_cast<int8_t>(v3);
}

}  // namespace

void WidenRun(uint32_t* cols, int32_t p, int32_t k0, const int8_t* src, int32_t count, const Widen& widen) {
  int32_t i = 0;
  if ((k0 & 3) == 0) {
    uint32_t* dst = cols + (k0 >> 2) * 8 + 2 * p;
    if (src == nullptr) {
      for (; i + 4 <= count; i += 4, dst += 8) dst[0] = dst[1] = 0;
    } else if (widen.doubled) {
      for (; i + 8 <= count; i += 8, dst += 16) {
        const uint32_t w0 = Load32(src + i);
        const uint32_t w1 = Load32(src + i + 4);
        const uint32_t e0 = Sxtab16(widen.offset_pair, w0);
        const uint32_t o0 = Sxtab16Ror8(widen.offset_pair, w0);
        const uint32_t e1 = Sxtab16(widen.offset_pair, w1);
        const uint32_t o1 = Sxtab16Ror8(widen.offset_pair, w1);
        dst[0] = Sadd16(e0, e0);
        dst[1] = Sadd16(o0, o0);
        dst[8] = Sadd16(e1, e1);
        dst[9] = Sadd16(o1, o1);
      }
      for (; i + 4 <= count; i += 4, dst += 8) {
        const uint32_t w = Load32(src + i);
        const uint32_t e = Sxtab16(widen.offset_pair, w);
        const uint32_t o = Sxtab16Ror8(widen.offset_pair, w);
        dst[0] = Sadd16(e, e);
        dst[1] = Sadd16(o, o);
      }
    } else {
      for (; i + 4 <= count; i += 4, dst += 8) {
        const uint32_t w = Load32(src + i);
        dst[0] = Sxtab16(widen.offset_pair, w);
        dst[1] = Sxtab16Ror8(widen.offset_pair, w);
      }
    }
  }
  const int32_t offset = static_cast<int16_t>(widen.offset_pair & 0xffffu);
  const int32_t scale = widen.doubled ? 2 : 1;
  for (; i < count; ++i) SetHalf(cols, p, k0 + i, src != nullptr ? (src[i] + offset) * scale : 0);
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

inline int32_t ClampRange(int32_t v, int32_t act_min, int32_t act_max) {
  v = v < act_min ? act_min : v;
  return v > act_max ? act_max : v;
}

// kFast: every channel may use the fast form (columns doubled);
// kFullRange: the clamp is SSAT alone.
template <bool kFast, bool kFullRange>
void MatMulImpl(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                const ChannelQuant& quant_ref, const OutputStage& out_ref, int32_t pixels, int8_t* output) {
  // Local copies: int8 stores may alias anything, which would otherwise
  // force reloads of these after every output byte.
  const ChannelQuant quant = quant_ref;
  const OutputStage out = out_ref;
  const int32_t round_offset = RoundOffset(out.output_offset);
  const int32_t blocks = depth >> 2;
  const int32_t rem = depth & 3;
  const uint32_t* tail_cols = cols + blocks * 8;
  for (int32_t c = 0; c < channels; ++c) {
    const int8_t* f = filter + c * depth;
    const int32_t bias = quant.bias != nullptr ? quant.bias[c] : 0;
    int32_t a0 = kFast ? static_cast<int32_t>(static_cast<uint32_t>(bias) << 1) : bias;
    int32_t a1 = a0, a2 = a0, a3 = a0;
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
      const uint32_t pre_shift = static_cast<uint32_t>(~shift) & 0xffu;
      a0 = RequantFast2Sat(a0, multiplier, pre_shift, round_offset);
      a1 = RequantFast2Sat(a1, multiplier, pre_shift, round_offset);
      a2 = RequantFast2Sat(a2, multiplier, pre_shift, round_offset);
      a3 = RequantFast2Sat(a3, multiplier, pre_shift, round_offset);
      if (!kFullRange) {
        a0 = ClampRange(a0, out.act_min, out.act_max);
        a1 = ClampRange(a1, out.act_min, out.act_max);
        a2 = ClampRange(a2, out.act_min, out.act_max);
        a3 = ClampRange(a3, out.act_min, out.act_max);
      }
    } else {
      a0 = Clamp(MultiplyByQuantizedMultiplier(a0, multiplier, shift), out);
      a1 = Clamp(MultiplyByQuantizedMultiplier(a1, multiplier, shift), out);
      a2 = Clamp(MultiplyByQuantizedMultiplier(a2, multiplier, shift), out);
      a3 = Clamp(MultiplyByQuantizedMultiplier(a3, multiplier, shift), out);
    }
    Store4(output + c, channels, pixels, a0, a1, a2, a3);
  }
}

// The hot case: fast requantization, 4 pixels, depth % 8 == 0. Written
// with the fewest live values across the MAC loop (the filter pointer runs
// straight on into the next channel's row) to limit spills around the asm.
// kFold: the output stage is RequantFold2Sat (OutputStage::fold).
template <bool kFullRange, bool kHasBias, bool kFold, bool kDepth64>
void MatMulWhole(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels, const ChannelQuant& quant,
                 const OutputStage& out, int8_t* o) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t round_offset = RoundOffset(out.output_offset);
  const int32_t act_min = out.act_min;
  const int32_t act_max = out.act_max;
  int8_t* const o_end = o + channels;
  for (; o != o_end; ++o) {
    int32_t a0 = kHasBias ? static_cast<int32_t>(static_cast<uint32_t>(*bias++) << 1) : 0;
    int32_t a1 = a0, a2 = a0, a3 = a0;
    const uint32_t* x = cols;
    if (kDepth64) {
      MacOcts8(x, f, &a0, &a1, &a2, &a3);
    } else {
      int32_t acc[4] = {a0, a1, a2, a3};
      MacDepth8(&x, &f, depth, acc);
      a0 = acc[0];
      a1 = acc[1];
      a2 = acc[2];
      a3 = acc[3];
    }
    const int32_t m = *mult++;
    const uint32_t pre_shift = ~static_cast<uint32_t>(*shift++);  // only the low byte counts (AsrReg)
    if (kFold) {
      const int32_t folded = FoldedOffset(round_offset, pre_shift);
      a0 = RequantFold2Sat(a0, m, pre_shift, folded);
      a1 = RequantFold2Sat(a1, m, pre_shift, folded);
      a2 = RequantFold2Sat(a2, m, pre_shift, folded);
      a3 = RequantFold2Sat(a3, m, pre_shift, folded);
    } else {
      a0 = RequantFast2Sat(a0, m, pre_shift, round_offset);
      a1 = RequantFast2Sat(a1, m, pre_shift, round_offset);
      a2 = RequantFast2Sat(a2, m, pre_shift, round_offset);
      a3 = RequantFast2Sat(a3, m, pre_shift, round_offset);
    }
    if (!kFullRange) {
      a0 = ClampRange(a0, act_min, act_max);
      a1 = ClampRange(a1, act_min, act_max);
      a2 = ClampRange(a2, act_min, act_max);
      a3 = ClampRange(a3, act_min, act_max);
    }
    StoreStrided4(o, channels, a0, a1, a2, a3);
  }
}

// Any fast output stage with a bias (fold and clamp checked per channel):
// every layer of any depth % 8 == 0 but the 64-deep ReLU-style int8-range
// one. Its MAC runs are inline (64-deep runs, then 8-deep ones, about
// 0.9 KB): out of line they cost ~25 instructions per channel.
void MatMulWholeBiased(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels,
                     const ChannelQuant& quant, const OutputStage& out, int8_t* o) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t round_offset = RoundOffset(out.output_offset);
  const bool full = IsFullRange(out);
  const bool fold = out.fold != 0;
  const int32_t act_min = out.act_min;
  const int32_t act_max = out.act_max;
  int8_t* const o_end = o + channels;
  for (; o != o_end; ++o) {
    int32_t a0 = static_cast<int32_t>(static_cast<uint32_t>(*bias++) << 1);
    int32_t a1 = a0, a2 = a0, a3 = a0;
    const uint32_t* x = cols;
    int32_t d = depth;
    for (; d >= 64; d -= 64) MacOcts8(x, f, &a0, &a1, &a2, &a3);
    for (; d >= 8; d -= 8) MacOcts1(x, f, &a0, &a1, &a2, &a3);
    const int32_t m = *mult++;
    const uint32_t pre = ~static_cast<uint32_t>(*shift++);
    if (fold) {
      const int32_t folded = FoldedOffset(round_offset, pre);
      a0 = RequantFold2Sat(a0, m, pre, folded);
      a1 = RequantFold2Sat(a1, m, pre, folded);
      a2 = RequantFold2Sat(a2, m, pre, folded);
      a3 = RequantFold2Sat(a3, m, pre, folded);
    } else {
      a0 = RequantFast2Sat(a0, m, pre, round_offset);
      a1 = RequantFast2Sat(a1, m, pre, round_offset);
      a2 = RequantFast2Sat(a2, m, pre, round_offset);
      a3 = RequantFast2Sat(a3, m, pre, round_offset);
    }
    if (!full) {
      a0 = ClampRange(a0, act_min, act_max);
      a1 = ClampRange(a1, act_min, act_max);
      a2 = ClampRange(a2, act_min, act_max);
      a3 = ClampRange(a3, act_min, act_max);
    }
    StoreStrided4(o, channels, a0, a1, a2, a3);
  }
}

// Any fast output stage (fold or not, any clamp, bias or none), runtime
// choices per channel.
void MatMulWholeGeneric(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels,
                        const ChannelQuant& quant, const OutputStage& out, int8_t* o) {
  const int32_t round_offset = RoundOffset(out.output_offset);
  const bool fold = out.fold != 0;
  for (int32_t c = 0; c < channels; ++c) {
    const int32_t b = quant.bias != nullptr ? static_cast<int32_t>(static_cast<uint32_t>(quant.bias[c]) << 1) : 0;
    int32_t acc[4] = {b, b, b, b};
    const uint32_t* x = cols;
    MacDepth8(&x, &f, depth, acc);
    const int32_t m = quant.multiplier[c];
    const uint32_t pre = ~static_cast<uint32_t>(quant.shift[c]);
    const int32_t folded = FoldedOffset(round_offset, pre);
    int32_t v[4];
    for (int32_t i = 0; i < 4; ++i) {
      v[i] = fold ? RequantFold2Sat(acc[i], m, pre, folded) : RequantFast2Sat(acc[i], m, pre, round_offset);
      v[i] = ClampRange(v[i], out.act_min, out.act_max);
    }
    StoreStrided4(o + c, channels, v[0], v[1], v[2], v[3]);
  }
}

// One pixel (the last, partial group of an image), fast requantization:
// the 4-pixel kernel would compute three repeats of it.
void MatMulOnePixel(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                    const ChannelQuant& quant, const OutputStage& out, int8_t* o) {
  const int32_t round_offset = RoundOffset(out.output_offset);
  const int32_t blocks = depth >> 2;
  const int32_t rem = depth & 3;
  const int8_t* f = filter;
  for (int32_t c = 0; c < channels; ++c) {
    int32_t a = quant.bias != nullptr ? static_cast<int32_t>(static_cast<uint32_t>(quant.bias[c]) << 1) : 0;
    const uint32_t* x = cols;
    for (int32_t b = 0; b < blocks; ++b, f += 4, x += 8) {
      const uint32_t w = Load32(f);
      a = Smlad(x[0], Sxtb16(w), a);
      a = Smlad(x[1], Sxtb16Ror8(w), a);
    }
    if (rem > 0) {
      const uint32_t w = TailWord(f, rem);
      f += rem;
      a = Smlad(x[0], Sxtb16(w), a);
      a = Smlad(x[1], Sxtb16Ror8(w), a);
    }
    const uint32_t pre = ~static_cast<uint32_t>(quant.shift[c]);
    a = out.fold ? RequantFold2Sat(a, quant.multiplier[c], pre, FoldedOffset(round_offset, pre))
                 : RequantFast2Sat(a, quant.multiplier[c], pre, round_offset);
    o[c] = static_cast<int8_t>(ClampRange(a, out.act_min, out.act_max));
  }
}

// Whole-block variants: the KWS-style case (fold, int8 range, bias, depth
// 64) specialised with its own straight-line MAC run; every other layer
// with a bias shares MatMulWholeBiased, and layers without one the generic
// form (flash matters as much as the rarer cases' few extra instructions).
void MatMulWholeAny(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels, const ChannelQuant& quant,
                    const OutputStage& out, int8_t* o) {
  if (quant.bias != nullptr) {
    if (depth == 64 && out.fold && IsFullRange(out)) {
      MatMulWhole<true, true, true, true>(cols, depth, f, channels, quant, out, o);
    } else {
      MatMulWholeBiased(cols, depth, f, channels, quant, out, o);
    }
    return;
  }
  MatMulWholeGeneric(cols, depth, f, channels, quant, out, o);
}

}  // namespace

void MatMulS8Cols4(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                   const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output) {
  const bool whole = pixels == 4 && depth > 0 && (depth & 7) == 0;
  if (!out.fast) {
    MatMulImpl<false, false>(cols, depth, filter, channels, quant, out, pixels, output);
  } else if (pixels == 1) {
    MatMulOnePixel(cols, depth, filter, channels, quant, out, output);
  } else if (whole) {
    MatMulWholeAny(cols, depth, filter, channels, quant, out, output);
  } else {
    MatMulImpl<true, false>(cols, depth, filter, channels, quant, out, pixels, output);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
