// DEQUANTIZE glue for kernels/ref/quantize.h: int8/int16/uint8 -> float32.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/quantize.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status Setup(OpContext& ctx, PerTensorQuant* q) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 1, 1));
  const TensorMeta in = ctx.input_meta(0);
  const TensorMeta out = ctx.output_meta(0);
  const bool in_ok = in.type == TensorType::kInt8 || in.type == TensorType::kInt16 || in.type == TensorType::kUInt8;
  if (!in_ok || out.type != TensorType::kFloat32)
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("unsupported type pair"), in.type, out.type);
  TINYML_RETURN_IF_ERROR(CheckSameSize(ctx, in, out));
  return ReadQuant(ctx, in, TINYML_MSG("input lacks quantization; type"), q);
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  PerTensorQuant q;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &q));
  memory->persistent_bytes = sizeof(PerTensorQuant);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<PerTensorQuant>()); }

Status Eval(OpContext& ctx) {
  const PerTensorQuant& q = *ctx.op_data_as<PerTensorQuant>();
  const Tensor& in = ctx.input(0);
  float* out = ctx.output_data<float>(0);
  switch (in.type) {
    case TensorType::kInt8:
      ref::DequantizeS8(ctx.input_data<int8_t>(0), in.FlatSize(), q.scale, q.zero_point, out);
      break;
    case TensorType::kInt16:
      ref::DequantizeS16(ctx.input_data<int16_t>(0), in.FlatSize(), q.scale, q.zero_point, out);
      break;
    default:
      ref::DequantizeU8(ctx.input_data<uint8_t>(0), in.FlatSize(), q.scale, q.zero_point, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DEQUANTIZE() {
  static const OpRegistration kRegistration = {"DEQUANTIZE", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
