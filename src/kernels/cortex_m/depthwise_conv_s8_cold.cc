// The depthwise convolution's less frequent cases (depthwise_conv_s8.h),
// compiled for size: the pixel loop for depth multipliers other than 1 (or
// channels % 4 != 0) and the exact or bias-free output stages; the hot
// loops they call are in depthwise_conv_s8.cc (-O2).
#include "kernels/cortex_m/depthwise_conv_s8.h"

#include "kernels/cortex_m/depthwise_conv_s8_internal.h"

#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/requant.h"

namespace tinyml {
namespace cortex_m {
namespace {

inline int32_t ClampRange(int32_t v, int32_t act_min, int32_t act_max) {
  v = v < act_min ? act_min : v;
  return v > act_max ? act_max : v;
}

// Fast output stage of one channel: acc doubled, then RequantFold2Sat or
// RequantFast2Sat, then the activation clamp.
inline int32_t OutFast(int32_t acc, int32_t multiplier, uint32_t pre_shift, int32_t round_offset,
                       const OutputStage& stage) {
  const int32_t acc2 = static_cast<int32_t>(static_cast<uint32_t>(acc) << 1);
  const int32_t v = stage.fold ? RequantFold2Sat(acc2, multiplier, pre_shift, FoldedOffset(round_offset, pre_shift))
                               : RequantFast2Sat(acc2, multiplier, pre_shift, round_offset);
  return ClampRange(v, stage.act_min, stage.act_max);
}

}  // namespace

void DwPixelChannelsSlow(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                         const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
  const int32_t round_offset = RoundOffset(stage.output_offset);
  const uintptr_t* const deltas_end = deltas + 2 * taps;
  for (int32_t c = 0; c < channels; c += 4) {
    int32_t a[4] = {0, 0, 0, 0};
    if (quant.bias != nullptr) {
      for (int32_t i = 0; i < 4; ++i) a[i] = quant.bias[c + i];
    }
    if (taps > 0) DwTaps4(filter + c, deltas, deltas_end, off, false, a[0], a[1], a[2], a[3]);
    for (int32_t i = 0; i < 4; ++i) {
      const int32_t m = quant.multiplier[c + i];
      const int32_t s = quant.shift[c + i];
      out[c + i] = static_cast<int8_t>(stage.fast ? OutFast(a[i], m, ~static_cast<uint32_t>(s), round_offset, stage)
                                                  : Requant(a[i], m, s, stage));
    }
  }
}

size_t DepthwiseConvS8ScratchBytes(int32_t input_channels, int32_t output_channels, int32_t filter_height,
                                   int32_t filter_width) {
  const int32_t taps = filter_height * filter_width;
  const int32_t dm = input_channels > 0 ? output_channels / input_channels : 1;
  if (DwLanesByChannel(dm, output_channels)) {
    // (delta, step) pairs.
    return taps <= kDepthwiseStackTaps ? 0 : 2 * static_cast<size_t>(taps) * sizeof(uintptr_t);
  }
  return DwZeroRowBytes(input_channels) + static_cast<size_t>(taps) * sizeof(uintptr_t);
}

void DwPixelSlow(const uintptr_t* rows, int32_t taps, int32_t dm, const int8_t* filter, int32_t out_c,
                 int32_t input_offset, const ChannelQuant& quant, const OutputStage& stage, int8_t* out) {
  for (int32_t c = 0; c < out_c; ++c) {
    const int32_t ic = c / dm;
    uint32_t acc = quant.bias != nullptr ? static_cast<uint32_t>(quant.bias[c]) : 0u;
    for (int32_t t = 0; t < taps; ++t) {
      const int32_t x = reinterpret_cast<const int8_t*>(rows[t])[ic] + input_offset;
      acc += static_cast<uint32_t>(x * static_cast<int32_t>(filter[t * out_c + c]));
    }
    out[c] = static_cast<int8_t>(Requant(static_cast<int32_t>(acc), quant.multiplier[c], quant.shift[c], stage));
  }
}

}  // namespace cortex_m
}  // namespace tinyml
