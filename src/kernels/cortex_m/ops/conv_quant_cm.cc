// The prepare step shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D glue
// (conv_quant_cm.h).
#include "kernels/cortex_m/ops/conv_quant_cm.h"

#include "kernels/ops/op_common.h"

namespace tinyml {
namespace cortex_m {

Status PrepareConvS8(OpContext& ctx, bool depthwise, int32_t n, void* block, ConvS8Params* params) {
  int32_t* multipliers = static_cast<int32_t*>(block);
  ConvSetup r;
  TINYML_RETURN_IF_ERROR(SetupConvOp(ctx, depthwise, &r, multipliers, reinterpret_cast<int8_t*>(multipliers + n)));
  ConvS8Params& p = *params;
  p.stride_height = r.stride_height;
  p.stride_width = r.stride_width;
  p.dilation_height = r.dilation_height;
  p.dilation_width = r.dilation_width;
  p.pad_height = r.pad_height;
  p.pad_width = r.pad_width;
  p.depth_multiplier = r.depth_multiplier;
  p.input_offset = r.input_offset;
  OutputStage& out = p.out;
  out.output_offset = r.output_offset;
  out.act_min = r.quantized_min;
  out.act_max = r.quantized_max;

  // Output channel c's filter values: weights[c * step + k * stride], k < count
  // (CONV_2D [n, kh, kw, in_c]: one row; DEPTHWISE_CONV_2D [1, kh, kw, n]: a column).
  const TensorMeta filter = ctx.input_meta(1);
  const Shape& f = filter.shape;
  const int32_t taps = f.dims[1] * f.dims[2];
  const int32_t count = depthwise ? taps : taps * f.dims[3];
  const int32_t step = depthwise ? 1 : count;
  const int32_t stride = depthwise ? n : 1;
  const ChannelQuant q = ChannelBlock(block, n, OpBias(ctx, 2));
  const int8_t* weights = reinterpret_cast<const int8_t*>(filter.const_data);
  bool fast = true;
  bool fold = true;
  for (int32_t c = 0; c < n; ++c) {
    const int32_t bias = q.bias != nullptr ? q.bias[c] : 0;
    int64_t bound = 0;
    if (filter.type == TensorType::kInt4) {
      int64_t abs_sum = 0;
      for (int32_t k = 0; k < count; ++k) {
        const int32_t v = Int4At(filter.const_data, static_cast<int64_t>(c) * step + static_cast<int64_t>(k) * stride);
        abs_sum += v < 0 ? -v : v;
      }
      bound = AccBoundFromAbsSum(abs_sum, bias, p.input_offset);
    } else {
      bound = AccBound(weights + c * step, count, stride, bias, p.input_offset);
    }
    fast = fast && FastRequantOk(q.shift[c], bound);
    fold = fold && FoldOk(q.shift[c], out.output_offset, out.act_min);
  }
  out.fast = fast ? 1 : 0;
  out.fold = fast && fold ? 1 : 0;
  return Status::kOk;
}

}  // namespace cortex_m
}  // namespace tinyml
