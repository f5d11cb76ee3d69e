// AVERAGE_POOL_2D and MAX_POOL_2D on the Cortex-M kernels (pooling_s8.h).
// The reference glue validates the model and prepares ref::PoolParams (its
// op data; plan and prepare run first, always); float runs the reference.
// The int8-only registrations take plan and prepare from kernels/ops/plans.h
// (the reference int8-only steps), so no float code and no reference
// pooling kernel is linked.
#include "kernels/cortex_m/pooling_s8.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"

namespace tinyml {
namespace {

// The reference pooling op data starts with its ref::PoolParams.
const ref::PoolParams& Params(OpContext& ctx) { return *ctx.op_data_as<ref::PoolParams>(); }

Status PlanAverage(OpContext& ctx, OpMemory* memory) { return Register_AVERAGE_POOL_2D()->plan(ctx, memory); }
Status PrepareAverage(OpContext& ctx) { return Register_AVERAGE_POOL_2D()->prepare(ctx); }
Status EvalAverage(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  if (input.type != TensorType::kInt8) return Register_AVERAGE_POOL_2D()->eval(ctx);
  Tensor& output = ctx.output(0);
  return cortex_m::AveragePoolS8(Params(ctx), input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                                 ctx.output_data<int8_t>(0))
             ? Status::kOk
             : ctx.Fail(Status::kInternal, TINYML_MSG("pooling window outside the input"));
}


Status EvalAverageInt8(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  return cortex_m::AveragePoolS8(Params(ctx), input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                                 ctx.output_data<int8_t>(0))
             ? Status::kOk
             : ctx.Fail(Status::kInternal, TINYML_MSG("pooling window outside the input"));
}

Status EvalMaxInt8(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  cortex_m::MaxPoolS8(Params(ctx), input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                      ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status PlanMax(OpContext& ctx, OpMemory* memory) { return Register_MAX_POOL_2D()->plan(ctx, memory); }
Status PrepareMax(OpContext& ctx) { return Register_MAX_POOL_2D()->prepare(ctx); }
Status EvalMax(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  if (input.type != TensorType::kInt8) return Register_MAX_POOL_2D()->eval(ctx);
  Tensor& output = ctx.output(0);
  cortex_m::MaxPoolS8(Params(ctx), input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                      ctx.output_data<int8_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_AVERAGE_POOL_2D_CORTEX_M() {
  static const OpRegistration kRegistration = {"AVERAGE_POOL_2D", PlanAverage, PrepareAverage, EvalAverage, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_MAX_POOL_2D_CORTEX_M() {
  static const OpRegistration kRegistration = {"MAX_POOL_2D", PlanMax, PrepareMax, EvalMax, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_AVERAGE_POOL_2D_CORTEX_M_INT8() {
  static const OpRegistration kRegistration = {"AVERAGE_POOL_2D", PlanAveragePool2dS8, PrepareAveragePool2dS8,
                                               EvalAverageInt8,
                                               nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_MAX_POOL_2D_CORTEX_M_INT8() {
  static const OpRegistration kRegistration = {"MAX_POOL_2D", PlanMaxPool2dS8, PrepareMaxPool2dS8, EvalMaxInt8, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
