// Fixed-point natural logarithm and the log of filter bank channels (TFLM
// SignalFilterBankLog), bit-exact with TFLM's integer algorithm.
#ifndef TINYML_FRONTEND_LOG_H_
#define TINYML_FRONTEND_LOG_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// log2(x) in Q16 (x > 0): the bit length gives the integer part; the
// fraction is the mantissa plus a correction interpolated from a 128-segment
// table of round(65536 * (log2(1 + i/128) - i/128)).
uint32_t Log2Q16(uint32_t x);

// round(out_scale * ln(x)) in the reference's integer steps: log2 from the
// bit length plus a 128-segment interpolated correction table (Q16), then
// scaled by ln(2) in Q16 and by out_scale (products wrap modulo 2^32).
// x must be > 0.
uint32_t Log32(uint32_t x, uint32_t out_scale);

// output[i] = min(Log32(input[i] << correction_bits, output_scale), 32767),
// or 0 where the shifted input is 0 or 1. correction_bits in [0, 31].
void FilterBankLog(const uint32_t* input, int32_t size, int32_t output_scale, int32_t correction_bits,
                   int16_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_LOG_H_
