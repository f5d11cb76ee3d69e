// Prepare-time pieces shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D
// glue: the persistent per-channel block (folded bias, multiplier, shift).
#ifndef TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
#define TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_

#include <stdint.h>

#include "kernels/cortex_m/conv_s8.h"
#include "kernels/ops/conv_quant.h"

namespace tinyml {
namespace cortex_m {

// After a fixed header: int32 bias[n], int32 multiplier[n], int8 shift[n].
inline uint32_t ChannelBlockBytes(int32_t n) { return static_cast<uint32_t>(n) * 9u; }

inline ChannelQuant ChannelBlock(void* block, int32_t n) {
  int32_t* bias = static_cast<int32_t*>(block);
  ChannelQuant q;
  q.bias = bias;
  q.multiplier = bias + n;
  q.shift = reinterpret_cast<const int8_t*>(bias + 2 * n);
  return q;
}

// Fills the block's multipliers and int8 shifts (the bias slots hold the
// int32 shifts until they are narrowed) and returns the model's bias data
// (nullptr when the op has none); the caller then folds the bias.
inline Status FillChannelMultipliers(OpContext& ctx, const TensorMeta& input, const TensorMeta& filter,
                                     const TensorMeta& output, int channel_dim, int bias_input, int32_t n,
                                     void* block, const int32_t** model_bias) {
  int32_t* bias = static_cast<int32_t*>(block);
  int32_t* multiplier = bias + n;
  int8_t* shift = reinterpret_cast<int8_t*>(bias + 2 * n);
  TINYML_RETURN_IF_ERROR(ComputeConvMultipliers(ctx, input, filter, output, channel_dim, n, multiplier, bias));
  for (int32_t c = 0; c < n; ++c) shift[c] = static_cast<int8_t>(bias[c]);
  *model_bias = ctx.has_input(bias_input) ? reinterpret_cast<const int32_t*>(ctx.input_meta(bias_input).const_data)
                                          : nullptr;
  return Status::kOk;
}

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
