// ADD glue: validation and constants for kernels/ref/binary.h.
#include "kernels/ops/arithmetic_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status PrepareQuantized(OpContext& ctx, TensorType type, const PerTensorQuant& q1, const PerTensorQuant& q2,
                        const PerTensorQuant& qo, ref::ArithmeticParams* p) {
  // TFLite Micro always takes the general-scale int16 path
  // (pot_scale_int16 is ignored).
  if (!ref::PrepareQuantizedAdd(type == TensorType::kInt16, q1.scale, q1.zero_point, q2.scale, q2.zero_point,
                                qo.scale, qo.zero_point, p))
    return FailScales(ctx);
  return Status::kOk;
}

constexpr ArithmeticOp kAdd = {
    /*options_tag=*/options_type::kAdd,
    /*unsupported_type_message=*/TINYML_MSG("type not supported (FLOAT32, INT8, INT16, INT32):"),
    /*prepare_quantized=*/PrepareQuantized,
    /*int32_applies_activation=*/false,  // TFLite Micro's int32 ADD ignores it
    ref::AddS8, ref::AddS16, ref::AddS32, ref::AddF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return ArithmeticPlan(ctx, kAdd, memory); }
Status Prepare(OpContext& ctx) { return ArithmeticPrepare(ctx, kAdd); }
Status Eval(OpContext& ctx) { return ArithmeticEval(ctx, kAdd); }

}  // namespace

const OpRegistration* Register_ADD() {
  static const OpRegistration kRegistration = {"ADD", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
