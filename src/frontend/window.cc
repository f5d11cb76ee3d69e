#include "frontend/window.h"

#include "frontend/dsp_variants.h"

namespace tinyml {
namespace frontend {

void ApplyWindowS16Portable(const int16_t* input, const int16_t* window, int32_t size, int32_t shift,
                            int16_t* output) {
  for (int32_t i = 0; i < size; ++i) {
    // Arithmetic shift: negative products round toward minus infinity.
    const int32_t v = (static_cast<int32_t>(input[i]) * window[i]) >> shift;
    output[i] = static_cast<int16_t>(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v));
  }
}

void ApplyWindowS16(const int16_t* input, const int16_t* window, int32_t size, int32_t shift, int16_t* output) {
#if TINYML_FRONTEND_DSP
  ApplyWindowS16Dsp(input, window, size, shift, output);
#else
  ApplyWindowS16Portable(input, window, size, shift, output);
#endif
}

}  // namespace frontend
}  // namespace tinyml
