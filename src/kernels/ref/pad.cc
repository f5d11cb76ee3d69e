#include "kernels/ref/pad.h"

#include <string.h>

namespace tinyml {
namespace ref {
namespace {

void Fill(uint8_t* out, int64_t count, const void* value, size_t element_bytes) {
  for (int64_t i = 0; i < count; ++i) memcpy(out + i * static_cast<int64_t>(element_bytes), value, element_bytes);
}

}  // namespace

void Pad(const PadParams& params, const Shape& input_shape, const void* input, const void* pad_value,
         size_t element_bytes, const Shape& output_shape, void* output) {
  const int rank = params.rank;
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const int64_t eb = static_cast<int64_t>(element_bytes);
  if (rank == 0) {
    memcpy(out, in, element_bytes);
    return;
  }
  if (output_shape.FlatSize() == 0) return;
  const int last = rank - 1;
  const int64_t row = output_shape.dims[last];
  const int64_t row_before = params.before[last];
  const int64_t row_input = input_shape.dims[last];
  const int64_t row_after = row - row_before - row_input;

  // Odometer over every output row (all dims but the last); rows that lie in
  // the padding of an outer dim are pure padding, the others hold one input
  // row. Input rows are consumed in order, as TFLite's loop does.
  int32_t index[kMaxRank] = {};
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= output_shape.dims[d];
  for (int64_t r = 0; r < rows; ++r) {
    bool inside = true;
    for (int d = 0; d < last; ++d) {
      if (index[d] < params.before[d] || index[d] >= params.before[d] + input_shape.dims[d]) {
        inside = false;
        break;
      }
    }
    if (inside) {
      Fill(out, row_before, pad_value, element_bytes);
      out += row_before * eb;
      if (row_input > 0) memcpy(out, in, static_cast<size_t>(row_input * eb));
      out += row_input * eb;
      in += row_input * eb;
      Fill(out, row_after, pad_value, element_bytes);
      out += row_after * eb;
    } else {
      Fill(out, row, pad_value, element_bytes);
      out += row * eb;
    }
    for (int d = last - 1; d >= 0; --d) {
      if (++index[d] < output_shape.dims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace ref
}  // namespace tinyml
