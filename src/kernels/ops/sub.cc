// SUB glue: validation and constants for kernels/ref/binary.h.
#include "kernels/ops/arithmetic_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status PrepareQuantized(OpContext& ctx, TensorType type, const PerTensorQuant& q1, const PerTensorQuant& q2,
                        const PerTensorQuant& qo, ref::ArithmeticParams* p) {
  // TFLite Micro always takes the general-scale int16 path
  // (pot_scale_int16 is ignored).
  if (!ref::PrepareQuantizedSub(type == TensorType::kInt16, q1.scale, q1.zero_point, q2.scale, q2.zero_point,
                                qo.scale, qo.zero_point, p))
    return FailScales(ctx);
  return Status::kOk;
}

constexpr ArithmeticOp kSub = {
    /*options_tag=*/options_type::kSub,
    /*unsupported_type_message=*/TINYML_MSG("type not supported (FLOAT32, INT8, INT16, INT32):"),
    /*prepare_quantized=*/PrepareQuantized,
    /*int32_applies_activation=*/true,
    ref::SubS8, ref::SubS16, ref::SubS32, ref::SubF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return ArithmeticPlan(ctx, kSub, memory); }
Status Prepare(OpContext& ctx) { return ArithmeticPrepare(ctx, kSub); }
Status Eval(OpContext& ctx) { return ArithmeticEval(ctx, kSub); }

}  // namespace

const OpRegistration* Register_SUB() {
  static const OpRegistration kRegistration = {"SUB", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
