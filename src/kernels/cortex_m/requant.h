// Requantization of int32 accumulators to int8, bit-exact with
// MultiplyByQuantizedMultiplier (core/fixed_point.h).
//
// The fast form relies on two identities, each proven in the header tests
// (tests/kernels/cortex_m_kernels_test.cc, RequantFast*):
//  - for a multiplier m >= 0, SaturatingRoundingDoublingHighMul(a, m) equals
//    floor((a*m + 2^30) / 2^31): gemmlowp's nudge 1 - 2^30 with truncation
//    toward zero for negative products is the same as flooring with +2^30.
//    When |a| < 2^30 that is SMMULR(2a, m) (rounded high word).
//  - RoundingDivideByPOT(y, e) for e >= 1 equals
//    (y + 2^(e-1) - (y < 0)) >> e when that sum cannot overflow.
// So it needs: right shift e in [1, 31] (shift <= -1) and |acc| < 2^30 for
// every accumulator the op can produce; prepare checks both per op
// (ConvFastRequantOk) and otherwise the kernels use the exact general form.
#ifndef TINYML_KERNELS_CORTEX_M_REQUANT_H_
#define TINYML_KERNELS_CORTEX_M_REQUANT_H_

#include <stdint.h>

#include "core/fixed_point.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {

// Per-op output stage: clamp range and output zero point.
struct OutputStage {
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t fast;  // nonzero: every channel may use RequantFast
  // Nonzero (only with fast): every channel may use RequantFold2Sat
  // (FoldOk), because act_min >= output_offset and the folded offset fits.
  int32_t fold;
};

// Per-channel constants of the fast form.
struct FastChannel {
  int32_t multiplier;
  int32_t pre_shift;  // right shift - 1, in 0..30
};

inline FastChannel MakeFastChannel(int32_t multiplier, int32_t shift) {
  FastChannel c;
  c.multiplier = multiplier;
  // Only used with shift in [-31, -1] (FastRequantOk); ~shift == -shift - 1.
  c.pre_shift = ~shift;
  return c;
}

// Valid only under the conditions above. The rounding divide by 2^e is
// floor((y - (y < 0) + 2^(e-1)) / 2^e); splitting the floor as
// floor((floor(v / 2^(e-1)) + 1) / 2) avoids materialising 2^(e-1), and
// y + (y >> 31) is y - (y < 0) in one instruction.
inline int32_t RequantFast(int32_t acc, const FastChannel& c) {
  const int32_t y = Smmulr(static_cast<int32_t>(static_cast<uint32_t>(acc) << 1), c.multiplier);
  return (((y + (y >> 31)) >> c.pre_shift) + 1) >> 1;
}

// The fast form on an accumulator already doubled (acc2 = 2 * acc, so the
// kernels fold the doubling into their operands), with the output offset
// folded into the final rounding: ((v + 1) >> 1) + offset equals
// (v + 1 + 2 * offset) >> 1, and SSAT applies that last shift itself.
// `round_offset` = 1 + 2 * output_offset (RoundOffset). Returns the value
// clamped to int8; a narrower activation range is clamped by the caller.
inline int32_t RoundOffset(int32_t output_offset) { return 1 + 2 * output_offset; }
inline int32_t RequantFast2Sat(int32_t acc2, int32_t multiplier, uint32_t pre_shift, int32_t round_offset) {
  const int32_t y = Smmulr(acc2, multiplier);
  return Ssat8Asr1(AsrReg(y + (y >> 31), pre_shift) + round_offset);
}

// A cheaper exact form when act_min >= output_offset (ReLU-style clamps):
// for y < 0 every rounding of y / 2^e gives a result <= output_offset, which
// the clamp maps to act_min anyway, so RoundingDivideByPOT's sign correction
// can be dropped; and the rounding offset moves before the shift,
// (y >> p) + k == (y + (k << p)) >> p, where SMMLAR adds it for free.
// `folded_offset` = RoundOffset(output_offset) << pre_shift (FoldedOffset).
// The caller still clamps to [act_min, act_max] when that is narrower than
// int8.
inline int32_t FoldedOffset(int32_t round_offset, uint32_t pre_shift) { return LslReg(round_offset, pre_shift); }
inline int32_t RequantFold2Sat(int32_t acc2, int32_t multiplier, uint32_t pre_shift, int32_t folded_offset) {
  return Ssat8Asr1(AsrReg(Smmlar(acc2, multiplier, folded_offset), pre_shift));
}

inline int32_t Clamp(int32_t v, const OutputStage& s) {
  v += s.output_offset;
  v = v < s.act_min ? s.act_min : v;
  return v > s.act_max ? s.act_max : v;
}

// Offset and clamp with the clamp specialised: when the activation range is
// the whole int8 range one SSAT does it.
template <bool kFullRange>
inline int32_t OffsetClamp(int32_t v, int32_t output_offset, int32_t act_min, int32_t act_max) {
  v += output_offset;
  if (kFullRange) return Ssat8(v);
  v = v < act_min ? act_min : v;
  return v > act_max ? act_max : v;
}

inline bool IsFullRange(const OutputStage& s) { return s.act_min == -128 && s.act_max == 127; }

// Full output stage for one accumulator of a channel (multiplier, shift).
inline int32_t Requant(int32_t acc, int32_t multiplier, int32_t shift, const OutputStage& s) {
  const int32_t v = s.fast ? RequantFast(acc, MakeFastChannel(multiplier, shift))
                           : MultiplyByQuantizedMultiplier(acc, multiplier, shift);
  return Clamp(v, s);
}

// True when RequantFold2Sat may replace RequantFast2Sat for a channel that
// passed FastRequantOk: act_min >= output_offset, and |folded offset| plus
// |y| (< 2^30) stays below 2^31.
inline bool FoldOk(int32_t shift, int32_t output_offset, int32_t act_min) {
  const int64_t k = RoundOffset(output_offset);
  const int64_t folded = (k < 0 ? -k : k) << (-shift - 1);
  return act_min >= output_offset && folded < (static_cast<int64_t>(1) << 30);
}

// True when RequantFast is exact for a channel: shift in [-31, -1] and every
// accumulator magnitude below 2^30. `max_abs_acc` bounds |acc| (int64).
inline bool FastRequantOk(int32_t shift, int64_t max_abs_acc) {
  return shift <= -1 && shift >= -31 && max_abs_acc < (static_cast<int64_t>(1) << 30);
}

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_REQUANT_H_
