// FULLY_CONNECTED on the Cortex-M kernel (fully_connected_s8.h). The
// reference plan step validates the model (kernels/ops/plans.h: it runs
// first, always). The full registration runs the reference kernel for
// float, per-channel and nonzero filter zero points; the int8-only one
// refuses those in plan and links no reference kernel.
#include "kernels/cortex_m/fully_connected_s8.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/fully_connected.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

struct OpData {
  cortex_m::FullyConnectedS8Params params;
};

bool UseRef(OpContext& ctx) {
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta filter = ctx.input_meta(kFilter);
  if (input.type != TensorType::kInt8) return true;
  if (filter.type != TensorType::kInt8 && filter.type != TensorType::kInt4) return true;
  // Per-channel filters and nonzero filter zero points stay on the reference.
  return filter.quant.count != 1 || filter.quant.zero_point(0) != 0;
}

// Int4 filters are unpacked into scratch (op_common.h).
Status PlanOptimized(OpContext& ctx, OpMemory* memory) {
  memory->persistent_bytes = sizeof(OpData);
  memory->scratch_bytes = Int4UnpackBytes(ctx, kFilter);
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanFullyConnected(ctx, memory));
  if (!UseRef(ctx)) return PlanOptimized(ctx, memory);
  ctx.HandTo(Register_FULLY_CONNECTED());  // the reference plan above sized its memory
  return Status::kOk;
}

Status PlanInt8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanFullyConnectedS8(ctx, memory));
  if (UseRef(ctx))
    return ctx.Fail(Status::kUnsupportedOp,
                    TINYML_MSG("per-channel or zero-point filter: not in the int8-only Cortex-M FULLY_CONNECTED"));
  return PlanOptimized(ctx, memory);
}

// The reference setup (the plan's validation) computes everything.
Status PrepareOptimized(OpContext& ctx) {
  ref::FullyConnectedParams r;
  TINYML_RETURN_IF_ERROR(SetupFullyConnectedS8(ctx, &r));
  cortex_m::FullyConnectedS8Params& p = ctx.op_data_as<OpData>()->params;
  p.batches = r.batches;
  p.depth = r.accum_depth;
  p.units = r.output_depth;
  p.input_offset = r.input_offset;
  p.output_offset = r.output_offset;
  p.multiplier = r.output_multiplier;
  p.shift = r.output_shift;
  p.act_min = r.quantized_min;
  p.act_max = r.quantized_max;
  return Status::kOk;
}

Status EvalOptimized(OpContext& ctx) {
  const OpData* data = ctx.op_data_as<OpData>();
  const int32_t* bias = ctx.has_input(kBias) ? ctx.input_data<int32_t>(kBias) : nullptr;
  cortex_m::FullyConnectedS8(data->params, ctx.input_data<int8_t>(kInput), Int8Weights(ctx, kFilter, ctx.scratch()),
                             bias, ctx.output_data<int8_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_FULLY_CONNECTED_CORTEX_M() {
  static const OpRegistration kRegistration = {"FULLY_CONNECTED", Plan, PrepareOptimized, EvalOptimized, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_FULLY_CONNECTED_CORTEX_M_INT8() {
  static const OpRegistration kRegistration = {"FULLY_CONNECTED", PlanInt8, PrepareOptimized, EvalOptimized, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
