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

#include <stdint.h>

#include "tinyml/op.h"
#include "tinyml/status.h"

namespace tinyml {
namespace ref {
struct ConvParams;
struct DepthwiseConvParams;
struct FullyConnectedParams;
}  // namespace ref

Status PlanConv2d(OpContext& ctx, OpMemory* memory);
Status PlanConv2dS8(OpContext& ctx, OpMemory* memory);
Status PlanDepthwiseConv2d(OpContext& ctx, OpMemory* memory);
Status PlanDepthwiseConv2dS8(OpContext& ctx, OpMemory* memory);
Status PlanFullyConnected(OpContext& ctx, OpMemory* memory);
Status PlanFullyConnectedS8(OpContext& ctx, OpMemory* memory);

// The validation these plans run, for an op whose int8 plan passed, also
// returning what a prepare step needs: the reference params and, for the
// convolutions, one multiplier and int8 shift (> 0 = left) per output
// channel stored in `multipliers` / `shifts` (num_channels entries each).
// An optimized prepare calls these instead of computing the same again.
Status SetupConv2dS8(OpContext& ctx, ref::ConvParams* params, int32_t* multipliers, int8_t* shifts);
Status SetupDepthwiseConv2dS8(OpContext& ctx, ref::DepthwiseConvParams* params, int32_t* multipliers,
                              int8_t* shifts);
// Per-tensor int8 filters only (output_multiplier/output_shift filled).
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
