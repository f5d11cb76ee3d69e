#include "frontend/filter_bank.h"

#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {

bool FilterBankConfigValid(const FilterBankConfig& config, int32_t spectrum_size, int32_t weights_size) {
  if (config.num_channels < 0 || config.weights == nullptr || config.unweights == nullptr ||
      config.frequency_starts == nullptr || config.weight_starts == nullptr || config.widths == nullptr)
    return false;
  for (int32_t b = 0; b <= config.num_channels; ++b) {
    const int32_t freq = config.frequency_starts[b];
    const int32_t weight = config.weight_starts[b];
    const int32_t width = config.widths[b];
    if (freq < 0 || weight < 0 || width < 0) return false;
    if (freq + width > spectrum_size || weight + width > weights_size) return false;
  }
  return true;
}

void FilterBankAccumulate(const FilterBankConfig& config, const uint32_t* spectrum, uint64_t* output) {
  uint64_t rising = 0;   // weighted energy of the current band
  uint64_t falling = 0;  // unweighted energy, carried to the next band
  for (int32_t b = 0; b <= config.num_channels; ++b) {
    const int32_t freq = config.frequency_starts[b];
    const int32_t weight = config.weight_starts[b];
    for (int32_t j = 0; j < config.widths[b]; ++j) {
      const uint64_t energy = spectrum[freq + j];
      rising += static_cast<uint64_t>(static_cast<int64_t>(config.weights[weight + j])) * energy;
      falling += static_cast<uint64_t>(static_cast<int64_t>(config.unweights[weight + j])) * energy;
    }
    if (b > 0) output[b - 1] = rising;
    rising = falling;
    falling = 0;
  }
}

void FilterBankSqrt(const uint64_t* input, int32_t size, int32_t scale_down_bits, uint32_t* output) {
  for (int32_t i = 0; i < size; ++i) {
    const uint32_t root = Sqrt64(input[i]);
    output[i] = scale_down_bits >= 32 ? 0u : (scale_down_bits <= 0 ? root : root >> scale_down_bits);
  }
}

}  // namespace frontend
}  // namespace tinyml
