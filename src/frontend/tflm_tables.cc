#include "frontend/tflm_tables.h"

#include <string.h>

#include "frontend/init_math.h"
#include "frontend/pcan.h"
#include "frontend/rfft.h"

// The generator works in float32 (and double where Python does); every
// operation must round on its own as there.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tinyml {
namespace frontend {
namespace {

constexpr double kPi = 3.141592653589793;

// Band centers on the mel scale, in float as the generator computes them:
// lower + spacing * (c + 1), spacing = (upper - lower) / (channels + 1).
struct MelCenters {
  float lower;
  float spacing;
  float At(int32_t c) const { return lower + spacing * static_cast<float>(c + 1); }
};

// Mel value of spectrum bin i: the product is formed in double and handed
// to the float mel function, as the Python caller does.
float MelOfBin(int32_t i, double hz_per_bin) {
  return FreqToMelF(static_cast<float>(static_cast<double>(i) * hz_per_bin));
}

// Truncation toward zero (Python's int() of a float).
int32_t TruncToInt(double v) { return static_cast<int32_t>(v); }

}  // namespace

void TflmHannWindow(int32_t size, int32_t shift, int16_t* window) {
  const double arg = kPi * 2 / size;
  const double scale = static_cast<double>(int64_t{1} << shift);
  for (int32_t i = 0; i < size; ++i) {
    const double w = 0.5 - 0.5 * FrontendCos(arg * (i + 0.5));
    window[i] = static_cast<int16_t>(RoundHalfEven(w * scale));
  }
}

int32_t TflmFftLength(int32_t window_samples, int32_t* log2) {
  int32_t bits = 0;
  while ((int32_t{1} << bits) < window_samples) ++bits;
  *log2 = bits;
  return int32_t{1} << bits;
}

int32_t TflmLogMelFftLength(int32_t window_samples, int32_t* log2) {
  const int32_t length = TflmFftLength(window_samples, log2);
  if (length >= kTflmMinFftLength) return length;
  *log2 = 6;
  return kTflmMinFftLength;
}

bool TflmLogMelTables(int32_t sample_rate, int32_t window_samples, int32_t num_bands, float lower_hz,
                      float upper_hz, int32_t fft_length, int32_t fft_log2, int16_t* window, void* twiddles,
                      size_t twiddle_bytes, TflmFilterBankTables* bank, int16_t* pcan_lut) {
  if (!RfftS16FillTable(fft_length, twiddles, twiddle_bytes)) return false;
  if (!TflmFilterBank(fft_length / 2 + 1, sample_rate, num_bands, lower_hz, upper_hz, bank)) return false;
  TflmHannWindow(window_samples, kTflmWindowScalingBits, window);
  TflmPcanGainLut(fft_log2, pcan_lut);
  return true;
}

bool TflmFilterBank(int32_t spectrum_size, int32_t sample_rate, int32_t num_channels, float lower_hz,
                    float upper_hz, TflmFilterBankTables* out) {
  const bool fill = out->weights != nullptr;
  const int32_t item_size = static_cast<int32_t>(sizeof(int16_t));
  const int32_t index_alignment =
      kTflmFilterBankAlignment < item_size ? 1 : kTflmFilterBankAlignment / item_size;
  const int32_t block = kTflmFilterBankBlockSize;

  const float mel_lower = FreqToMelF(lower_hz);
  const float mel_upper = FreqToMelF(upper_hz);
  const MelCenters centers = {mel_lower, (mel_upper - mel_lower) / static_cast<float>(num_channels + 1)};
  const double hz_per_bin = (sample_rate / 2.0) / (spectrum_size - 1);
  const int32_t start_index = RoundHalfEven(1 + static_cast<double>(lower_hz) / hz_per_bin);

  // Pass 1: which bins each band covers, and the padded layout of the
  // weight arrays. A band with no bins points at a shared block of zero
  // weights placed first (inserting it shifts the bands before it).
  int32_t chan_start = start_index;
  int32_t weight_index = 0;
  bool has_zeros = false;
  for (int32_t chan = 0; chan <= num_channels; ++chan) {
    int32_t f = chan_start;
    const float center = centers.At(chan);
    while (MelOfBin(f, hz_per_bin) <= center) {
      ++f;
      if (f > spectrum_size) return false;  // ran past the spectrum
    }
    const int32_t width = f - chan_start;
    if (width == 0) {
      if (fill) {
        out->frequency_starts[chan] = 0;
        out->weight_starts[chan] = 0;
        out->widths[chan] = static_cast<int16_t>(block);
      }
      if (!has_zeros) {
        has_zeros = true;
        if (fill)
          for (int32_t j = 0; j < chan; ++j) out->weight_starts[j] = static_cast<int16_t>(out->weight_starts[j] + block);
        weight_index += block;
      }
    } else {
      const int32_t aligned_start = (chan_start / index_alignment) * index_alignment;
      const int32_t aligned_width = chan_start - aligned_start + width;
      const int32_t padded_width = ((aligned_width - 1) / block + 1) * block;
      if (fill) {
        out->frequency_starts[chan] = static_cast<int16_t>(aligned_start);
        out->weight_starts[chan] = static_cast<int16_t>(weight_index);
        out->widths[chan] = static_cast<int16_t>(padded_width);
      }
      weight_index += padded_width;
    }
    chan_start = f;
  }
  const int32_t end_index = chan_start;
  if (end_index >= spectrum_size) return false;
  if (weight_index > 0x7fff) return false;  // offsets are int16
  if (fill && weight_index > out->num_weights) return false;
  out->num_weights = weight_index;
  out->start_index = start_index;
  out->end_index = end_index;
  if (!fill) return true;

  // Pass 2: the weights. Each bin's weight is its distance below the band
  // center relative to the band's rising edge, in float; Q12 by truncation.
  // The unweight's 1 - weight is formed in double (NumPy 1.x scalar
  // promotion in the generator that built TFLM's models).
  memset(out->weights, 0, sizeof(int16_t) * static_cast<size_t>(weight_index));
  memset(out->unweights, 0, sizeof(int16_t) * static_cast<size_t>(weight_index));
  const double scale = static_cast<double>(1 << kTflmFilterBankScalingBits);
  chan_start = start_index;
  for (int32_t chan = 0; chan <= num_channels; ++chan) {
    const float center = centers.At(chan);
    int32_t f = chan_start;
    while (MelOfBin(f, hz_per_bin) <= center) ++f;
    const float denom_mel = chan == 0 ? mel_lower : centers.At(chan - 1);
    const float den = center - denom_mel;
    const int32_t base = out->weight_starts[chan] + (chan_start - out->frequency_starts[chan]);
    for (int32_t bin = chan_start; bin < f; ++bin) {
      const float num = center - MelOfBin(bin, hz_per_bin);
      const float weight = num / den;
      const int32_t i = base + (bin - chan_start);
      out->weights[i] = static_cast<int16_t>(TruncToInt(static_cast<double>(weight) * scale));
      out->unweights[i] = static_cast<int16_t>(TruncToInt((1.0 - static_cast<double>(weight)) * scale));
    }
    chan_start = f;
  }
  return true;
}

SpectralSubtractionConfig TflmSpectralSubtraction(int32_t num_channels) {
  constexpr int32_t kBits = 14;
  const double one = static_cast<double>(1 << kBits);
  SpectralSubtractionConfig c;
  c.num_channels = num_channels;
  c.smoothing = static_cast<uint32_t>(TruncToInt(0.025 * one));
  c.one_minus_smoothing = (1u << kBits) - c.smoothing;
  c.alternate_smoothing = static_cast<uint32_t>(TruncToInt(0.06 * one));
  c.alternate_one_minus_smoothing = (1u << kBits) - c.alternate_smoothing;
  c.min_signal_remaining = static_cast<uint32_t>(TruncToInt(0.05 * one));
  c.smoothing_bits = 10;
  c.spectral_subtraction_bits = kBits;
  c.clamping = false;
  return c;
}

namespace {

// Gain for noise level x (input_bits fractional bits): 2^gain_bits *
// (x + offset)^-strength in float, rounded half up, saturated to int16.
int16_t PcanGain(int32_t input_bits, uint32_t x) {
  const float xf = static_cast<float>(x) / static_cast<float>(uint32_t{1} << input_bits);
  const float gain =
      static_cast<float>(uint32_t{1} << kTflmPcanGainBits) * FloatPow(xf + kTflmPcanOffset, -kTflmPcanStrength);
  if (gain > 32767.0f) return 32767;
  return static_cast<int16_t>(gain + 0.5f);
}

}  // namespace

void TflmPcanGainLut(int32_t fft_log2, int16_t* lut) {
  const int32_t input_bits = kTflmPcanSmoothingBits - TflmCorrectionBits(fft_log2);
  memset(lut, 0, sizeof(int16_t) * kPcanGainLutSize);
  lut[0] = PcanGain(input_bits, 0);
  lut[1] = PcanGain(input_bits, 1);
  // Per octave [x0, 2 x0): the gain at x0, 1.5 x0 and 2 x0 (the last octave
  // stops at 2^32 - 1) as a quadratic's coefficients.
  for (int32_t octave = 2; octave <= 32; ++octave) {
    const uint32_t x0 = uint32_t{1} << (octave - 1);
    const uint32_t x1 = x0 + (x0 >> 1);
    const uint32_t x2 = octave == 32 ? x0 + (x0 - 1) : 2 * x0;
    const int32_t y0 = PcanGain(input_bits, x0);
    const int32_t y1 = PcanGain(input_bits, x1);
    const int32_t y2 = PcanGain(input_bits, x2);
    const int32_t a1 = 4 * (y1 - y0) - (y2 - y0);
    const int32_t a2 = (y2 - y0) - a1;
    const int32_t base = 4 * octave - 6;
    lut[base] = static_cast<int16_t>(y0);
    lut[base + 1] = static_cast<int16_t>(a1);
    lut[base + 2] = static_cast<int16_t>(a2);
  }
}

}  // namespace frontend
}  // namespace tinyml
