// Prepare steps shared by CONV_2D and DEPTHWISE_CONV_2D: window geometry and
// the per-channel requantization TFLite calls
// PopulateConvolutionQuantizationParams.
#ifndef TINYML_KERNELS_OPS_CONV_QUANT_H_
#define TINYML_KERNELS_OPS_CONV_QUANT_H_

#include <stdint.h>

#include "kernels/ops/op_common.h"
#include "tinyml/model.h"
#include "tinyml/op.h"
#include "tinyml/status.h"

namespace tinyml {

// One spatial axis of a convolution window: checks that the model's output
// size equals TFLite's ComputeOutSize for these parameters and that every
// index the kernel forms fits in int32, then returns the leading padding
// (TFLite's ComputePaddingHeightWidth). stride, dilation, filter_size >= 1.
Status ConvWindowPadding(OpContext& ctx, Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                         int32_t dilation, int32_t out_size, int32_t* pad);

// Validates the quantization of an int8 convolution and computes one
// (multiplier, shift) per output channel, bit-exact with TFLite:
//   effective = double(input_scale) * double(filter_scale[c]) / double(output_scale)
//   QuantizeMultiplier(effective) -> (multiplier[c], shift[c]), shift > 0 = left.
// A filter with a single scale applies it to every channel.
//
// Requirements (each failure is a clear ctx.Fail):
//  - input and output: one scale (finite, > 0) and a zero point in [-128, 127];
//  - filter: 1 or `num_channels` scales (finite, >= 0), per-channel along
//    `channel_dim` (0 for CONV_2D, 3 for DEPTHWISE_CONV_2D), all zero points 0;
//  - every resulting shift <= 31 (larger would overflow the requantization).
// `multipliers` / `shifts` may both be nullptr to validate only (plan time);
// otherwise they hold num_channels entries each.
Status ComputeConvMultipliers(OpContext& ctx, const TensorMeta& input, const TensorMeta& filter,
                              const TensorMeta& output, int channel_dim, int32_t num_channels, int32_t* multipliers,
                              int32_t* shifts);

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_CONV_QUANT_H_
