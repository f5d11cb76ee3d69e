// The prepare step shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D glue
// (conv_quant_cm.h).
#include "kernels/cortex_m/ops/conv_quant_cm.h"

#include "kernels/ops/op_common.h"

namespace tinyml {
namespace cortex_m {

Status PrepareChannelQuant(OpContext& ctx, Activation activation, const ChannelFilter& filter, int bias_input,
                           void* block, int32_t* input_offset, OutputStage* out) {
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta weights_meta = ctx.input_meta(1);
  const TensorMeta output = ctx.output_meta(0);
  *input_offset = -static_cast<int32_t>(input.quant.zero_point(0));
  out->output_offset = static_cast<int32_t>(output.quant.zero_point(0));
  TINYML_RETURN_IF_ERROR(ActivationRangeQuantized(ctx, activation, output.quant.scale(0), out->output_offset, -128,
                                                  127, &out->act_min, &out->act_max));
  const int32_t n = filter.channels;
  int32_t* multiplier = static_cast<int32_t*>(block);
  int8_t* shift = reinterpret_cast<int8_t*>(multiplier + n);
  const QuantView& fq = weights_meta.quant;
  const double input_scale = static_cast<double>(input.quant.scale(0));
  const double output_scale = static_cast<double>(output.quant.scale(0));
  const int32_t* bias = ModelBias(ctx, bias_input);
  const int8_t* weights = reinterpret_cast<const int8_t*>(weights_meta.const_data);
  bool fast = true;
  bool fold = true;
  for (int32_t c = 0; c < n; ++c) {
    const double effective = input_scale * static_cast<double>(fq.scale(fq.count > 1 ? c : 0)) / output_scale;
    int s = 0;
    QuantizeMultiplier(effective, &multiplier[c], &s);
    shift[c] = static_cast<int8_t>(s);
    const int64_t bound = AccBound(weights + c * filter.channel_step, filter.count, filter.stride,
                                   bias != nullptr ? bias[c] : 0, *input_offset);
    fast = fast && FastRequantOk(shift[c], bound);
    fold = fold && FoldOk(shift[c], out->output_offset, out->act_min);
  }
  out->fast = fast ? 1 : 0;
  out->fold = fast && fold ? 1 : 0;
  return Status::kOk;
}

}  // namespace cortex_m
}  // namespace tinyml
