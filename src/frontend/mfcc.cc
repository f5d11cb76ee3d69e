#include "frontend/mfcc.h"

#include <string.h>

#include "frontend/fft_auto_scale.h"
#include "frontend/init_math.h"
#include "frontend/int_math.h"
#include "frontend/log.h"
#include "frontend/rfft.h"

namespace tinyml {
namespace frontend {
namespace {

constexpr double kPi = 3.141592653589793;
// The window table is Q30 (a Q15 window's rounding alone would add noise
// 96 dB below the signal, as much as the samples' own quantization); the
// windowed frame keeps 15 of those bits.
constexpr int32_t kWindowTableBits = 30;
constexpr int32_t kWindowBits = 15;
constexpr int32_t kSampleBits = 15;  // samples are x / 2^15
constexpr int32_t kMelWeightBits = 15;
// ln 2 in Q30.
constexpr int64_t kLn2Q30 = 744261118;

size_t Align8(size_t v) { return (v + 7) & ~size_t{7}; }

// Bits between a band energy and the float recipe's value: the FFT output
// is the DFT / 2^fft_log2 of the frame shifted up by the auto-scale and
// times the Q15 window; samples are x / 2^15; mel weights are Q15.
int32_t EnergyShift(int32_t fft_log2, int32_t auto_scale) {
  return kMelWeightBits + kWindowBits + kSampleBits - fft_log2 + auto_scale;
}

struct Scratch {
  int16_t* frame;       // fft_length (the scaled samples)
  int32_t* input;       // fft_length
  int32_t* spectrum;    // fft_length + 2
  uint32_t* magnitude;  // fft_length / 2 + 1
  uint64_t* mel;        // num_bands
  int32_t* log_mel;     // num_bands
};

Scratch Carve(const Mfcc& m, void* base) {
  const size_t n = static_cast<size_t>(m.fft.fft_length);
  const size_t bands = static_cast<size_t>(m.mel.num_bands);
  uint8_t* p = static_cast<uint8_t*>(base);
  Scratch s;
  s.frame = reinterpret_cast<int16_t*>(p);
  p += Align8(sizeof(int16_t) * n);
  s.input = reinterpret_cast<int32_t*>(p);
  p += Align8(sizeof(int32_t) * n);
  s.spectrum = reinterpret_cast<int32_t*>(p);
  p += Align8(sizeof(int32_t) * (n + 2));
  s.magnitude = reinterpret_cast<uint32_t*>(p);
  p += Align8(sizeof(uint32_t) * (n / 2 + 1));
  s.mel = reinterpret_cast<uint64_t*>(p);
  p += Align8(sizeof(uint64_t) * bands);
  s.log_mel = reinterpret_cast<int32_t*>(p);
  return s;
}

}  // namespace

bool MfccInitTables(int32_t window_samples, int32_t fft_log2, int32_t num_bands, int32_t num_coefficients,
                    double fold, int32_t* window, int32_t* dct, uint64_t* log_floor, int32_t* dct_bits) {
  for (int32_t i = 0; i < window_samples; ++i) {
    const double w = 0.5 - 0.5 * FrontendCos(2 * kPi * i / window_samples);
    window[i] = static_cast<int32_t>(w * (1 << kWindowTableBits) + 0.5);
  }
  // The largest coefficient decides the fractional bits: below 2^30.
  const double norm = InitSqrt(2.0 / num_bands);
  const double largest = norm * (fold < 0 ? -fold : fold);
  int32_t bits = 30;
  while (bits > 0 && largest * static_cast<double>(int64_t{1} << bits) >= static_cast<double>(int64_t{1} << 30)) --bits;
  if (largest * static_cast<double>(int64_t{1} << bits) >= static_cast<double>(int64_t{1} << 30)) return false;
  const double scale = static_cast<double>(int64_t{1} << bits);
  for (int32_t k = 0; k < num_coefficients; ++k) {
    for (int32_t b = 0; b < num_bands; ++b) {
      // cos of an angle in [0, pi k): reduce by multiples of 2 pi exactly
      // in integers first (the angle is pi * n / (2 num_bands)).
      const int64_t n = static_cast<int64_t>(k) * (2 * b + 1) % (4 * num_bands);
      const double c = FrontendCos(kPi * static_cast<double>(n) / (2.0 * num_bands));
      const double v = norm * c * fold * scale;
      dct[k * num_bands + b] = static_cast<int32_t>(v >= 0 ? v + 0.5 : v - 0.5);
    }
  }
  *dct_bits = bits;
  for (int32_t s = 0; s < 16; ++s) {
    const double v = 1e-6 * static_cast<double>(int64_t{1} << EnergyShift(fft_log2, s));
    log_floor[s] = static_cast<uint64_t>(v + 0.5);
  }
  return true;
}

size_t MfccScratchBytes(const Mfcc& m) {
  const size_t n = static_cast<size_t>(m.fft.fft_length);
  const size_t bands = static_cast<size_t>(m.mel.num_bands);
  return Align8(sizeof(int16_t) * n) + Align8(sizeof(int32_t) * n) + Align8(sizeof(int32_t) * (n + 2)) +
         Align8(sizeof(uint32_t) * (n / 2 + 1)) + Align8(sizeof(uint64_t) * bands) + Align8(sizeof(int32_t) * bands);
}

int32_t LogQ16(uint64_t x, int32_t shift) {
  // log2 of the top 32 significant bits, plus the bits dropped.
  int32_t dropped = 0;
  while ((x >> dropped) > 0xffffffffull) ++dropped;
  const int64_t log2_q16 = static_cast<int64_t>(Log2Q16(static_cast<uint32_t>(x >> dropped))) +
                           static_cast<int64_t>(dropped - shift) * 65536;
  const int64_t product = log2_q16 * kLn2Q30;
  // Round half up (arithmetic shift floors).
  return static_cast<int32_t>((product + (int64_t{1} << 29)) >> 30);
}

void MfccFrame(const Mfcc& m, const int16_t* samples, void* scratch, int64_t* coefficients) {
  const Scratch s = Carve(m, scratch);
  const int32_t n = m.fft.fft_length;
  // Shift the samples up first, then window in 32 bits: nothing of a quiet
  // frame is lost to the window's rounding.
  const int32_t auto_scale = FftAutoScaleS16(samples, m.window_samples, s.frame);
  constexpr int32_t kDrop = kWindowTableBits - kWindowBits;
  for (int32_t i = 0; i < m.window_samples; ++i)
    s.input[i] = static_cast<int32_t>((static_cast<int64_t>(s.frame[i]) * m.window[i] + (1 << (kDrop - 1))) >> kDrop);
  memset(s.input + m.window_samples, 0, sizeof(int32_t) * static_cast<size_t>(n - m.window_samples));
  RfftS32Apply(m.fft, s.input, s.spectrum);
  for (int32_t i = m.mel.min_bin; i < m.mel.end_bin; ++i) {
    const int64_t re = s.spectrum[2 * i];
    const int64_t im = s.spectrum[2 * i + 1];
    s.magnitude[i] = Sqrt64(static_cast<uint64_t>(re * re) + static_cast<uint64_t>(im * im));
  }
  ApplyMelBank(m.mel, s.magnitude, s.mel);
  const int32_t shift = EnergyShift(m.fft_log2, auto_scale);
  const uint64_t floor = m.log_floor[auto_scale];
  for (int32_t b = 0; b < m.mel.num_bands; ++b) s.log_mel[b] = LogQ16(s.mel[b] + floor, shift);
  for (int32_t k = 0; k < m.num_coefficients; ++k) {
    const int32_t* row = m.dct + k * m.mel.num_bands;
    int64_t acc = 0;
    for (int32_t b = 0; b < m.mel.num_bands; ++b) acc += static_cast<int64_t>(s.log_mel[b]) * row[b];
    coefficients[k] = acc;
  }
}

}  // namespace frontend
}  // namespace tinyml
