// Prepare-time pieces shared by the Cortex-M CONV_2D and DEPTHWISE_CONV_2D
// glue: the persistent per-channel block (folded bias, multiplier, shift).
#ifndef TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
#define TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_

#include <stdint.h>

#include "kernels/cortex_m/conv_s8.h"

namespace tinyml {
namespace cortex_m {

// After a fixed header: int32 bias[n], int32 multiplier[n], int8 shift[n].
inline uint32_t ChannelBlockBytes(int32_t n) { return static_cast<uint32_t>(n) * 9u; }

inline ChannelQuant ChannelBlock(void* block, int32_t n) {
  int32_t* bias = static_cast<int32_t*>(block);
  ChannelQuant q;
  q.bias = bias;
  q.multiplier = bias + n;
  q.shift = reinterpret_cast<const int8_t*>(bias + 2 * n);
  return q;
}

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_OPS_CONV_QUANT_CM_H_
