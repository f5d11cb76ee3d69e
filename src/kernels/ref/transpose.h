// TRANSPOSE: output[i0..in] = input[i at perm], TFLite's reference semantics.
//
// Written once for any element size (the op only moves elements). Callers
// guarantee (the op glue validates): params.rank == input rank <= kMaxRank,
// perm is a permutation of [0, rank), and output dims[i] == input
// dims[perm[i]].
#ifndef TINYML_KERNELS_REF_TRANSPOSE_H_
#define TINYML_KERNELS_REF_TRANSPOSE_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct TransposeParams {
  int32_t rank = 0;
  int32_t perm[kMaxRank] = {};
};

void Transpose(const TransposeParams& params, const Shape& input_shape, const void* input, size_t element_bytes,
               void* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_TRANSPOSE_H_
