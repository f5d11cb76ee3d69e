// int8 depthwise convolution for Cortex-M, byte-exact with
// ref::DepthwiseConvPerChannelS8.
//
// Four output channels per step: input words widened with the input offset
// added (SXTAB16, offset in both lanes), filter words with SXTB16, one MAC
// per SMLABB/SMLATT lane, so the model's bias is used as is. Per output
// pixel a table of the taps inside the image is built once and shared by
// all channels: padded taps contribute (zero point + offset) * f = 0 and are
// simply left out. The depth-multiplier paths other than 1 keep every tap
// and point padded ones at a row of input zero points in scratch. On the
// M55 (Helium) depth multiplier 1 with fast requantization runs on int32
// vectors, output stage included (PixelMve).
#ifndef TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_H_
#define TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/cortex_m/conv_s8.h"
#include "tinyml/types.h"

namespace tinyml {
namespace cortex_m {

// The convolution's params (conv_s8.h), depth_multiplier included.
using DepthwiseS8Params = ConvS8Params;

// Bound on |accumulator| of output channel oc (for FastRequantOk).
inline int64_t DepthwiseAccBound(const int8_t* filter, int32_t taps, int32_t channels, int32_t oc, int32_t bias,
                                 int32_t input_offset) {
  return AccBound(filter + oc, taps, channels, bias, input_offset);
}

// Arena scratch: 0 for depth multiplier 1 with channels % 4 == 0 and at
// most kDepthwiseStackTaps taps (the tap table lives on the stack);
// otherwise the tap table, plus the zero-point row for the other paths.
constexpr int32_t kDepthwiseStackTaps = 32;
size_t DepthwiseConvS8ScratchBytes(int32_t input_channels, int32_t output_channels, int32_t filter_height,
                                   int32_t filter_width);

// Any window, stride, dilation, padding and depth multiplier. Fast paths:
// depth_multiplier 1 with channels % 4 == 0, depth_multiplier % 4 == 0;
// other cases run a per-channel loop.
void DepthwiseConvS8(const DepthwiseS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                     const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                     int8_t* output, void* scratch);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_DEPTHWISE_CONV_S8_H_
