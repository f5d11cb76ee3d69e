#include "kernels/ref/strided_slice.h"

#include <limits.h>
#include <string.h>

namespace tinyml {
namespace ref {
namespace {

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

bool Bit(int32_t mask, int i) { return ((static_cast<uint32_t>(mask) >> i) & 1u) != 0; }

int32_t CountFor(int32_t start, int32_t stop, int32_t stride) {
  const int64_t span = static_cast<int64_t>(stop) - start;
  if (stride > 0) return span > 0 ? static_cast<int32_t>((span + stride - 1) / stride) : 0;
  const int64_t back = -span;
  const int64_t step = -static_cast<int64_t>(stride);
  return back > 0 ? static_cast<int32_t>((back + step - 1) / step) : 0;
}

}  // namespace

int32_t StridedSliceStart(int32_t begin, int32_t stride, bool begin_masked, int32_t axis_size) {
  int64_t start = begin;
  if (begin_masked) start = stride > 0 ? INT32_MIN : INT32_MAX;
  if (start < 0) start += axis_size;
  start = stride > 0 ? Clamp(start, 0, axis_size) : Clamp(start, -1, axis_size - 1);
  return static_cast<int32_t>(start);
}

int32_t StridedSliceStop(int32_t end, int32_t stride, bool end_masked, bool offset, int32_t start,
                         int32_t axis_size) {
  int64_t stop = end;
  if (offset) stop += start;
  if (stop < 0) stop += axis_size;
  stop = stride > 0 ? Clamp(stop, 0, axis_size) : Clamp(stop, -1, axis_size - 1);
  if (end_masked) stop = stride > 0 ? axis_size : -1;
  return static_cast<int32_t>(stop);
}

SliceSpecError ResolveStridedSlice(const StridedSliceSpec& spec, const Shape& input_shape,
                                   StridedSliceParams* params, int32_t* output_rank, int32_t* output_dims) {
  const int length = spec.length;
  if (length < 0 || length > kMaxSliceSpec) return SliceSpecError::kSpecTooLong;
  const int rank = input_shape.rank;

  int ellipsis_at = -1;
  int named = 0;  // entries that consume an input dim
  for (int i = 0; i < length; ++i) {
    if (Bit(spec.ellipsis_mask, i)) {
      if (ellipsis_at >= 0) return SliceSpecError::kMultipleEllipsis;
      ellipsis_at = i;
    } else if (!Bit(spec.new_axis_mask, i)) {
      ++named;
    }
  }
  if (named > rank) return SliceSpecError::kTooManyIndices;
  // Without an ellipsis the unnamed trailing dims are taken whole, which is
  // an ellipsis after the last entry.
  if (ellipsis_at < 0) ellipsis_at = length;
  const int ellipsis_dims = rank - named;

  StridedSliceParams p;
  p.rank = rank;
  int32_t out_dims[kMaxSliceOutputRank];
  int out_rank = 0;
  int dim = 0;
  for (int i = 0; i <= length; ++i) {
    if (i == ellipsis_at) {
      for (int k = 0; k < ellipsis_dims; ++k, ++dim) {
        p.start[dim] = 0;
        p.stride[dim] = 1;
        p.count[dim] = input_shape.dims[dim];
        out_dims[out_rank++] = input_shape.dims[dim];
      }
      continue;
    }
    if (i == length) break;
    const bool shrink = Bit(spec.shrink_axis_mask, i);
    if (Bit(spec.new_axis_mask, i)) {
      if (shrink) return SliceSpecError::kShrinkNewAxis;
      out_dims[out_rank++] = 1;
      continue;
    }
    const int32_t stride = spec.strides[i];
    if (stride == 0) return SliceSpecError::kZeroStride;
    const int32_t n = input_shape.dims[dim];
    int32_t start = 0;
    int32_t count = 0;
    if (shrink) {
      if (stride < 0) return SliceSpecError::kShrinkNegativeStride;
      // A shrunk dim must name an existing element; TFLite would otherwise
      // leave the output unwritten.
      if (n == 0) return SliceSpecError::kShrinkOutOfRange;
      start = StridedSliceStart(spec.begin[i], stride, Bit(spec.begin_mask, i), n);
      if (start < 0 || start >= n) return SliceSpecError::kShrinkOutOfRange;
      count = 1;
    } else if (n > 0) {
      start = StridedSliceStart(spec.begin[i], stride, Bit(spec.begin_mask, i), n);
      const int32_t stop = StridedSliceStop(spec.end[i], stride, Bit(spec.end_mask, i), spec.offset, start, n);
      count = CountFor(start, stop, stride);
    }
    p.start[dim] = start;
    p.stride[dim] = stride;
    p.count[dim] = count;
    if (!shrink) out_dims[out_rank++] = count;
    ++dim;
  }
  *params = p;
  *output_rank = out_rank;
  for (int i = 0; i < out_rank; ++i) output_dims[i] = out_dims[i];
  return SliceSpecError::kNone;
}

void StridedSlice(const StridedSliceParams& params, const Shape& input_shape, const void* input,
                  size_t element_bytes, void* output) {
  const int rank = params.rank;
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const int64_t eb = static_cast<int64_t>(element_bytes);
  if (rank == 0) {
    memcpy(out, in, element_bytes);
    return;
  }
  for (int d = 0; d < rank; ++d)
    if (params.count[d] == 0) return;
  int64_t in_stride[kMaxRank];
  in_stride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * input_shape.dims[d + 1];

  // Odometer over the selected elements, innermost dim in runs.
  const int last = rank - 1;
  int32_t index[kMaxRank] = {};
  int64_t base = 0;  // input element offset of the current run's first element
  for (int d = 0; d < rank; ++d) base += static_cast<int64_t>(params.start[d]) * in_stride[d];
  const int32_t run = params.count[last];
  const int64_t run_step = params.stride[last];
  while (true) {
    if (run_step == 1) {
      memcpy(out, in + base * eb, static_cast<size_t>(run * eb));
      out += run * eb;
    } else {
      for (int32_t k = 0; k < run; ++k) {
        memcpy(out, in + (base + k * run_step) * eb, element_bytes);
        out += eb;
      }
    }
    int d = last - 1;
    for (; d >= 0; --d) {
      const int64_t step = static_cast<int64_t>(params.stride[d]) * in_stride[d];
      base += step;
      if (++index[d] < params.count[d]) break;
      base -= step * params.count[d];
      index[d] = 0;
    }
    if (d < 0) break;
  }
}

}  // namespace ref
}  // namespace tinyml
