// Cortex-M optimized kernel registrations (src/kernels/cortex_m): int8
// kernels using the DSP extension (SMLAD, SXTB16), byte-exact with the
// reference kernels. On other targets the same sources build with a portable
// emulation of those instructions (tests run them on the host).
//
// Each registration validates the model exactly as the reference one and
// runs the reference kernel for variants it does not optimize (float,
// grouped convolution, non-constant weights), so it never fails where the
// reference registration would succeed.
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

// Adds the optimized registrations. Call before AddAllBuiltins (the first
// registration of an op wins), or alone with the reference ops a model
// needs beyond these.
template <int kCapacity>
Status AddCortexMBuiltins(StaticOpResolver<kCapacity>& r) {
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_CORTEX_M()));
  TINYML_RETURN_IF_ERROR(r.AddBuiltin(BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_CORTEX_M()));
  return r.AddBuiltin(BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M());
}

}  // namespace tinyml

#endif  // TINYML_CORTEX_M_OPS_H_
