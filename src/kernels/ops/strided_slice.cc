// STRIDED_SLICE glue: constant int32 begin/end/strides, all five masks and
// the offset option resolved once (kernels/ref/strided_slice.h).
#include <string.h>

#include "kernels/ops/op_common.h"
#include "kernels/ref/strided_slice.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kBegin = 1;
constexpr int kEnd = 2;
constexpr int kStrides = 3;

struct SliceOpData {
  ref::StridedSliceParams params;
  uint32_t element_bytes;
};

Status ReadIndexVector(OpContext& ctx, int input, const char* what, int32_t length, int32_t* values) {
  const TensorMeta t = ctx.input_meta(input);
  if (t.type != TensorType::kInt32)
    return ctx.Fail(Status::kUnsupportedType, what, static_cast<int>(t.type));
  if (!t.is_constant())
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("non-constant begin/end/strides tensor is not supported; input"),
                    input);
  if (t.shape.rank != 1 || t.shape.dims[0] != length)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("begin, end and strides must be 1-D of equal length; input"),
                    input);
  if (t.const_bytes < 4u * static_cast<uint32_t>(length))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("index buffer shorter than its shape; input"), input);
  for (int i = 0; i < length; ++i) memcpy(&values[i], t.const_data + 4 * i, 4);
  return Status::kOk;
}

Status Setup(OpContext& ctx, SliceOpData* s) {
  if (ctx.num_inputs() != 4 || !ctx.has_input(kInput) || !ctx.has_input(kBegin) || !ctx.has_input(kEnd) ||
      !ctx.has_input(kStrides))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, begin, end, strides); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  const size_t element_bytes = TensorTypeBytes(input.type);
  if (element_bytes == 0)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("element type not supported:"),
                    static_cast<int>(input.type));

  ref::StridedSliceSpec spec;
  const TensorMeta begin = ctx.input_meta(kBegin);
  const int32_t length = begin.shape.rank == 1 ? begin.shape.dims[0] : -1;
  if (length < 0 || length > ref::kMaxSliceSpec)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("begin must be 1-D with at most 16 entries; rank"),
                    begin.shape.rank);
  spec.length = length;
  TINYML_RETURN_IF_ERROR(ReadIndexVector(ctx, kBegin, TINYML_MSG("begin must be int32; type"), length, spec.begin));
  TINYML_RETURN_IF_ERROR(ReadIndexVector(ctx, kEnd, TINYML_MSG("end must be int32; type"), length, spec.end));
  TINYML_RETURN_IF_ERROR(
      ReadIndexVector(ctx, kStrides, TINYML_MSG("strides must be int32; type"), length, spec.strides));

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kStridedSlice, &options));
  if (options.ok()) {
    spec.begin_mask = options.Scalar<int32_t>(0, 0);
    spec.end_mask = options.Scalar<int32_t>(1, 0);
    spec.ellipsis_mask = options.Scalar<int32_t>(2, 0);
    spec.new_axis_mask = options.Scalar<int32_t>(3, 0);
    spec.shrink_axis_mask = options.Scalar<int32_t>(4, 0);
    spec.offset = options.Scalar<uint8_t>(5, 0) != 0;
  }

  int32_t out_rank = 0;
  int32_t out_dims[ref::kMaxSliceOutputRank];
  switch (ref::ResolveStridedSlice(spec, input.shape, &s->params, &out_rank, out_dims)) {
    case ref::SliceSpecError::kNone:
      break;
    case ref::SliceSpecError::kSpecTooLong:
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("begin/end/strides too long:"), length);
    case ref::SliceSpecError::kMultipleEllipsis:
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("more than one ellipsis bit; ellipsis_mask"),
                      spec.ellipsis_mask);
    case ref::SliceSpecError::kTooManyIndices:
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("slice spec names more dims than the input has; rank"),
                      input.shape.rank);
    case ref::SliceSpecError::kZeroStride:
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("stride value has to be non-zero"));
    case ref::SliceSpecError::kShrinkOutOfRange:
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("shrink_axis index out of range; shrink_axis_mask"),
                      spec.shrink_axis_mask);
    case ref::SliceSpecError::kShrinkNegativeStride:
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("shrink_axis with a negative stride is not supported"));
    case ref::SliceSpecError::kShrinkNewAxis:
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("shrink_axis and new_axis on the same entry; mask"),
                      spec.new_axis_mask & spec.shrink_axis_mask);
  }
  if (out_rank != output.shape.rank)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output rank differs from the slice's:"), out_rank);
  for (int i = 0; i < out_rank; ++i) {
    if (out_dims[i] != output.shape.dims[i])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output dim differs from the slice's; dim"), i);
  }
  s->element_bytes = static_cast<uint32_t>(element_bytes);
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  SliceOpData s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = sizeof(SliceOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<SliceOpData>()); }

Status Eval(OpContext& ctx) {
  const SliceOpData* data = ctx.op_data_as<SliceOpData>();
  const Tensor& input = ctx.input(kInput);
  ref::StridedSlice(data->params, input.shape(), input.data, data->element_bytes, ctx.output(0).data);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_STRIDED_SLICE() {
  static const OpRegistration kRegistration = {"STRIDED_SLICE", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
