// DEPTHWISE_CONV_2D on the Cortex-M kernel (depthwise_conv_s8.h). The
// reference plan step validates the model (kernels/ops/plans.h: it runs
// first, always). The full registration runs the reference kernel for float
// and non-constant filters/biases; the int8-only one refuses those in plan
// and links no reference kernel.
#include "kernels/cortex_m/depthwise_conv_s8.h"
#include "kernels/cortex_m/ops/conv_quant_cm.h"
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"

namespace tinyml {
namespace {

using cortex_m::ChannelQuant;
using cortex_m::DepthwiseS8Params;

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

struct OpData {
  DepthwiseS8Params params;
  int32_t num_channels;
};

bool UseRef(OpContext& ctx) {
  const TensorMeta input = ctx.input_meta(kInput);
  if (input.type != TensorType::kInt8 || !ctx.input_meta(kFilter).is_constant()) return true;
  return ctx.has_input(kBias) && !ctx.input_meta(kBias).is_constant();
}

// An int4 filter is unpacked into scratch after these bytes (op_common.h).
uint32_t KernelScratchBytes(const Shape& in, const Shape& f) {
  const size_t bytes = cortex_m::DepthwiseConvS8ScratchBytes(in.dims[3], f.dims[3], f.dims[1], f.dims[2]);
  return static_cast<uint32_t>(bytes);
}

Status PlanOptimized(OpContext& ctx, OpMemory* memory) {
  const Shape& in = ctx.input_meta(kInput).shape;
  const Shape& f = ctx.input_meta(kFilter).shape;
  memory->persistent_bytes = sizeof(OpData) + cortex_m::ChannelBlockBytes(f.dims[3]);
  memory->scratch_bytes = ScratchWithInt4(KernelScratchBytes(in, f), Int4UnpackBytes(ctx, kFilter));
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanDepthwiseConv2d(ctx, memory));
  if (!UseRef(ctx)) return PlanOptimized(ctx, memory);
  ctx.HandTo(Register_DEPTHWISE_CONV_2D());  // the reference plan above sized its memory
  return Status::kOk;
}

Status PlanInt8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanDepthwiseConv2dS8(ctx, memory));
  if (UseRef(ctx))
    return ctx.Fail(Status::kUnsupportedOp,
                    TINYML_MSG("non-constant filter/bias: not in the int8-only Cortex-M DEPTHWISE_CONV_2D"));
  return PlanOptimized(ctx, memory);
}

Status PrepareOptimized(OpContext& ctx) {
  OpData* data = ctx.op_data_as<OpData>();
  data->num_channels = ctx.input_meta(kFilter).shape.dims[3];
  return cortex_m::PrepareConvS8(ctx, true, data->num_channels, data + 1, &data->params);
}

Status EvalOptimized(OpContext& ctx) {
  OpData* data = ctx.op_data_as<OpData>();
  const ChannelQuant quant = cortex_m::ChannelBlock(data + 1, data->num_channels, cortex_m::OpBias(ctx, kBias));
  const Tensor& input = ctx.input(kInput);
  const Tensor& filter = ctx.input(kFilter);
  Tensor& output = ctx.output(0);
  const Shape filter_shape = filter.shape();
  const int8_t* weights =
      Int8Weights(ctx, kFilter, Int4Scratch(ctx.scratch(), KernelScratchBytes(input.shape(), filter_shape)));
  cortex_m::DepthwiseConvS8(data->params, quant, input.shape(), ctx.input_data<int8_t>(kInput), filter_shape, weights,
                            output.shape(), ctx.output_data<int8_t>(0), ctx.scratch());
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DEPTHWISE_CONV_2D_CORTEX_M() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", Plan, PrepareOptimized, EvalOptimized, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", PlanInt8, PrepareOptimized, EvalOptimized, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
