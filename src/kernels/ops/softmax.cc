// SOFTMAX glue: validation and constants for kernels/ref/softmax.h.
//
// As TFLite Micro: float32 -> float32, int8 -> int8 (output scale exactly
// 1/256, zero point -128) and int8 -> int16 (scale 1/65536 within 0.1%, zero
// point -32768); softmax runs along the last dimension.

#include "kernels/ops/op_common.h"
#include "kernels/ref/softmax.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// SoftmaxOptions fields.
constexpr int kFieldBeta = 0;

struct SoftmaxOpData {
  ref::SoftmaxParams params;
  int32_t outer_size;
  int32_t depth;
};

struct SoftmaxSetup {
  ref::SoftmaxParams params;
  int32_t outer_size = 0;
  int32_t depth = 0;
};

// kInt8Only: the int8 -> int8 registration, which refuses other types
// first and has no float or int16 code.
template <bool kInt8Only>
Status Setup(OpContext& ctx, SoftmaxSetup* s) {
  TINYML_RETURN_IF_ERROR(CheckOneInputOneOutput(ctx));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  if (kInt8Only) {
    TINYML_RETURN_IF_ERROR(RequireInt8Input(ctx, 0));
    if (output.type != TensorType::kInt8)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("int8-only registration; output type"),
                      static_cast<int>(output.type));
  } else if (input.type == TensorType::kFloat32) {
    if (output.type != TensorType::kFloat32)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("float32 input needs a float32 output; output type"),
                      static_cast<int>(output.type));
  } else if (input.type == TensorType::kInt8) {
    if (output.type != TensorType::kInt8 && output.type != TensorType::kInt16)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("int8 input needs an int8 or int16 output; output type"),
                      static_cast<int>(output.type));
  } else {
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only); type"),
                    static_cast<int>(input.type));
  }
  if (input.shape.rank < 1)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must have rank >= 1"));
  const int32_t depth = input.shape.dims[input.shape.rank - 1];
  if (output.shape.FlatSize() != input.shape.FlatSize() || output.shape.rank < 1 ||
      output.shape.dims[output.shape.rank - 1] != depth)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output shape differs from the input shape; output size"),
                    output.shape.FlatSize());
  s->depth = depth;
  // Verified tensors have fewer than 2^31 elements.
  s->outer_size = depth > 0 ? static_cast<int32_t>(input.shape.FlatSize()) / depth : 0;

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kSoftmax, &options));
  const float beta = options.Scalar<float>(kFieldBeta, 0.0f);
  s->params.beta = beta;
  if (!kInt8Only && input.type == TensorType::kFloat32) return Status::kOk;

  if (output.quant.count < 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("quantized softmax output has no quantization"));
  const float output_scale = output.quant.scale(0);
  const int64_t output_zero_point = output.quant.zero_point(0);
  if (kInt8Only || output.type == TensorType::kInt8) {
    if (output_zero_point != -128)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 softmax output zero point must be -128; got"),
                      output_zero_point);
    if (!(output_scale == 1.0f / 256))
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 softmax output scale must be exactly 1/256"));
  } else {
    if (output_zero_point != -32768)
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int16 softmax output zero point must be -32768; got"),
                      output_zero_point);
    const float delta = output_scale > 1.0f / 65536 ? output_scale - 1.0f / 65536 : 1.0f / 65536 - output_scale;
    if (!(delta <= 0.001f * 1.0f / 65536))
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int16 softmax output scale must be 1/65536"));
  }
  if (input.quant.count < 1 || !(input.quant.scale(0) > 0.0f))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 softmax input needs a positive scale"));
  if (!ref::PrepareSoftmaxS8(static_cast<double>(beta), static_cast<double>(input.quant.scale(0)), &s->params))
    return ctx.Fail(Status::kInvalidModel,
                    TINYML_MSG("beta * input scale too small for the fixed-point softmax (needs > 2^-26)"));
  return Status::kOk;
}

template <bool kInt8Only>
Status Plan(OpContext& ctx, OpMemory* memory) {
  SoftmaxSetup s;
  TINYML_RETURN_IF_ERROR(Setup<kInt8Only>(ctx, &s));
  memory->persistent_bytes = sizeof(SoftmaxOpData);
  return Status::kOk;
}

template <bool kInt8Only>
Status Prepare(OpContext& ctx) {
  SoftmaxSetup s;
  TINYML_RETURN_IF_ERROR(Setup<kInt8Only>(ctx, &s));
  SoftmaxOpData* data = ctx.op_data_as<SoftmaxOpData>();
  data->params = s.params;
  data->outer_size = s.outer_size;
  data->depth = s.depth;
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const SoftmaxOpData* data = ctx.op_data_as<SoftmaxOpData>();
  const Tensor& input = ctx.input(0);
  const Tensor& output = ctx.output(0);
  if (input.type == TensorType::kFloat32) {
    ref::SoftmaxF32(data->params, data->outer_size, data->depth, ctx.input_data<float>(0), ctx.output_data<float>(0));
    return Status::kOk;
  }
  const bool ok = output.type == TensorType::kInt8
                      ? ref::SoftmaxS8(data->params, data->outer_size, data->depth, ctx.input_data<int8_t>(0),
                                       ctx.output_data<int8_t>(0))
                      : ref::SoftmaxS8ToS16(data->params, data->outer_size, data->depth, ctx.input_data<int8_t>(0),
                                            ctx.output_data<int16_t>(0));
  // TFLite Micro aborts on such a row; we report it instead.
  return ok ? Status::kOk
            : ctx.Fail(Status::kInternal, TINYML_MSG("softmax row sum outside the fixed-point range (too many "
                                                     "values near the maximum)"));
}

Status EvalS8(OpContext& ctx) {
  const SoftmaxOpData* data = ctx.op_data_as<SoftmaxOpData>();
  return ref::SoftmaxS8(data->params, data->outer_size, data->depth, ctx.input_data<int8_t>(0),
                        ctx.output_data<int8_t>(0))
             ? Status::kOk
             : ctx.Fail(Status::kInternal, TINYML_MSG("softmax row sum outside the fixed-point range (too many "
                                                      "values near the maximum)"));
}

}  // namespace

const OpRegistration* Register_SOFTMAX_INT8() {
  static const OpRegistration kRegistration = {"SOFTMAX", Plan<true>, Prepare<true>, EvalS8, nullptr, kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_SOFTMAX() {
  static const OpRegistration kRegistration = {"SOFTMAX", Plan<false>, Prepare<false>, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
