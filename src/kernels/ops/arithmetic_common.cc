#include "kernels/ops/arithmetic_common.h"

namespace tinyml {
namespace {

Status Setup(OpContext& ctx, const ArithmeticOp& op, ref::ArithmeticParams* p) {
  BinaryTensors t;
  TINYML_RETURN_IF_ERROR(CheckBinary(ctx, &t));
  Activation act = Activation::kNone;
  TINYML_RETURN_IF_ERROR(ReadFusedActivation(ctx, op.options_tag, &act));
  switch (t.out.type) {
    case TensorType::kInt16:
      if (op.kernel_s16 == nullptr) break;
      [[fallthrough]];
    case TensorType::kInt8: {
      PerTensorQuant q1, q2, qo;
      TINYML_RETURN_IF_ERROR(ReadBinaryQuant(ctx, t, &q1, &q2, &qo));
      TINYML_RETURN_IF_ERROR(op.prepare_quantized(ctx, t.out.type, q1, q2, qo, p));
      int32_t lo = 0;
      int32_t hi = 0;
      QuantizedTypeRange(t.out.type, &lo, &hi);
      return ActivationRangeQuantized(ctx, act, qo.scale, qo.zero_point, lo, hi, &p->quantized_min,
                                      &p->quantized_max);
    }
    case TensorType::kInt32:
      TINYML_RETURN_IF_ERROR(CheckUnquantized(ctx, t));
      if (op.int32_applies_activation) return ActivationRangeInt32(ctx, act, &p->quantized_min, &p->quantized_max);
      p->quantized_min = INT32_MIN;
      p->quantized_max = INT32_MAX;
      return Status::kOk;
    case TensorType::kFloat32:
      return ActivationRangeFloat(ctx, act, &p->float_min, &p->float_max);
    default:
      break;
  }
  return FailType(ctx, Status::kUnsupportedType, op.unsupported_type_message, t.out.type);
}

}  // namespace

Status ArithmeticPlan(OpContext& ctx, const ArithmeticOp& op, OpMemory* memory) {
  ref::ArithmeticParams p;
  TINYML_RETURN_IF_ERROR(Setup(ctx, op, &p));
  memory->persistent_bytes = sizeof(ref::ArithmeticParams);
  return Status::kOk;
}

Status ArithmeticPrepare(OpContext& ctx, const ArithmeticOp& op) {
  return Setup(ctx, op, ctx.op_data_as<ref::ArithmeticParams>());
}

Status ArithmeticEval(OpContext& ctx, const ArithmeticOp& op) {
  const ref::ArithmeticParams& p = *ctx.op_data_as<ref::ArithmeticParams>();
  const Shape s1 = ctx.input(0).shape();
  const Shape s2 = ctx.input(1).shape();
  const Shape so = ctx.output(0).shape();
  switch (ctx.output(0).type) {
    case TensorType::kInt8:
      op.kernel_s8(p, s1, ctx.input_data<int8_t>(0), s2, ctx.input_data<int8_t>(1), so, ctx.output_data<int8_t>(0));
      break;
    case TensorType::kInt16:
      op.kernel_s16(p, s1, ctx.input_data<int16_t>(0), s2, ctx.input_data<int16_t>(1), so,
                    ctx.output_data<int16_t>(0));
      break;
    case TensorType::kInt32:
      op.kernel_s32(p, s1, ctx.input_data<int32_t>(0), s2, ctx.input_data<int32_t>(1), so,
                    ctx.output_data<int32_t>(0));
      break;
    default:
      op.kernel_f32(p, s1, ctx.input_data<float>(0), s2, ctx.input_data<float>(1), so, ctx.output_data<float>(0));
      break;
  }
  return Status::kOk;
}

}  // namespace tinyml
