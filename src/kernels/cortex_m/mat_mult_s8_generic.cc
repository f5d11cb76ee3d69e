// The convolution matmul's less frequent cases (conv_s8.h): the exact
// requantization, depth % 8 != 0, groups of 2-3 pixels; and the column
// widening helpers.
#include <string.h>

#include "core/fixed_point.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/mat_mult_mac.h"

namespace tinyml {
namespace cortex_m {
namespace {

using mm::ClampRange;
using mm::MacPairs;
using mm::StoreStrided4;
using mm::TailWord;

inline void SetHalf(uint32_t* cols, int32_t p, int32_t k, int32_t v) {
  const int32_t word = (k >> 2) * 8 + 2 * p + (k & 1);
  // One halfword store; lane "hi" (k & 2) is the upper address on the
  // little-endian cores and hosts this runs on.
  const int16_t h = static_cast<int16_t>(v);
  memcpy(reinterpret_cast<uint8_t*>(cols + word) + ((k & 2) ? 2 : 0), &h, sizeof(h));
}

inline void Store4(int8_t* out, int32_t stride, int32_t pixels, int32_t v0, int32_t v1, int32_t v2, int32_t v3) {
  out[0] = static_cast<int8_t>(v0);
  if (pixels > 1) out[stride] = static_cast<int8_t>(v1);
  if (pixels > 2) out[2 * stride] = static_cast<int8_t>(v2);
  if (pixels > 3) out[3 * stride] = static_cast<int8_t>(v3);
}

}  // namespace

// -Os (the file is -O2): 180 B less for KWS (LTO had inlined it at the
// im2col call sites), IC +0.27 % instructions.
__attribute__((optimize("Os"))) void WidenRun(uint32_t* cols, int32_t p, int32_t k0, const int8_t* src, int32_t count, const Widen& widen) {
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

// Any depth, the MAC loop 8 deep (depth tail zero-padded): layers whose
// depth is not a multiple of 8, groups of 2-3 pixels, layers without a
// bias; out.fast: the fast requantization (columns doubled), else the exact
// one (hot in some models, e.g. MLPerf VWW). One function with a run-time
// choice: about 520 B less than one instantiation each, VWW +0.9 % (spills
// around the MAC asm); compiled -Os as well it was 210 B less again but
// VWW +3.9 % (ports/cortex_m/README.md).
void MatMulImpl(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                const ChannelQuant& quant_ref, const OutputStage& out_ref, int32_t pixels, int8_t* output) {
  // Local copies: int8 stores may alias anything, which would otherwise
  // force reloads of these after every output byte.
  const ChannelQuant quant = quant_ref;
  const OutputStage out = out_ref;
  const bool fast = out.fast != 0;
  const int32_t round_offset = RoundOffset(out.output_offset);
  const int32_t blocks = depth >> 2;
  const int32_t rem = depth & 3;
  const uint32_t* tail_cols = cols + blocks * 8;
  for (int32_t c = 0; c < channels; ++c) {
    const int8_t* f = filter + c * depth;
    const int32_t bias = quant.bias != nullptr ? quant.bias[c] : 0;
    int32_t a0 = fast ? static_cast<int32_t>(static_cast<uint32_t>(bias) << 1) : bias;
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
    if (fast) {
      const uint32_t pre_shift = static_cast<uint32_t>(~shift) & 0xffu;
      a0 = ClampRange(RequantFast2Sat(a0, multiplier, pre_shift, round_offset), out.act_min, out.act_max);
      a1 = ClampRange(RequantFast2Sat(a1, multiplier, pre_shift, round_offset), out.act_min, out.act_max);
      a2 = ClampRange(RequantFast2Sat(a2, multiplier, pre_shift, round_offset), out.act_min, out.act_max);
      a3 = ClampRange(RequantFast2Sat(a3, multiplier, pre_shift, round_offset), out.act_min, out.act_max);
    } else {
      a0 = Clamp(MultiplyByQuantizedMultiplier(a0, multiplier, shift), out);
      a1 = Clamp(MultiplyByQuantizedMultiplier(a1, multiplier, shift), out);
      a2 = Clamp(MultiplyByQuantizedMultiplier(a2, multiplier, shift), out);
      a3 = Clamp(MultiplyByQuantizedMultiplier(a3, multiplier, shift), out);
    }
    Store4(output + c, channels, pixels, a0, a1, a2, a3);
  }
}

}  // namespace

void MatMulS8Cols4Rest(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                          const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output) {
  MatMulImpl(cols, depth, filter, channels, quant, out, pixels, output);
}

}  // namespace cortex_m
}  // namespace tinyml
