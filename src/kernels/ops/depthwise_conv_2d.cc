// DEPTHWISE_CONV_2D glue: validation and constants for
// kernels/ref/depthwise_conv.h.
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/depthwise_conv.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// Depthwise filters are quantized per output channel along dimension 3.
constexpr int kChannelDim = 3;
constexpr bool kDepthwise = true;

using DepthwiseOpData = PerChannelConvData<ref::DepthwiseConvParams>;

}  // namespace

Status PlanDepthwiseConv2d(OpContext& ctx, OpMemory* memory) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(SetupConvOp(ctx, kDepthwise, &s));
  memory->persistent_bytes = DepthwiseOpData::Bytes(s.type, s.num_channels);
  memory->scratch_bytes = Int4UnpackBytes(ctx, kConvFilter);
  return Status::kOk;
}

// Filter and output types equal the input's once the generic plan passed.
Status PlanDepthwiseConv2dS8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanDepthwiseConv2d(ctx, memory));
  return RequireInt8Input(ctx, kConvInput);
}

namespace {

Status Prepare(OpContext& ctx) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(SetupConvOp(ctx, kDepthwise, &s));
  ref::DepthwiseConvParams params;
  CopyConvSetup(s, &params);
  params.depth_multiplier = s.depth_multiplier;
  return PreparePerChannelConvData(ctx, params, s.type, kChannelDim, s.num_channels);
}

Status EvalS8(OpContext& ctx) {
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  ref::DepthwiseConvPerChannelS8(data->params, data->multipliers(), data->shifts(), input.shape(),
                                 ctx.input_data<int8_t>(kConvInput), filter.shape(),
                                 Int8Weights(ctx, kConvFilter, ctx.scratch()),
                                 ctx.has_input(kConvBias) ? ctx.input_data<int32_t>(kConvBias) : nullptr,
                                 output.shape(), ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  if (ctx.input(kConvInput).type == TensorType::kInt8) return EvalS8(ctx);
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  const bool has_bias = ctx.has_input(kConvBias);
  ref::DepthwiseConvF32(data->params, input.shape(), ctx.input_data<float>(kConvInput), filter.shape(),
                        ctx.input_data<float>(kConvFilter), has_bias ? ctx.input_data<float>(kConvBias) : nullptr,
                        output.shape(), ctx.output_data<float>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DEPTHWISE_CONV_2D_INT8() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", PlanDepthwiseConv2dS8, Prepare, EvalS8, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_DEPTHWISE_CONV_2D() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", PlanDepthwiseConv2d, Prepare, Eval, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
