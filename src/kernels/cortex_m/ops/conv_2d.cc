// CONV_2D on the Cortex-M kernels (conv_s8.h). The reference plan step
// validates the model (kernels/ops/plans.h: it runs first, always). The
// full registration runs the reference kernel for float, grouped
// convolutions and non-constant filters/biases; the int8-only one refuses
// those in plan and links no reference kernel.
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/ops/conv_quant_cm.h"
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"

namespace tinyml {
namespace {

using cortex_m::ChannelQuant;
using cortex_m::ConvS8Params;

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

struct OpData {
  ConvS8Params params;
  int32_t one_by_one;
  // Followed by the channel block (conv_quant_cm.h) of the filter's
  // dims[0] output channels.
};

bool UseRef(OpContext& ctx) {
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta filter = ctx.input_meta(kFilter);
  if (input.type != TensorType::kInt8 || !filter.is_constant()) return true;
  if (filter.shape.dims[3] != input.shape.dims[3]) return true;  // grouped
  return ctx.has_input(kBias) && !ctx.input_meta(kBias).is_constant();
}

int32_t Depth(const Shape& f) { return f.dims[1] * f.dims[2] * f.dims[3]; }

// 0 when the widened columns fit on the kernel's stack. An int4 filter is
// unpacked into scratch after these bytes (op_common.h).
uint32_t KernelScratchBytes(const Shape& f) { return static_cast<uint32_t>(cortex_m::ConvS8ScratchBytes(Depth(f))); }

Status PlanOptimized(OpContext& ctx, OpMemory* memory) {
  const Shape& f = ctx.input_meta(kFilter).shape;
  memory->persistent_bytes = sizeof(OpData) + cortex_m::ChannelBlockBytes(f.dims[0]);
  memory->scratch_bytes = ScratchWithInt4(KernelScratchBytes(f), Int4UnpackBytes(ctx, kFilter));
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanConv2d(ctx, memory));
  if (!UseRef(ctx)) return PlanOptimized(ctx, memory);
  ctx.HandTo(Register_CONV_2D());  // the reference plan above sized its memory
  return Status::kOk;
}

Status PlanInt8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanConv2dS8(ctx, memory));
  if (UseRef(ctx))
    return ctx.Fail(Status::kUnsupportedOp,
                    TINYML_MSG("grouped or non-constant filter/bias: not in the int8-only Cortex-M CONV_2D"));
  return PlanOptimized(ctx, memory);
}

Status PrepareOptimized(OpContext& ctx) {
  const Shape& in = ctx.input_meta(kInput).shape;
  const Shape& f = ctx.input_meta(kFilter).shape;
  const Shape& out = ctx.output_meta(0).shape;
  OpData* data = ctx.op_data_as<OpData>();
  ConvS8Params& p = data->params;
  TINYML_RETURN_IF_ERROR(cortex_m::PrepareConvS8(ctx, false, f.dims[0], data + 1, &p));
  data->one_by_one = f.dims[1] == 1 && f.dims[2] == 1 && p.stride_width == 1 && p.stride_height == 1 &&
                     p.pad_width == 0 && p.pad_height == 0 && out.dims[1] == in.dims[1] &&
                     out.dims[2] == in.dims[2];
  return Status::kOk;
}

Status EvalOptimized(OpContext& ctx) {
  OpData* data = ctx.op_data_as<OpData>();
  const Tensor& input = ctx.input(kInput);
  const Tensor& filter = ctx.input(kFilter);
  Tensor& output = ctx.output(0);
  const Shape filter_shape = filter.shape();
  const ChannelQuant quant = cortex_m::ChannelBlock(data + 1, filter_shape.dims[0], cortex_m::OpBias(ctx, kBias));
  // One call site for both kernels (same signature): smaller glue.
  const auto kernel = data->one_by_one ? cortex_m::ConvS8_1x1 : cortex_m::ConvS8;
  const int8_t* weights = Int8Weights(ctx, kFilter, Int4Scratch(ctx.scratch(), KernelScratchBytes(filter_shape)));
  kernel(data->params, quant, input.shape(), ctx.input_data<int8_t>(kInput), filter_shape, weights, output.shape(),
         ctx.output_data<int8_t>(0), ctx.scratch());
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_CONV_2D_CORTEX_M() {
  static const OpRegistration kRegistration = {"CONV_2D", Plan, PrepareOptimized, EvalOptimized, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_CONV_2D_CORTEX_M_INT8() {
  static const OpRegistration kRegistration = {"CONV_2D", PlanInt8, PrepareOptimized, EvalOptimized, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
