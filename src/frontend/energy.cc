#include "frontend/energy.h"

#include "frontend/dsp_variants.h"

namespace tinyml {
namespace frontend {

void SpectrumToEnergyPortable(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output) {
  for (int32_t i = start; i < end; ++i) {
    const int32_t re = spectrum[2 * i];
    const int32_t im = spectrum[2 * i + 1];
    output[i] = static_cast<uint32_t>(re * re) + static_cast<uint32_t>(im * im);
  }
}

void SpectrumToEnergy(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output) {
#if TINYML_FRONTEND_DSP
  SpectrumToEnergyDsp(spectrum, start, end, output);
#else
  SpectrumToEnergyPortable(spectrum, start, end, output);
#endif
}

}  // namespace frontend
}  // namespace tinyml
