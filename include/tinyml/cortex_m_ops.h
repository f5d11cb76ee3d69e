// Cortex-M optimized kernel registrations (src/kernels/cortex_m): int8
// kernels using the DSP extension (SMLAD, SXTB16), byte-exact with the
// reference kernels. On other targets the same sources build with a portable
// emulation of those instructions (tests run them on the host).
//
// Two forms per op:
//  - Register_X_CORTEX_M(): validates the model exactly as the reference
//    registration and runs the reference kernel for variants it does not
//    optimize (float, grouped convolution, non-constant weights,
//    per-channel FULLY_CONNECTED), so it never fails where the reference
//    registration would succeed. It links the reference kernels, float
//    included.
//  - Register_X_CORTEX_M_INT8(): the same validation (the reference plan
//    steps of kernels/ops/plans.h, or the reference Register_X_INT8 plan and
//    prepare for pooling) but no reference fallback: anything that is not
//    the optimized int8 case fails in Prepare() with kUnsupportedOp and the
//    op's name. Nothing float and no reference conv/depthwise/FC kernel is
//    linked, so an int8-only firmware (e.g. KWS) should use these, via
//    AddCortexMBuiltinsInt8 or one by one.
#ifndef TINYML_CORTEX_M_OPS_H_
#define TINYML_CORTEX_M_OPS_H_

#include "tinyml/builtin_ops.h"
#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml {

const OpRegistration* Register_CONV_2D_CORTEX_M();
const OpRegistration* Register_DEPTHWISE_CONV_2D_CORTEX_M();
const OpRegistration* Register_FULLY_CONNECTED_CORTEX_M();
const OpRegistration* Register_AVERAGE_POOL_2D_CORTEX_M();
const OpRegistration* Register_MAX_POOL_2D_CORTEX_M();
// int8 ADD of equal shapes; everything else (float, int16, broadcasts) runs
// the reference ADD, which it links (there is no int8-only form yet).
const OpRegistration* Register_ADD_CORTEX_M();

const OpRegistration* Register_CONV_2D_CORTEX_M_INT8();
const OpRegistration* Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8();
const OpRegistration* Register_FULLY_CONNECTED_CORTEX_M_INT8();
const OpRegistration* Register_AVERAGE_POOL_2D_CORTEX_M_INT8();
const OpRegistration* Register_MAX_POOL_2D_CORTEX_M_INT8();

// Adds the optimized registrations. Call before AddAllBuiltins (the first
// registration of an op wins), or alone with the reference ops a model
// needs beyond these.
template <int kCapacity>
Status AddCortexMBuiltins(StaticOpResolver<kCapacity>& r) {
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kAdd, Register_ADD_CORTEX_M()));
  return r.AddBuiltin(BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M());
}

// The int8-only forms of the same ops.
template <int kCapacity>
Status AddCortexMBuiltinsInt8(StaticOpResolver<kCapacity>& r) {
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M_INT8()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_CORTEX_M_INT8()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_CORTEX_M_INT8()));
  return r.AddBuiltin(BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M_INT8());
}

}  // namespace tinyml

#endif  // TINYML_CORTEX_M_OPS_H_
