// Noise reduction by spectral subtraction with a per-channel running noise
// estimate (TFLM SignalFilterBankSpectralSubtraction). The estimate is
// state: it is carried from frame to frame and cleared on reset.
#ifndef TINYML_FRONTEND_SPECTRAL_SUBTRACTION_H_
#define TINYML_FRONTEND_SPECTRAL_SUBTRACTION_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// Coefficients are fixed point with spectral_subtraction_bits fractional
// bits; even channels use smoothing, odd channels the alternate pair.
struct SpectralSubtractionConfig {
  int32_t num_channels = 0;
  uint32_t smoothing = 0;
  uint32_t one_minus_smoothing = 0;
  uint32_t alternate_smoothing = 0;
  uint32_t alternate_one_minus_smoothing = 0;
  uint32_t min_signal_remaining = 0;
  uint32_t smoothing_bits = 0;             // < 32
  uint32_t spectral_subtraction_bits = 0;  // < 64
  bool clamping = false;  // pull the estimate down to the signal when above it
};

// For each channel: update noise_estimate[i] (the state, num_channels
// entries) from input[i], then output[i] = max(input - estimate, input *
// min_signal_remaining), all in the reference's 32/64-bit integer steps.
void SpectralSubtraction(const SpectralSubtractionConfig& config, const uint32_t* input, uint32_t* output,
                         uint32_t* noise_estimate);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_SPECTRAL_SUBTRACTION_H_
