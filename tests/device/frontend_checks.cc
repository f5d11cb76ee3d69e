// The frontend's constant micro_speech tables on the device: the committed
// FrontendTables::MicroSpeech() equal what Init() computes here (soft
// double, the target's float), lie in flash, and give the same frames from
// less RAM. And the frontend's DSP-instruction paths against the portable
// code they replace, byte for byte.
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "checks.h"
#include "frontend/dsp_variants.h"
#include "frontend/int_math.h"
#include "frontend/pcan.h"
#include "frontend/rfft.h"
#include "frontend/rfft_internal.h"
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

// ---------------------------------------------------------------------------
// DSP paths against the portable code, on this core's real instructions.

constexpr int32_t kMaxFft = 2048;
struct FftBuffers {
  uint32_t table[3 * kMaxFft / 4 + 1];      // RfftS16TableBytes: 3 n bytes
  uint32_t scratch[kMaxFft / 2 + 8];        // RfftS16ScratchBytes
  int16_t input[kMaxFft];
  int16_t want[kMaxFft + 2];
  int16_t got[kMaxFft + 2];
};
FftBuffers g_fft __attribute__((section(".bigram")));

// Input `index` of a length: first the extremes (constant 0, +-1, full
// scale +32767 / -32768, alternating full scale, a full-scale step, ramp,
// impulses), then random data at full, half, small and tiny amplitude
// with sparse full-scale values.
constexpr int32_t kExtremeInputs = 12;
void FillFftInput(int32_t n, int32_t index, uint32_t* state, int16_t* x) {
  static const int16_t kConstants[] = {0, 1, -1, 32767, -32768, -16384, 16384};
  for (int32_t i = 0; i < n; ++i) {
    int32_t v = 0;
    if (index < 7) {
      v = kConstants[index];
    } else if (index == 7) {
      v = i % 2 ? -32768 : 32767;
    } else if (index == 8) {
      v = i < n / 2 ? 32767 : -32768;
    } else if (index == 9) {
      v = -32768 + static_cast<int32_t>(static_cast<int64_t>(i) * 65535 / n);
    } else if (index == 10) {
      v = i == 0 ? -32768 : 0;
    } else if (index == 11) {
      v = i == n - 1 ? 32767 : 0;
    } else {
      const uint32_t r = NextRandom(state);
      const int32_t kind = index % 4;
      const int32_t full = static_cast<int16_t>(r >> 16);
      if (kind == 0) v = full;
      if (kind == 1) v = full / 2;
      if (kind == 2) v = static_cast<int32_t>(r % 2001u) - 1000;
      if (kind == 3) v = (r & 0x70u) == 0 ? full : static_cast<int32_t>(r % 17u) - 8;
    }
    x[i] = static_cast<int16_t>(v);
  }
}

void RfftDspEqualsPortable() {
  static const int32_t kLengths[] = {2, 4, 6, 8, 10, 14, 16, 30, 32, 64, 98, 128, 202, 240, 256, 400, 480, 512, 1000,
                                     1024, 2048};
  uint32_t state = 20261129u;
  int32_t compared = 0;
  for (int32_t n : kLengths) {
    frontend::RfftS16 plan;
    TINYML_CHECK(frontend::RfftS16ScratchBytes(n) <= sizeof(g_fft.scratch));
    if (!frontend::RfftS16Init(n, g_fft.table, sizeof(g_fft.table), &plan)) {
      TINYML_CHECK(false);
      continue;
    }
    const int32_t inputs = kExtremeInputs + (n == 512 ? 400 : 24);
    for (int32_t k = 0; k < inputs; ++k) {
      FillFftInput(n, k, &state, g_fft.input);
      memset(g_fft.want, 0x5A, sizeof(g_fft.want));
      memset(g_fft.got, 0xA5, sizeof(g_fft.got));
      frontend::RfftS16ApplyPortable(plan, g_fft.input, g_fft.want, g_fft.scratch);
      frontend::RfftS16ApplyDsp(plan, g_fft.input, g_fft.got, g_fft.scratch);
      const bool same = memcmp(g_fft.want, g_fft.got, sizeof(int16_t) * static_cast<size_t>(n + 2)) == 0;
      TINYML_CHECK(same);
      if (!same) {
        Print("  rfft mismatch: fft_length ");
        PrintInt(n);
        Print(" input ");
        PrintInt(k);
        Print("\n");
      }
      ++compared;
    }
  }
  // A table whose twiddle 0 is not (32767, 0): no product may be skipped.
  frontend::RfftS16 plan;
  TINYML_CHECK(frontend::RfftS16Init(512, g_fft.table, sizeof(g_fft.table), &plan));
  frontend::Complex16* twiddles = reinterpret_cast<frontend::Complex16*>(g_fft.table);
  twiddles[0] = {30000, -7000};
  for (int32_t k = 0; k < kExtremeInputs + 40; ++k) {
    FillFftInput(512, k, &state, g_fft.input);
    frontend::RfftS16ApplyPortable(plan, g_fft.input, g_fft.want, g_fft.scratch);
    frontend::RfftS16ApplyDsp(plan, g_fft.input, g_fft.got, g_fft.scratch);
    TINYML_CHECK(memcmp(g_fft.want, g_fft.got, sizeof(int16_t) * 514) == 0);
    ++compared;
  }
  Print("  ");
  PrintInt(compared);
  Print(" spectra equal on the DSP and portable paths (");
  Print(TINYML_FRONTEND_DSP ? "DSP instructions" : "portable emulation");
  Print(")\n");
}

// The window, auto-scale and energy stages: sizes 0..40 and 479..481 (odd
// tails), random frames at several amplitudes, one -32768 somewhere, all
// +32767 / -32768 / 0, window shifts 12 and others, in place and apart.
struct StageBuffers {
  int16_t x[512];
  int16_t w[512];
  int16_t want[512];
  int16_t got[512];
  uint32_t e_want[256];
  uint32_t e_got[256];
};
StageBuffers g_stage __attribute__((section(".bigram")));

void StagesDspEqualPortable() {
  static const int32_t kExtraSizes[] = {479, 480, 481, 512};
  uint32_t state = 777u;
  int32_t compared = 0;
  for (int32_t size_index = 0; size_index < 41 + 4; ++size_index) {
    const int32_t n = size_index <= 40 ? size_index : kExtraSizes[size_index - 41];
    const size_t bytes = sizeof(int16_t) * static_cast<size_t>(n);
    for (int32_t trial = 0; trial < 40; ++trial) {
      const int32_t kind = trial % 10;
      const int32_t amplitude_bits = kind < 3 ? 16 : (kind < 6 ? 2 * kind : 9);
      for (int32_t i = 0; i < n; ++i) {
        const uint32_t r = NextRandom(&state);
        int32_t v = static_cast<int32_t>(r >> 16) - 32768;
        v = amplitude_bits >= 16 ? v : v >> (16 - amplitude_bits);
        if (kind == 6) v = 32767;
        if (kind == 7) v = -32768;
        if (kind == 8) v = 0;
        g_stage.x[i] = static_cast<int16_t>(v);
        g_stage.w[i] = static_cast<int16_t>(trial % 3 == 0 ? static_cast<int32_t>(r & 0xffffu) - 32768
                                                           : static_cast<int32_t>(r % 4097u));
      }
      if (kind == 9 && n > 0) g_stage.x[NextRandom(&state) % static_cast<uint32_t>(n)] = -32768;
      static const int32_t kShifts[] = {12, 0, 7, 15, 31};
      for (int32_t shift : kShifts) {
        frontend::ApplyWindowS16Portable(g_stage.x, g_stage.w, n, shift, g_stage.want);
        frontend::ApplyWindowS16Dsp(g_stage.x, g_stage.w, n, shift, g_stage.got);
        TINYML_CHECK(memcmp(g_stage.want, g_stage.got, bytes) == 0);
        memcpy(g_stage.got, g_stage.x, bytes);
        frontend::ApplyWindowS16Dsp(g_stage.got, g_stage.w, n, shift, g_stage.got);
        TINYML_CHECK(memcmp(g_stage.want, g_stage.got, bytes) == 0);
      }
      const int32_t scale = frontend::FftAutoScaleS16Portable(g_stage.x, n, g_stage.want);
      TINYML_CHECK_EQ(frontend::FftAutoScaleS16Dsp(g_stage.x, n, g_stage.got), scale);
      TINYML_CHECK(memcmp(g_stage.want, g_stage.got, bytes) == 0);
      memcpy(g_stage.got, g_stage.x, bytes);
      TINYML_CHECK_EQ(frontend::FftAutoScaleS16Dsp(g_stage.got, n, g_stage.got), scale);
      TINYML_CHECK(memcmp(g_stage.want, g_stage.got, bytes) == 0);
      const int32_t bins = n / 2;
      const int32_t start = bins > 0 ? static_cast<int32_t>(NextRandom(&state) % static_cast<uint32_t>(bins)) : 0;
      memset(g_stage.e_want, 0x5A, sizeof(g_stage.e_want));
      memset(g_stage.e_got, 0x5A, sizeof(g_stage.e_got));
      frontend::SpectrumToEnergyPortable(g_stage.x, start, bins, g_stage.e_want);
      frontend::SpectrumToEnergyDsp(g_stage.x, start, bins, g_stage.e_got);
      TINYML_CHECK(memcmp(g_stage.e_want, g_stage.e_got, sizeof(g_stage.e_got)) == 0);
      // In place: each bin's energy over its own (re, im) pair.
      memcpy(g_stage.e_got, g_stage.x, sizeof(int16_t) * static_cast<size_t>(2 * bins));
      frontend::SpectrumToEnergyDsp(reinterpret_cast<const int16_t*>(g_stage.e_got), start, bins, g_stage.e_got);
      TINYML_CHECK(memcmp(g_stage.e_want + start, g_stage.e_got + start,
                          sizeof(uint32_t) * static_cast<size_t>(bins - start)) == 0);
      ++compared;
    }
  }
  Print("  ");
  PrintInt(compared);
  Print(" frames equal through the window, auto-scale and energy DSP and portable paths\n");
}

// The reference's digit-by-digit rounded root (what int_math.cc computed
// before its Newton iteration), to check Sqrt32 / Sqrt64 on the core.
uint64_t DigitByDigitRoot(uint64_t x, uint64_t cap) {
  uint64_t bit = uint64_t{1} << 62;
  while (bit > x) bit >>= 2;
  uint64_t root = 0, rest = x;
  while (bit != 0) {
    if (rest >= root + bit) {
      rest -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  if (rest > root && root != cap) ++root;
  return root;
}

void SquareRootsEqualDigitByDigit() {
  uint32_t state = 4242u;
  int32_t mismatches = 0;
  auto check32 = [&](uint32_t x) {
    if (frontend::Sqrt32(x) != DigitByDigitRoot(x, 0xFFFF)) ++mismatches;
  };
  for (uint32_t r = 1; r <= 0xFFFF; r += 1 + (r >> 9)) {
    check32(r * r - 1);
    check32(r * r);
    check32(r * r + r);
    check32(r * r + r + 1);
  }
  static const uint32_t kEdges[] = {0u, 1u, 2u, 3u, 0xFFFE0001u, 0xFFFF0000u, 0xFFFFFFFFu};
  for (uint32_t x : kEdges) check32(x);
  for (int32_t i = 0; i < 20000; ++i) {
    const uint32_t r = NextRandom(&state);
    check32(r >> (r % 32u));
  }
  for (int32_t i = 0; i < 4000; ++i) {
    const uint64_t x = (static_cast<uint64_t>(NextRandom(&state)) << 32 | NextRandom(&state)) >> (i % 40);
    const uint64_t want = (x >> 32) == 0 ? DigitByDigitRoot(x, 0xFFFF) : DigitByDigitRoot(x, 0xFFFFFFFFu);
    if (frontend::Sqrt64(x) != want) ++mismatches;
  }
  for (int32_t b = 0; b < 32; ++b) {
    TINYML_CHECK_EQ(frontend::MostSignificantBit32(uint32_t{1} << b), b + 1);
    TINYML_CHECK_EQ(frontend::MostSignificantBit32((uint32_t{2} << b) - 1), b + 1);
  }
  TINYML_CHECK_EQ(frontend::MostSignificantBit32(0), 32);
  TINYML_CHECK_EQ(frontend::MostSignificantBit64(0), 64);
  TINYML_CHECK_EQ(frontend::MostSignificantBit64(uint64_t{1} << 40), 41);
  TINYML_CHECK_EQ(mismatches, 0);
}

}  // namespace

void FrontendTableChecks() {
  TablesEqualWhatInitComputes();
  SameFramesFromLessMemory();
}

void FrontendDspChecks() {
  RfftDspEqualsPortable();
  StagesDspEqualPortable();
  SquareRootsEqualDigitByDigit();
}

}  // namespace tinyml::device_test
