// Prepare-time pieces shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D
// glue: the persistent per-channel block (multiplier, shift) and the output
// stage's forms. The kernels
// add the input offset while widening, so the model's bias is used in place
// and costs no arena.
#ifndef TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
#define TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_

#include <stdint.h>

#include "core/fixed_point.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"

namespace tinyml {
namespace cortex_m {

// After a fixed header: int32 multiplier[n], int8 shift[n].
inline uint32_t ChannelBlockBytes(int32_t n) { return static_cast<uint32_t>(n) * 5u; }

inline ChannelQuant ChannelBlock(const void* block, int32_t n, const int32_t* model_bias) {
  const int32_t* multiplier = static_cast<const int32_t*>(block);
  ChannelQuant q;
  q.bias = model_bias;
  q.multiplier = multiplier;
  q.shift = reinterpret_cast<const int8_t*>(multiplier + n);
  return q;
}

// The prepare step shared by the CONV_2D (depthwise false) and
// DEPTHWISE_CONV_2D (true) glue, for an op whose int8 plan passed: the
// reference setup (SetupConvOp, kernels/ops/conv_quant.h: the plan's
// validation) fills `params` and the channel block's `n` multipliers and
// shifts, then the output stage's fast/fold forms are chosen from the
// filter and bias.
Status PrepareConvS8(OpContext& ctx, bool depthwise, int32_t n, void* block, ConvS8Params* params);

// The op's bias data, or nullptr when it has none: from the op's tensors
// (a constant's data is the model's, set before prepare), not from
// input_meta, which decodes the flatbuffer (hundreds of instructions per
// call: the glue once did it at every eval).
inline const int32_t* OpBias(OpContext& ctx, int bias_input) {
  return ctx.has_input(bias_input) ? ctx.input_data<int32_t>(bias_input) : nullptr;
}

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
