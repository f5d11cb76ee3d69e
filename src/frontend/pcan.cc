#include "frontend/pcan.h"

#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {

int16_t PcanWideDynamicFunction(uint32_t x, const int16_t* lut) {
  if (x <= 2) return lut[x];
  const int32_t octave = static_cast<int32_t>(MostSignificantBit32(x));  // 2..32
  const int16_t* seg = lut + 4 * octave - 6;
  // The 10 bits below the leading one, as the interpolation position.
  const uint32_t aligned = octave < 11 ? x << (11 - octave) : x >> (octave - 11);
  const int32_t frac = static_cast<int32_t>(aligned & 0x3FF);
  // Unsigned steps give the reference's two's complement wrap without
  // signed overflow; the shifts of negative values stay arithmetic.
  int32_t acc = (static_cast<int32_t>(seg[2]) * frac) >> 5;
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + (static_cast<uint32_t>(static_cast<int32_t>(seg[1])) << 5));
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) * static_cast<uint32_t>(frac));
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + (1u << 14)) >> 15;
  acc += seg[0];
  return static_cast<int16_t>(acc);
}

uint32_t PcanShrink(uint32_t x) {
  if (x < (2u << kPcanSnrBits)) return (x * x) >> (2 + 2 * kPcanSnrBits - kPcanOutputBits);
  return (x >> (kPcanSnrBits - kPcanOutputBits)) - (1u << kPcanOutputBits);
}

void PcanAutoGainControl(const int16_t* gain_lut, int32_t snr_shift, const uint32_t* noise_estimate,
                         uint32_t* channels, int32_t num_channels) {
  for (int32_t i = 0; i < num_channels; ++i) {
    // A negative int16 gain sign-extends to 32 bits, as in the reference.
    const uint32_t gain = static_cast<uint32_t>(static_cast<int32_t>(PcanWideDynamicFunction(noise_estimate[i], gain_lut)));
    const uint32_t snr = static_cast<uint32_t>((static_cast<uint64_t>(channels[i]) * gain) >> snr_shift);
    channels[i] = PcanShrink(snr);
  }
}

}  // namespace frontend
}  // namespace tinyml
