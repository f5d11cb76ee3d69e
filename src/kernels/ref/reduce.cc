#include "kernels/ref/reduce.h"

#include "core/fixed_point.h"

namespace tinyml {
namespace ref {
namespace {

// Calls add(output_offset, input_offset) for every input element, in
// row-major input order.
template <typename Add>
void ForEachInput(const MeanParams& params, Add add) {
  const Shape& s = params.input_shape;
  const int rank = s.rank;
  const int64_t total = s.FlatSize();
  if (total == 0) return;
  if (rank == 0) {
    add(0, 0);
    return;
  }
  // Output stride of each input dim: 0 when reduced.
  int64_t out_stride[kMaxRank];
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (params.reduced[d]) {
      out_stride[d] = 0;
    } else {
      out_stride[d] = stride;
      stride *= s.dims[d];
    }
  }
  int32_t index[kMaxRank] = {};
  int64_t out_offset = 0;
  const int last = rank - 1;
  for (int64_t i = 0; i < total;) {
    const int32_t n = s.dims[last];
    const int64_t step = out_stride[last];
    for (int32_t k = 0; k < n; ++k, ++i) add(out_offset + k * step, i);
    for (int d = last - 1; d >= 0; --d) {
      out_offset += out_stride[d];
      if (++index[d] < s.dims[d]) break;
      out_offset -= out_stride[d] * s.dims[d];
      index[d] = 0;
    }
  }
}

template <typename T>
void SumToScratch(const MeanParams& params, const T* input, int32_t* sums) {
  for (int64_t o = 0; o < params.num_outputs; ++o) sums[o] = 0;
  // int32 wrap-around on overflow, as TFLite's AddTensorValuesWithExpectedOverflow.
  ForEachInput(params, [&](int64_t out, int64_t in) {
    sums[out] = static_cast<int32_t>(static_cast<uint32_t>(sums[out]) + static_cast<uint32_t>(input[in]));
  });
}

template <typename T>
void MeanSameScale(const MeanParams& params, const T* input, int32_t* scratch, T* output) {
  SumToScratch(params, input, scratch);
  for (int64_t o = 0; o < params.num_outputs; ++o) {
    output[o] = params.count > 0 ? static_cast<T>(scratch[o] / static_cast<int32_t>(params.count)) : T(0);
  }
}

template <typename T>
void MeanRequant(const MeanParams& params, const T* input, int32_t* scratch, T* output, int32_t qmin, int32_t qmax) {
  if (params.count == 0 || params.input_shape.FlatSize() == 0) {
    for (int64_t o = 0; o < params.num_outputs; ++o) output[o] = T(0);
    return;
  }
  SumToScratch(params, input, scratch);
  const int64_t zero_sum = static_cast<int64_t>(params.input_zero_point) * params.count;
  for (int64_t o = 0; o < params.num_outputs; ++o) {
    const int32_t centered = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(
        static_cast<int64_t>(scratch[o]) - zero_sum)));
    int32_t v = MultiplyByQuantizedMultiplier(centered, params.multiplier, params.shift) + params.output_zero_point;
    v = v < qmin ? qmin : (v > qmax ? qmax : v);
    output[o] = static_cast<T>(v);
  }
}

}  // namespace

void MeanFoldCount(int32_t multiplier, int32_t shift, int64_t count, int32_t* folded_multiplier,
                   int32_t* folded_shift) {
  // floor(log2(count)), capped so the shifted multiplier stays in int64 and
  // the final right shift stays <= 31.
  int log2 = 0;
  while (log2 < 63 && (static_cast<uint64_t>(count) >> (log2 + 1)) != 0) ++log2;
  int s = log2 < 32 ? log2 : 32;
  if (s > 31 + shift) s = 31 + shift;
  *folded_multiplier = static_cast<int32_t>((static_cast<int64_t>(multiplier) << s) / count);
  *folded_shift = shift - s;
}

void MeanF32(const MeanParams& params, const float* input, float* output) {
  for (int64_t o = 0; o < params.num_outputs; ++o) output[o] = 0.0f;
  ForEachInput(params, [&](int64_t out, int64_t in) { output[out] = output[out] + input[in]; });
  if (params.count <= 0) return;
  const float divisor = static_cast<float>(params.count);
  for (int64_t o = 0; o < params.num_outputs; ++o) output[o] = output[o] / divisor;
}

void MeanSameScaleS8(const MeanParams& params, const int8_t* input, int32_t* scratch, int8_t* output) {
  MeanSameScale(params, input, scratch, output);
}
void MeanSameScaleS16(const MeanParams& params, const int16_t* input, int32_t* scratch, int16_t* output) {
  MeanSameScale(params, input, scratch, output);
}
void MeanRequantS8(const MeanParams& params, const int8_t* input, int32_t* scratch, int8_t* output) {
  MeanRequant(params, input, scratch, output, -128, 127);
}
void MeanRequantS16(const MeanParams& params, const int16_t* input, int32_t* scratch, int16_t* output) {
  MeanRequant(params, input, scratch, output, -32768, 32767);
}

}  // namespace ref
}  // namespace tinyml
