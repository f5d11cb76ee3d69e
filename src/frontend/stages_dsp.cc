// DSP-extension variants of the window, auto-scale and energy stages
// (dsp_variants.h), each giving its portable code's bytes.
#include "frontend/dsp_variants.h"
#include "frontend/int_math.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace frontend {

using cortex_m::Abs16;
using cortex_m::Load32;
using cortex_m::PackLoLo;
using cortex_m::Smuad;
using cortex_m::Smulbb;
using cortex_m::Smultb;
using cortex_m::Smultt;
using cortex_m::Ssat16Asr;
using cortex_m::Store32;

void ApplyWindowS16Dsp(const int16_t* input, const int16_t* window, int32_t size, int32_t shift, int16_t* output) {
  constexpr int kShift = 12;
  if (shift != kShift) return ApplyWindowS16Portable(input, window, size, shift, output);
  auto windowed = [](uint32_t x, uint32_t w) {
    return PackLoLo(static_cast<uint32_t>(Ssat16Asr<kShift>(Smulbb(x, w))),
                    static_cast<uint32_t>(Ssat16Asr<kShift>(Smultt(x, w))));
  };
  int32_t i = 0;
  for (; i + 4 <= size; i += 4) {  // two words a turn: half the loop overhead
    const uint32_t x0 = Load32(input + i), x1 = Load32(input + i + 2);
    const uint32_t w0 = Load32(window + i), w1 = Load32(window + i + 2);
    Store32(output + i, windowed(x0, w0));
    Store32(output + i + 2, windowed(x1, w1));
  }
  if (i + 2 <= size) {
    Store32(output + i, windowed(Load32(input + i), Load32(window + i)));
    i += 2;
  }
  if (i < size) ApplyWindowS16Portable(input + i, window + i, size - i, shift, output + i);
}

int32_t FftAutoScaleS16Dsp(const int16_t* input, int32_t size, int16_t* output) {
  // MSB(max |x|) == MSB(OR of |x|). Only -32768 sets bit 15 of an |x|.
  uint32_t any = 0;
  int32_t i = 0;
  for (; i + 4 <= size; i += 4) any |= Abs16(Load32(input + i)) | Abs16(Load32(input + i + 2));
  if (i + 2 <= size) {
    any |= Abs16(Load32(input + i));
    i += 2;
  }
  if (i < size) {
    const int32_t v = input[i];
    any |= static_cast<uint32_t>(v < 0 ? -v : v);
  }
  const uint32_t magnitude = (any | (any >> 16)) & 0xffffu;
  if (magnitude & 0x8000u) return FftAutoScaleS16Portable(input, size, output);
  const int32_t scale = FftAutoScaleShift(magnitude);
  if (scale == 0 && output == input) return 0;
  const uint32_t factor = uint32_t{1} << scale;
  auto scaled = [factor](uint32_t x) {
    return PackLoLo(static_cast<uint32_t>(Smulbb(x, factor)), static_cast<uint32_t>(Smultb(x, factor)));
  };
  for (i = 0; i + 4 <= size; i += 4) {
    const uint32_t x0 = Load32(input + i), x1 = Load32(input + i + 2);
    Store32(output + i, scaled(x0));
    Store32(output + i + 2, scaled(x1));
  }
  if (i + 2 <= size) {
    Store32(output + i, scaled(Load32(input + i)));
    i += 2;
  }
  if (i < size) output[i] = static_cast<int16_t>(input[i] * static_cast<int32_t>(factor));
  return scale;
}

void SpectrumToEnergyDsp(const int16_t* spectrum, int32_t start, int32_t end, uint32_t* output) {
  for (int32_t i = start; i < end; ++i) {
    const uint32_t pair = Load32(spectrum + 2 * i);
    output[i] = Smuad(pair, pair);
  }
}

}  // namespace frontend
}  // namespace tinyml
