// CONCATENATION glue. Like TFLite Micro, int8 inputs are copied byte for
// byte (no requantization) and their quantization is not compared: the
// converter gives every input the output's scale and zero point.
#include "kernels/ops/op_common.h"
#include "kernels/ref/concatenation.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

struct ConcatOpData {
  int32_t axis;
  int32_t element_bytes;
  int64_t outer;
  int64_t inner;
};

Status Setup(OpContext& ctx, ConcatOpData* s) {
  const int num_inputs = ctx.num_inputs();
  if (num_inputs < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects at least one input"));
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta output = ctx.output_meta(0);
  const int rank = output.shape.rank;
  const size_t element_bytes = TensorTypeBytes(output.type);
  if (element_bytes == 0)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("element type not supported:"),
                    static_cast<int>(output.type));

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kConcatenation, &options));
  int32_t axis = options.ok() ? options.Scalar<int32_t>(0, 0) : 0;
  const int8_t activation = options.ok() ? options.Scalar<int8_t>(1, 0) : 0;
  if (activation != static_cast<int8_t>(Activation::kNone))
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("fused activation is not supported:"), activation);
  if (axis < -rank || axis >= rank || rank == 0)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("axis out of range for the output rank; axis"), axis);
  if (axis < 0) axis += rank;

  int64_t axis_total = 0;
  for (int i = 0; i < num_inputs; ++i) {
    if (!ctx.has_input(i)) return ctx.Fail(Status::kInvalidModel, TINYML_MSG("input missing; input"), i);
    const TensorMeta in = ctx.input_meta(i);
    if (in.type != output.type)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type differs from the output's; input"), i);
    if (in.shape.rank != rank)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input rank differs from the output's; input"), i);
    for (int d = 0; d < rank; ++d) {
      if (d != axis && in.shape.dims[d] != output.shape.dims[d])
        return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input dims differ from the output's off the axis; input"),
                        i);
    }
    axis_total += in.shape.dims[axis];
  }
  if (axis_total != output.shape.dims[axis])
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output axis dim is not the sum of the inputs'; sum"),
                    axis_total);
  s->axis = axis;
  s->element_bytes = static_cast<int32_t>(element_bytes);
  s->outer = 1;
  for (int d = 0; d < axis; ++d) s->outer *= output.shape.dims[d];
  s->inner = 1;
  for (int d = axis + 1; d < rank; ++d) s->inner *= output.shape.dims[d];
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  ConcatOpData s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = sizeof(ConcatOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<ConcatOpData>()); }

Status Eval(OpContext& ctx) {
  const ConcatOpData* data = ctx.op_data_as<ConcatOpData>();
  Tensor& output = ctx.output(0);
  const int64_t unit = data->inner * data->element_bytes;
  ref::ConcatenationSlab slab;
  slab.outer = data->outer;
  slab.output_block_bytes = static_cast<int64_t>(output.dims[data->axis]) * unit;
  slab.output_offset_bytes = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& input = ctx.input(i);
    slab.input_block_bytes = static_cast<int64_t>(input.dims[data->axis]) * unit;
    ref::ConcatenationCopyInput(slab, input.data, output.data);
    slab.output_offset_bytes += slab.input_block_bytes;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_CONCATENATION() {
  static const OpRegistration kRegistration = {"CONCATENATION", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
