// 1x1, stride-1, unpadded int8 convolution: output pixel i is a matmul of
// input pixel i's channels, so columns are widened straight from the input.
#include "kernels/cortex_m/conv_s8.h"

#include "core/fixed_point.h"
#include "kernels/cortex_m/dsp.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#endif

namespace tinyml {
namespace cortex_m {
namespace {

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
// Helium (M55), depth % 16 == 0: 16 MACs per VMLADAVA on the raw int8
// input, no widening. The input offset enters through the filter row's sum
// (sum(w * (x + offset)) == sum(w * x) + offset * sum(w), wrapping like the
// reference accumulator), taken with VADDVA while the row is loaded; four
// pixels share each filter vector (tail groups repeat the last pixel and
// store only the real ones).
inline int32_t OutMve(int32_t acc, int32_t m, uint32_t pre, int32_t shift, int32_t round_offset,
                      const OutputStage& out) {
  int32_t v;
  if (out.fast) {
    const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc) << 1);
    v = out.fold ? RequantFold2Sat(acc2, m, pre, FoldedOffset(round_offset, pre))
                 : RequantFast2Sat(acc2, m, pre, round_offset);
    return v < out.act_min ? out.act_min : (v > out.act_max ? out.act_max : v);
  }
  return Clamp(MultiplyByQuantizedMultiplier(acc, m, shift), out);
}

// kFoldFull: every channel uses RequantFold2Sat and the clamp is int8's
// (OutputStage fast, fold, full range), written out without branches.
template <bool kFoldFull>
void ConvS8_1x1_MveImpl(const ConvS8Params& params, const ChannelQuant& quant, int32_t depth, int32_t channels,
                        int32_t total, const int8_t* input, const int8_t* filter, int8_t* output) {
  const OutputStage out = params.out;
  const uint32_t offset = static_cast<uint32_t>(params.input_offset);
  const int32_t round_offset = RoundOffset(out.output_offset);
  const int32_t* bias = quant.bias;
  const int32_t* mult = quant.multiplier;
  const int8_t* shifts = quant.shift;
  for (int32_t first = 0; first < total; first += 4) {
    const int32_t pixels = total - first < 4 ? total - first : 4;
    const int8_t* x0 = input + first * depth;
    const int8_t* x1 = pixels > 1 ? x0 + depth : x0;
    const int8_t* x2 = pixels > 2 ? x0 + 2 * depth : x0;
    const int8_t* x3 = pixels > 3 ? x0 + 3 * depth : x0;
    int8_t* o = output + first * channels;
    const int8_t* w = filter;
    for (int32_t c = 0; c < channels; ++c, ++o) {
      const int8_t* p0 = x0;
      const int8_t* p1 = x1;
      const int8_t* p2 = x2;
      const int8_t* p3 = x3;
      int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, sw = 0;
      for (int32_t k = depth; k > 0; k -= 16) {
        const int8x16_t wv = vldrbq_s8(w);
        w += 16;
        sw = vaddvaq_s8(sw, wv);
        s0 = vmladavaq_s8(s0, wv, vldrbq_s8(p0));
        s1 = vmladavaq_s8(s1, wv, vldrbq_s8(p1));
        s2 = vmladavaq_s8(s2, wv, vldrbq_s8(p2));
        s3 = vmladavaq_s8(s3, wv, vldrbq_s8(p3));
        p0 += 16;
        p1 += 16;
        p2 += 16;
        p3 += 16;
      }
      const uint32_t base =
          (bias != nullptr ? static_cast<uint32_t>(bias[c]) : 0u) + offset * static_cast<uint32_t>(sw);
      const int32_t m = mult[c];
      const int32_t shift = shifts[c];
      const uint32_t pre = static_cast<uint32_t>(~shift) & 0xffu;
      if (kFoldFull && pixels == 4) {
        const int32_t folded = FoldedOffset(round_offset, pre);
        const uint32_t base2 = base << 1;
        o[0] = static_cast<int8_t>(
            RequantFold2Sat(static_cast<int32_t>(base2 + (static_cast<uint32_t>(s0) << 1)), m, pre, folded));
        o[channels] = static_cast<int8_t>(
            RequantFold2Sat(static_cast<int32_t>(base2 + (static_cast<uint32_t>(s1) << 1)), m, pre, folded));
        o[2 * channels] = static_cast<int8_t>(
            RequantFold2Sat(static_cast<int32_t>(base2 + (static_cast<uint32_t>(s2) << 1)), m, pre, folded));
        o[3 * channels] = static_cast<int8_t>(
            RequantFold2Sat(static_cast<int32_t>(base2 + (static_cast<uint32_t>(s3) << 1)), m, pre, folded));
        continue;
      }
      o[0] = static_cast<int8_t>(
          OutMve(static_cast<int32_t>(base + static_cast<uint32_t>(s0)), m, pre, shift, round_offset, out));
      if (pixels > 1)
        o[channels] = static_cast<int8_t>(
            OutMve(static_cast<int32_t>(base + static_cast<uint32_t>(s1)), m, pre, shift, round_offset, out));
      if (pixels > 2)
        o[2 * channels] = static_cast<int8_t>(
            OutMve(static_cast<int32_t>(base + static_cast<uint32_t>(s2)), m, pre, shift, round_offset, out));
      if (pixels > 3)
        o[3 * channels] = static_cast<int8_t>(
            OutMve(static_cast<int32_t>(base + static_cast<uint32_t>(s3)), m, pre, shift, round_offset, out));
    }
  }
}

void ConvS8_1x1_Mve(const ConvS8Params& params, const ChannelQuant& quant, int32_t depth, int32_t channels,
                    int32_t total, const int8_t* input, const int8_t* filter, int8_t* output) {
  if (params.out.fast && params.out.fold && IsFullRange(params.out)) {
    ConvS8_1x1_MveImpl<true>(params, quant, depth, channels, total, input, filter, output);
  } else {
    ConvS8_1x1_MveImpl<false>(params, quant, depth, channels, total, input, filter, output);
  }
}
#endif

}  // namespace

void ConvS8_1x1(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                int8_t* output, void* scratch) {
  const int32_t depth = input_shape.dims[3];
  const int32_t channels = filter_shape.dims[0];
  const int32_t total = output_shape.dims[0] * output_shape.dims[1] * output_shape.dims[2];
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
  if ((depth & 15) == 0) {
    ConvS8_1x1_Mve(params, quant, depth, channels, total, input, filter, output);
    return;
  }
#endif
  const Widen widen = MakeWiden(params.input_offset, params.out);
  alignas(8) uint32_t stack_cols[kConvS8StackColumnBytes / sizeof(uint32_t)];
  uint32_t* cols = ConvS8ScratchBytes(depth) == 0 ? stack_cols : static_cast<uint32_t*>(scratch);
  // depth % 8 == 0 with doubling (the fast output stage): eight bytes per
  // step inline, the common case (WidenRun's generality cost ~12
  // instructions per word there).
  const bool octs = (depth & 7) == 0 && widen.doubled;
  for (int32_t first = 0; first < total; first += 4) {
    const int32_t pixels = total - first < 4 ? total - first : 4;
    for (int32_t p = 0; p < 4; ++p) {
      const int32_t pixel = first + (p < pixels ? p : pixels - 1);
      const int8_t* src = input + pixel * depth;
      if (octs) {
        uint32_t* dst = cols + 2 * p;
        for (const int8_t* const end = src + depth; src != end; src += 8, dst += 16) {
          const uint32_t w0 = Load32(src);
          const uint32_t w1 = Load32(src + 4);
          const uint32_t e0 = Sxtab16(widen.offset_pair, w0);
          const uint32_t o0 = Sxtab16Ror8(widen.offset_pair, w0);
          const uint32_t e1 = Sxtab16(widen.offset_pair, w1);
          const uint32_t o1 = Sxtab16Ror8(widen.offset_pair, w1);
          dst[0] = Sadd16(e0, e0);
          dst[1] = Sadd16(o0, o0);
          dst[8] = Sadd16(e1, e1);
          dst[9] = Sadd16(o1, o1);
        }
        continue;
      }
      WidenRun(cols, p, 0, src, depth, widen);
      WidenPadTail(cols, p, depth);
    }
    MatMulS8Cols4(cols, depth, filter, channels, quant, params.out, pixels, output + first * channels);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
