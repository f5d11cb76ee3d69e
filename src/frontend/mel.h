// Mel filter bank of tf.signal.linear_to_mel_weight_matrix (HTK mel scale
// 1127 ln(1 + f / 700), triangles between num_bands + 2 equally spaced
// mel edges, unnormalized, DC bin excluded), stored sparsely in Q15, and
// its application to a magnitude spectrum in integer arithmetic.
#ifndef TINYML_FRONTEND_MEL_H_
#define TINYML_FRONTEND_MEL_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// Band b covers bins [first_bin[b], first_bin[b] + num_bins[b]); its weights
// start at weights[offset[b]]. Weights are Q15 (32768 = 1.0).
struct MelBank {
  int32_t num_bands = 0;
  int32_t total_weights = 0;
  int32_t min_bin = 0;  // first bin any band uses
  int32_t end_bin = 0;  // one past the last bin any band uses
  int16_t* first_bin = nullptr;
  int16_t* num_bins = nullptr;
  int32_t* offset = nullptr;
  uint16_t* weights = nullptr;
};

// Init time (double arithmetic). With bank->weights null, only counts:
// sets total_weights, min_bin and end_bin. Otherwise fills the arrays
// (num_bands entries; total_weights weights). spectrum_size = fft/2 + 1.
// False if some band gets no bin at all (bands too narrow for the FFT).
bool BuildMelBank(int32_t spectrum_size, int32_t sample_rate, int32_t num_bands, double lower_hz, double upper_hz,
                  MelBank* bank);

// output[b] = sum of magnitude[bin] * weight (magnitudes indexed by bin).
void ApplyMelBank(const MelBank& bank, const uint32_t* magnitude, uint64_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_MEL_H_
