#include "frontend/fft_auto_scale.h"

#include "frontend/dsp_variants.h"
#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {

int16_t MaxAbsS16(const int16_t* input, int32_t size) {
  int16_t peak = 0;
  for (int32_t i = 0; i < size; ++i) {
    const int32_t v = input[i];
    if (v > peak) {
      peak = static_cast<int16_t>(v);
    } else if (-v > peak) {
      peak = static_cast<int16_t>(-v);  // -(-32768) wraps, as in the reference
    }
  }
  return peak;
}

int32_t FftAutoScaleS16Portable(const int16_t* input, int32_t size, int16_t* output) {
  const int16_t peak = MaxAbsS16(input, size);
  // A negative peak (the wrapped -32768) converts to a 32-bit pattern with
  // the top bit set, giving no headroom, as in the reference.
  const int32_t scale = FftAutoScaleShift(static_cast<uint32_t>(static_cast<int32_t>(peak)));
  const int32_t factor = int32_t{1} << scale;
  for (int32_t i = 0; i < size; ++i) output[i] = static_cast<int16_t>(input[i] * factor);
  return scale;
}

int32_t FftAutoScaleS16(const int16_t* input, int32_t size, int16_t* output) {
#if TINYML_FRONTEND_DSP
  return FftAutoScaleS16Dsp(input, size, output);
#else
  return FftAutoScaleS16Portable(input, size, output);
#endif
}

}  // namespace frontend
}  // namespace tinyml
