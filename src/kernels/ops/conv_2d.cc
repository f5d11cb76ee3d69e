// CONV_2D glue: validation and constants for kernels/ref/conv.h.
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/conv.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// Conv filters are quantized per output channel along dimension 0.
constexpr int kChannelDim = 0;
constexpr bool kDepthwise = false;

using ConvOpData = PerChannelConvData<ref::ConvParams>;

}  // namespace

Status PlanConv2d(OpContext& ctx, OpMemory* memory) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(SetupConvOp(ctx, kDepthwise, &s));
  memory->persistent_bytes = ConvOpData::Bytes(s.type, s.num_channels);
  memory->scratch_bytes = Int4UnpackBytes(ctx, kConvFilter);
  return Status::kOk;
}

// Filter and output types equal the input's once the generic plan passed.
Status PlanConv2dS8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanConv2d(ctx, memory));
  return RequireInt8Input(ctx, kConvInput);
}

namespace {

Status Prepare(OpContext& ctx) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(SetupConvOp(ctx, kDepthwise, &s));
  ref::ConvParams params;
  CopyConvSetup(s, &params);
  return PreparePerChannelConvData(ctx, params, s.type, kChannelDim, s.num_channels);
}

Status EvalS8(OpContext& ctx) {
  ConvOpData* data = ctx.op_data_as<ConvOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  ref::ConvPerChannelS8(data->params, data->multipliers(), data->shifts(), input.shape(),
                        ctx.input_data<int8_t>(kConvInput), filter.shape(), Int8Weights(ctx, kConvFilter, ctx.scratch()),
                        ctx.has_input(kConvBias) ? ctx.input_data<int32_t>(kConvBias) : nullptr, output.shape(),
                        ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  if (ctx.input(kConvInput).type == TensorType::kInt8) return EvalS8(ctx);
  ConvOpData* data = ctx.op_data_as<ConvOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  const bool has_bias = ctx.has_input(kConvBias);
  ref::ConvF32(data->params, input.shape(), ctx.input_data<float>(kConvInput), filter.shape(),
               ctx.input_data<float>(kConvFilter), has_bias ? ctx.input_data<float>(kConvBias) : nullptr,
               output.shape(), ctx.output_data<float>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_CONV_2D_INT8() {
  static const OpRegistration kRegistration = {"CONV_2D", PlanConv2dS8, Prepare, EvalS8, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_CONV_2D() {
  static const OpRegistration kRegistration = {"CONV_2D", PlanConv2d, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
