#include "kernels.h"

#include "tinyml/signal_ops.h"

#if TINYML_KERNELS_CORTEX_M
#include "kernels/cortex_m/cortex_m_ops.h"
#endif

namespace tinyml {

Status PortAddAllKernels(PortResolver& resolver) {
#if TINYML_KERNELS_CORTEX_M
  // First come wins: AddBuiltin keeps an op that is already registered.
  TINYML_RETURN_IF_ERROR(AddCortexMBuiltins(resolver));
#endif
  TINYML_RETURN_IF_ERROR(AddAllBuiltins(resolver));
  return AddSignalOps(resolver);
}

const char* PortKernelSet() {
#if TINYML_KERNELS_CORTEX_M
  return "cortex_m";
#else
  return "ref";
#endif
}

}  // namespace tinyml
