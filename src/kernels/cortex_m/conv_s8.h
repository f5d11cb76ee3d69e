// int8 convolution kernels for Cortex-M (DSP extension), byte-exact with
// ref::ConvPerChannelS8 for groups == 1.
//
// Both kernels run the same register-blocked matmul: 4 output pixels x 1
// output channel per step, the 4 pixels' input columns widened to int16 once
// in `cols` and shared by every output channel, the filter read as int8
// words from the model and widened in registers, two MACs per SMLAD.
// The input offset is added while widening (SXTAB16 with the offset in both
// lanes: |x + offset| <= 255 fits a halfword), so the model's bias is used
// as is and nothing per channel but the multiplier and shift is stored.
// Spatial padding widens to 0, which is exactly (zero point + offset).
// With fast requantization (OutputStage::fast) the widened values are also
// doubled (|2 (x + offset)| <= 510), so each accumulator comes out as the
// 2 * acc that RequantFast2Sat takes, without a shift per output.
//
// Column layout, per block of 4 depth values k..k+3 and pixel p:
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

// Also the params of DepthwiseConvS8 (DepthwiseS8Params), so both ops'
// glue shares one prepare step (ops/conv_quant_cm.h).
struct ConvS8Params {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int32_t pad_height = 0;
  int32_t pad_width = 0;
  int32_t depth_multiplier = 1;  // DepthwiseConvS8 only
  int32_t input_offset = 0;      // negated input zero point
  OutputStage out = {0, -128, 127, 0, 0};
};

// Per output channel: the model's bias (nullptr: none), multiplier and
// shift (> 0 = left) from prepare.
struct ChannelQuant {
  const int32_t* bias;
  const int32_t* multiplier;
  const int8_t* shift;
};

// Bound on |sum(f[k] * (x + input_offset)) + bias| over all int8 x, for
// the `count` filter values f[k] = first[k * stride] of one output channel.
int64_t AccBound(const int8_t* first, int32_t count, int32_t stride, int32_t bias, int32_t input_offset);
// The same bound from abs_sum = sum |f[k]| (for filters not stored as int8).
int64_t AccBoundFromAbsSum(int64_t abs_sum, int32_t bias, int32_t input_offset);
// The same for a convolution filter row of `depth` values.
inline int64_t ConvAccBound(const int8_t* filter_row, int32_t depth, int32_t bias, int32_t input_offset) {
  return AccBound(filter_row, depth, 1, bias, input_offset);
}

// Bytes of the 4 widened columns of `depth` (= kh*kw*in_c).
size_t ConvS8ColumnBytes(int32_t depth);
// Columns up to this size live on the kernel's stack; larger ones need the
// arena scratch the glue plans (ConvS8ScratchBytes).
constexpr size_t kConvS8StackColumnBytes = 512;
// Arena scratch either kernel needs: 0 when the columns fit on the stack.
size_t ConvS8ScratchBytes(int32_t depth);

// Any kernel size, stride, dilation, padding; groups == 1 (filter in_c ==
// input in_c). im2col into the widened columns. `scratch` holds
// ConvS8ScratchBytes(depth) bytes (unused when that is 0).
void ConvS8(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape, const int8_t* input,
            const Shape& filter_shape, const int8_t* filter, const Shape& output_shape, int8_t* output,
            void* scratch);

// 1x1 filter, stride 1, no padding (output pixel i reads input pixel i).
void ConvS8_1x1(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                int8_t* output, void* scratch);

// The shared core: `pixels` (1..4) widened columns of `depth` in `cols`
// (doubled when out.fast), all output channels of `filter`
// ([channels][depth]), written to output[p * channels + c].
void MatMulS8Cols4(const uint32_t* cols, int32_t depth, const int8_t* filter, int32_t channels,
                   const ChannelQuant& quant, const OutputStage& out, int32_t pixels, int8_t* output);

// How input bytes become column halfwords: scale * (x + offset).
struct Widen {
  uint32_t offset_pair;  // the input offset in both halfword lanes
  int32_t doubled;       // nonzero: scale 2 (fast requantization)
};
inline Widen MakeWiden(int32_t input_offset, const OutputStage& out) {
  Widen w;
  w.offset_pair = (static_cast<uint32_t>(input_offset) & 0xffffu) | (static_cast<uint32_t>(input_offset) << 16);
  w.doubled = out.fast;
  return w;
}

// Widening helpers: write `count` int8 input values (nullptr: padding,
// which widens to 0) as depth positions [k0, k0 + count) of column `p`.
void WidenRun(uint32_t* cols, int32_t p, int32_t k0, const int8_t* src, int32_t count, const Widen& widen);
// Zero the padding positions [depth, round_up(depth, 4)) of column p.
__attribute__((noinline)) void WidenPadTail(uint32_t* cols, int32_t p, int32_t depth);

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_CONV_S8_H_
