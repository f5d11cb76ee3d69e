#include "kernels/cortex_m/add_s8.h"

#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {
namespace {

// RoundingDivideByPOT(y, e) for e in [1, 31], given pre = e - 1 and no
// overflow of y + 1 (requant.h).
inline int32_t RoundingShift(int32_t y, uint32_t pre) { return ((AsrReg(y + (y >> 31), pre)) + 1) >> 1; }

inline bool ShiftOk(int32_t shift) { return shift <= -1 && shift >= -31; }

// kWhole1/2: that input's rescale has exponent 0 (the larger input scale
// always does: its multiplier is exactly 0.5), so no rounding divide.
template <bool kWhole1, bool kWhole2>
void AddLoop(const ref::ArithmeticParams& p, const int8_t* in1, const int8_t* in2, int32_t count, int8_t* out) {
  // (x + offset) << 21 == (x << 21) + (offset << 21): the doubled, shifted
  // input for SMMULR in one shifted add.
  const int32_t off1 = static_cast<int32_t>(static_cast<uint32_t>(p.input1_offset) << 21);
  const int32_t off2 = static_cast<int32_t>(static_cast<uint32_t>(p.input2_offset) << 21);
  const int32_t m1 = p.input1_multiplier;
  const int32_t m2 = p.input2_multiplier;
  const int32_t mo = p.output_multiplier;
  const uint32_t pre1 = kWhole1 ? 0u : static_cast<uint32_t>(-p.input1_shift - 1);
  const uint32_t pre2 = kWhole2 ? 0u : static_cast<uint32_t>(-p.input2_shift - 1);
  const uint32_t preo = static_cast<uint32_t>(-p.output_shift - 1);
  const int32_t out_offset = p.output_offset;
  const int32_t act_min = p.quantized_min;
  const int32_t act_max = p.quantized_max;
  for (int32_t i = 0; i < count; ++i) {
    const int32_t a = off1 + static_cast<int32_t>(static_cast<uint32_t>(in1[i]) << 21);
    const int32_t b = off2 + static_cast<int32_t>(static_cast<uint32_t>(in2[i]) << 21);
    const int32_t s1 = kWhole1 ? Smmulr(a, m1) : RoundingShift(Smmulr(a, m1), pre1);
    const int32_t s2 = kWhole2 ? Smmulr(b, m2) : RoundingShift(Smmulr(b, m2), pre2);
    const int32_t raw = s1 + s2;
    int32_t v = RoundingShift(Smmulr(static_cast<int32_t>(static_cast<uint32_t>(raw) << 1), mo), preo) + out_offset;
    v = v < act_min ? act_min : v;
    out[i] = static_cast<int8_t>(v > act_max ? act_max : v);
  }
}

}  // namespace

bool AddS8FastOk(const ref::ArithmeticParams& p) {
  return p.left_shift == 20 && (p.input1_shift == 0 || ShiftOk(p.input1_shift)) &&
         (p.input2_shift == 0 || ShiftOk(p.input2_shift)) && ShiftOk(p.output_shift) && p.input1_multiplier >= 0 &&
         p.input2_multiplier >= 0 && p.output_multiplier >= 0;
}

void AddS8(const ref::ArithmeticParams& p, const int8_t* in1, const int8_t* in2, int32_t count, int8_t* out) {
  const bool whole1 = p.input1_shift == 0;
  const bool whole2 = p.input2_shift == 0;
  if (whole1 && whole2) {
    AddLoop<true, true>(p, in1, in2, count, out);
  } else if (whole1) {
    AddLoop<true, false>(p, in1, in2, count, out);
  } else if (whole2) {
    AddLoop<false, true>(p, in1, in2, count, out);
  } else {
    AddLoop<false, false>(p, in1, in2, count, out);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
