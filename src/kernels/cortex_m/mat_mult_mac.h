// The register-blocked MAC runs and output helpers shared by the
// convolution matmul's files (mat_mult_s8.cc: the frequent cases, -O2;
// mat_mult_s8_generic.cc: the rest, -Os). Internal to them.
#ifndef TINYML_KERNELS_CORTEX_M_MAT_MULT_MAC_H_
#define TINYML_KERNELS_CORTEX_M_MAT_MULT_MAC_H_

#include <stdint.h>

#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {
namespace mm {

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
// 8 depth values x 4 pixels, straight-line (no counter register, so the
// filter words come two per LDRD): 25 instructions for 32 MACs.
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
TINYML_MM_DEFINE_MAC_OCTS(MacOcts4, TINYML_MM_OCT4_ASM)
TINYML_MM_DEFINE_MAC_OCTS(MacOcts2, TINYML_MM_OCT2_ASM)
TINYML_MM_DEFINE_MAC_OCTS(MacOcts1, TINYML_MM_OCT_ASM)
#undef TINYML_MM_DEFINE_MAC_OCTS
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

}  // namespace mm

// MatMulS8Cols4 for the exact requantization, depth % 8 != 0, groups of
// 2-3 pixels and layers without a bias (mat_mult_s8_generic.cc). Not
// inlined into MatMulS8Cols4 by link-time optimization (measured: bigger
// and slower).
__attribute__((noinline)) void MatMulS8Cols4Rest(const uint32_t* cols, int32_t depth, const int8_t* filter,
                                                 int32_t channels, const ChannelQuant& quant, const OutputStage& out,
                                                 int32_t pixels, int8_t* output);
}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_MAT_MULT_MAC_H_
