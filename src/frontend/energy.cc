#include "frontend/energy.h"

namespace tinyml {
namespace frontend {

void SpectrumToEnergy(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output) {
  for (int32_t i = start; i < end; ++i) {
    const int32_t re = spectrum[2 * i];
    const int32_t im = spectrum[2 * i + 1];
    output[i] = static_cast<uint32_t>(re * re) + static_cast<uint32_t>(im * im);
  }
}

}  // namespace frontend
}  // namespace tinyml
