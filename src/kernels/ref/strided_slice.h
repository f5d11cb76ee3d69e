// STRIDED_SLICE, reference math with TFLite's semantics.
//
// Two parts:
//  * ResolveStridedSlice (prepare time) turns the op's sparse spec (begin,
//    end, strides and the five masks, as in the model) into one
//    (start, stride, count) per input dim plus the output shape. Per dim it
//    applies TFLite's StartForAxis / StopForAxis rules: begin/end masks,
//    negative indices counted from the end, clamping to [0, n] (stride > 0)
//    or [-1, n - 1] (stride < 0), `offset` (end is relative to begin), and
//    shrink (a single element, dim removed from the output). ellipsis_mask
//    and new_axis_mask follow TensorFlow's dense-spec expansion: the
//    ellipsis stands for as many full dims as the spec leaves unnamed (an
//    implicit one at the end when absent), a new axis adds a size-1 output
//    dim and consumes no input dim; when both bits are set, ellipsis wins.
//  * StridedSlice (eval) gathers the selected elements in row-major order.
//    Written once for any element size.
#ifndef TINYML_KERNELS_REF_STRIDED_SLICE_H_
#define TINYML_KERNELS_REF_STRIDED_SLICE_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

// Longest begin/end/strides vector accepted (the masks are 32-bit).
constexpr int kMaxSliceSpec = 16;
// Output rank bound: kept input dims plus one per new axis.
constexpr int kMaxSliceOutputRank = kMaxRank + kMaxSliceSpec;

struct StridedSliceSpec {
  int32_t length = 0;
  int32_t begin[kMaxSliceSpec] = {};
  int32_t end[kMaxSliceSpec] = {};
  int32_t strides[kMaxSliceSpec] = {};
  int32_t begin_mask = 0;
  int32_t end_mask = 0;
  int32_t ellipsis_mask = 0;
  int32_t new_axis_mask = 0;
  int32_t shrink_axis_mask = 0;
  bool offset = false;
};

// Per input dim: first index, step and number of elements taken.
struct StridedSliceParams {
  int32_t rank = 0;
  int32_t start[kMaxRank] = {};
  int32_t stride[kMaxRank] = {};
  int32_t count[kMaxRank] = {};
};

enum class SliceSpecError : uint8_t {
  kNone = 0,
  kSpecTooLong,          // length > kMaxSliceSpec or < 0
  kMultipleEllipsis,     // more than one ellipsis bit
  kTooManyIndices,       // the spec names more dims than the input has
  kZeroStride,
  kShrinkOutOfRange,     // shrink index outside [-n, n)
  kShrinkNegativeStride, // TFLite's kernels would write nothing
  kShrinkNewAxis,        // shrink and new-axis bits on the same entry
};

// Fills `params` and the output shape (`output_dims` holds
// kMaxSliceOutputRank entries). Host-callable; no side effects on error.
SliceSpecError ResolveStridedSlice(const StridedSliceSpec& spec, const Shape& input_shape,
                                   StridedSliceParams* params, int32_t* output_rank, int32_t* output_dims);

// TFLite's StartForAxis (begin mask, negative index, clamp). axis_size > 0.
int32_t StridedSliceStart(int32_t begin, int32_t stride, bool begin_masked, int32_t axis_size);
// TFLite's end rule for a non-shrunk axis (offset, negative index, clamp,
// end mask). axis_size > 0.
int32_t StridedSliceStop(int32_t end, int32_t stride, bool end_masked, bool offset, int32_t start,
                         int32_t axis_size);

// Callers guarantee params came from ResolveStridedSlice for this input shape
// and the output holds the product of params.count elements.
void StridedSlice(const StridedSliceParams& params, const Shape& input_shape, const void* input,
                  size_t element_bytes, void* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_STRIDED_SLICE_H_
