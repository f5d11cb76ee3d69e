// MFCC in fixed point, following TensorFlow's recipe as MLPerf Tiny KWS
// (Hello Edge DS-CNN) trains with it: periodic Hann window, zero-padded
// real FFT of the next power of two, magnitude, mel filter bank
// (tf.signal.linear_to_mel_weight_matrix), ln(mel + 1e-6), DCT-II scaled by
// sqrt(2 / num_bands) (tf.signal.mfccs_from_log_mel_spectrograms), first
// num_coefficients kept. Samples are taken as x / 32768.
//
// Integer path: block floating point (the frame shifted up as far as its
// peak allows), Q30 window into a 32-bit FFT (rfft32.h), magnitudes by
// 64-bit integer square root, Q15 mel weights accumulated in 64 bits, a Q16 log2 of the 64-bit band energy with
// the FFT's scale and the 1e-6 floor folded in exactly, and a 32-bit DCT
// table into which the output quantization scale is folded.
#ifndef TINYML_FRONTEND_MFCC_H_
#define TINYML_FRONTEND_MFCC_H_

#include <stddef.h>
#include <stdint.h>

#include "frontend/mel.h"
#include "frontend/rfft32.h"

namespace tinyml {
namespace frontend {

struct Mfcc {
  int32_t window_samples = 0;
  int32_t fft_log2 = 0;
  int32_t num_coefficients = 0;
  MelBank mel;
  RfftS32 fft;
  const int32_t* window = nullptr;  // Q30, window_samples entries
  // dct[k * num_bands + b]: sqrt(2 / num_bands) cos(pi k (2b + 1) / (2
  // num_bands)) * fold, with dct_bits fractional bits.
  const int32_t* dct = nullptr;
  int32_t dct_bits = 0;
  // 1e-6 in band-energy units for each FFT auto-scale shift 0..15.
  const uint64_t* log_floor = nullptr;
};

// Fills `window` (periodic Hann, Q30), `dct` (fold = the factor the
// coefficients are multiplied by, e.g. 1 / output_scale) and `log_floor`
// (16 entries); sets dct_bits. False if fold is too large for 32-bit
// coefficients.
bool MfccInitTables(int32_t window_samples, int32_t fft_log2, int32_t num_bands, int32_t num_coefficients,
                    double fold, int32_t* window, int32_t* dct, uint64_t* log_floor, int32_t* dct_bits);

// Scratch one frame needs (frame, FFT buffers, magnitudes, mel and
// log-mel values), 8-byte aligned.
size_t MfccScratchBytes(const Mfcc& mfcc);

// One frame of window_samples samples -> num_coefficients values with
// 16 + dct_bits fractional bits (times fold).
void MfccFrame(const Mfcc& mfcc, const int16_t* samples, void* scratch, int64_t* coefficients);

// Natural log in Q16 of x * 2^-shift (x > 0), from a Q16 log2 of the
// 64-bit value.
int32_t LogQ16(uint64_t x, int32_t shift);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_MFCC_H_
