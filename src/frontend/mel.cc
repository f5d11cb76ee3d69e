#include "frontend/mel.h"

#include "frontend/init_math.h"

namespace tinyml {
namespace frontend {
namespace {

double HzToMel(double hz) { return 1127.0 * InitLog(1.0 + hz / 700.0); }

// Weight of a bin at mel value m in band b (edges lo < center < hi).
double Triangle(double m, double lo, double center, double hi) {
  const double rising = (m - lo) / (center - lo);
  const double falling = (hi - m) / (hi - center);
  const double w = rising < falling ? rising : falling;
  return w > 0 ? w : 0;
}

}  // namespace

bool BuildMelBank(int32_t spectrum_size, int32_t sample_rate, int32_t num_bands, double lower_hz, double upper_hz,
                  MelBank* bank) {
  const bool fill = bank->weights != nullptr;
  const double nyquist = sample_rate / 2.0;
  const double mel_lo = HzToMel(lower_hz);
  const double mel_step = (HzToMel(upper_hz) - mel_lo) / (num_bands + 1);
  int32_t total = 0;
  int32_t min_bin = spectrum_size;
  int32_t end_bin = 0;
  for (int32_t b = 0; b < num_bands; ++b) {
    const double lo = mel_lo + mel_step * b;
    const double center = mel_lo + mel_step * (b + 1);
    const double hi = mel_lo + mel_step * (b + 2);
    int32_t first = -1;
    int32_t count = 0;
    for (int32_t bin = 1; bin < spectrum_size; ++bin) {
      const double m = HzToMel(nyquist * bin / (spectrum_size - 1));
      const int32_t q = RoundHalfEven(Triangle(m, lo, center, hi) * 32768.0);
      if (q <= 0) {
        if (first >= 0) break;  // past the triangle
        continue;
      }
      if (first < 0) first = bin;
      if (fill) bank->weights[total + count] = static_cast<uint16_t>(q);
      ++count;
    }
    if (count == 0) return false;
    if (fill) {
      bank->first_bin[b] = static_cast<int16_t>(first);
      bank->num_bins[b] = static_cast<int16_t>(count);
      bank->offset[b] = total;
    }
    total += count;
    if (first < min_bin) min_bin = first;
    if (first + count > end_bin) end_bin = first + count;
  }
  bank->num_bands = num_bands;
  bank->total_weights = total;
  bank->min_bin = min_bin;
  bank->end_bin = end_bin;
  return true;
}

void ApplyMelBank(const MelBank& bank, const uint32_t* magnitude, uint64_t* output) {
  for (int32_t b = 0; b < bank.num_bands; ++b) {
    const uint32_t* m = magnitude + bank.first_bin[b];
    const uint16_t* w = bank.weights + bank.offset[b];
    uint64_t acc = 0;
    for (int32_t i = 0; i < bank.num_bins[b]; ++i) acc += static_cast<uint64_t>(m[i]) * w[i];
    output[b] = acc;
  }
}

}  // namespace frontend
}  // namespace tinyml
