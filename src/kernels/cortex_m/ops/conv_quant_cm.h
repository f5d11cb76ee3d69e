// Prepare-time pieces shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D
// glue: the persistent per-channel block (multiplier, shift). The kernels
// add the input offset while widening, so the model's bias is used in place
// and costs no arena.
#ifndef TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
#define TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_

#include <stdint.h>

#include "core/fixed_point.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/ops/conv_quant.h"

namespace tinyml {
namespace cortex_m {

// After a fixed header: int32 multiplier[n], int8 shift[n].
inline uint32_t ChannelBlockBytes(int32_t n) { return static_cast<uint32_t>(n) * 5u; }

inline ChannelQuant ChannelBlock(void* block, int32_t n, const int32_t* model_bias) {
  int32_t* multiplier = static_cast<int32_t*>(block);
  ChannelQuant q;
  q.bias = model_bias;
  q.multiplier = multiplier;
  q.shift = reinterpret_cast<const int8_t*>(multiplier + n);
  return q;
}

// Fills the block's multipliers and shifts exactly as ComputeConvMultipliers
// (which the reference plan has already run on this op, so the
// quantization is valid and every shift is in [-128, 31]).
inline void FillChannelMultipliers(const TensorMeta& input, const TensorMeta& filter, const TensorMeta& output,
                                   int32_t n, void* block) {
  int32_t* multiplier = static_cast<int32_t*>(block);
  int8_t* shift = reinterpret_cast<int8_t*>(multiplier + n);
  const QuantView& fq = filter.quant;
  const double input_scale = static_cast<double>(input.quant.scale(0));
  const double output_scale = static_cast<double>(output.quant.scale(0));
  for (int32_t c = 0; c < n; ++c) {
    const double effective = input_scale * static_cast<double>(fq.scale(fq.count > 1 ? c : 0)) / output_scale;
    int s = 0;
    QuantizeMultiplier(effective, &multiplier[c], &s);
    shift[c] = static_cast<int8_t>(s);
  }
}

// The model's bias data, or nullptr when the op has none.
inline const int32_t* ModelBias(OpContext& ctx, int bias_input) {
  return ctx.has_input(bias_input) ? reinterpret_cast<const int32_t*>(ctx.input_meta(bias_input).const_data)
                                   : nullptr;
}

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
