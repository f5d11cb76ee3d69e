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

void FilterBankNoteWeightSigns(FilterBankConfig* config, int32_t weights_size) {
  bool nonnegative = true;
  for (int32_t i = 0; i < weights_size; ++i)
    if (config->weights[i] < 0 || config->unweights[i] < 0) nonnegative = false;
  config->nonnegative_weights = nonnegative;
}

namespace {

// A weight w times an energy e, modulo 2^64 with w sign-extended, is
// uint32(w) * e less e * 2^32 when w < 0 (uint32(w) = w + 2^32). The
// products are then one unsigned 32x32 -> 64 multiply-accumulate each
// (UMLAL), and, unless the config says no weight is negative, the
// corrections a 32-bit sum of the energies under negative weights
// (`e & (w >> 31)`), taken off the high word once per band.
template <bool kNonnegative>
void Accumulate(const FilterBankConfig& config, const uint32_t* spectrum, uint64_t* output) {
  uint64_t rising = 0;   // weighted energy of the current band
  uint64_t falling = 0;  // unweighted energy, carried to the next band
  for (int32_t b = 0; b <= config.num_channels; ++b) {
    const uint32_t* energy = spectrum + config.frequency_starts[b];
    const int16_t* weights = config.weights + config.weight_starts[b];
    const int16_t* unweights = config.unweights + config.weight_starts[b];
    uint32_t rising_fix = 0, falling_fix = 0;
    for (int32_t j = 0; j < config.widths[b]; ++j) {
      const uint32_t e = energy[j];
      const int32_t w = weights[j];
      const int32_t u = unweights[j];
      rising += static_cast<uint64_t>(static_cast<uint32_t>(w)) * e;
      falling += static_cast<uint64_t>(static_cast<uint32_t>(u)) * e;
      if (!kNonnegative) {
        rising_fix += e & static_cast<uint32_t>(w >> 31);
        falling_fix += e & static_cast<uint32_t>(u >> 31);
      }
    }
    if (!kNonnegative) {
      rising -= static_cast<uint64_t>(rising_fix) << 32;
      falling -= static_cast<uint64_t>(falling_fix) << 32;
    }
    if (b > 0) output[b - 1] = rising;
    rising = falling;
    falling = 0;
  }
}

}  // namespace

void FilterBankAccumulate(const FilterBankConfig& config, const uint32_t* spectrum, uint64_t* output) {
  if (config.nonnegative_weights) {
    Accumulate<true>(config, spectrum, output);
  } else {
    Accumulate<false>(config, spectrum, output);
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
