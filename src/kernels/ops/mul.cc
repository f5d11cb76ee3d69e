// MUL glue: validation and constants for kernels/ref/binary.h.
#include "kernels/ops/arithmetic_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status PrepareQuantized(OpContext& ctx, TensorType type, const PerTensorQuant& q1, const PerTensorQuant& q2,
                        const PerTensorQuant& qo, ref::ArithmeticParams* p) {
  if (type == TensorType::kInt16 && (q1.zero_point != 0 || q2.zero_point != 0 || qo.zero_point != 0))
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("INT16 MUL needs zero points of 0"));
  if (!ref::PrepareQuantizedMul(q1.scale, q1.zero_point, q2.scale, q2.zero_point, qo.scale, qo.zero_point, p))
    return FailScales(ctx);
  return Status::kOk;
}

constexpr ArithmeticOp kMul = {
    /*options_tag=*/options_type::kMul,
    /*unsupported_type_message=*/TINYML_MSG("type not supported (FLOAT32, INT8, INT16, INT32):"),
    /*prepare_quantized=*/PrepareQuantized,
    /*int32_applies_activation=*/true,
    ref::MulS8, ref::MulS16, ref::MulS32, ref::MulF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return ArithmeticPlan(ctx, kMul, memory); }
Status Prepare(OpContext& ctx) { return ArithmeticPrepare(ctx, kMul); }
Status Eval(OpContext& ctx) { return ArithmeticEval(ctx, kMul); }

}  // namespace

const OpRegistration* Register_MUL() {
  static const OpRegistration kRegistration = {"MUL", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
