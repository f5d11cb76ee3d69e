// DIV glue: validation and constants for kernels/ref/binary.h.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status Setup(OpContext& ctx, ref::ArithmeticParams* p) {
  BinaryTensors t;
  TINYML_RETURN_IF_ERROR(CheckBinary(ctx, &t));
  Activation act = Activation::kNone;
  TINYML_RETURN_IF_ERROR(ReadFusedActivation(ctx, options_type::kDiv, &act));
  switch (t.out.type) {
    case TensorType::kInt8: {
      PerTensorQuant q1, q2, qo;
      TINYML_RETURN_IF_ERROR(ReadBinaryQuant(ctx, t, &q1, &q2, &qo));
      if (!ref::PrepareQuantizedDiv(q1.scale, q1.zero_point, q2.scale, q2.zero_point, qo.scale, qo.zero_point, p))
        return FailScales(ctx);
      int32_t lo = 0;
      int32_t hi = 0;
      QuantizedTypeRange(t.out.type, &lo, &hi);
      return ActivationRangeQuantized(ctx, act, qo.scale, qo.zero_point, lo, hi, &p->quantized_min,
                                      &p->quantized_max);
    }
    case TensorType::kInt32:
      TINYML_RETURN_IF_ERROR(CheckUnquantized(ctx, t));
      return ActivationRangeInt32(ctx, act, &p->quantized_min, &p->quantized_max);
    case TensorType::kFloat32:
      return ActivationRangeFloat(ctx, act, &p->float_min, &p->float_max);
    default:
      return FailType(ctx, Status::kUnsupportedType, TINYML_MSG("type not supported (FLOAT32, INT8, INT32):"),
                      t.out.type);
  }
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  ref::ArithmeticParams p;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &p));
  memory->persistent_bytes = sizeof(ref::ArithmeticParams);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<ref::ArithmeticParams>()); }

Status Eval(OpContext& ctx) {
  const ref::ArithmeticParams& p = *ctx.op_data_as<ref::ArithmeticParams>();
  const Shape s1 = ctx.input(0).shape();
  const Shape s2 = ctx.input(1).shape();
  Tensor& out = ctx.output(0);
  const Shape so = out.shape();
  switch (out.type) {
    case TensorType::kInt8:
      ref::DivS8(p, s1, ctx.input_data<int8_t>(0), s2, ctx.input_data<int8_t>(1), so, ctx.output_data<int8_t>(0));
      break;
    case TensorType::kInt32:
      ref::DivS32(p, s1, ctx.input_data<int32_t>(0), s2, ctx.input_data<int32_t>(1), so,
                  ctx.output_data<int32_t>(0));
      break;
    default:
      ref::DivF32(p, s1, ctx.input_data<float>(0), s2, ctx.input_data<float>(1), so, ctx.output_data<float>(0));
      break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DIV() {
  static const OpRegistration kRegistration = {"DIV", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
