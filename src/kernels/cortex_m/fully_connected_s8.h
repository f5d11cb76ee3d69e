// int8 fully connected for Cortex-M (DSP extension), byte-exact with
// ref::FullyConnectedS8 when the filter zero point is 0 (the int8 case).
//
// Two output units per step share each input word: loaded once, widened
// with SXTB16 and offset by the input zero point with SADD16 (|x + offset|
// <= 255 fits a halfword), then one SMLAD per two MACs and unit. No scratch
// and no persistent tables: the offset is applied in the loop rather than
// folded into a per-unit bias, which would cost 4 arena bytes per unit.
#ifndef TINYML_KERNELS_CORTEX_M_FULLY_CONNECTED_S8_H_
#define TINYML_KERNELS_CORTEX_M_FULLY_CONNECTED_S8_H_

#include <stdint.h>

namespace tinyml {
namespace cortex_m {

struct FullyConnectedS8Params {
  int32_t batches = 0;
  int32_t depth = 0;  // accum depth (filter row length)
  int32_t units = 0;  // output depth (filter rows)
  int32_t input_offset = 0;  // negated input zero point
  int32_t output_offset = 0;
  int32_t multiplier = 0;
  int32_t shift = 0;  // > 0 shifts left
  int32_t act_min = -128;
  int32_t act_max = 127;
};

// input [batches][depth], filter [units][depth], bias [units] or nullptr,
// output [batches][units].
void FullyConnectedS8(const FullyConnectedS8Params& params, const int8_t* input, const int8_t* filter,
                      const int32_t* bias, int8_t* output);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_FULLY_CONNECTED_S8_H_
