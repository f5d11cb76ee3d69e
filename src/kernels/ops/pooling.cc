// AVERAGE_POOL_2D and MAX_POOL_2D glue: validation and constants for
// kernels/ref/pooling.h. float32 and int8 (input and output quantization
// must match, as TFLite Micro requires).

#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/pooling.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// Pool2DOptions fields.
constexpr int kFieldPadding = 0;
constexpr int kFieldStrideW = 1;
constexpr int kFieldStrideH = 2;
constexpr int kFieldFilterW = 3;
constexpr int kFieldFilterH = 4;
constexpr int kFieldActivation = 5;

// Far beyond any real model; keeps every window index and padding in int32.
constexpr int32_t kMaxWindow = 1 << 16;
// An int8 window sum stays in int32 up to 2^24 elements.
constexpr int32_t kMaxAverageElements = 1 << 24;

enum class PoolKind { kAverage, kMax };

struct PoolOpData {
  ref::PoolParams params;
};

// One spatial dimension: checks the output size against TFLite's formula and
// returns the leading padding. Out of line: it runs for both axes.
__attribute__((noinline)) Status PoolDimension(OpContext& ctx, Padding padding, int32_t in, int32_t filter,
                                               int32_t stride, int32_t out, int32_t* pad) {
  // 32-bit and exact: 0 <= in < 2^31 (verified dims), 1 <= stride, filter <= 2^16. VALID is
  // (in + stride - filter) / stride truncated toward zero, split so that no sum overflows.
  const int32_t d = in - filter;
  const int32_t expected = padding == Padding::kSame
                               ? static_cast<int32_t>((static_cast<uint32_t>(in) + static_cast<uint32_t>(stride) - 1u) /
                                                      static_cast<uint32_t>(stride))
                               : (d >= 0 ? d / stride + 1 : (d + stride) / stride);
  if (expected != out)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output size does not match padding/stride/filter; expected"),
                    expected);
  // out is the size checked above, so (out - 1) * stride <= in: no overflow.
  int32_t total = (out - 1) * stride - in + filter;
  total = total > 0 ? total : 0;
  *pad = total / 2;
  return Status::kOk;
}

// kInt8Only: the int8-only registrations, which refuse other types first and
// have no float code.
template <bool kInt8Only>
Status Setup(OpContext& ctx, PoolKind kind, ref::PoolParams* p) {
  TensorMeta input;
  TensorMeta output;
  TINYML_RETURN_IF_ERROR(CheckUnaryFloatOrInt8(ctx, &input, &output));
  if (kInt8Only) TINYML_RETURN_IF_ERROR(RequireInt8Input(ctx, 0));
  if (input.shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must be rank 4 (NHWC); rank"), input.shape.rank);
  if (output.shape.rank != 4)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output must be rank 4 (NHWC); rank"), output.shape.rank);
  const Shape& in = input.shape;
  const Shape& out = output.shape;
  if (out.dims[0] != in.dims[0])
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output batch differs from input batch"), out.dims[0]);
  if (out.dims[3] != in.dims[3])
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output channels differ from input channels"), out.dims[3]);

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kPool2d, &options));
  const int8_t padding_raw = options.Scalar<int8_t>(kFieldPadding, 0);
  p->stride_width = options.Scalar<int32_t>(kFieldStrideW, 0);
  p->stride_height = options.Scalar<int32_t>(kFieldStrideH, 0);
  p->filter_width = options.Scalar<int32_t>(kFieldFilterW, 0);
  p->filter_height = options.Scalar<int32_t>(kFieldFilterH, 0);
  const Activation activation = static_cast<Activation>(options.Scalar<int8_t>(kFieldActivation, 0));
  if (padding_raw != 0 && padding_raw != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("unknown padding"), padding_raw);
  const Padding padding = static_cast<Padding>(padding_raw);
  if (p->stride_width < 1 || p->stride_height < 1 || p->stride_width > kMaxWindow || p->stride_height > kMaxWindow)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("strides must be in [1, 65536]; got"),
                    p->stride_width < 1 || p->stride_width > kMaxWindow ? p->stride_width : p->stride_height);
  if (p->filter_width < 1 || p->filter_height < 1 || p->filter_width > kMaxWindow || p->filter_height > kMaxWindow)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("filter sizes must be in [1, 65536]; got"),
                    p->filter_width < 1 || p->filter_width > kMaxWindow ? p->filter_width : p->filter_height);
  TINYML_RETURN_IF_ERROR(PoolDimension(ctx, padding, in.dims[1], p->filter_height, p->stride_height, out.dims[1],
                                       &p->pad_height));
  TINYML_RETURN_IF_ERROR(
      PoolDimension(ctx, padding, in.dims[2], p->filter_width, p->stride_width, out.dims[2], &p->pad_width));

  if (!kInt8Only && input.type == TensorType::kFloat32)
    return ActivationRangeFloat(ctx, activation, &p->float_min, &p->float_max);

  if (input.quant.count < 1 || output.quant.count < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 input and output need quantization parameters"));
  const float input_scale = input.quant.scale(0);
  const float output_scale = output.quant.scale(0);
  const int64_t zero_point = output.quant.zero_point(0);
  // Model::Load has checked the scale is finite.
  if (!(output_scale > 0.0f) || zero_point < -128 || zero_point > 127)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 output quantization unusable (scale or zero point)"),
                    zero_point);
  const double scale_diff = static_cast<double>(input_scale) - static_cast<double>(output_scale);
  if (!(scale_diff <= 1.0e-6 && scale_diff >= -1.0e-6) || input.quant.zero_point(0) != zero_point)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 input and output quantization must be equal"));
  if (kind == PoolKind::kAverage) {
    // 32-bit and exact: 0 <= rows, cols <= 2^16; rows * cols > K exactly when cols > K / rows.
    const int32_t rows = p->filter_height < in.dims[1] ? p->filter_height : in.dims[1];
    const int32_t cols = p->filter_width < in.dims[2] ? p->filter_width : in.dims[2];
    if (rows != 0 && cols > kMaxAverageElements / rows)
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("int8 average window too large (int32 sum); elements"),
                      static_cast<int64_t>(rows) * cols);
  }
  return ActivationRangeQuantized(ctx, activation, output_scale, static_cast<int32_t>(zero_point), -128, 127,
                                  &p->quantized_min, &p->quantized_max);
}

template <PoolKind kKind, bool kInt8Only>
Status Plan(OpContext& ctx, OpMemory* memory) {
  ref::PoolParams p;
  TINYML_RETURN_IF_ERROR(Setup<kInt8Only>(ctx, kKind, &p));
  memory->persistent_bytes = sizeof(PoolOpData);
  return Status::kOk;
}

template <PoolKind kKind, bool kInt8Only>
Status Prepare(OpContext& ctx) {
  return Setup<kInt8Only>(ctx, kKind, &ctx.op_data_as<PoolOpData>()->params);
}

Status EvalAverage(OpContext& ctx) {
  const ref::PoolParams& p = ctx.op_data_as<PoolOpData>()->params;
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  const bool ok = input.type == TensorType::kInt8
                      ? ref::AveragePoolS8(p, input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                                           ctx.output_data<int8_t>(0))
                      : ref::AveragePoolF32(p, input.shape(), ctx.input_data<float>(0), output.shape(),
                                            ctx.output_data<float>(0));
  return ok ? Status::kOk : ctx.Fail(Status::kInternal, TINYML_MSG("pooling window outside the input"));
}

Status EvalAverageS8(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  return ref::AveragePoolS8(ctx.op_data_as<PoolOpData>()->params, input.shape(), ctx.input_data<int8_t>(0),
                            output.shape(), ctx.output_data<int8_t>(0))
             ? Status::kOk
             : ctx.Fail(Status::kInternal, TINYML_MSG("pooling window outside the input"));
}

Status EvalMaxS8(OpContext& ctx) {
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  ref::MaxPoolS8(ctx.op_data_as<PoolOpData>()->params, input.shape(), ctx.input_data<int8_t>(0), output.shape(),
                 ctx.output_data<int8_t>(0));
  return Status::kOk;
}

Status EvalMax(OpContext& ctx) {
  const ref::PoolParams& p = ctx.op_data_as<PoolOpData>()->params;
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  if (input.type == TensorType::kInt8) {
    ref::MaxPoolS8(p, input.shape(), ctx.input_data<int8_t>(0), output.shape(), ctx.output_data<int8_t>(0));
  } else {
    ref::MaxPoolF32(p, input.shape(), ctx.input_data<float>(0), output.shape(), ctx.output_data<float>(0));
  }
  return Status::kOk;
}

}  // namespace

Status PlanAveragePool2dS8(OpContext& ctx, OpMemory* memory) { return Plan<PoolKind::kAverage, true>(ctx, memory); }
Status PrepareAveragePool2dS8(OpContext& ctx) { return Prepare<PoolKind::kAverage, true>(ctx); }
Status PlanMaxPool2dS8(OpContext& ctx, OpMemory* memory) { return Plan<PoolKind::kMax, true>(ctx, memory); }
Status PrepareMaxPool2dS8(OpContext& ctx) { return Prepare<PoolKind::kMax, true>(ctx); }

const OpRegistration* Register_AVERAGE_POOL_2D_INT8() {
  static const OpRegistration kRegistration = {"AVERAGE_POOL_2D", Plan<PoolKind::kAverage, true>,
                                               Prepare<PoolKind::kAverage, true>, EvalAverageS8, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_MAX_POOL_2D_INT8() {
  static const OpRegistration kRegistration = {"MAX_POOL_2D", Plan<PoolKind::kMax, true>,
                                               Prepare<PoolKind::kMax, true>, EvalMaxS8, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_AVERAGE_POOL_2D() {
  static const OpRegistration kRegistration = {"AVERAGE_POOL_2D", Plan<PoolKind::kAverage, false>,
                                               Prepare<PoolKind::kAverage, false>, EvalAverage, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_MAX_POOL_2D() {
  static const OpRegistration kRegistration = {"MAX_POOL_2D", Plan<PoolKind::kMax, false>,
                                               Prepare<PoolKind::kMax, false>, EvalMax, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
