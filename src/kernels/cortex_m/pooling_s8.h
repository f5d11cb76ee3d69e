// int8 AVERAGE_POOL_2D and MAX_POOL_2D for Cortex-M (DSP extension),
// byte-exact with ref::AveragePoolS8 / ref::MaxPoolS8 (same PoolParams).
//
// Four channels per step, one word load per window element:
//  - average: SXTAB16 adds bytes 0/2 and 1/3 into two pairs of 16-bit
//    sums, exact while the window has at most 256 elements (|sum| <= 32768
//    fits a halfword lane); larger windows and the channel tail use int32
//    sums. The rounding division is the reference's.
//  - max: SSUB8 sets the per-byte GE flags, SEL keeps the larger bytes.
#ifndef TINYML_KERNELS_CORTEX_M_POOLING_S8_H_
#define TINYML_KERNELS_CORTEX_M_POOLING_S8_H_

#include <stdint.h>

#include "kernels/ref/pooling.h"
#include "tinyml/types.h"

namespace tinyml {
namespace cortex_m {

// Returns false if a window lies entirely outside the input (the
// reference's failure case; prepare-time validation rules it out).
bool AveragePoolS8(const ref::PoolParams& params, const Shape& input_shape, const int8_t* input,
                   const Shape& output_shape, int8_t* output);

void MaxPoolS8(const ref::PoolParams& params, const Shape& input_shape, const int8_t* input,
               const Shape& output_shape, int8_t* output);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_POOLING_S8_H_
