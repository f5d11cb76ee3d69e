// CAST: element type conversion with C++ static_cast semantics, as TFLite
// Micro's cast.cc. Supported (TFLite Micro's set): from INT8, INT16, INT32,
// UINT32, FLOAT32, BOOL to INT8, INT16, INT32, UINT32, FLOAT32.
//
// Integer narrowing wraps (two's complement). Float to integer truncates
// toward zero; where that C++ cast is undefined (NaN, out of range) the
// value goes through int64 instead (NaN -> 0, saturating at the int64
// limits) and then wraps to the target width, which matches x86-64 hosts
// for every value below 2^63 in magnitude.
#ifndef TINYML_KERNELS_REF_CAST_H_
#define TINYML_KERNELS_REF_CAST_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

bool CastSupported(TensorType from, TensorType to);

// Precondition: CastSupported(from, to). `in` and `out` may alias only when
// both types have the same size.
void Cast(TensorType from, const void* in, TensorType to, void* out, int64_t count);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_CAST_H_
