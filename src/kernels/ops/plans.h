// The plan steps of the reference CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED registrations (and plan + prepare of the int8-only
// pooling ones), callable on their own: an optimized
// registration (src/kernels/cortex_m) validates a model exactly as the
// reference does by calling these, without linking the reference kernels
// (calling Register_X()->plan would pull in everything the registration
// names: its float and int8 reference eval).
//
// The ...S8 forms are the plans of the int8-only registrations
// (Register_X_INT8): the same checks, and kUnsupportedType for any input
// that is not int8. They fill `memory` as the reference op needs it; an
// optimized op overrides persistent/scratch bytes after a kOk.
#ifndef TINYML_KERNELS_OPS_PLANS_H_
#define TINYML_KERNELS_OPS_PLANS_H_

#include "tinyml/op.h"
#include "tinyml/status.h"

namespace tinyml {
namespace ref {
struct FullyConnectedParams;
}  // namespace ref

Status PlanConv2d(OpContext& ctx, OpMemory* memory);
Status PlanConv2dS8(OpContext& ctx, OpMemory* memory);
Status PlanDepthwiseConv2d(OpContext& ctx, OpMemory* memory);
Status PlanDepthwiseConv2dS8(OpContext& ctx, OpMemory* memory);
Status PlanFullyConnected(OpContext& ctx, OpMemory* memory);
Status PlanFullyConnectedS8(OpContext& ctx, OpMemory* memory);

// The validation PlanFullyConnectedS8 runs, for an op whose plan passed
// and whose filter is per-tensor, also returning the params a prepare step
// needs (output_multiplier/output_shift included), so an optimized prepare
// does not compute them again. (CONV_2D and DEPTHWISE_CONV_2D: SetupConvOp
// in kernels/ops/conv_quant.h.)
Status SetupFullyConnectedS8(OpContext& ctx, ref::FullyConnectedParams* params);

// Plan and prepare of Register_{AVERAGE,MAX}_POOL_2D_INT8: the op data is a
// ref::PoolParams (kernels/ref/pooling.h) filled by prepare. Calling these
// instead of Register_X_INT8()->plan/prepare keeps the reference pooling
// kernels out of the link.
Status PlanAveragePool2dS8(OpContext& ctx, OpMemory* memory);
Status PrepareAveragePool2dS8(OpContext& ctx);
Status PlanMaxPool2dS8(OpContext& ctx, OpMemory* memory);
Status PrepareMaxPool2dS8(OpContext& ctx);

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_PLANS_H_
