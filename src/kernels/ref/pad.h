// PAD: surrounds a tensor with a constant, reference math with TFLite's
// semantics (row-major, input copied in order, every other element = value).
//
// The op only moves elements, so it is written once for any element size.
// Callers guarantee (the op glue validates): 0 <= rank <= kMaxRank, input and
// output ranks equal `rank`, before/after >= 0 and
// output.dims[d] == before[d] + input.dims[d] + after[d] for every d.
#ifndef TINYML_KERNELS_REF_PAD_H_
#define TINYML_KERNELS_REF_PAD_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct PadParams {
  int32_t rank = 0;
  int32_t before[kMaxRank] = {};
  int32_t after[kMaxRank] = {};
};

// `pad_value` points to one element of `element_bytes` bytes.
void Pad(const PadParams& params, const Shape& input_shape, const void* input, const void* pad_value,
         size_t element_bytes, const Shape& output_shape, void* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_PAD_H_
