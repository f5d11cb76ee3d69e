// int8 convolution kernels for Cortex-M (DSP extension), byte-exact with
// ref::ConvPerChannelS8 for groups == 1.
//
// Both kernels run the same register-blocked matmul: 4 output pixels x 1
// output channel per step, the 4 pixels' input columns widened to int16 once
// (SXTB16) in scratch and shared by every output channel, the filter read as
// int8 words from the model and widened in registers, two MACs per SMLAD.
// The input offset is folded into the bias at prepare time
// (ConvFoldBias), so the inner loop has no offset adds; spatial padding
// therefore feeds the input zero point, whose contribution the folded bias
// cancels exactly (int32 wraparound included).
//
// Scratch column layout, per block of 4 depth values k..k+3 and pixel p:
// word 2p = (x[k], x[k+2]) and word 2p+1 = (x[k+1], x[k+3]) as int16 pairs,
// 8 words per block; the depth is zero-padded to a multiple of 4.
#ifndef TINYML_KERNELS_CORTEX_M_CONV_S8_H_
#define TINYML_KERNELS_CORTEX_M_CONV_S8_H_

#include <stddef.h>
#include <stdint.h>

#include "kernels/cortex_m/requant.h"
#include "tinyml/types.h"

namespace tinyml {
namespace cortex_m {

struct ConvS8Params {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int32_t pad_height = 0;
  int32_t pad_width = 0;
  int32_t input_offset = 0;  // negated input zero point
  OutputStage out = {0, -128, 127, 0};
};

// Per output channel: folded bias, multiplier and shift (> 0 = left), as
// produced by prepare.
struct ChannelQuant {
  const int32_t* bias;
  const int32_t* multiplier;
  const int8_t* shift;
};

// bias'[c] = bias[c] + input_offset * sum(filter[c][*]), wrapping like the
// reference accumulator. `bias` may be nullptr. Filter rows have `depth`
// values. Returns in `max_abs_acc` a bound on |accumulator| over all inputs
// (for FastRequantOk), per channel in the caller's loop via ConvAccBound.
void ConvFoldBias(const int8_t* filter, const int32_t* bias, int32_t channels, int32_t depth, int32_t input_offset,
                  int32_t* folded);

// Bound on |sum(filter[c][k] * (x + input_offset)) + bias| over all int8 x.
int64_t ConvAccBound(const int8_t* filter_row, int32_t depth, int32_t bias, int32_t input_offset);

// Scratch for either kernel: 4 widened columns of `depth` (= kh*kw*in_c).
size_t ConvS8ScratchBytes(int32_t depth);

// Any kernel size, stride, dilation, padding; groups == 1 (filter in_c ==
// input in_c). im2col into the widened columns.
void ConvS8(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape, const int8_t* input,
            const Shape& filter_shape, const int8_t* filter, const Shape& output_shape, int8_t* output,
            void* scratch);

// 1x1 filter, stride 1, no padding (output pixel i reads input pixel i).
void ConvS8_1x1(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                int8_t* output, void* scratch);

// The shared core: `pixels` (1..4) widened columns of `depth` in `cols`,
// all output channels of `filter` ([channels][depth]), written to
// output[p * channels + c].
void MatMulS8Cols4(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                   const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output);

// Widening helpers: write `count` int8 values (nullptr: `fill` repeated)
// as depth positions [k0, k0 + count) of column `p`.
void WidenRun(uint32_t* cols, int32_t p, int32_t k0, const int8_t* src, int32_t count, int8_t fill);
// Zero the padding positions [depth, round_up(depth, 4)) of column p.
void WidenPadTail(uint32_t* cols, int32_t p, int32_t depth);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_CONV_S8_H_
