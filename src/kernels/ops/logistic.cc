// LOGISTIC glue: validation and constants for kernels/ref/activations.h.
// float32 and int8; as TFLite Micro, an int8 output must have zero point
// -128 (its scale is taken to be 1/256).
#include "kernels/ops/op_common.h"
#include "kernels/ref/activations.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

struct LogisticOpData {
  ref::SigmoidTanhParams params;
};

Status Setup(OpContext& ctx, ref::SigmoidTanhParams* params) {
  if (ctx.num_inputs() != 1 || !ctx.has_input(0))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 input; inputs given:"), ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only); type"),
                    static_cast<int>(input.type));
  if (output.type != input.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("output type differs from the input type; output type"),
                    static_cast<int>(output.type));
  if (output.shape.FlatSize() != input.shape.FlatSize())
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output size differs from the input size; output size"),
                    output.shape.FlatSize());
  if (input.type == TensorType::kFloat32) return Status::kOk;

  if (output.quant.count < 1 || output.quant.zero_point(0) != -128)
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

Status Plan(OpContext& ctx, OpMemory* memory) {
  ref::SigmoidTanhParams params;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &params));
  memory->persistent_bytes = sizeof(LogisticOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, &ctx.op_data_as<LogisticOpData>()->params); }

Status Eval(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  if (input.type == TensorType::kInt8) {
    ref::LogisticS8(ctx.op_data_as<LogisticOpData>()->params, input.FlatSize(), ctx.input_data<int8_t>(0),
                    ctx.output_data<int8_t>(0));
  } else {
    ref::LogisticF32(input.FlatSize(), ctx.input_data<float>(0), ctx.output_data<float>(0));
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_LOGISTIC() {
  static const OpRegistration kRegistration = {"LOGISTIC", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
