// MEAN glue: constant int32 axes (negative and repeated allowed), keep_dims,
// float32 / int8 / int16 with TFLite Micro's choice of integer path.
#include <string.h>

#include "core/fixed_point.h"
#include "kernels/ops/op_common.h"
#include "kernels/ref/reduce.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kAxis = 1;

enum class MeanKind : int32_t { kFloat, kSameScaleS8, kSameScaleS16, kRequantS8, kRequantS16 };

struct MeanOpData {
  ref::MeanParams params;
  MeanKind kind;
};

Status Setup(OpContext& ctx, MeanOpData* s) {
  if (ctx.num_inputs() != 2 || !ctx.has_input(kInput) || !ctx.has_input(kAxis))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, axis); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta axis = ctx.input_meta(kAxis);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8 && input.type != TensorType::kInt16)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8, int16):"),
                    static_cast<int>(input.type));
  if (axis.type != TensorType::kInt32)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("axis must be int32; type"), static_cast<int>(axis.type));
  if (!axis.is_constant())
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("non-constant axis tensor is not supported"));
  const int64_t num_axis = axis.shape.FlatSize();
  if (axis.const_bytes < 4u * static_cast<uint64_t>(num_axis))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("axis buffer shorter than its shape; bytes"), axis.const_bytes);

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kReducer, &options));
  const bool keep_dims = options.ok() && options.Scalar<uint8_t>(0, 0) != 0;

  ref::MeanParams& p = s->params;
  p = ref::MeanParams();
  p.input_shape = input.shape;
  const int rank = input.shape.rank;
  for (int64_t i = 0; i < num_axis; ++i) {
    int32_t a;
    memcpy(&a, axis.const_data + 4 * i, 4);
    if (a < -rank || a >= rank)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("axis out of range for the input rank; axis"), a);
    p.reduced[a < 0 ? a + rank : a] = true;
  }
  // The kept dims in order (keep_dims adds 1s, which do not change the
  // element order); the model's output must hold exactly that many values.
  Shape expected;
  for (int d = 0; d < rank; ++d) {
    if (p.reduced[d]) {
      p.count *= input.shape.dims[d];
      if (keep_dims) expected.dims[expected.rank++] = 1;
    } else {
      p.num_outputs *= input.shape.dims[d];
      expected.dims[expected.rank++] = input.shape.dims[d];
    }
  }
  if (output.shape.FlatSize() != p.num_outputs)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output element count differs from the reduced input's:"),
                    output.shape.FlatSize());
  if (p.count > INT32_MAX)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("too many elements per mean:"), p.count);

  if (input.type == TensorType::kFloat32) {
    s->kind = MeanKind::kFloat;
    return Status::kOk;
  }
  if (input.quant.count < 1 || output.quant.count < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("quantized MEAN needs input and output quantization"));
  const float input_scale = input.quant.scale(0);
  const float output_scale = output.quant.scale(0);
  if (!(input_scale > 0.0f) || !(output_scale > 0.0f))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("quantization scales must be positive"));
  const int64_t input_zp = input.quant.zero_point(0);
  const int64_t output_zp = output.quant.zero_point(0);
  const int64_t lo = input.type == TensorType::kInt8 ? -128 : -32768;
  const int64_t hi = input.type == TensorType::kInt8 ? 127 : 32767;
  if (input_zp < lo || input_zp > hi || output_zp < lo || output_zp > hi)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("zero point outside the type's range:"),
                    input_zp < lo || input_zp > hi ? input_zp : output_zp);
  p.input_zero_point = static_cast<int32_t>(input_zp);
  p.output_zero_point = static_cast<int32_t>(output_zp);
  const bool int8 = input.type == TensorType::kInt8;
  // TFLite Micro compares the float scales and zero points to pick the path.
  if (input_zp == output_zp && input_scale == output_scale) {
    s->kind = int8 ? MeanKind::kSameScaleS8 : MeanKind::kSameScaleS16;
    return Status::kOk;
  }
  s->kind = int8 ? MeanKind::kRequantS8 : MeanKind::kRequantS16;
  int32_t multiplier = 0;
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale), &multiplier, &shift);
  // A left shift past 31 has no int32 meaning (TFLite's arithmetic is
  // undefined there): only a corrupt or absurd scale pair gets here.
  if (shift > 31) return ctx.Fail(Status::kInvalidModel, TINYML_MSG("requantization scale too large"));
  if (p.count > 0) {
    ref::MeanFoldCount(multiplier, shift, p.count, &p.multiplier, &p.shift);
  } else {
    p.multiplier = multiplier;
    p.shift = shift;
  }
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  MeanOpData s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = sizeof(MeanOpData);
  if (s.kind != MeanKind::kFloat) {
    memory->scratch_bytes = static_cast<uint32_t>(s.params.num_outputs * static_cast<int64_t>(sizeof(int32_t)));
  }
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<MeanOpData>()); }

Status Eval(OpContext& ctx) {
  const MeanOpData* data = ctx.op_data_as<MeanOpData>();
  int32_t* scratch = static_cast<int32_t*>(ctx.scratch());
  switch (data->kind) {
    case MeanKind::kFloat:
      ref::MeanF32(data->params, ctx.input_data<float>(kInput), ctx.output_data<float>(0));
      break;
    case MeanKind::kSameScaleS8:
      ref::MeanSameScaleS8(data->params, ctx.input_data<int8_t>(kInput), scratch, ctx.output_data<int8_t>(0));
      break;
    case MeanKind::kSameScaleS16:
      ref::MeanSameScaleS16(data->params, ctx.input_data<int16_t>(kInput), scratch, ctx.output_data<int16_t>(0));
      break;
    case MeanKind::kRequantS8:
      ref::MeanRequantS8(data->params, ctx.input_data<int8_t>(kInput), scratch, ctx.output_data<int8_t>(0));
      break;
    case MeanKind::kRequantS16:
      ref::MeanRequantS16(data->params, ctx.input_data<int16_t>(kInput), scratch, ctx.output_data<int16_t>(0));
      break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_MEAN() {
  static const OpRegistration kRegistration = {"MEAN", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
