// The port includes this path (ports/cortex_m/kernels.cc); the declarations
// live in the public header.
#ifndef TINYML_KERNELS_CORTEX_M_CORTEX_M_OPS_H_
#define TINYML_KERNELS_CORTEX_M_CORTEX_M_OPS_H_

#include "tinyml/cortex_m_ops.h"

#endif  // TINYML_KERNELS_CORTEX_M_CORTEX_M_OPS_H_
