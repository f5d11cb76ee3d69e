// CONCATENATION: joins tensors along one axis, TFLite's reference semantics
// (a byte copy; int8 inputs are not requantized, exactly as TFLite Micro).
//
// The output is seen as [outer, output_axis * inner] and each input as
// [outer, input_axis * inner], where outer is the product of the dims before
// the axis and inner the product of the dims after it. Copying the inputs one
// at a time gives the same bytes as TFLite's interleaved loop, and needs no
// per-input arrays (any number of inputs, no heap).
#ifndef TINYML_KERNELS_REF_CONCATENATION_H_
#define TINYML_KERNELS_REF_CONCATENATION_H_

#include <stdint.h>

namespace tinyml {
namespace ref {

struct ConcatenationSlab {
  int64_t outer = 1;               // repetitions
  int64_t input_block_bytes = 0;   // input_axis * inner * element bytes
  int64_t output_block_bytes = 0;  // output_axis * inner * element bytes
  int64_t output_offset_bytes = 0; // where this input starts inside a block
};

// Copies one input into its place in the output. Callers guarantee the slab
// lies inside both buffers (offset + input block <= output block).
void ConcatenationCopyInput(const ConcatenationSlab& slab, const void* input, void* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_CONCATENATION_H_
