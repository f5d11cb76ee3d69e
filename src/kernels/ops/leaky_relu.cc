// LEAKY_RELU glue for kernels/ref/elementwise.h.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/elementwise.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

struct LeakyReluOpData {
  ref::LeakyReluQuantParams quant;
  float alpha;
};

Status Setup(OpContext& ctx, LeakyReluOpData* d) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 1, 1));
  const TensorMeta in = ctx.input_meta(0);
  const TensorMeta out = ctx.output_meta(0);
  if (in.type != out.type)
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("input and output types differ:"), in.type, out.type);
  TINYML_RETURN_IF_ERROR(CheckSameSize(ctx, in, out));
  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kLeakyRelu, &options));
  // Absent options leave alpha at 0, as TFLite's parser does.
  d->alpha = options.ok() ? options.Scalar<float>(0, 0.0f) : 0.0f;
  if (in.type == TensorType::kFloat32) return Status::kOk;
  if (in.type != TensorType::kInt8 && in.type != TensorType::kInt16)
    return FailType(ctx, Status::kUnsupportedType, TINYML_MSG("type not supported (FLOAT32, INT8, INT16):"), in.type);
  PerTensorQuant qi, qo;
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, in, TINYML_MSG("input lacks quantization; type"), &qi));
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, out, TINYML_MSG("output lacks quantization; type"), &qo));
  if (!ref::PrepareLeakyReluQuant(qi.scale, qi.zero_point, qo.scale, qo.zero_point, d->alpha, &d->quant))
    return FailScales(ctx);
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  LeakyReluOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(LeakyReluOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<LeakyReluOpData>()); }

Status Eval(OpContext& ctx) {
  const LeakyReluOpData& d = *ctx.op_data_as<LeakyReluOpData>();
  const Tensor& in = ctx.input(0);
  const int64_t n = in.FlatSize();
  switch (in.type) {
    case TensorType::kInt8:
      ref::LeakyReluS8(d.quant, ctx.input_data<int8_t>(0), n, ctx.output_data<int8_t>(0));
      break;
    case TensorType::kInt16:
      ref::LeakyReluS16(d.quant, ctx.input_data<int16_t>(0), n, ctx.output_data<int16_t>(0));
      break;
    default:
      ref::LeakyReluF32(d.alpha, ctx.input_data<float>(0), n, ctx.output_data<float>(0));
      break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_LEAKY_RELU() {
  static const OpRegistration kRegistration = {"LEAKY_RELU", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
