// Triangular (mel) filter bank over a power spectrum, and the square root
// that brings its energies back to magnitudes (TFLM SignalFilterBank and
// SignalFilterBankSquareRoot).
#ifndef TINYML_FRONTEND_FILTER_BANK_H_
#define TINYML_FRONTEND_FILTER_BANK_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// The bank is described by num_channels + 1 bands: band b covers spectrum
// bins [frequency_starts[b], frequency_starts[b] + widths[b]) with weights
// and unweights (1 - weight) read from weight_starts[b] on. A bin's
// weighted energy goes to band b, its unweighted energy to band b + 1; band
// 0 only feeds channel 0's rising edge and is not output. Weights are Q12
// in TFLM's generated tables; any int16 is accepted.
struct FilterBankConfig {
  int32_t num_channels = 0;
  const int16_t* weights = nullptr;
  const int16_t* unweights = nullptr;
  const int16_t* frequency_starts = nullptr;  // num_channels + 1 entries
  const int16_t* weight_starts = nullptr;     // num_channels + 1 entries
  const int16_t* widths = nullptr;            // num_channels + 1 entries
  // True only if no weight or unweight is negative (FilterBankNoteWeightSigns
  // sets it); FilterBankAccumulate then skips the sign-extension of
  // negative weights. False is always correct.
  bool nonnegative_weights = false;
};

// True if every band lies inside a spectrum of `spectrum_size` bins and
// weight tables of `weights_size` entries (negative starts or widths fail).
bool FilterBankConfigValid(const FilterBankConfig& config, int32_t spectrum_size, int32_t weights_size);

// Sets config->nonnegative_weights from the first `weights_size` weights
// and unweights (the tables a valid config reads).
void FilterBankNoteWeightSigns(FilterBankConfig* config, int32_t weights_size);

// output[c], c < num_channels: channel energies, accumulated in uint64 (a
// negative weight wraps modulo 2^64, as in the reference). The config must
// be valid for the spectrum.
void FilterBankAccumulate(const FilterBankConfig& config, const uint32_t* spectrum, uint64_t* output);

// output[i] = Sqrt64(input[i]) >> scale_down_bits (0 for shifts >= 32).
void FilterBankSqrt(const uint64_t* input, int32_t size, int32_t scale_down_bits, uint32_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_FILTER_BANK_H_
