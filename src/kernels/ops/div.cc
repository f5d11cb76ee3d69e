// DIV glue: validation and constants for kernels/ref/binary.h.
#include "kernels/ops/arithmetic_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status PrepareQuantized(OpContext& ctx, TensorType type, const PerTensorQuant& q1, const PerTensorQuant& q2,
                        const PerTensorQuant& qo, ref::ArithmeticParams* p) {
  (void)type;  // INT8 only
  if (!ref::PrepareQuantizedDiv(q1.scale, q1.zero_point, q2.scale, q2.zero_point, qo.scale, qo.zero_point, p))
    return FailScales(ctx);
  return Status::kOk;
}

constexpr ArithmeticOp kDiv = {
    /*options_tag=*/options_type::kDiv,
    /*unsupported_type_message=*/TINYML_MSG("type not supported (FLOAT32, INT8, INT32):"),
    /*prepare_quantized=*/PrepareQuantized,
    /*int32_applies_activation=*/true,
    ref::DivS8, /*kernel_s16=*/nullptr, ref::DivS32, ref::DivF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return ArithmeticPlan(ctx, kDiv, memory); }
Status Prepare(OpContext& ctx) { return ArithmeticPrepare(ctx, kDiv); }
Status Eval(OpContext& ctx) { return ArithmeticEval(ctx, kDiv); }

}  // namespace

const OpRegistration* Register_DIV() {
  static const OpRegistration kRegistration = {"DIV", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
