// The frontend's constant micro_speech tables on the device: the committed
// FrontendTables::MicroSpeech() equal what Init() computes here (soft
// double, the target's float), lie in flash, and give the same frames from
// less RAM.
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "checks.h"
#include "frontend/pcan.h"
#include "frontend/rfft.h"
#include "frontend/tflm_tables.h"
#include "tinyml/frontend.h"

extern "C" const char __data_load__[];

namespace tinyml::device_test {
namespace {

constexpr size_t kMaxMemory = 16384;
constexpr int32_t kSamples = 16000;  // 1 s: 49 frames

alignas(8) uint8_t g_computed_memory[kMaxMemory];
alignas(8) uint8_t g_given_memory[kMaxMemory];
int16_t g_signal[kSamples];
int8_t g_computed_frames[49 * 40];
int8_t g_given_frames[49 * 40];

bool InFlash(const void* p) { return reinterpret_cast<uintptr_t>(p) < reinterpret_cast<uintptr_t>(__data_load__); }

bool SameEntries(const int16_t* a, const int16_t* b, int32_t n) {
  return memcmp(a, b, sizeof(int16_t) * static_cast<size_t>(n)) == 0;
}

void TablesEqualWhatInitComputes() {
  static int16_t window[480];
  static int16_t weights[512];
  static int16_t unweights[512];
  static int16_t frequency_starts[41];
  static int16_t weight_starts[41];
  static int16_t widths[41];
  static int16_t lut[frontend::kPcanGainLutSize];
  alignas(4) static uint8_t twiddles[2048];
  const FrontendConfig c = FrontendConfig::MicroSpeech();
  const FrontendTables& t = FrontendTables::MicroSpeech();
  TINYML_CHECK_EQ(t.window_samples, 480);
  TINYML_CHECK_EQ(t.num_bands, 40);
  int32_t log2 = 0;
  TINYML_CHECK_EQ(t.fft_length, frontend::TflmFftLength(c.window_samples, &log2));
  frontend::TflmHannWindow(c.window_samples, frontend::kTflmWindowScalingBits, window);
  TINYML_CHECK(SameEntries(window, t.window, 480));

  frontend::TflmFilterBankTables bank;
  TINYML_CHECK(frontend::TflmFilterBank(257, c.sample_rate, 40, c.lower_band_hz, c.upper_band_hz, &bank));
  TINYML_CHECK_EQ(bank.num_weights, t.num_weights);
  TINYML_CHECK_EQ(bank.start_index, t.start_index);
  TINYML_CHECK_EQ(bank.end_index, t.end_index);
  if (bank.num_weights != t.num_weights || bank.num_weights > 512) return;
  bank.weights = weights;
  bank.unweights = unweights;
  bank.frequency_starts = frequency_starts;
  bank.weight_starts = weight_starts;
  bank.widths = widths;
  TINYML_CHECK(frontend::TflmFilterBank(257, c.sample_rate, 40, c.lower_band_hz, c.upper_band_hz, &bank));
  TINYML_CHECK(SameEntries(weights, t.weights, bank.num_weights));
  TINYML_CHECK(SameEntries(unweights, t.unweights, bank.num_weights));
  TINYML_CHECK(SameEntries(frequency_starts, t.frequency_starts, 41));
  TINYML_CHECK(SameEntries(weight_starts, t.weight_starts, 41));
  TINYML_CHECK(SameEntries(widths, t.widths, 41));

  frontend::TflmPcanGainLut(log2, lut);
  TINYML_CHECK(SameEntries(lut, t.pcan_lut, frontend::kPcanGainLutSize));
  const size_t twiddle_bytes = frontend::RfftS16TableBytes(t.fft_length);
  TINYML_CHECK(twiddle_bytes <= sizeof(twiddles));
  if (twiddle_bytes > sizeof(twiddles)) return;
  TINYML_CHECK(frontend::RfftS16FillTable(t.fft_length, twiddles, sizeof(twiddles)));
  TINYML_CHECK(memcmp(twiddles, t.fft_twiddles, twiddle_bytes) == 0);

  // Constant data: flash, not copied to RAM at startup.
  TINYML_CHECK(InFlash(t.window));
  TINYML_CHECK(InFlash(t.fft_twiddles));
  TINYML_CHECK(InFlash(t.weights));
  TINYML_CHECK(InFlash(t.pcan_lut));
  TINYML_CHECK(InFlash(&t));
}

void SameFramesFromLessMemory() {
  const FrontendConfig c = FrontendConfig::MicroSpeech();
  const FrontendTables& t = FrontendTables::MicroSpeech();
  size_t computed_bytes = 0, given_bytes = 0;
  TINYML_CHECK(Frontend::RequiredBytes(c, &computed_bytes) == Status::kOk);
  TINYML_CHECK(Frontend::RequiredBytes(c, &t, &given_bytes) == Status::kOk);
  TINYML_CHECK(computed_bytes - given_bytes >= t.bytes());
  if (computed_bytes > kMaxMemory) return;
  // A tone sweeping up over pseudo-random noise (integers only).
  uint32_t state = 20261129u;
  int32_t phase = 0;
  for (int32_t i = 0; i < kSamples; ++i) {
    phase += 200 + i / 8;
    const int32_t tri = (phase & 0xffff) < 0x8000 ? (phase & 0x7fff) - 0x4000 : 0x4000 - (phase & 0x7fff);
    const int32_t noise = static_cast<int32_t>(NextRandom(&state) % 2001u) - 1000;
    g_signal[i] = static_cast<int16_t>(tri / 2 + noise);
  }
  static Frontend computed;
  static Frontend given;
  TINYML_CHECK(computed.Init(c, g_computed_memory, computed_bytes) == Status::kOk);
  TINYML_CHECK(given.Init(c, &t, g_given_memory, given_bytes) == Status::kOk);
  size_t a = 0, b = 0;
  TINYML_CHECK(computed.Push(g_signal, kSamples, g_computed_frames, 49, &a) == Status::kOk);
  TINYML_CHECK(given.Push(g_signal, kSamples, g_given_frames, 49, &b) == Status::kOk);
  TINYML_CHECK_EQ(a, 49);
  TINYML_CHECK_EQ(b, 49);
  TINYML_CHECK(memcmp(g_computed_frames, g_given_frames, sizeof(g_given_frames)) == 0);
  // Another configuration's tables are refused.
  FrontendConfig other = c;
  other.num_bands = 32;
  static Frontend refused;
  TINYML_CHECK(refused.Init(other, &t, g_given_memory, kMaxMemory) == Status::kInvalidArgument);
}

}  // namespace

void FrontendTableChecks() {
  TablesEqualWhatInitComputes();
  SameFramesFromLessMemory();
}

}  // namespace tinyml::device_test
