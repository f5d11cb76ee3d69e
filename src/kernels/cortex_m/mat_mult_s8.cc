// The convolution matmul (conv_s8.h): the frequent cases (fast
// requantization, 4 pixels and depth % 8 == 0, or 1 pixel), compiled -O2 (see
// cmake/cortex_m.cmake), and the dispatch; the rest is in
// mat_mult_s8_generic.cc, compiled for size.
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/mat_mult_mac.h"

namespace tinyml {
namespace cortex_m {
namespace {

using mm::ClampRange;
using mm::MacOcts1;
using mm::MacOcts2;
using mm::MacOcts4;
using mm::StoreStrided4;
using mm::TailWord;

// The hot case: fast folded requantization, int8 output range, a bias, 4
// pixels, depth 64 (the 1x1 layers of DS-CNN style models): a 32-deep
// straight-line MAC run done twice (the 64-deep run straight was 308 B more
// and KWS 71,548 instructions faster; with the loop KWS is 8,415 under its
// target, ports/cortex_m/README.md). Written with the fewest live values
// across the MAC run (the filter pointer runs straight on into the next
// channel's row) to limit spills around the asm.
void MatMulWhole64Fold(const uint32_t* cols, const int8_t* f, int32_t channels, const ChannelQuant& quant,
                       const OutputStage& out, int8_t* o) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t round_offset = RoundOffset(out.output_offset);
  int8_t* const o_end = o + channels;
  for (; o != o_end; ++o) {
    int32_t a0 = static_cast<int32_t>(static_cast<uint32_t>(*bias++) << 1);
    int32_t a1 = a0, a2 = a0, a3 = a0;
    const uint32_t* x = cols;
    int32_t halves = 2;
    __asm__("" : "+r"(halves));  // opaque: GCC peeled the constant 2-trip loop into one 64-deep run
    do MacOcts4(x, f, &a0, &a1, &a2, &a3);
    while (--halves != 0);
    const int32_t m = *mult++;
    const uint32_t pre_shift = ~static_cast<uint32_t>(*shift++);  // only the low byte counts (AsrReg)
    const int32_t folded = FoldedOffset(round_offset, pre_shift);
    a0 = RequantFold2Sat(a0, m, pre_shift, folded);
    a1 = RequantFold2Sat(a1, m, pre_shift, folded);
    a2 = RequantFold2Sat(a2, m, pre_shift, folded);
    a3 = RequantFold2Sat(a3, m, pre_shift, folded);
    StoreStrided4(o, channels, a0, a1, a2, a3);
  }
}

// Any fast output stage with a bias (fold and clamp checked per channel),
// 4 pixels, depth % 8 == 0: every such layer but the 64-deep ReLU-style
// one above. (Layers without a bias take MatMulS8Cols4Rest.) Its MAC runs are inline (a 16-deep
// straight-line block in a loop, then one 8-deep block): out of line they cost ~25 instructions
// per channel. A 64-deep block here (then a second copy of the one above) was 652 B more; 32-deep:
// 252 B more, IC 1.3 % faster; 8-deep only: 204 B less, IC +3.1 % (ports/cortex_m/README.md).
void MatMulWhole(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels,
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
    for (; d >= 16; d -= 16) MacOcts2(x, f, &a0, &a1, &a2, &a3);
    if (d >= 8) MacOcts1(x, f, &a0, &a1, &a2, &a3);
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

// Fast output stage with a bias, 4 pixels, depth below 16 and not 8 (e.g.
// the 1x1 shortcut convolutions of a narrow TC-ResNet, 14 deep): each
// 4-deep block straight, the partial last one from a tail word (the columns
// are zero-padded past the depth). MatMulS8Cols4Rest's general loops cost
// more per channel than these few MACs: the bundled model's first shortcut
// went from 29,022 to 23,582 instructions (inlined here; out of line,
// 24,055). Depth 8 stays with MatMulWhole's octs (person_detect's 8-deep
// layer took 835,090 instructions there, 1,120,210 here).
void MatMulShallow(const uint32_t* cols, int32_t depth, const int8_t* f, int32_t channels, const ChannelQuant& quant,
                   const OutputStage& out, int8_t* o) {
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shift = quant.shift;
  const int32_t round_offset = RoundOffset(out.output_offset);
  const bool full = IsFullRange(out);
  const bool fold = out.fold != 0;
  const int32_t act_min = out.act_min;
  const int32_t act_max = out.act_max;
  const int32_t blocks = depth >> 2;
  const int32_t rem = depth & 3;
  int8_t* const o_end = o + channels;
  for (; o != o_end; ++o) {
    int32_t a0 = static_cast<int32_t>(static_cast<uint32_t>(*bias++) << 1);
    int32_t a1 = a0, a2 = a0, a3 = a0;
    const uint32_t* x = cols;
    for (int32_t b = 0; b <= blocks; ++b, x += 8) {
      uint32_t w;
      if (b < blocks) {
        w = Load32(f);
        f += 4;
      } else {
        if (rem == 0) break;
        w = TailWord(f, rem);
        f += rem;
      }
      const uint32_t fe = Sxtb16(w), fo = Sxtb16Ror8(w);
      a0 = Smlad(x[0], fe, a0);
      a0 = Smlad(x[1], fo, a0);
      a1 = Smlad(x[2], fe, a1);
      a1 = Smlad(x[3], fo, a1);
      a2 = Smlad(x[4], fe, a2);
      a2 = Smlad(x[5], fo, a2);
      a3 = Smlad(x[6], fe, a3);
      a3 = Smlad(x[7], fo, a3);
    }
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

}  // namespace

void MatMulS8Cols4(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                   const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output) {
  if (out.fast && pixels == 1) {
    MatMulOnePixel(cols, depth, filter, channels, quant, out, output);
  } else if (out.fast && pixels == 4 && depth > 0 && depth < 16 && (depth & 7) != 0 && quant.bias != nullptr) {
    MatMulShallow(cols, depth, filter, channels, quant, out, output);
  } else if (!out.fast || pixels != 4 || depth <= 0 || (depth & 7) != 0 || quant.bias == nullptr) {
    MatMulS8Cols4Rest(cols, depth, filter, channels, quant, out, pixels, output);
  } else if (depth == 64 && quant.bias != nullptr && out.fold && IsFullRange(out)) {
    MatMulWhole64Fold(cols, filter, channels, quant, out, output);
  } else {
    MatMulWhole(cols, depth, filter, channels, quant, out, output);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
