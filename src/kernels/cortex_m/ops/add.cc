// ADD on the Cortex-M kernel (add_s8.h). The reference glue validates the
// model and prepares ref::ArithmeticParams (its op data: plan and prepare
// run first, always); float, int16, int32, broadcasts and parameters
// outside AddS8FastOk run the reference kernel.
#include "kernels/cortex_m/add_s8.h"
#include "kernels/ops/op_common.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"

namespace tinyml {
namespace {

bool SameShape(const Shape& a, const Shape& b) {
  if (a.rank != b.rank) return false;
  for (int32_t i = 0; i < a.rank; ++i)
    if (a.dims[i] != b.dims[i]) return false;
  return true;
}

Status Plan(OpContext& ctx, OpMemory* memory) { return Register_ADD()->plan(ctx, memory); }
Status Prepare(OpContext& ctx) { return Register_ADD()->prepare(ctx); }

Status Eval(OpContext& ctx) {
  const Tensor& in1 = ctx.input(0);
  const Tensor& in2 = ctx.input(1);
  // The reference ADD's op data is its ref::ArithmeticParams.
  const ref::ArithmeticParams& p = *ctx.op_data_as<ref::ArithmeticParams>();
  if (in1.type != TensorType::kInt8 || !SameShape(in1.shape(), in2.shape()) || !cortex_m::AddS8FastOk(p))
    return Register_ADD()->eval(ctx);
  cortex_m::AddS8(p, ctx.input_data<int8_t>(0), ctx.input_data<int8_t>(1),
                  static_cast<int32_t>(in1.shape().FlatSize()), ctx.output_data<int8_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_ADD_CORTEX_M() {
  // Same flag as the reference ADD: AddS8 reads element i of both inputs
  // before writing element i, so the output may reuse input 0's memory.
  static const OpRegistration kRegistration = {"ADD", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
