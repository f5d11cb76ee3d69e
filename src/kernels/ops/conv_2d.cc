// CONV_2D glue: validation and constants for kernels/ref/conv.h.
#include "kernels/ops/conv_quant.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/conv.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// Conv filters [out_c, kh, kw, in_c] are quantized per output channel.
constexpr int kChannelDim = 0;

using ConvOpData = PerChannelConvData<ref::ConvParams>;

// Everything the op needs, derived from the model and fully validated.
struct ConvSetup {
  ref::ConvParams params;
  TensorType type = TensorType::kFloat32;
  int32_t num_channels = 0;
};

// With `multipliers` non-null (int8 only), also stores the per-channel
// multipliers there and the int8 shifts in `shifts8`.
Status Setup(OpContext& ctx, ConvSetup* s, int32_t* multipliers = nullptr, int8_t* shifts8 = nullptr) {
  TensorMeta input;
  TensorMeta filter;
  TensorMeta output;
  TINYML_RETURN_IF_ERROR(CheckConvTensors(ctx, &input, &filter, &output));
  s->type = input.type;

  const Shape& in = input.shape;
  const Shape& f = filter.shape;
  const Shape& out = output.shape;
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
  TINYML_RETURN_IF_ERROR(CheckConvBias(ctx, input.type, s->num_channels));

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kConv2d, &options));
  const int8_t padding_raw = options.Scalar<int8_t>(0, 0);
  ref::ConvParams& p = s->params;
  p.stride_width = options.Scalar<int32_t>(1, 0);
  p.stride_height = options.Scalar<int32_t>(2, 0);
  const Activation activation = static_cast<Activation>(options.Scalar<int8_t>(3, 0));
  p.dilation_width = options.Scalar<int32_t>(4, 1);
  p.dilation_height = options.Scalar<int32_t>(5, 1);
  Padding padding = Padding::kSame;
  TINYML_RETURN_IF_ERROR(CheckConvWindowOptions(ctx, padding_raw, p.stride_width, p.stride_height,
                                                p.dilation_width, p.dilation_height, &padding));
  TINYML_RETURN_IF_ERROR(ConvPaddings(ctx, padding, in, f, out, &p));
  return ConvOutputParams(ctx, activation, input, filter, output, kChannelDim, s->num_channels, &p, multipliers,
                          shifts8);
}

}  // namespace

Status PlanConv2d(OpContext& ctx, OpMemory* memory) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = ConvOpData::Bytes(s.type, s.num_channels);
  return Status::kOk;
}

// Filter and output types equal the input's once the generic plan passed.
Status PlanConv2dS8(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(PlanConv2d(ctx, memory));
  return RequireInt8Input(ctx, kConvInput);
}

Status SetupConv2dS8(OpContext& ctx, ref::ConvParams* params, int32_t* multipliers, int8_t* shifts) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s, multipliers, shifts));
  *params = s.params;
  return Status::kOk;
}

namespace {

Status Prepare(OpContext& ctx) {
  ConvSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  return PreparePerChannelConvData(ctx, s.params, s.type, kChannelDim, s.num_channels);
}

Status EvalS8(OpContext& ctx) {
  ConvOpData* data = ctx.op_data_as<ConvOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  ref::ConvPerChannelS8(data->params, data->multipliers(), data->shifts(), input.shape(),
                        ctx.input_data<int8_t>(kConvInput), filter.shape(), ctx.input_data<int8_t>(kConvFilter),
                        ctx.has_input(kConvBias) ? ctx.input_data<int32_t>(kConvBias) : nullptr, output.shape(),
                        ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  if (ctx.input(kConvInput).type == TensorType::kInt8) return EvalS8(ctx);
  ConvOpData* data = ctx.op_data_as<ConvOpData>();
  const Tensor& input = ctx.input(kConvInput);
  const Tensor& filter = ctx.input(kConvFilter);
  Tensor& output = ctx.output(0);
  const bool has_bias = ctx.has_input(kConvBias);
  ref::ConvF32(data->params, input.shape(), ctx.input_data<float>(kConvInput), filter.shape(),
               ctx.input_data<float>(kConvFilter), has_bias ? ctx.input_data<float>(kConvBias) : nullptr,
               output.shape(), ctx.output_data<float>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_CONV_2D_INT8() {
  static const OpRegistration kRegistration = {"CONV_2D", PlanConv2dS8, Prepare, EvalS8, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_CONV_2D() {
  static const OpRegistration kRegistration = {"CONV_2D", PlanConv2d, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
