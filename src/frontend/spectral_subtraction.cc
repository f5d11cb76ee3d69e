#include "frontend/spectral_subtraction.h"

namespace tinyml {
namespace frontend {

void SpectralSubtraction(const SpectralSubtractionConfig& config, const uint32_t* input, uint32_t* output,
                         uint32_t* noise_estimate) {
  const uint32_t bits = config.spectral_subtraction_bits;
  for (int32_t i = 0; i < config.num_channels; ++i) {
    const bool odd = (i & 1) != 0;
    const uint32_t smoothing = odd ? config.alternate_smoothing : config.smoothing;
    const uint32_t one_minus = odd ? config.alternate_one_minus_smoothing : config.one_minus_smoothing;
    // The estimate keeps smoothing_bits extra fractional bits; the scaled
    // signal wraps modulo 2^32 as in the reference.
    const uint32_t scaled = input[i] << config.smoothing_bits;
    noise_estimate[i] = static_cast<uint32_t>(
        (static_cast<uint64_t>(scaled) * smoothing + static_cast<uint64_t>(noise_estimate[i]) * one_minus) >> bits);
    uint32_t estimate = noise_estimate[i];
    if (estimate > scaled) {
      estimate = scaled;
      if (config.clamping) noise_estimate[i] = estimate;
    }
    const uint32_t floor = static_cast<uint32_t>((static_cast<uint64_t>(input[i]) * config.min_signal_remaining) >> bits);
    const uint32_t subtracted = (scaled - estimate) >> config.smoothing_bits;
    output[i] = subtracted > floor ? subtracted : floor;
  }
}

}  // namespace frontend
}  // namespace tinyml
