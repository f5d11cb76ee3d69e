// RESHAPE glue. The output holds exactly the input's bytes; the registration
// asks the planner to give both the same memory, so eval normally has
// nothing to do.
#include <string.h>

#include "kernels/ops/op_common.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status Plan(OpContext& ctx, OpMemory* memory) {
  // Input 1 (the shape tensor) and ReshapeOptions.new_shape are optional and
  // need no run-time use: shapes are static in the model.
  if (ctx.num_inputs() < 1 || ctx.num_inputs() > 2 || !ctx.has_input(0))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input[, shape]); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  if (TensorTypeBytes(input.type) == 0)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("element type has no storable size:"),
                    static_cast<int>(input.type));
  if (input.shape.FlatSize() != output.shape.FlatSize())
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output element count differs from the input's:"),
                    output.shape.FlatSize());
  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kReshape, &options));
  memory->persistent_bytes = 0;
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  if (input.data != output.data) {
    memmove(output.data, input.data, static_cast<size_t>(input.FlatSize()) * TensorTypeBytes(input.type));
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_RESHAPE() {
  static const OpRegistration kRegistration = {"RESHAPE", Plan, nullptr, Eval, nullptr,
                                               kOpFlagOutputAliasesInput0};
  return &kRegistration;
}

}  // namespace tinyml
