// Pieces shared by the two depthwise files: depthwise_conv_s8.cc (depth
// multiplier 1, -O2) and depthwise_conv_s8_generic.cc (the rest, -Os).
#ifndef TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_
#define TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/cortex_m/depthwise_conv_s8.h"

namespace tinyml {
namespace cortex_m {

// Depth multiplier 1 and channels % 4 == 0: four channels per step, taps
// inside the image only (a table of (delta, step) pairs).
inline bool DwLanesByChannel(int32_t depth_multiplier, int32_t output_channels) {
  return depth_multiplier == 1 && (output_channels & 3) == 0;
}

// The other paths' row of input zero points, rounded up so the tap table
// that follows it in scratch is pointer-aligned.
inline size_t DwZeroRowBytes(int32_t input_channels) {
  return (static_cast<size_t>(input_channels) + 7) & ~static_cast<size_t>(7);
}

// One pixel, all channels (DwLanesByChannel), any output stage: `taps`
// (delta, step) pairs whose first reads filter row `filter`.
void DwPixelChannels4(const uintptr_t* deltas, int32_t taps, const int8_t* filter, int32_t channels, uint32_t off,
                      const ChannelQuant& quant, const OutputStage& stage, int8_t* out);

// DepthwiseConvS8 when !DwLanesByChannel.
void DepthwiseConvS8Rest(const DepthwiseS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                         const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                         const Shape& output_shape, int8_t* output, void* scratch);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_INTERNAL_H_
