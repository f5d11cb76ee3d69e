// PAD glue: constant paddings, TFLite Micro's pad value rules (int8: the
// output zero point; others: 0; an optional third input gives the value).
#include <string.h>

#include "kernels/ops/op_common.h"
#include "kernels/ref/pad.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kPaddings = 1;
constexpr int kConstantValues = 2;

struct PadOpData {
  ref::PadParams params;
  uint8_t pad_value[8];
  uint32_t element_bytes;
};

struct PadSetup {
  ref::PadParams params;
  uint8_t pad_value[8] = {};
  uint32_t element_bytes = 0;
};

// Reads element i of a constant int32/int64 tensor whose bytes were checked.
int64_t ConstIndex(const TensorMeta& t, int64_t i) {
  if (t.type == TensorType::kInt64) {
    int64_t v;
    memcpy(&v, t.const_data + 8 * i, 8);
    return v;
  }
  int32_t v;
  memcpy(&v, t.const_data + 4 * i, 4);
  return v;
}

Status Setup(OpContext& ctx, PadSetup* s) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || !ctx.has_input(kInput) || !ctx.has_input(kPaddings))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, paddings[, constant_values]); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta paddings = ctx.input_meta(kPaddings);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8 && input.type != TensorType::kInt16 &&
      input.type != TensorType::kInt32)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8, int16, int32):"),
                    static_cast<int>(input.type));
  const int rank = input.shape.rank;
  if (output.shape.rank != rank)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output rank differs from the input rank:"), output.shape.rank);
  if (paddings.type != TensorType::kInt32 && paddings.type != TensorType::kInt64)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("paddings must be int32 or int64; type"),
                    static_cast<int>(paddings.type));
  if (!paddings.is_constant())
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("non-constant paddings tensor is not supported"));
  if (paddings.shape.FlatSize() != 2 * rank)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("paddings must hold 2 values per input dim; values:"),
                    paddings.shape.FlatSize());
  if (paddings.const_bytes < static_cast<uint64_t>(2 * rank) * TensorTypeBytes(paddings.type))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("paddings buffer shorter than its shape; bytes"),
                    paddings.const_bytes);
  s->params.rank = rank;
  for (int d = 0; d < rank; ++d) {
    const int64_t before = ConstIndex(paddings, 2 * d);
    const int64_t after = ConstIndex(paddings, 2 * d + 1);
    if (before < 0 || after < 0 || before > INT32_MAX || after > INT32_MAX)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("paddings must be non-negative int32 values; dim"), d);
    if (static_cast<int64_t>(input.shape.dims[d]) + before + after != output.shape.dims[d])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output dim differs from input + paddings; dim"), d);
    s->params.before[d] = static_cast<int32_t>(before);
    s->params.after[d] = static_cast<int32_t>(after);
  }

  s->element_bytes = static_cast<uint32_t>(TensorTypeBytes(input.type));
  memset(s->pad_value, 0, sizeof(s->pad_value));
  if (ctx.has_input(kConstantValues)) {
    const TensorMeta value = ctx.input_meta(kConstantValues);
    if (value.type != input.type)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("constant_values type differs from the input; type"),
                      static_cast<int>(value.type));
    if (value.shape.FlatSize() != 1)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("constant_values must hold one value; values:"),
                      value.shape.FlatSize());
    if (!value.is_constant() || value.const_bytes < s->element_bytes)
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("non-constant constant_values tensor is not supported"));
    if (input.type == TensorType::kInt8 &&
        (value.quant.count < 1 || output.quant.count < 1 || value.quant.zero_point(0) != output.quant.zero_point(0) ||
         value.quant.scale(0) != output.quant.scale(0)))
      return ctx.Fail(Status::kInvalidModel,
                      TINYML_MSG("int8 constant_values must share the output's scale and zero point"));
    memcpy(s->pad_value, value.const_data, s->element_bytes);
  } else if (input.type == TensorType::kInt8) {
    const int64_t zero_point = output.quant.count > 0 ? output.quant.zero_point(0) : 0;
    if (zero_point < -128 || zero_point > 127)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("output zero point outside int8:"), zero_point);
    s->pad_value[0] = static_cast<uint8_t>(static_cast<int8_t>(zero_point));
  }
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  PadSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kPad, &options));
  memory->persistent_bytes = sizeof(PadOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) {
  PadSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  PadOpData* data = ctx.op_data_as<PadOpData>();
  data->params = s.params;
  memcpy(data->pad_value, s.pad_value, sizeof(data->pad_value));
  data->element_bytes = s.element_bytes;
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const PadOpData* data = ctx.op_data_as<PadOpData>();
  const Tensor& input = ctx.input(kInput);
  Tensor& output = ctx.output(0);
  ref::Pad(data->params, input.shape(), input.data, data->pad_value, data->element_bytes, output.shape(),
           output.data);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_PAD() {
  static const OpRegistration kRegistration = {"PAD", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
