// Power spectrum of an int16 complex spectrum (TFLM SignalEnergy).
#ifndef TINYML_FRONTEND_ENERGY_H_
#define TINYML_FRONTEND_ENERGY_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// For start <= i < end: output[i] = re[i]^2 + im[i]^2 (modulo 2^32, so
// (-32768, -32768) gives 2^31 as in the reference). `spectrum` holds
// interleaved (re, im) int16 pairs. Entries of `output` outside
// [start, end) are left untouched, as TFLM leaves them. `output` may be
// the spectrum's own buffer (in place): entry i takes exactly the bytes of
// pair i, which it reads first.
void SpectrumToEnergy(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_ENERGY_H_
