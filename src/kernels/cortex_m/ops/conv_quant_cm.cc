// The prepare step shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D glue
// (conv_quant_cm.h).
#include "kernels/cortex_m/ops/conv_quant_cm.h"

#include "kernels/ops/op_common.h"

namespace tinyml {
namespace cortex_m {

void PrepareOutputStage(OpContext& ctx, const ChannelFilter& filter, int bias_input, const void* block,
                        int32_t input_offset, OutputStage* out) {
  const int32_t n = filter.channels;
  const ChannelQuant q = ChannelBlock(block, n, ModelBias(ctx, bias_input));
  const int8_t* weights = reinterpret_cast<const int8_t*>(ctx.input_meta(1).const_data);
  bool fast = true;
  bool fold = true;
  for (int32_t c = 0; c < n; ++c) {
    const int64_t bound = AccBound(weights + c * filter.channel_step, filter.count, filter.stride,
                                   q.bias != nullptr ? q.bias[c] : 0, input_offset);
    fast = fast && FastRequantOk(q.shift[c], bound);
    fold = fold && FoldOk(q.shift[c], out->output_offset, out->act_min);
  }
  out->fast = fast ? 1 : 0;
  out->fold = fast && fold ? 1 : 0;
}

}  // namespace cortex_m
}  // namespace tinyml
