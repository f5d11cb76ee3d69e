// Plan and prepare steps shared by CONV_2D and DEPTHWISE_CONV_2D: tensor,
// bias and option checks, window geometry, the per-channel requantization
// TFLite calls PopulateConvolutionQuantizationParams, and the persistent op
// data holding it. `Params` is ref::ConvParams or ref::DepthwiseConvParams.
#ifndef TINYML_KERNELS_OPS_CONV_QUANT_H_
#define TINYML_KERNELS_OPS_CONV_QUANT_H_

#include <stdint.h>

#include "kernels/ops/op_common.h"
#include "tinyml/model.h"
#include "tinyml/op.h"
#include "tinyml/status.h"

namespace tinyml {

constexpr int kConvInput = 0;
constexpr int kConvFilter = 1;
constexpr int kConvBias = 2;  // optional

// Inputs (input, filter[, bias]) and one output; input, filter and output
// float32 or int8 of one type (no 16x8 or hybrid; an int8 op's filter may
// be int4, op_common.h) and rank 4.
Status CheckConvTensors(OpContext& ctx, TensorMeta* input, TensorMeta* filter, TensorMeta* output);

// The optional bias: int32 (int8 op) or float32, one value per channel.
Status CheckConvBias(OpContext& ctx, TensorType input_type, int32_t num_channels);

// Padding of the options is SAME or VALID; strides and dilations >= 1.
Status CheckConvWindowOptions(OpContext& ctx, int8_t padding_raw, int32_t stride_width, int32_t stride_height,
                              int32_t dilation_width, int32_t dilation_height, Padding* padding);

// One spatial axis of a convolution window: checks that the model's output
// size equals TFLite's ComputeOutSize for these parameters and that every
// index the kernel forms fits in int32, then returns the leading padding
// (TFLite's ComputePaddingHeightWidth). stride, dilation, filter_size >= 1.
Status ConvWindowPadding(OpContext& ctx, Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                         int32_t dilation, int32_t out_size, int32_t* pad);

// Validates the quantization of an int8 convolution and computes one
// (multiplier, shift) per output channel, bit-exact with TFLite:
//   effective = double(input_scale) * double(filter_scale[c]) / double(output_scale)
//   QuantizeMultiplier(effective) -> (multiplier[c], shift[c]), shift > 0 = left.
// A filter with a single scale applies it to every channel.
//
// Requirements (each failure is a clear ctx.Fail):
//  - input and output: one scale (finite, > 0) and a zero point in [-128, 127];
//  - filter: 1 or `num_channels` scales (finite, >= 0), per-channel along
//    `channel_dim` (0 for CONV_2D, 3 for DEPTHWISE_CONV_2D), all zero points 0;
//  - every resulting shift <= 31 (larger would overflow the requantization).
// `multipliers` nullptr validates only (plan time); otherwise it holds
// num_channels entries, and so does `shifts` or, when `shifts` is nullptr,
// `shifts8` (the int8 shifts of the Cortex-M channel block).
Status ComputeConvMultipliers(OpContext& ctx, const TensorMeta& input, const TensorMeta& filter,
                              const TensorMeta& output, int channel_dim, int32_t num_channels, int32_t* multipliers,
                              int32_t* shifts, int8_t* shifts8 = nullptr);

// Everything CONV_2D or DEPTHWISE_CONV_2D derives from the model, fully
// validated (SetupConvOp). Field meanings as in ref::ConvParams.
struct ConvSetup {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int32_t pad_height = 0;
  int32_t pad_width = 0;
  int32_t depth_multiplier = 1;  // DEPTHWISE_CONV_2D only
  int32_t input_offset = 0;
  int32_t output_offset = 0;
  int32_t quantized_min = -128;
  int32_t quantized_max = 127;
  float float_min = 0.0f;
  float float_max = 0.0f;
  TensorType type = TensorType::kFloat32;
  int32_t num_channels = 0;
};

// The plan/prepare validation of CONV_2D (depthwise false) or
// DEPTHWISE_CONV_2D (true): tensors, shapes, bias, options, window geometry,
// activation range and, for int8, the per-channel requantization
// (ComputeConvMultipliers). With `multipliers` non-null (int8 only), the
// multipliers and int8 shifts are stored there and in `shifts8`
// (num_channels entries each). One function for both ops, so a firmware
// with both links one copy.
Status SetupConvOp(OpContext& ctx, bool depthwise, ConvSetup* s, int32_t* multipliers = nullptr,
                   int8_t* shifts8 = nullptr);

// The params of either reference kernel from a ConvSetup.
template <typename Params>
void CopyConvSetup(const ConvSetup& s, Params* p) {
  p->stride_height = s.stride_height;
  p->stride_width = s.stride_width;
  p->dilation_height = s.dilation_height;
  p->dilation_width = s.dilation_width;
  p->pad_height = s.pad_height;
  p->pad_width = s.pad_width;
  p->input_offset = s.input_offset;
  p->output_offset = s.output_offset;
  p->quantized_min = s.quantized_min;
  p->quantized_max = s.quantized_max;
  p->float_min = s.float_min;
  p->float_max = s.float_max;
}

// Persistent op data: the params, then for int8 int32
// multipliers[num_channels] and int32 shifts[num_channels].
template <typename Params>
struct PerChannelConvData {
  Params params;
  int32_t num_channels;
  int32_t reserved;

  int32_t* multipliers() { return reinterpret_cast<int32_t*>(this + 1); }
  int32_t* shifts() { return multipliers() + num_channels; }

  static uint32_t Bytes(TensorType type, int32_t num_channels) {
    uint32_t bytes = sizeof(PerChannelConvData);
    if (type == TensorType::kInt8) bytes += 2u * sizeof(int32_t) * static_cast<uint32_t>(num_channels);
    return bytes;
  }
};

// Prepare: stores validated params and, for int8, the multipliers.
template <typename Params>
Status PreparePerChannelConvData(OpContext& ctx, const Params& params, TensorType type, int channel_dim,
                                 int32_t num_channels) {
  PerChannelConvData<Params>* data = ctx.op_data_as<PerChannelConvData<Params>>();
  data->params = params;
  data->num_channels = num_channels;
  if (type != TensorType::kInt8) return Status::kOk;
  return ComputeConvMultipliers(ctx, ctx.input_meta(kConvInput), ctx.input_meta(kConvFilter), ctx.output_meta(0),
                                channel_dim, num_channels, data->multipliers(), data->shifts());
}

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_CONV_QUANT_H_
