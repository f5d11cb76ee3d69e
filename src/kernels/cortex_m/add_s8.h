// int8 ADD for Cortex-M, byte-exact with ref::AddS8 for inputs of the same
// shape (no broadcast).
//
// Per element: the input offset and TFLite's left shift of 20 are one
// shifted add ((x + offset) << 21 already doubled for SMMULR), each input
// rescaled with SMMULR and the fast rounding divide (requant.h: |value| <
// 2^29 here), the output rescaled the same way, offset and clamped. Valid
// when the input rescales shift right by 0..31 and the output's by 1..31
// (AddS8FastOk); other parameters (and broadcasts) stay on the reference
// kernel.
#ifndef TINYML_KERNELS_CORTEX_M_ADD_S8_H_
#define TINYML_KERNELS_CORTEX_M_ADD_S8_H_

#include <stdint.h>

#include "kernels/ref/binary.h"

namespace tinyml {
namespace cortex_m {

// True when AddS8 may run with these parameters (int8: left_shift 20).
bool AddS8FastOk(const ref::ArithmeticParams& params);

// out[i] = ADD(in1[i], in2[i]) for i < count; `out` may alias in1 or in2.
void AddS8(const ref::ArithmeticParams& params, const int8_t* in1, const int8_t* in2, int32_t count, int8_t* out);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_ADD_S8_H_
