// DEPTHWISE_CONV_2D glue: validation and constants for
// kernels/ref/depthwise_conv.h.
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ref/depthwise_conv.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;
// Depthwise filters [1, kh, kw, out_c] are quantized per output channel.
constexpr int kChannelDim = 3;

struct DepthwiseOpData {
  ref::DepthwiseConvParams params;
  int32_t num_channels;
  int32_t reserved;
  // int8 only: int32 multipliers[num_channels], then int32 shifts[num_channels].
};

int32_t* Multipliers(DepthwiseOpData* d) { return reinterpret_cast<int32_t*>(d + 1); }
int32_t* Shifts(DepthwiseOpData* d) { return Multipliers(d) + d->num_channels; }

struct DepthwiseSetup {
  ref::DepthwiseConvParams params;
  TensorType type = TensorType::kFloat32;
  int32_t num_channels = 0;
};

Status Setup(OpContext& ctx, DepthwiseSetup* s) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || !ctx.has_input(kInput) || !ctx.has_input(kFilter))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, filter[, bias]); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta filter = ctx.input_meta(kFilter);
  const TensorMeta output = ctx.output_meta(0);

  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  s->type = input.type;
  if (input.type == TensorType::kInt16)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("int16 activations (16x8) are not supported"));
  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only):"),
                    static_cast<int>(input.type));
  if (filter.type != input.type)
    return ctx.Fail(Status::kUnsupportedType,
                    TINYML_MSG("filter type must match the input (hybrid/int4 unsupported); filter type"),
                    static_cast<int>(filter.type));
  if (input.shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must be rank 4; rank"), input.shape.rank);
  if (filter.shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter must be rank 4; rank"), filter.shape.rank);
  if (output.shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output must be rank 4; rank"), output.shape.rank);

  const Shape& in = input.shape;
  const Shape& f = filter.shape;
  const Shape& out = output.shape;
  if (f.dims[0] != 1)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter must be [1, kh, kw, out_c]; dim 0 is"), f.dims[0]);
  if (f.dims[1] < 1 || f.dims[2] < 1 || f.dims[3] < 1)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter has an empty dimension"));
  if (out.dims[0] != in.dims[0])
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output batch differs from input batch"), out.dims[0]);
  if (out.dims[3] != f.dims[3])
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output channels differ from filter channels"), out.dims[3]);
  s->num_channels = f.dims[3];

  if (ctx.has_input(kBias)) {
    const TensorMeta bias = ctx.input_meta(kBias);
    const TensorType want = input.type == TensorType::kInt8 ? TensorType::kInt32 : TensorType::kFloat32;
    if (bias.type != want)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("bias type must be int32 (int8 op) or float32; got"),
                      static_cast<int>(bias.type));
    if (bias.shape.FlatSize() != s->num_channels)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("bias length differs from output channels:"),
                      bias.shape.FlatSize());
  }

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kDepthwiseConv2d, &options));
  const int8_t padding_raw = options.Scalar<int8_t>(0, 0);
  ref::DepthwiseConvParams& p = s->params;
  p.stride_width = options.Scalar<int32_t>(1, 0);
  p.stride_height = options.Scalar<int32_t>(2, 0);
  p.depth_multiplier = options.Scalar<int32_t>(3, 0);
  const Activation activation = static_cast<Activation>(options.Scalar<int8_t>(4, 0));
  p.dilation_width = options.Scalar<int32_t>(5, 1);
  p.dilation_height = options.Scalar<int32_t>(6, 1);
  if (padding_raw != 0 && padding_raw != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("unknown padding"), padding_raw);
  const Padding padding = static_cast<Padding>(padding_raw);
  if (p.stride_width < 1 || p.stride_height < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("strides must be >= 1; got"),
                    p.stride_width < 1 ? p.stride_width : p.stride_height);
  if (p.dilation_width < 1 || p.dilation_height < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("dilations must be >= 1; got"),
                    p.dilation_width < 1 ? p.dilation_width : p.dilation_height);
  // TFLite's kernel loops over in_c * depth_multiplier output channels, so
  // the option must agree with the shapes exactly.
  if (p.depth_multiplier < 1 || static_cast<int64_t>(in.dims[3]) * p.depth_multiplier != out.dims[3])
    return ctx.Fail(Status::kInvalidShape,
                    TINYML_MSG("output channels != input channels * depth_multiplier; depth_multiplier"),
                    p.depth_multiplier);
  TINYML_RETURN_IF_ERROR(ConvWindowPadding(ctx, padding, in.dims[1], f.dims[1], p.stride_height, p.dilation_height,
                                           out.dims[1], &p.pad_height));
  TINYML_RETURN_IF_ERROR(ConvWindowPadding(ctx, padding, in.dims[2], f.dims[2], p.stride_width, p.dilation_width,
                                           out.dims[2], &p.pad_width));

  if (input.type == TensorType::kFloat32) return ActivationRangeFloat(ctx, activation, &p.float_min, &p.float_max);
  TINYML_RETURN_IF_ERROR(
      ComputeConvMultipliers(ctx, input, filter, output, kChannelDim, s->num_channels, nullptr, nullptr));
  p.input_offset = -static_cast<int32_t>(input.quant.zero_point(0));
  p.output_offset = static_cast<int32_t>(output.quant.zero_point(0));
  return ActivationRangeQuantized(ctx, activation, output.quant.scale(0), p.output_offset, -128, 127,
                                  &p.quantized_min, &p.quantized_max);
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  DepthwiseSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  uint32_t bytes = sizeof(DepthwiseOpData);
  if (s.type == TensorType::kInt8) bytes += 2u * sizeof(int32_t) * static_cast<uint32_t>(s.num_channels);
  memory->persistent_bytes = bytes;
  return Status::kOk;
}

Status Prepare(OpContext& ctx) {
  DepthwiseSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  data->params = s.params;
  data->num_channels = s.num_channels;
  if (s.type == TensorType::kInt8) {
    return ComputeConvMultipliers(ctx, ctx.input_meta(kInput), ctx.input_meta(kFilter), ctx.output_meta(0),
                                  kChannelDim, s.num_channels, Multipliers(data), Shifts(data));
  }
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  const Tensor& input = ctx.input(kInput);
  const Tensor& filter = ctx.input(kFilter);
  Tensor& output = ctx.output(0);
  const bool has_bias = ctx.has_input(kBias);
  if (input.type == TensorType::kInt8) {
    ref::DepthwiseConvPerChannelS8(data->params, Multipliers(data), Shifts(data), input.shape(),
                                   ctx.input_data<int8_t>(kInput), filter.shape(), ctx.input_data<int8_t>(kFilter),
                                   has_bias ? ctx.input_data<int32_t>(kBias) : nullptr, output.shape(),
                                   ctx.output_data<int8_t>(0));
  } else {
    ref::DepthwiseConvF32(data->params, input.shape(), ctx.input_data<float>(kInput), filter.shape(),
                          ctx.input_data<float>(kFilter), has_bias ? ctx.input_data<float>(kBias) : nullptr,
                          output.shape(), ctx.output_data<float>(0));
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DEPTHWISE_CONV_2D() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
