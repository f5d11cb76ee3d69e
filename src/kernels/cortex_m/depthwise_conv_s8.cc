// The depthwise convolution's hot code (depthwise_conv_s8.h), compiled -O2
// (cmake/cortex_m.cmake): for depth multiplier 1 and channels % 4 == 0 the
// pixel loop with its tap tables, the fast folded output stage with a bias
// in assembly (the ReLU layers of DS-CNN style models), the fast stage with
// a bias, Helium on the M55; the fast depth-multiplier-4n pixel. The rest
// is in depthwise_conv_s8_cold.cc, compiled for size.
#include "kernels/cortex_m/depthwise_conv_s8.h"

#include "kernels/cortex_m/depthwise_conv_s8_internal.h"
#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/requant.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#endif

namespace tinyml {
namespace cortex_m {
namespace {

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

// RequantFast2Sat of the doubled accumulator, then the activation clamp.
inline int32_t OutFastClamp(int32_t acc, int32_t multiplier, uint32_t pre_shift, int32_t round_offset,
                            int32_t act_min, int32_t act_max) {
  const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc) << 1);
  return ClampRange(RequantFast2Sat(acc2, multiplier, pre_shift, round_offset), act_min, act_max);
}

// Depth multiplier 1, channels % 4 == 0, fast requantization with a bias
// (RequantFast2Sat and the clamp, exact with or without the fold): all
// output channels of one pixel. `taps` (delta, step) pairs (DwTaps4) for
// the taps inside the image, the first of which reads filter row `filter`,
// so one pointer walks input and filter and the tap loop needs few
// registers. kFullRange: the clamp is int8's, which the saturation already
// is (the depthwise layers without a fused activation).
template <bool kFullRange>
__attribute__((noinline)) void PixelChannelsBiased(const uintptr_t* deltas, int32_t taps, const int8_t* filter,
                                                   int32_t channels, uint32_t off, const ChannelQuant& quant,
                                                   const OutputStage& stage, int8_t* out) {
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
    if (kFullRange) {
      a0 = RequantFast2Sat(static_cast<int32_t>(static_cast<uint32_t>(a0) << 1), mult[0], pre, round_offset);
      pre >>= 8;
      a1 = RequantFast2Sat(static_cast<int32_t>(static_cast<uint32_t>(a1) << 1), mult[1], pre, round_offset);
      pre >>= 8;
      a2 = RequantFast2Sat(static_cast<int32_t>(static_cast<uint32_t>(a2) << 1), mult[2], pre, round_offset);
      pre >>= 8;
      a3 = RequantFast2Sat(static_cast<int32_t>(static_cast<uint32_t>(a3) << 1), mult[3], pre, round_offset);
    } else {
      a0 = OutFastClamp(a0, mult[0], pre, round_offset, act_min, act_max);
      pre >>= 8;
      a1 = OutFastClamp(a1, mult[1], pre, round_offset, act_min, act_max);
      pre >>= 8;
      a2 = OutFastClamp(a2, mult[2], pre, round_offset, act_min, act_max);
      pre >>= 8;
      a3 = OutFastClamp(a3, mult[3], pre, round_offset, act_min, act_max);
    }
    out[0] = static_cast<int8_t>(a0);
    out[1] = static_cast<int8_t>(a1);
    out[2] = static_cast<int8_t>(a2);
    out[3] = static_cast<int8_t>(a3);
  }
}

// Depth multiplier % 4 == 0, fast requantization: all output channels of
// one pixel. Advances the tap addresses in place to each input channel.
template <bool kFullRange>
void PixelBroadcast4(uintptr_t* rows, int32_t taps, int32_t depth_multiplier, const int8_t* filter,
                     int32_t channels, int32_t input_offset, const ChannelQuant& quant, const OutputStage& stage,
                     int8_t* out) {
  const int32_t round_offset = RoundOffset(stage.output_offset);
  const int32_t act_min = stage.act_min;
  const int32_t act_max = stage.act_max;
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
      const int32_t m = quant.multiplier[c + i];
      const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc[i]) << 1);
      out[c + i] = static_cast<int8_t>(kFullRange ? RequantFast2Sat(acc2, m, pre_shift, round_offset)
                                                  : OutFastClamp(acc[i], m, pre_shift, round_offset, act_min, act_max));
    }
  }
}

// Arguments of DwPixelFold4 (the assembly twin of PixelChannels4<true,
// true, true>); offsets are part of its contract.
struct DwPixelArgs {
  const uintptr_t* table;      // 0: (delta, step) pairs of the inside taps, n >= 1
  const uintptr_t* table_end;  // 4
  const int8_t* filter;        // 8: first inside tap's filter row
  const int32_t* bias;         // 12
  const int32_t* mult;         // 16
  const int8_t* shift;         // 20
  int8_t* out;                 // 24
  int8_t* out_end;             // 28
  uint32_t off_pair;           // 32
  int32_t round_offset;        // 36
  int32_t tap_mode;            // 40: 2 if n <= 9, else 0
};

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
// One pixel, all channels, four per group: bias, the DwTaps4 loop, and the
// RequantFold2Sat output stage, with every pointer of the group loop kept
// in registers or the function's own frame (as C, the compiler spilled and
// reloaded them around the tap loop for every group of four outputs).
extern "C" void tinyml_cm_dw_pixel_fold4(const DwPixelArgs* args);

// Registers in the tap loop: r0-r3 accumulators, r4 filter walker, r5 table
// walker, r6 table end, r7 input offset pair, r8-r12 scratch, lr output.
#define TINYML_DW_ASM_TAP                 \
  "ldrd    r10, r12, [r5], #8\n\t"        \
  "ldr     r8, [r4, r10]\n\t"             \
  "ldr     r9, [r4]\n\t"                  \
  "add     r4, r4, r12\n\t"               \
  "sxtab16 r10, r7, r8\n\t"               \
  "sxtab16 r8, r7, r8, ror #8\n\t"        \
  "sxtb16  r11, r9\n\t"                   \
  "sxtb16  r9, r9, ror #8\n\t"            \
  "smlabb  r0, r10, r11, r0\n\t"          \
  "smlatt  r2, r10, r11, r2\n\t"          \
  "smlabb  r1, r8, r9, r1\n\t"            \
  "smlatt  r3, r8, r9, r3\n\t"
// Output stage of accumulator A with multiplier M; r5 holds the remaining
// pre-shift bytes, r4 the round offset.
#define TINYML_DW_ASM_OUT(A, M)           \
  "lsls    " A ", " A ", #1\n\t"          \
  "lsl     r12, r4, r5\n\t"               \
  "smmlar  " A ", " A ", " M ", r12\n\t"  \
  "asr     " A ", " A ", r5\n\t"          \
  "ssat    " A ", #8, " A ", asr #1\n\t"
// The same tap, every instruction 32-bit (48 bytes), for the computed entry
// into the straight 9-tap run.
#define TINYML_DW_ASM_TAP_W                \
  "ldrd    r10, r12, [r5], #8\n\t"        \
  "ldr     r8, [r4, r10]\n\t"             \
  "ldr     r9, [r4]\n\t"                  \
  "add.w   r4, r4, r12\n\t"               \
  "sxtab16 r10, r7, r8\n\t"               \
  "sxtab16 r8, r7, r8, ror #8\n\t"        \
  "sxtb16  r11, r9\n\t"                   \
  "sxtb16  r9, r9, ror #8\n\t"            \
  "smlabb  r0, r10, r11, r0\n\t"          \
  "smlatt  r2, r10, r11, r2\n\t"          \
  "smlabb  r1, r8, r9, r1\n\t"            \
  "smlatt  r3, r8, r9, r3\n\t"
// Output stage of accumulator A with multiplier M; r5 holds the remaining
// pre-shift bytes, r4 the round offset.
#define TINYML_DW_ASM_OUT(A, M)           \
  "lsls    " A ", " A ", #1\n\t"          \
  "lsl     r12, r4, r5\n\t"               \
  "smmlar  " A ", " A ", " M ", r12\n\t"  \
  "asr     " A ", " A ", r5\n\t"          \
  "ssat    " A ", #8, " A ", asr #1\n\t"

// One group of four channels; L names its labels, TAPS is the tap code
// (with its own loop, or straight-line for exactly 9 taps). Frame: 0
// filter - out, 4 bias - 4 out, 8 mult - 4 out, 12 shift - out, 16 out_end,
// 20 table, 24 round offset (the per-group pointers follow from lr = out).
#define TINYML_DW_ASM_GROUP(L, TAPS)        \
  ".Ltinyml_dw_g" L ":\n\t"                 \
  "ldr     r4, [sp, #0]\n\t"                \
  "add     r4, r4, lr\n\t"                  \
  "ldr     r12, [sp, #4]\n\t"               \
  "add     r12, r12, lr, lsl #2\n\t"        \
  "ldmia   r12, {r0-r3}\n\t"                \
  "ldr     r5, [sp, #20]\n"                 \
  TAPS                                      \
  "ldr     r12, [sp, #8]\n\t"               \
  "add     r12, r12, lr, lsl #2\n\t"        \
  "ldmia   r12, {r8-r11}\n\t"               \
  "ldr     r12, [sp, #12]\n\t"              \
  "ldr     r5, [r12, lr]\n\t"               \
  "mvns    r5, r5\n\t"                      \
  "ldr     r4, [sp, #24]\n\t"               \
  TINYML_DW_ASM_OUT("r0", "r8")             \
  "lsrs    r5, r5, #8\n\t"                  \
  TINYML_DW_ASM_OUT("r1", "r9")             \
  "lsrs    r5, r5, #8\n\t"                  \
  TINYML_DW_ASM_OUT("r2", "r10")            \
  "lsrs    r5, r5, #8\n\t"                  \
  TINYML_DW_ASM_OUT("r3", "r11")            \
  "strb    r0, [lr]\n\t"                    \
  "strb    r1, [lr, #1]\n\t"                \
  "strb    r2, [lr, #2]\n\t"                \
  "strb    r3, [lr, #3]\n\t"                \
  "add     lr, lr, #4\n\t"                  \
  "ldr     r12, [sp, #16]\n\t"              \
  "cmp     lr, r12\n\t"                     \
  "bne     .Ltinyml_dw_g" L "\n\t"          \
  "b       .Ltinyml_dw_exit\n"

#define TINYML_DW_ASM_TAPS_LOOP(L, BODY)    \
  ".Ltinyml_dw_t" L ":\n\t" BODY            \
  "cmp     r5, r6\n\t"                      \
  "bne     .Ltinyml_dw_t" L "\n\t"

__asm__(
    ".syntax unified\n\t"
    ".thumb\n\t"
    ".text\n\t"
    ".p2align 2\n\t"
    ".global tinyml_cm_dw_pixel_fold4\n\t"
    ".type tinyml_cm_dw_pixel_fold4, %function\n\t"
    ".thumb_func\n"
    "tinyml_cm_dw_pixel_fold4:\n\t"
    "push    {r4-r11, lr}\n\t"
    "sub     sp, sp, #32\n\t"
    "ldr     lr, [r0, #24]\n\t"              // out
    "ldr     r1, [r0, #8]\n\t"
    "sub     r1, r1, lr\n\t"
    "str     r1, [sp, #0]\n\t"               // filter - out
    "ldr     r1, [r0, #12]\n\t"
    "sub     r1, r1, lr, lsl #2\n\t"
    "str     r1, [sp, #4]\n\t"               // bias - 4 out
    "ldr     r1, [r0, #16]\n\t"
    "sub     r1, r1, lr, lsl #2\n\t"
    "str     r1, [sp, #8]\n\t"               // mult - 4 out
    "ldr     r1, [r0, #20]\n\t"
    "sub     r1, r1, lr\n\t"
    "str     r1, [sp, #12]\n\t"              // shift - out
    "ldr     r1, [r0, #28]\n\t"
    "str     r1, [sp, #16]\n\t"
    "ldr     r1, [r0, #0]\n\t"
    "str     r1, [sp, #20]\n\t"
    "ldr     r1, [r0, #36]\n\t"
    "str     r1, [sp, #24]\n\t"
    "ldr     r6, [r0, #4]\n\t"
    "ldr     r7, [r0, #32]\n\t"
    "ldr     r8, [r0, #40]\n\t"              // tap mode: 0 any n, 2 n <= 9
    "cmp     r8, #2\n\t"
    "bne     .Ltinyml_dw_g1\n\t"
    // n <= 9: r6 = the entry into the 9-tap run that leaves n taps,
    // .Ltinyml_dw_t9_end - 48 n (each tap is 48 bytes; table_end - table
    // is 8 n).
    "ldr     r8, [r0, #0]\n\t"
    "sub     r9, r6, r8\n\t"
    "add     r9, r9, r9, lsl #1\n\t"
    "adr.w   r6, .Ltinyml_dw_t9_end\n\t"
    "sub     r6, r6, r9, lsl #1\n\t"
    "b       .Ltinyml_dw_g9\n"
    TINYML_DW_ASM_GROUP("1", TINYML_DW_ASM_TAPS_LOOP("1", TINYML_DW_ASM_TAP))
    TINYML_DW_ASM_GROUP("9", "\tmov     pc, r6\n\t"
                             TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W
                             TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W TINYML_DW_ASM_TAP_W
                             TINYML_DW_ASM_TAP_W ".Ltinyml_dw_t9_end:\n\t")
    ".Ltinyml_dw_exit:\n\t"
    "add     sp, sp, #32\n\t"
    "pop     {r4-r11, pc}\n\t"
    ".size tinyml_cm_dw_pixel_fold4, .-tinyml_cm_dw_pixel_fold4\n\t");
#undef TINYML_DW_ASM_GROUP
#undef TINYML_DW_ASM_TAPS_LOOP
#undef TINYML_DW_ASM_TAP
#undef TINYML_DW_ASM_TAP_W
#undef TINYML_DW_ASM_OUT
#endif

// Fast, folded output stage, full int8 range, with bias, n >= 1 inside
// taps: the assembly function on DSP builds, PixelChannels4 elsewhere.
void PixelFold4(const uintptr_t* table, int32_t n, const int8_t* first_row, int32_t channels, uint32_t off,
                const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  DwPixelArgs a;
  a.table = table;
  a.table_end = table + 2 * n;
  a.filter = first_row;
  a.bias = quant.bias;
  a.mult = quant.multiplier;
  a.shift = quant.shift;
  a.out = out;
  a.out_end = out + channels;
  a.off_pair = off;
  a.round_offset = RoundOffset(stage.output_offset);
  a.tap_mode = n <= 9 ? 2 : 0;
  tinyml_cm_dw_pixel_fold4(&a);
#else
  DwPixelChannels4(table, n, first_row, channels, off, quant, stage, out);
#endif
}

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
// Helium (M55), depth multiplier 1, fast requantization: four channels per
// int32 vector. taps[2i] is the input address and taps[2i + 1] the filter
// row of inside tap i (channel 0). The output stage is the fast form in
// vector: VQRDMULH is SaturatingRoundingDoublingHighMul exactly (both
// floor((a * m + 2^30) / 2^31)), then the rounding divide as
// (y - (y < 0) + 2^(e-1)) >> e with VRSHL by the (negative) shift.
void PixelMve(const uintptr_t* taps, int32_t n, int32_t channels, int32_t input_offset, const ChannelQuant& quant,
              const OutputStage& stage, int8_t* out) {
  const int32x4_t lo = vdupq_n_s32(stage.act_min);
  const int32x4_t hi = vdupq_n_s32(stage.act_max);
  auto out_stage = [&](int32x4_t acc, int32_t c) {
    int32x4_t y = vqrdmulhq_s32(acc, vldrwq_s32(quant.multiplier + c));
    y = vaddq_s32(y, vshrq_n_s32(y, 31));
    y = vrshlq_s32(y, vldrbq_s32(quant.shift + c));
    y = vaddq_n_s32(y, stage.output_offset);
    y = vminq_s32(vmaxq_s32(y, lo), hi);
    vstrbq_s32(out + c, y);
  };
  int32_t c = 0;
  // 16 channels per pass: each tap's two addresses are loaded once for four
  // accumulator vectors (the Q registers hold 4 accumulators + 3 temps).
  for (; c + 16 <= channels; c += 16) {
    int32x4_t a0, a1, a2, a3;
    if (quant.bias != nullptr) {
      a0 = vldrwq_s32(quant.bias + c);
      a1 = vldrwq_s32(quant.bias + c + 4);
      a2 = vldrwq_s32(quant.bias + c + 8);
      a3 = vldrwq_s32(quant.bias + c + 12);
    } else {
      a0 = a1 = a2 = a3 = vdupq_n_s32(0);
    }
    for (int32_t i = 0; i < n; ++i) {
      const int8_t* xp = reinterpret_cast<const int8_t*>(taps[2 * i]) + c;
      const int8_t* fp = reinterpret_cast<const int8_t*>(taps[2 * i + 1]) + c;
      a0 = vaddq_s32(a0, vmulq_s32(vaddq_n_s32(vldrbq_s32(xp), input_offset), vldrbq_s32(fp)));
      a1 = vaddq_s32(a1, vmulq_s32(vaddq_n_s32(vldrbq_s32(xp + 4), input_offset), vldrbq_s32(fp + 4)));
      a2 = vaddq_s32(a2, vmulq_s32(vaddq_n_s32(vldrbq_s32(xp + 8), input_offset), vldrbq_s32(fp + 8)));
      a3 = vaddq_s32(a3, vmulq_s32(vaddq_n_s32(vldrbq_s32(xp + 12), input_offset), vldrbq_s32(fp + 12)));
    }
    out_stage(a0, c);
    out_stage(a1, c + 4);
    out_stage(a2, c + 8);
    out_stage(a3, c + 12);
  }
  for (; c < channels; c += 4) {
    int32x4_t acc = quant.bias != nullptr ? vldrwq_s32(quant.bias + c) : vdupq_n_s32(0);
    for (int32_t i = 0; i < n; ++i) {
      const int32x4_t x = vldrbq_s32(reinterpret_cast<const int8_t*>(taps[2 * i]) + c);
      const int32x4_t f = vldrbq_s32(reinterpret_cast<const int8_t*>(taps[2 * i + 1]) + c);
      acc = vaddq_s32(acc, vmulq_s32(vaddq_n_s32(x, input_offset), f));
    }
    out_stage(acc, c);
  }
}

// The pixel loop on the M55 (depth multiplier 1, fast requantization): the
// inside taps of each pixel as (input address, filter row) pairs, then
// PixelMve. Its own function, so the vector loop is allocated apart from the
// DSP paths.
void DepthwiseMve(const DepthwiseS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                  const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                  int8_t* output, uintptr_t* tap_addr) {
  const int32_t in_h = input_shape.dims[1];
  const int32_t in_w = input_shape.dims[2];
  const int32_t in_c = input_shape.dims[3];
  const int32_t k_h = filter_shape.dims[1];
  const int32_t k_w = filter_shape.dims[2];
  const int32_t out_h = output_shape.dims[1];
  const int32_t out_w = output_shape.dims[2];
  const int32_t out_c = output_shape.dims[3];
  for (int32_t b = 0; b < input_shape.dims[0]; ++b) {
    const int8_t* image = input + b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t y0 = oy * params.stride_height - params.pad_height;
        const int32_t x0 = ox * params.stride_width - params.pad_width;
        int32_t n = 0;
        for (int32_t fy = 0, t = 0; fy < k_h; ++fy) {
          const int32_t y = y0 + fy * params.dilation_height;
          for (int32_t fx = 0; fx < k_w; ++fx, ++t) {
            const int32_t x = x0 + fx * params.dilation_width;
            if (y < 0 || y >= in_h || x < 0 || x >= in_w) continue;
            tap_addr[2 * n] = reinterpret_cast<uintptr_t>(image + (y * in_w + x) * in_c);
            tap_addr[2 * n + 1] = reinterpret_cast<uintptr_t>(filter + t * out_c);
            ++n;
          }
        }
        PixelMve(tap_addr, n, out_c, params.input_offset, quant, params.out,
                 output + ((b * out_h + oy) * out_w + ox) * out_c);
      }
    }
  }
}
#endif

}  // namespace

void DwPixelChannels4(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                      const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
  if (stage.fast && quant.bias != nullptr) {
    if (IsFullRange(stage)) {
      PixelChannelsBiased<true>(deltas, taps, filter, channels, off, quant, stage, out);
    } else {
      PixelChannelsBiased<false>(deltas, taps, filter, channels, off, quant, stage, out);
    }
  } else {
    DwPixelChannelsSlow(deltas, taps, filter, channels, off, quant, stage, out);
  }
}

// -O2 like the file: -Os here was 120 B less for KWS but person_detect
// +1.4 %, VWW +1.1 %, KWS +17,756 instructions (the border pixels' tap
// tables), which MatMulWhole64Fold's 32-deep loop needs (ports/cortex_m/README.md).
void DepthwiseConvS8(const DepthwiseS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                     const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                     int8_t* output, void* scratch) {
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
  const int32_t* const bias = quant.bias;
  const int32_t input_offset = params.input_offset;
  const uint32_t off_pair = (static_cast<uint32_t>(input_offset) & 0xffffu) | (static_cast<uint32_t>(input_offset) << 16);

  if (!DwLanesByChannel(dm, out_c)) {
    DepthwiseConvS8Rest(params, quant, input_shape, input, filter_shape, filter, output_shape, output, scratch);
    return;
  }
  const bool full_range = IsFullRange(stage);
  const uintptr_t x_step = static_cast<uintptr_t>(params.dilation_width) * static_cast<uintptr_t>(in_c);
  // Interior tap deltas (depth multiplier 1: in_c == out_c), wrapping.
  const uintptr_t col_inc = x_step - static_cast<uintptr_t>(out_c);
  const uintptr_t row_inc = static_cast<uintptr_t>(params.dilation_height) * static_cast<uintptr_t>(in_w) *
                                static_cast<uintptr_t>(in_c) -
                            static_cast<uintptr_t>(k_w) * static_cast<uintptr_t>(out_c);

  uintptr_t stack_taps[2 * kDepthwiseStackTaps];
  uintptr_t* tap_addr = taps <= kDepthwiseStackTaps ? stack_taps : static_cast<uintptr_t*>(scratch);
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  if (stage.fast) {
    DepthwiseMve(params, quant, input_shape, input, filter_shape, filter, output_shape, output, tap_addr);
    return;
  }
#endif

  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = input + b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t y0 = oy * params.stride_height - params.pad_height;
        const int32_t x0 = ox * params.stride_width - params.pad_width;
        int8_t* out = output + ((b * out_h + oy) * out_w + ox) * out_c;

        {
          // Inside taps only, as (distance from the tap's filter row to its
          // input row, distance to the next inside tap's filter row).
          int32_t n = 0;
          int32_t first_tap = 0;
          uintptr_t* entry = tap_addr;
          const bool interior = x0 >= 0 && x0 + (k_w - 1) * params.dilation_width < in_w && y0 >= 0 &&
                                y0 + (k_h - 1) * params.dilation_height < in_h;
          if (interior) {
            // Every tap inside: delta(fy, fx) = base + fy * row_inc + fx * col_inc,
            // and each step is one filter row.
            uintptr_t d = reinterpret_cast<uintptr_t>(image + (y0 * in_w + x0) * in_c) -
                          reinterpret_cast<uintptr_t>(filter);
            for (int32_t fy = 0; fy < k_h; ++fy, d += row_inc) {
              uintptr_t dx = d;
              for (int32_t fx = 0; fx < k_w; ++fx, dx += col_inc, entry += 2) {
                entry[0] = dx;
                entry[1] = static_cast<uintptr_t>(out_c);
              }
            }
            n = taps;
          }
          for (int32_t fy = 0, t = 0; fy < k_h && !interior; ++fy) {
            const int32_t y = y0 + fy * params.dilation_height;
            if (y < 0 || y >= in_h) {
              t += k_w;
              continue;
            }
            uintptr_t a = reinterpret_cast<uintptr_t>(image + (y * in_w + x0) * in_c);
            for (int32_t fx = 0; fx < k_w; ++fx, ++t, a += x_step) {
              const int32_t x = x0 + fx * params.dilation_width;
              if (x < 0 || x >= in_w) continue;
              const uintptr_t row = reinterpret_cast<uintptr_t>(filter + t * out_c);
              if (n == 0) {
                first_tap = t;
              } else {
                entry[-1] = row - (reinterpret_cast<uintptr_t>(filter) + entry[-1]);
              }
              entry[0] = a - row;
              entry[1] = static_cast<uintptr_t>(t) * static_cast<uintptr_t>(out_c);  // step fixed up above
              entry += 2;
              ++n;
            }
          }
          if (n > 0) entry[-1] = 0;
          const int8_t* first_row = filter + first_tap * out_c;
          if (stage.fast && stage.fold && full_range && bias != nullptr && n > 0) {
            // The ReLU-style case: in assembly on DSP builds.
            PixelFold4(tap_addr, n, first_row, out_c, off_pair, quant, stage, out);
          } else {
            DwPixelChannels4(tap_addr, n, first_row, out_c, off_pair, quant, stage, out);
          }
        }
      }
    }
  }
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
  const bool full_range = IsFullRange(stage);
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
          if (full_range) {
            PixelBroadcast4<true>(tap_addr, taps, dm, filter, out_c, input_offset, quant, stage, out);
          } else {
            PixelBroadcast4<false>(tap_addr, taps, dm, filter, out_c, input_offset, quant, stage, out);
          }
          continue;
        }
        DwPixelSlow(tap_addr, taps, dm, filter, out_c, input_offset, quant, stage, out);
      }
    }
  }
}
}  // namespace cortex_m
}  // namespace tinyml
