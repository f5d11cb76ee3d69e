#include "frontend/log.h"

#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {
namespace {

constexpr int kScaleBits = 16;   // Q16 log2
constexpr int kSegmentBits = 7;  // 128 table segments
// ln(2) in Q16.
constexpr uint32_t kLn2Q16 = 45426;

// round(65536 * (log2(1 + i / 128) - i / 128)), i = 0..128, plus a zero
// pad: the gap between log2 and its linear approximation on [1, 2). The
// tests regenerate it from this formula.
constexpr uint16_t kLog2Correction[130] = {
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
    2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
    3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
    5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
    5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
    4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
    2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
};

// Q16 fraction of log2(x), given integer part log2x = bit_length(x) - 1.
uint32_t Log2Fraction(uint32_t x, uint32_t log2x) {
  int32_t frac = static_cast<int32_t>(static_cast<int64_t>(x) - (int64_t{1} << log2x));
  if (log2x < static_cast<uint32_t>(kScaleBits)) {
    frac <<= kScaleBits - static_cast<int32_t>(log2x);
  } else {
    frac >>= static_cast<int32_t>(log2x) - kScaleBits;
  }
  const uint32_t segment = static_cast<uint32_t>(frac) >> (kScaleBits - kSegmentBits);
  const int32_t segment_width = (1 << kScaleBits) >> kSegmentBits;
  const int32_t c0 = kLog2Correction[segment];
  const int32_t c1 = kLog2Correction[segment + 1];
  const int32_t offset = frac - segment_width * static_cast<int32_t>(segment);
  const int32_t interpolated = ((c1 - c0) * offset) >> kScaleBits;
  return static_cast<uint32_t>(frac + c0 + interpolated);
}

}  // namespace

uint32_t Log2Q16(uint32_t x) {
  const uint32_t integer = MostSignificantBit32(x) - 1;
  return (integer << kScaleBits) + Log2Fraction(x, integer);
}

uint32_t Log32(uint32_t x, uint32_t out_scale) {
  const uint32_t log2 = Log2Q16(x);
  const uint32_t half = 1u << (kScaleBits - 1);
  const uint32_t ln = static_cast<uint32_t>((static_cast<uint64_t>(kLn2Q16) * log2 + half) >> kScaleBits);
  return (out_scale * ln + half) >> kScaleBits;
}

void FilterBankLog(const uint32_t* input, int32_t size, int32_t output_scale, int32_t correction_bits,
                   int16_t* output) {
  for (int32_t i = 0; i < size; ++i) {
    const uint32_t scaled = input[i] << correction_bits;
    if (scaled > 1) {
      const uint32_t value = Log32(scaled, static_cast<uint32_t>(output_scale));
      output[i] = static_cast<int16_t>(value < 32767u ? value : 32767u);
    } else {
      output[i] = 0;
    }
  }
}

}  // namespace frontend
}  // namespace tinyml
