#include "kernels/ref/concatenation.h"

#include <string.h>

namespace tinyml {
namespace ref {

void ConcatenationCopyInput(const ConcatenationSlab& slab, const void* input, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output) + slab.output_offset_bytes;
  if (slab.input_block_bytes == 0) return;
  for (int64_t o = 0; o < slab.outer; ++o) {
    memcpy(out, in, static_cast<size_t>(slab.input_block_bytes));
    in += slab.input_block_bytes;
    out += slab.output_block_bytes;
  }
}

}  // namespace ref
}  // namespace tinyml
