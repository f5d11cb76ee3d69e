#include "kernels/cortex_m/fully_connected_s8.h"

#include "core/fixed_point.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace cortex_m {
namespace {

inline int8_t Finish(int32_t acc, const int32_t* bias, int32_t unit, const FullyConnectedS8Params& p) {
  // Wrapping adds: the reference's int32 result is the sum modulo 2^32.
  if (bias != nullptr) acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(bias[unit]));
  int32_t v = MultiplyByQuantizedMultiplier(acc, p.multiplier, p.shift) + p.output_offset;
  v = v < p.act_min ? p.act_min : v;
  v = v > p.act_max ? p.act_max : v;
  return static_cast<int8_t>(v);
}

}  // namespace

void FullyConnectedS8(const FullyConnectedS8Params& params, const int8_t* input, const int8_t* filter,
                      const int32_t* bias, int8_t* output) {
  const int32_t depth = params.depth;
  const int32_t units = params.units;
  const int32_t offset = params.input_offset;
  const uint32_t offset2 = PackLoLo(static_cast<uint32_t>(offset), static_cast<uint32_t>(offset));
  const int32_t blocks = depth >> 2;
  for (int32_t b = 0; b < params.batches; ++b) {
    const int8_t* x = input + b * depth;
    int8_t* out = output + b * units;
    int32_t u = 0;
    for (; u + 2 <= units; u += 2) {
      const int8_t* f0 = filter + u * depth;
      const int8_t* f1 = f0 + depth;
      const int8_t* xp = x;
      uint32_t a0 = 0, a1 = 0;
      for (int32_t n = blocks; n > 0; --n) {
        const uint32_t w = Load32(xp);
        xp += 4;
        const uint32_t xe = Sadd16(Sxtb16(w), offset2), xo = Sadd16(Sxtb16Ror8(w), offset2);
        const uint32_t g0 = Load32(f0);
        f0 += 4;
        a0 = static_cast<uint32_t>(Smlad(xe, Sxtb16(g0), static_cast<int32_t>(a0)));
        a0 = static_cast<uint32_t>(Smlad(xo, Sxtb16Ror8(g0), static_cast<int32_t>(a0)));
        const uint32_t g1 = Load32(f1);
        f1 += 4;
        a1 = static_cast<uint32_t>(Smlad(xe, Sxtb16(g1), static_cast<int32_t>(a1)));
        a1 = static_cast<uint32_t>(Smlad(xo, Sxtb16Ror8(g1), static_cast<int32_t>(a1)));
      }
      for (int32_t k = blocks * 4; k < depth; ++k) {
        const int32_t v = static_cast<int32_t>(x[k]) + offset;
        a0 += static_cast<uint32_t>(v * static_cast<int32_t>(*f0++));
        a1 += static_cast<uint32_t>(v * static_cast<int32_t>(*f1++));
      }
      out[u] = Finish(static_cast<int32_t>(a0), bias, u, params);
      out[u + 1] = Finish(static_cast<int32_t>(a1), bias, u + 1, params);
    }
    if (u < units) {
      const int8_t* f0 = filter + u * depth;
      uint32_t a0 = 0;
      for (int32_t k = 0; k < depth; ++k) {
        a0 += static_cast<uint32_t>((static_cast<int32_t>(x[k]) + offset) * static_cast<int32_t>(f0[k]));
      }
      out[u] = Finish(static_cast<int32_t>(a0), bias, u, params);
    }
  }
}

}  // namespace cortex_m
}  // namespace tinyml
