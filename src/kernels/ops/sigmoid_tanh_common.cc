#include "kernels/ops/sigmoid_tanh_common.h"

#include "kernels/ops/op_common.h"

namespace tinyml {
namespace {

Status Setup(OpContext& ctx, const SigmoidTanhOp& op, ref::SigmoidTanhParams* params) {
  TensorMeta input;
  TensorMeta output;
  TINYML_RETURN_IF_ERROR(CheckUnaryFloatOrInt8(ctx, &input, &output));
  if (output.shape.FlatSize() != input.shape.FlatSize())
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output size differs from the input size; output size"),
                    output.shape.FlatSize());
  if (input.type == TensorType::kFloat32) return Status::kOk;

  if (op.requires_output_zero_point_minus_128 && (output.quant.count < 1 || output.quant.zero_point(0) != -128))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 logistic output zero point must be -128"));
  if (input.quant.count < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 input has no quantization"));
  const int64_t zero_point = input.quant.zero_point(0);
  if (zero_point < -128 || zero_point > 127)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 input zero point outside int8"), zero_point);
  if (!ref::PrepareSigmoidTanhS8(input.quant.scale(0), static_cast<int32_t>(zero_point), params))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 input scale outside [2^-28, 2^35)"));
  return Status::kOk;
}

}  // namespace

Status SigmoidTanhPlan(OpContext& ctx, const SigmoidTanhOp& op, OpMemory* memory) {
  ref::SigmoidTanhParams params;
  TINYML_RETURN_IF_ERROR(Setup(ctx, op, &params));
  memory->persistent_bytes = sizeof(ref::SigmoidTanhParams);
  return Status::kOk;
}

Status SigmoidTanhPrepare(OpContext& ctx, const SigmoidTanhOp& op) {
  return Setup(ctx, op, ctx.op_data_as<ref::SigmoidTanhParams>());
}

Status SigmoidTanhEval(OpContext& ctx, const SigmoidTanhOp& op) {
  const Tensor& input = ctx.input(0);
  if (input.type == TensorType::kInt8) {
    op.kernel_s8(*ctx.op_data_as<ref::SigmoidTanhParams>(), input.FlatSize(), ctx.input_data<int8_t>(0),
                 ctx.output_data<int8_t>(0));
  } else {
    op.kernel_f32(input.FlatSize(), ctx.input_data<float>(0), ctx.output_data<float>(0));
  }
  return Status::kOk;
}

}  // namespace tinyml
