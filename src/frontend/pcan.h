// Per-channel amplitude normalization (PCAN) gain control, fixed point, as
// TFLM's SignalPCAN: each channel is divided by a power of its noise
// estimate (read from a gain lookup table), then compressed.
#ifndef TINYML_FRONTEND_PCAN_H_
#define TINYML_FRONTEND_PCAN_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

constexpr int kPcanSnrBits = 12;
constexpr int kPcanOutputBits = 6;
// The gain table covers every 32-bit noise value: 3 direct entries, then a
// quadratic segment (3 coefficients, stored 4 apart) per bit length.
constexpr int32_t kPcanGainLutSize = 125;

// Gain for noise level x from the table: lut[x] for x <= 2, otherwise a
// quadratic interpolation inside x's octave (int16 result, which wraps as
// in the reference). `lut` must have kPcanGainLutSize entries.
int16_t PcanWideDynamicFunction(uint32_t x, const int16_t* lut);

// Compression of an SNR with kPcanSnrBits fractional bits to an output
// with kPcanOutputBits: x^2 / 4 below 2, x - 1 above.
uint32_t PcanShrink(uint32_t x);

// In place on `channels` (num_channels values): snr = (channel * gain(noise))
// >> snr_shift (snr_shift in [0, 63]), then channel = PcanShrink(snr).
void PcanAutoGainControl(const int16_t* gain_lut, int32_t snr_shift, const uint32_t* noise_estimate,
                         uint32_t* channels, int32_t num_channels);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_PCAN_H_
