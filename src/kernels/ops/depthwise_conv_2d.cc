// DEPTHWISE_CONV_2D glue: validation and constants for
// kernels/ref/depthwise_conv.h.
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/depthwise_conv.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// Depthwise filters [1, kh, kw, out_c] are quantized per output channel.
constexpr int kChannelDim = 3;

using DepthwiseOpData = PerChannelConvData<ref::DepthwiseConvParams>;

struct DepthwiseSetup {
  ref::DepthwiseConvParams params;
  TensorType type = TensorType::kFloat32;
  int32_t num_channels = 0;
};

// With `multipliers` non-null (int8 only), also stores the per-channel
// multipliers there and the int8 shifts in `shifts8`.
Status Setup(OpContext& ctx, DepthwiseSetup* s, int32_t* multipliers = nullptr, int8_t* shifts8 = nullptr) {
  TensorMeta input;
  TensorMeta filter;
  TensorMeta output;
  TINYML_RETURN_IF_ERROR(CheckConvTensors(ctx, &input, &filter, &output));
  s->type = input.type;

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
  TINYML_RETURN_IF_ERROR(CheckConvBias(ctx, input.type, s->num_channels));

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
  Padding padding = Padding::kSame;
  TINYML_RETURN_IF_ERROR(CheckConvWindowOptions(ctx, padding_raw, p.stride_width, p.stride_height,
                                                p.dilation_width, p.dilation_height, &padding));
  // TFLite's kernel loops over in_c * depth_multiplier output channels, so
  // the option must agree with the shapes exactly.
  if (p.depth_multiplier < 1 || static_cast<int64_t>(in.dims[3]) * p.depth_multiplier != out.dims[3])
    return ctx.Fail(Status::kInvalidShape,
                    TINYML_MSG("output channels != input channels * depth_multiplier; depth_multiplier"),
                    p.depth_multiplier);
  TINYML_RETURN_IF_ERROR(ConvPaddings(ctx, padding, in, f, out, &p));
  return ConvOutputParams(ctx, activation, input, filter, output, kChannelDim, s->num_channels, &p, multipliers,
                          shifts8);
}

}  // namespace

Status PlanDepthwiseConv2d(OpContext& ctx, OpMemory* memory) {
  DepthwiseSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = DepthwiseOpData::Bytes(s.type, s.num_channels);
  return Status::kOk;
}

// Filter and output types equal the input's once the generic plan passed.
Status PlanDepthwiseConv2dS8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanDepthwiseConv2d(ctx, memory));
  return RequireInt8Input(ctx, kConvInput);
}

Status SetupDepthwiseConv2dS8(OpContext& ctx, ref::DepthwiseConvParams* params, int32_t* multipliers, int8_t* shifts) {
  DepthwiseSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s, multipliers, shifts));
  *params = s.params;
  return Status::kOk;
}

namespace {

Status Prepare(OpContext& ctx) {
  DepthwiseSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  return PreparePerChannelConvData(ctx, s.params, s.type, kChannelDim, s.num_channels);
}

Status EvalS8(OpContext& ctx) {
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  ref::DepthwiseConvPerChannelS8(data->params, data->multipliers(), data->shifts(), input.shape(),
                                 ctx.input_data<int8_t>(kConvInput), filter.shape(),
                                 ctx.input_data<int8_t>(kConvFilter),
                                 ctx.has_input(kConvBias) ? ctx.input_data<int32_t>(kConvBias) : nullptr,
                                 output.shape(), ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  if (ctx.input(kConvInput).type == TensorType::kInt8) return EvalS8(ctx);
  DepthwiseOpData* data = ctx.op_data_as<DepthwiseOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  const bool has_bias = ctx.has_input(kConvBias);
  ref::DepthwiseConvF32(data->params, input.shape(), ctx.input_data<float>(kConvInput), filter.shape(),
                        ctx.input_data<float>(kConvFilter), has_bias ? ctx.input_data<float>(kConvBias) : nullptr,
                        output.shape(), ctx.output_data<float>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_DEPTHWISE_CONV_2D_INT8() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", PlanDepthwiseConv2dS8, Prepare, EvalS8, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_DEPTHWISE_CONV_2D() {
  static const OpRegistration kRegistration = {"DEPTHWISE_CONV_2D", PlanDepthwiseConv2d, Prepare, Eval, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
