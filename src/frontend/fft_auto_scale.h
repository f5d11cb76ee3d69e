// Block floating point before a fixed-point FFT (TFLM SignalFftAutoScale):
// shift a frame left as far as its peak allows, and report the shift so the
// spectrum can be scaled back later (FilterBankSqrt's scale_down_bits).
#ifndef TINYML_FRONTEND_FFT_AUTO_SCALE_H_
#define TINYML_FRONTEND_FFT_AUTO_SCALE_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// Peak magnitude as TFLM computes it, in int16: an input of -32768 wraps
// to -32768 (so it does not count as a large peak, and a later sample may
// replace it). Kept exactly, since the scale depends on it.
int16_t MaxAbsS16(const int16_t* input, int32_t size);

// output[i] = input[i] * 2^s (wrapping to int16), with
// s = max(0, 15 - bit_length(MaxAbsS16(input))). Returns s (0..15; 0 for
// an all-zero frame). input and output may be the same buffer.
int32_t FftAutoScaleS16(const int16_t* input, int32_t size, int16_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_FFT_AUTO_SCALE_H_
