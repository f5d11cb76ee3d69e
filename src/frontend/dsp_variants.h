// The frontend stages that have an Armv7E-M DSP-extension variant, next to
// the portable code each replaces; tests run both on the same input and
// compare bytes (tests/kernels/signal_ops_test.cc on the host over the
// portable emulation of kernels/cortex_m/dsp.h, tests/device/
// frontend_checks.cc on each core's real instructions). The public
// function (window.h, fft_auto_scale.h, energy.h, rfft.h) takes the DSP
// variant where TINYML_FRONTEND_DSP is 1 (__ARM_FEATURE_DSP: the M4, M7,
// M33 and M55 builds), the portable one elsewhere. Contracts as the public
// functions'.
#ifndef TINYML_FRONTEND_DSP_VARIANTS_H_
#define TINYML_FRONTEND_DSP_VARIANTS_H_

#include <stdint.h>

#include "frontend/int_math.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TINYML_FRONTEND_DSP 1
#else
#define TINYML_FRONTEND_DSP 0
#endif

namespace tinyml {
namespace frontend {

void ApplyWindowS16Portable(const int16_t* input, const int16_t* window, int32_t size, int32_t shift,
                            int16_t* output);
// Two samples per word (SMULBB / SMULTT, SSAT with its shift); shift 12
// (TFLM's window) only, other shifts take the portable code.
void ApplyWindowS16Dsp(const int16_t* input, const int16_t* window, int32_t size, int32_t shift, int16_t* output);

// FftAutoScaleS16's shift for a peak magnitude (as a 32-bit pattern): the
// headroom left in an int16, none for a pattern of 16 bits or more.
inline int32_t FftAutoScaleShift(uint32_t peak) {
  const int32_t scale = 16 - static_cast<int32_t>(MostSignificantBit32(peak)) - 1;
  return scale < 0 ? 0 : scale;
}

int32_t FftAutoScaleS16Portable(const int16_t* input, int32_t size, int16_t* output);
// The scale from the OR of all |x| (its bit length is the peak's); a frame
// holding -32768 takes the portable code, whose peak then depends on the
// sample order. Scaling by SMULBB / SMULTB, nothing when in place at 0.
int32_t FftAutoScaleS16Dsp(const int16_t* input, int32_t size, int16_t* output);

void SpectrumToEnergyPortable(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output);
// One SMUAD per bin (the same wrap: 2 * (-32768)^2 is 2^31).
void SpectrumToEnergyDsp(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_DSP_VARIANTS_H_
