// Which kernels a firmware registers. With TINYML_KERNELS=ref (default)
// these are the reference kernels; with TINYML_KERNELS=cortex_m the
// optimized registrations from src/kernels/cortex_m are added first and
// the reference kernels fill in every op they do not cover (see README.md).
#ifndef TINYML_PORTS_CORTEX_M_KERNELS_H_
#define TINYML_PORTS_CORTEX_M_KERNELS_H_

#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml {

// Room for every builtin, the Signal ops and optimized variants.
using PortResolver = StaticOpResolver<64>;

// Adds every op the build provides: builtins, then the Signal custom ops.
Status PortAddAllKernels(PortResolver& resolver);

// Which kernel set this build registers: "ref" or "cortex_m".
const char* PortKernelSet();

}  // namespace tinyml

#endif  // TINYML_PORTS_CORTEX_M_KERNELS_H_
