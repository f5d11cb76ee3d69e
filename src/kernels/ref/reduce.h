// MEAN (reduce over a set of axes), reference math with TFLite Micro's
// semantics (tensorflow/lite/kernels/internal/reference/reduce.h as TFLM
// calls it):
//  * float32: sum each output's inputs in row-major input order into the
//    output, then divide by (float)count. TFLM's 4-D keep_dims H,W special
//    case sums in the same order and divides by the same count, so it gives
//    the same bits and needs no separate path.
//  * int8/int16 with equal input/output scale and zero point: int32 sum of
//    the raw values, then C division (truncates toward zero) by count.
//  * int8/int16 otherwise: int32 sum, minus input_zero_point * count, times
//    the prepare-time multiplier already folded with 1/count
//    (MeanFoldCount), plus the output zero point, saturated.
// When count is 0 (a reduced dim of size 0) every output is 0.
#ifndef TINYML_KERNELS_REF_REDUCE_H_
#define TINYML_KERNELS_REF_REDUCE_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

struct MeanParams {
  Shape input_shape;
  bool reduced[kMaxRank] = {};  // per input dim
  int64_t num_outputs = 1;      // product of the kept dims
  int64_t count = 1;            // product of the reduced dims
  // Quantized requantizing path only.
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t multiplier = 0;  // folded with 1/count, see MeanFoldCount
  int32_t shift = 0;       // > 0: left shift
};

// TFLite's rescaling of (multiplier, shift) = input_scale / output_scale so
// that it also divides by count (count > 0); shift must come from
// QuantizeMultiplier (>= -31). Host-callable.
void MeanFoldCount(int32_t multiplier, int32_t shift, int64_t count, int32_t* folded_multiplier,
                   int32_t* folded_shift);

// float32; the output doubles as the accumulator, as in TFLite.
void MeanF32(const MeanParams& params, const float* input, float* output);

// Equal scales and zero points: truncating integer mean. `scratch` holds
// num_outputs int32.
void MeanSameScaleS8(const MeanParams& params, const int8_t* input, int32_t* scratch, int8_t* output);
void MeanSameScaleS16(const MeanParams& params, const int16_t* input, int32_t* scratch, int16_t* output);

// Requantizing mean. `scratch` holds num_outputs int32.
void MeanRequantS8(const MeanParams& params, const int8_t* input, int32_t* scratch, int8_t* output);
void MeanRequantS16(const MeanParams& params, const int16_t* input, int32_t* scratch, int16_t* output);

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_REDUCE_H_
