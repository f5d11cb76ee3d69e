// LOGISTIC glue: validation and constants for kernels/ref/activations.h.
// float32 and int8; as TFLite Micro, an int8 output must have zero point
// -128 (its scale is taken to be 1/256).
#include "kernels/ops/sigmoid_tanh_common.h"
#include "kernels/ref/activations.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr SigmoidTanhOp kLogistic = {
    /*requires_output_zero_point_minus_128=*/true,
    ref::LogisticS8,
    ref::LogisticF32,
};

Status Plan(OpContext& ctx, OpMemory* memory) { return SigmoidTanhPlan(ctx, kLogistic, memory); }
Status Prepare(OpContext& ctx) { return SigmoidTanhPrepare(ctx, kLogistic); }
Status Eval(OpContext& ctx) { return SigmoidTanhEval(ctx, kLogistic); }

}  // namespace

const OpRegistration* Register_LOGISTIC() {
  static const OpRegistration kRegistration = {"LOGISTIC", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
