// The constant tables of TFLM's audio preprocessor (micro_speech), built
// from a configuration the way its Python generator builds them
// (audio_preprocessor.py and the signal library's window, filter bank and
// PCAN helpers), so the native frontend needs no tables from a model and
// any sample rate, window or band layout gets matching tables. Init-time
// only: uses float/double arithmetic, never per frame.
#ifndef TINYML_FRONTEND_TFLM_TABLES_H_
#define TINYML_FRONTEND_TFLM_TABLES_H_

#include <stddef.h>
#include <stdint.h>

#include "frontend/spectral_subtraction.h"

namespace tinyml {
namespace frontend {

// Fixed parameters of the micro_speech preprocessor (FeatureParams).
constexpr int32_t kTflmWindowScalingBits = 12;
constexpr int32_t kTflmFilterBankScalingBits = 12;  // Q12 weights
constexpr int32_t kTflmFilterBankAlignment = 4;     // bytes
constexpr int32_t kTflmFilterBankBlockSize = 4;     // channel width granule
constexpr int32_t kTflmPostScalingBits = 6;         // log output scale 2^6
constexpr int32_t kTflmPcanSnrShift = 6;
constexpr int32_t kTflmPcanGainBits = 21;
constexpr int32_t kTflmPcanSmoothingBits = 10;
constexpr float kTflmPcanStrength = 0.95f;
constexpr float kTflmPcanOffset = 80.0f;
constexpr int32_t kTflmMinFftLength = 64;
constexpr int32_t kTflmMaxFftLength = 2048;

// Hann window in Q`shift`: round_half_even(2^shift * (0.5 - 0.5 cos(2 pi
// (i + 0.5) / size))), i < size.
void TflmHannWindow(int32_t size, int32_t shift, int16_t* window);

// Smallest power of two >= window_samples; *log2 its exponent.
int32_t TflmFftLength(int32_t window_samples, int32_t* log2);

// Filter bank layout and weights. Call once with the int16 pointers of
// `out` null to learn num_weights, start_index and end_index (returns
// false when the bands do not fit the spectrum: end_index would reach
// spectrum_size), then again with arrays of num_weights (weights,
// unweights) and num_channels + 1 (the rest) entries.
struct TflmFilterBankTables {
  int32_t num_weights = 0;
  int32_t start_index = 0;  // first spectrum bin used
  int32_t end_index = 0;    // one past the last bin used
  int16_t* weights = nullptr;
  int16_t* unweights = nullptr;
  int16_t* frequency_starts = nullptr;
  int16_t* weight_starts = nullptr;
  int16_t* widths = nullptr;
};
bool TflmFilterBank(int32_t spectrum_size, int32_t sample_rate, int32_t num_channels, float lower_hz,
                    float upper_hz, TflmFilterBankTables* out);

// The FFT length a kTflmLogMel frontend pads window_samples to: the
// smallest power of two that holds it, at least kTflmMinFftLength (the
// preprocessor's log correction bits are log2(fft) - 6); *log2 its
// exponent.
int32_t TflmLogMelFftLength(int32_t window_samples, int32_t* log2);

// Every constant table of a kTflmLogMel frontend, as Frontend::Init()
// builds them and tools/frontend_tables writes them out: the Hann window
// (window_samples entries), the FFT's twiddles (RfftS16TableBytes(
// fft_length) bytes, 4-byte aligned), the filter bank into `bank`'s arrays
// (num_weights their room, as a first TflmFilterBank call gives it; the
// indices and count are set here) and the PCAN gain table. False when the FFT length is unsupported,
// the twiddle room short or the bank does not fit.
bool TflmLogMelTables(int32_t sample_rate, int32_t window_samples, int32_t num_bands, float lower_hz,
                      float upper_hz, int32_t fft_length, int32_t fft_log2, int16_t* window, void* twiddles,
                      size_t twiddle_bytes, TflmFilterBankTables* bank, int16_t* pcan_lut);

// Spectral subtraction coefficients of FeatureParams (smoothing 0.025 even
// / 0.06 odd channels, 5% minimum signal, 14 fractional bits, no clamping).
SpectralSubtractionConfig TflmSpectralSubtraction(int32_t num_channels);

// PCAN gain table (kPcanGainLutSize entries) for the given FFT size (its
// log2 fixes the input correction bits).
void TflmPcanGainLut(int32_t fft_log2, int16_t* lut);

// Bits the log stage shifts its input up by: fft_log2 - scaling_bits / 2.
inline int32_t TflmCorrectionBits(int32_t fft_log2) { return fft_log2 - kTflmFilterBankScalingBits / 2; }

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_TFLM_TABLES_H_
