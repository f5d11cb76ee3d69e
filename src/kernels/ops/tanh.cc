// TANH glue: validation and constants for kernels/ref/activations.h.
// float32 and int8. As TFLite Micro, the int8 output quantization is not
// checked: the kernel writes scale 1/128, zero point 0.
#include "kernels/ops/sigmoid_tanh_common.h"
#include "kernels/ref/activations.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr SigmoidTanhOp kTanh = {
    /*requires_output_zero_point_minus_128=*/false,
    ref::TanhS8,
    ref::TanhF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return SigmoidTanhPlan(ctx, kTanh, memory); }
Status Prepare(OpContext& ctx) { return SigmoidTanhPrepare(ctx, kTanh); }
Status Eval(OpContext& ctx) { return SigmoidTanhEval(ctx, kTanh); }

}  // namespace

const OpRegistration* Register_TANH() {
  static const OpRegistration kRegistration = {"TANH", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
