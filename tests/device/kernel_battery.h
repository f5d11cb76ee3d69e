// The on-device kernel battery: every optimized kernel of src/kernels/cortex_m
// against its reference kernel of src/kernels/ref, compiled for the target,
// so the DSP intrinsics, the depthwise and matmul inline assembly and the
// Helium (M55) paths run for real (the host battery,
// tests/kernels/cortex_m_*_test.cc, runs the portable dsp.h emulation).
// Only built with TINYML_KERNELS=cortex_m.
//
// Each group runs (a) a deterministic pseudo-random set of shapes and
// quantization parameters and (b) an edge battery. Every case draws its
// data from its own seed (CaseSeed), printed with the case on failure, so
// `kernels GROUP SEED` reproduces a run. Comparison is exact byte equality
// of the whole output; the first mismatch is printed with the shape.
// Canary bytes after the output and the scratch must stay untouched.
#ifndef TINYML_TESTS_DEVICE_KERNEL_BATTERY_H_
#define TINYML_TESTS_DEVICE_KERNEL_BATTERY_H_

#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "tinyml/types.h"

namespace tinyml::device_test::battery {

// xorshift32 (NextRandom), one generator per case.
class Rng {
 public:
  explicit Rng(uint32_t seed) : state_(seed != 0 ? seed : 0x9e3779b9u) {}
  uint32_t Next() { return NextRandom(&state_); }
  // Uniform-ish in [lo, hi].
  int32_t Range(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Next() % static_cast<uint32_t>(hi - lo + 1));
  }
  bool OneIn(uint32_t n) { return Next() % n == 0u; }
  int8_t Byte() { return static_cast<int8_t>(Next() >> 24); }
  template <size_t N>
  int32_t Pick(const int32_t (&values)[N]) {
    return values[Next() % N];
  }

 private:
  uint32_t state_;
};

// Seed of case `index` of a group run with `seed`.
uint32_t CaseSeed(uint32_t seed, uint32_t index);

// Runs only case `index` of each group (-1: all), to repeat one failure.
void SelectCase(int32_t index);
bool Selected(int32_t index);
bool AllCasesSelected();

// Static buffers (no heap on the device). Every case of the battery fits;
// the groups check the sizes and fail a case that would not.
constexpr int32_t kMaxInput = 24 * 1024;
constexpr int32_t kMaxFilter = 16 * 1024;
constexpr int32_t kMaxOutput = 24 * 1024;
constexpr int32_t kMaxScratch = 8 * 1024;
constexpr int32_t kMaxChannels = 256;
constexpr int32_t kCanaryBytes = 16;
struct Buffers {
  // +4: the pooling kernels read whole words at the last channels; a
  // 4-byte skew tests 4- (not 8- or 16-) aligned tensors, which is all the
  // interpreter guarantees for int8.
  alignas(16) int8_t input[kMaxInput + 8];
  alignas(16) int8_t input2[kMaxInput + 8];
  alignas(16) int8_t filter[kMaxFilter + 8];
  alignas(16) int8_t want[kMaxOutput + kCanaryBytes + 8];
  alignas(16) int8_t got[kMaxOutput + kCanaryBytes + 8];
  alignas(16) uint8_t scratch[kMaxScratch + kCanaryBytes];
  int32_t bias[kMaxChannels];
  int32_t multiplier[kMaxChannels];
  int32_t shift[kMaxChannels];
  int8_t shift8[kMaxChannels];
};
Buffers& GetBuffers();

// Byte fills: random, or every byte -128, 127 or `value`.
enum class Fill { kRandom, kMin, kMax };
void FillBytes(Rng& rng, int8_t* data, int32_t n, Fill fill);

// Fused activation as TFLite quantizes it: none (the int8 range), ReLU
// [zp, 127], ReLU6 [zp, zp + 6 / scale] (6 / scale drawn), or any range.
enum class Act { kNone, kRelu, kRelu6, kRange };
void MakeClamp(Rng& rng, Act act, int32_t output_zp, int32_t* act_min, int32_t* act_max);
const char* ActName(Act act);

// Per-channel requantization: multiplier in [2^30, 2^31) (sometimes
// exactly 2^30 or INT32_MAX), shift per kind: typical right shifts, ones
// the folded output stage takes, tiny scales, left shifts, or both signs
// mixed in one op.
enum class Shifts { kTypical, kFold, kTiny, kLeft, kMixed };
void MakeQuant(Rng& rng, Shifts kind, int32_t n, int32_t* multiplier, int32_t* shift, int8_t* shift8);
const char* ShiftsName(Shifts kind);

// Bias: none, |b| <= 1000, <= 100000, up to 2e9 (no fast path), or at
// the fast path's limit: per output channel 2^30 - 1 minus the bound of its
// filter's sum (LimitBias), + on even and - on odd channels, so extreme
// data reach accumulators of +-(2^30 - 1) (MakeBias leaves it 0).
enum class Bias { kNone, kSmall, kMedium, kHuge, kLimit };
void MakeBias(Rng& rng, Bias kind, int32_t n, int32_t* bias);
const char* BiasName(Bias kind);
// The kLimit bias of output channel `oc` whose filter alone bounds
// |accumulator| by `filter_bound` (AccBound with bias 0).
int32_t LimitBias(int32_t oc, int64_t filter_bound);

// The activation, shift and bias kinds in the order the conv and depthwise
// batteries index them (edge cases pick by index: keep the order).
constexpr Act kActs[] = {Act::kNone, Act::kRelu, Act::kRelu6, Act::kRange};
constexpr Shifts kShiftKinds[] = {Shifts::kFold, Shifts::kTypical, Shifts::kMixed, Shifts::kLeft, Shifts::kTiny};
constexpr Bias kBiases[] = {Bias::kMedium, Bias::kSmall, Bias::kNone, Bias::kHuge, Bias::kLimit};

// Output spacing per pad kind; returns false when the output is empty.
// SAME: TFLite's (total padding odd: one more at the end); explicit: any
// leading and trailing padding below the window (drawn).
enum class Pad { kValid, kSame, kExplicit };
bool Geometry(Rng& rng, Pad pad, int32_t in, int32_t k, int32_t stride, int32_t dilation, int32_t* lead,
              int32_t* out);
const char* PadName(Pad pad);

// Output buffer with a canary: `got` is filled with 0x55 up to n +
// kCanaryBytes before the kernel runs.
void PrefillOutput(int8_t* got, int32_t n);
// Scratch of `bytes` followed by a canary (0xa5 everywhere first).
void PrefillScratch(uint8_t* scratch, int32_t bytes);

// One compared kernel run: counts a check; on a mismatch (or a canary
// overwritten) counts a failure and prints the kernel, mode, seed, the
// case (through `describe`) and the first differing byte with its
// (batch, y, x, channel) position in `shape` (rank 4) or flat index.
struct CaseInfo {
  const char* group;
  uint32_t seed;
  void (*describe)(const void* c);
  const void* c;
};
bool CompareRun(const CaseInfo& info, const char* kernel, const char* mode, const Shape& shape, const int8_t* want,
                const int8_t* got, int32_t n, const uint8_t* scratch = nullptr, int32_t scratch_bytes = 0);
// A failed condition that is not a byte comparison (e.g. a return value).
void FailCase(const CaseInfo& info, const char* what);

// Numbers the cases of a group in the order they are generated, runs the
// selected ones (`run(case, index, seed)` returns the kernel runs compared)
// and counts cases and runs.
template <typename Case, int32_t (*RunCase)(const Case&, int32_t, uint32_t)>
struct CaseCounter {
  uint32_t seed;
  int32_t index = 0;
  int32_t cases = 0;
  int32_t runs = 0;
  void Run(const Case& c) {
    const int32_t n = Selected(index) ? RunCase(c, index, CaseSeed(seed, static_cast<uint32_t>(index))) : 0;
    ++index;
    cases += n > 0 ? 1 : 0;
    runs += n;
  }
};

// Printing helpers for `describe`: " key value" and " key AxBxC".
void Put(const char* key, int64_t value);
void PutDims(const char* key, int32_t a, int32_t b, int32_t c = -1, int32_t d = -1);
void PutText(const char* key, const char* value);

Shape Make4(int32_t n, int32_t h, int32_t w, int32_t c);

// Per-group summary line: "<group>: N cases, M kernel runs compared".
void PrintSummary(const char* group, int32_t cases, int32_t runs);

}  // namespace tinyml::device_test::battery

#endif  // TINYML_TESTS_DEVICE_KERNEL_BATTERY_H_
