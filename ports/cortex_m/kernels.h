// Which kernels a firmware registers. With TINYML_KERNELS=ref (default)
// these are the reference kernels; with TINYML_KERNELS=cortex_m the
// optimized registrations from src/kernels/cortex_m are added first and
// the reference kernels fill in every op they do not cover (see README.md).
#ifndef TINYML_PORTS_CORTEX_M_KERNELS_H_
#define TINYML_PORTS_CORTEX_M_KERNELS_H_

#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml {

// Room for every builtin, the Signal ops and optimized variants.
using PortResolver = StaticOpResolver<64>;

// Adds every op the build provides: builtins, then the Signal custom ops.
Status PortAddAllKernels(PortResolver& resolver);

// As PortAddAllKernels, but every op of `model` whose uses are all int8
// (input 0; for SOFTMAX also the output) gets its int8-only registration
// (Register_X_CORTEX_M_INT8 in cortex_m builds where one exists, else
// Register_X_INT8): the registrations a product firmware for an int8 model
// would use. An int8-only optimized registration refuses (kUnsupportedOp)
// the variants it does not optimize.
Status PortAddInt8Kernels(const Model& model, PortResolver& resolver);

// Which kernel set this build registers: "ref" or "cortex_m".
const char* PortKernelSet();

}  // namespace tinyml

#endif  // TINYML_PORTS_CORTEX_M_KERNELS_H_
