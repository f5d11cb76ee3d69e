#include "kernels/ref/transpose.h"

#include <string.h>

namespace tinyml {
namespace ref {
namespace {

template <typename T>
void TransposeTyped(const TransposeParams& params, const Shape& input_shape, const T* input, T* output) {
  const int rank = params.rank;
  if (rank == 0) {
    output[0] = input[0];
    return;
  }
  int64_t input_stride[kMaxRank];
  input_stride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; --d) input_stride[d] = input_stride[d + 1] * input_shape.dims[d + 1];
  // Walk the output in order; `step[i]` is how far the input moves when
  // output index i advances.
  int32_t out_dims[kMaxRank] = {};
  int64_t step[kMaxRank] = {};
  int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    out_dims[i] = input_shape.dims[params.perm[i]];
    step[i] = input_stride[params.perm[i]];
    total *= out_dims[i];
  }
  if (total == 0) return;
  const int last = rank - 1;
  const int32_t inner = out_dims[last];
  const int64_t inner_step = step[last];
  int32_t index[kMaxRank] = {};
  int64_t in_offset = 0;
  T* out = output;
  for (int64_t done = 0; done < total; done += inner) {
    const T* in = input + in_offset;
    for (int32_t k = 0; k < inner; ++k) out[k] = in[k * inner_step];
    out += inner;
    for (int d = last - 1; d >= 0; --d) {
      in_offset += step[d];
      if (++index[d] < out_dims[d]) break;
      in_offset -= step[d] * out_dims[d];
      index[d] = 0;
    }
  }
}


}  // namespace

void Transpose(const TransposeParams& params, const Shape& input_shape, const void* input, size_t element_bytes,
               void* output) {
  switch (element_bytes) {
    case 1:
      TransposeTyped(params, input_shape, static_cast<const uint8_t*>(input), static_cast<uint8_t*>(output));
      break;
    case 2:
      TransposeTyped(params, input_shape, static_cast<const uint16_t*>(input), static_cast<uint16_t*>(output));
      break;
    case 4:
      TransposeTyped(params, input_shape, static_cast<const uint32_t*>(input), static_cast<uint32_t*>(output));
      break;
    case 8:
      TransposeTyped(params, input_shape, static_cast<const uint64_t*>(input), static_cast<uint64_t*>(output));
      break;
    default:
      break;  // no storable type has another size; the glue rejects it
  }
}

}  // namespace ref
}  // namespace tinyml
