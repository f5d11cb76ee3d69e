#include "kernels/ops/conv_quant.h"

#include "core/fixed_point.h"

namespace tinyml {

Status CheckConvTensors(OpContext& ctx, TensorMeta* input, TensorMeta* filter, TensorMeta* output) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || !ctx.has_input(kConvInput) || !ctx.has_input(kConvFilter))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, filter[, bias]); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  *input = ctx.input_meta(kConvInput);
  *filter = ctx.input_meta(kConvFilter);
  *output = ctx.output_meta(0);

  if (input->type != output->type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output->type));
  if (input->type == TensorType::kInt16)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("int16 activations (16x8) are not supported"));
  if (input->type != TensorType::kFloat32 && input->type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only):"),
                    static_cast<int>(input->type));
  if (filter->type != input->type && !(filter->type == TensorType::kInt4 && input->type == TensorType::kInt8))
    return ctx.Fail(Status::kUnsupportedType,
                    TINYML_MSG("filter type must match the input, or be int4 for int8 (no hybrid); filter type"),
                    static_cast<int>(filter->type));
  if (input->shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must be rank 4; rank"), input->shape.rank);
  if (filter->shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter must be rank 4; rank"), filter->shape.rank);
  if (output->shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output must be rank 4; rank"), output->shape.rank);
  return Status::kOk;
}

Status CheckConvBias(OpContext& ctx, TensorType input_type, int32_t num_channels) {
  if (!ctx.has_input(kConvBias)) return Status::kOk;
  const TensorMeta bias = ctx.input_meta(kConvBias);
  const TensorType want = input_type == TensorType::kInt8 ? TensorType::kInt32 : TensorType::kFloat32;
  if (bias.type != want)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("bias type must be int32 (int8 op) or float32; got"),
                    static_cast<int>(bias.type));
  if (bias.shape.FlatSize() != num_channels)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("bias length differs from output channels:"),
                    bias.shape.FlatSize());
  return Status::kOk;
}

Status CheckConvWindowOptions(OpContext& ctx, int8_t padding_raw, int32_t stride_width, int32_t stride_height,
                              int32_t dilation_width, int32_t dilation_height, Padding* padding) {
  if (padding_raw != 0 && padding_raw != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("unknown padding"), padding_raw);
  *padding = static_cast<Padding>(padding_raw);
  if (stride_width < 1 || stride_height < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("strides must be >= 1; got"),
                    stride_width < 1 ? stride_width : stride_height);
  if (dilation_width < 1 || dilation_height < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("dilations must be >= 1; got"),
                    dilation_width < 1 ? dilation_width : dilation_height);
  return Status::kOk;
}

Status ConvWindowPadding(OpContext& ctx, Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                         int32_t dilation, int32_t out_size, int32_t* pad) {
  // 32-bit and exact (in_size >= 0, the others >= 1): for d >= 1, a * d + 1 > INT32_MAX
  // exactly when a > (INT32_MAX - 1) / d; likewise for the window bound below.
  if (filter_size - 1 > (INT32_MAX - 1) / dilation || stride > INT32_MAX - in_size)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("stride or dilated filter too large; effective filter"),
                    static_cast<int64_t>(filter_size - 1) * dilation + 1);
  const int32_t effective = (filter_size - 1) * dilation + 1;
  const int32_t expected = ComputeOutSize(padding, in_size, filter_size, stride, dilation);
  if (out_size != expected) {
    return ctx.Fail(Status::kInvalidShape,
                    TINYML_MSG("output height/width does not match the size computed from padding/stride/dilation:"),
                    expected);
  }
  if (out_size > 0 && out_size - 1 > (INT32_MAX - effective) / stride)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("convolution window exceeds the int32 index range"));
  *pad = ComputePadding(stride, dilation, in_size, filter_size, out_size);
  return Status::kOk;
}

Status ComputeConvMultipliers(OpContext& ctx, const TensorMeta& input, const TensorMeta& filter,
                              const TensorMeta& output, int channel_dim, int32_t num_channels, int32_t* multipliers,
                              int32_t* shifts, int8_t* shifts8) {
  TINYML_RETURN_IF_ERROR(CheckActivationQuantS8(
      ctx, input, true, TINYML_MSG("int8 input needs one finite positive scale; scales given:"),
      TINYML_MSG("int8 input zero point outside [-128, 127]:")));
  TINYML_RETURN_IF_ERROR(CheckActivationQuantS8(
      ctx, output, true, TINYML_MSG("int8 output needs one finite positive scale; scales given:"),
      TINYML_MSG("int8 output zero point outside [-128, 127]:")));

  const QuantView& fq = filter.quant;
  if (fq.count != 1 && fq.count != num_channels)
    return ctx.Fail(Status::kInvalidModel,
                    TINYML_MSG("filter needs 1 scale or one per output channel; scales given:"), fq.count);
  if (fq.count > 1 && fq.quantized_dimension != channel_dim)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("filter is quantized along the wrong dimension:"),
                    fq.quantized_dimension);
  for (int32_t i = 0; i < fq.count; ++i) {
    if (fq.zero_point(i) != 0)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("filter must be symmetric (zero point 0); channel"), i);
  }

  const double input_scale = static_cast<double>(input.quant.scale(0));
  const double output_scale = static_cast<double>(output.quant.scale(0));
  for (int32_t c = 0; c < num_channels; ++c) {
    const double filter_scale = static_cast<double>(fq.scale(fq.count > 1 ? c : 0));
    const double effective = input_scale * filter_scale / output_scale;
    int32_t multiplier = 0;
    int shift = 0;
    QuantizeMultiplier(effective, &multiplier, &shift);
    if (shift > 31)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("requantization scale too large at output channel"), c);
    if (multipliers != nullptr) {
      multipliers[c] = multiplier;
      if (shifts != nullptr) {
        shifts[c] = shift;
      } else {
        shifts8[c] = static_cast<int8_t>(shift);  // in [-31, 31] here
      }
    }
  }
  return Status::kOk;
}

Status SetupConvOp(OpContext& ctx, bool depthwise, ConvSetup* s, int32_t* multipliers, int8_t* shifts8) {
  TensorMeta input;
  TensorMeta filter;
  TensorMeta output;
  TINYML_RETURN_IF_ERROR(CheckConvTensors(ctx, &input, &filter, &output));
  s->type = input.type;

  const Shape& in = input.shape;
  const Shape& f = filter.shape;
  const Shape& out = output.shape;
  if (depthwise) {
    // Depthwise filters [1, kh, kw, out_c] are quantized per output channel (dim 3).
    if (f.dims[0] != 1)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter must be [1, kh, kw, out_c]; dim 0 is"), f.dims[0]);
    if (f.dims[1] < 1 || f.dims[2] < 1 || f.dims[3] < 1)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter has an empty dimension"));
    if (out.dims[0] != in.dims[0])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output batch differs from input batch"), out.dims[0]);
    if (out.dims[3] != f.dims[3])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output channels differ from filter channels"), out.dims[3]);
    s->num_channels = f.dims[3];
  } else {
    // Conv filters [out_c, kh, kw, in_c] are quantized per output channel (dim 0).
    if (f.dims[0] < 1 || f.dims[1] < 1 || f.dims[2] < 1 || f.dims[3] < 1)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter has an empty dimension"));
    if (out.dims[0] != in.dims[0])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output batch differs from input batch"), out.dims[0]);
    if (out.dims[3] != f.dims[0])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output channels differ from filter outputs"), out.dims[3]);
    if (in.dims[3] < 1 || in.dims[3] % f.dims[3] != 0)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input channels not a multiple of filter input channels"),
                      in.dims[3]);
    const int32_t groups = in.dims[3] / f.dims[3];
    if (f.dims[0] % groups != 0)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output channels not divisible by the group count"), groups);
    s->num_channels = f.dims[0];
  }
  TINYML_RETURN_IF_ERROR(CheckConvBias(ctx, input.type, s->num_channels));

  // Conv2DOptions: padding, stride_w, stride_h, activation, dilation_w,
  // dilation_h; DepthwiseConv2DOptions has depth_multiplier before activation.
  FbTable options;
  TINYML_RETURN_IF_ERROR(
      GetOptions(ctx, depthwise ? options_type::kDepthwiseConv2d : options_type::kConv2d, &options));
  const int d = depthwise ? 1 : 0;
  const int8_t padding_raw = options.Scalar<int8_t>(0, 0);
  s->stride_width = options.Scalar<int32_t>(1, 0);
  s->stride_height = options.Scalar<int32_t>(2, 0);
  if (depthwise) s->depth_multiplier = options.Scalar<int32_t>(3, 0);
  const Activation activation = static_cast<Activation>(options.Scalar<int8_t>(3 + d, 0));
  s->dilation_width = options.Scalar<int32_t>(4 + d, 1);
  s->dilation_height = options.Scalar<int32_t>(5 + d, 1);
  Padding padding = Padding::kSame;
  TINYML_RETURN_IF_ERROR(CheckConvWindowOptions(ctx, padding_raw, s->stride_width, s->stride_height,
                                                s->dilation_width, s->dilation_height, &padding));
  // TFLite's depthwise kernel loops over in_c * depth_multiplier output
  // channels, so the option must agree with the shapes exactly.
  if (depthwise &&
      (s->depth_multiplier < 1 || static_cast<int64_t>(in.dims[3]) * s->depth_multiplier != out.dims[3]))
    return ctx.Fail(Status::kInvalidShape,
                    TINYML_MSG("output channels != input channels * depth_multiplier; depth_multiplier"),
                    s->depth_multiplier);
  TINYML_RETURN_IF_ERROR(ConvWindowPadding(ctx, padding, in.dims[1], f.dims[1], s->stride_height,
                                           s->dilation_height, out.dims[1], &s->pad_height));
  TINYML_RETURN_IF_ERROR(ConvWindowPadding(ctx, padding, in.dims[2], f.dims[2], s->stride_width, s->dilation_width,
                                           out.dims[2], &s->pad_width));

  // The fused activation clamp; for int8 also the zero points, after checking
  // that the per-channel multipliers can be computed.
  if (input.type == TensorType::kFloat32) return ActivationRangeFloat(ctx, activation, &s->float_min, &s->float_max);
  TINYML_RETURN_IF_ERROR(ComputeConvMultipliers(ctx, input, filter, output, depthwise ? 3 : 0, s->num_channels,
                                                multipliers, nullptr, shifts8));
  s->input_offset = -static_cast<int32_t>(input.quant.zero_point(0));
  s->output_offset = static_cast<int32_t>(output.quant.zero_point(0));
  return ActivationRangeQuantized(ctx, activation, output.quant.scale(0), s->output_offset, -128, 127,
                                  &s->quantized_min, &s->quantized_max);
}

}  // namespace tinyml
