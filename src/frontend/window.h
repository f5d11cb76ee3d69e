// Windowing of int16 audio frames (TFLM SignalWindow semantics).
#ifndef TINYML_FRONTEND_WINDOW_H_
#define TINYML_FRONTEND_WINDOW_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// output[i] = saturate_int16((input[i] * window[i]) >> shift), i < size.
// The window is fixed point with `shift` fractional bits; shift in [0, 31].
// input and output may be the same buffer.
void ApplyWindowS16(const int16_t* input, const int16_t* window, int32_t size, int32_t shift, int16_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_WINDOW_H_
