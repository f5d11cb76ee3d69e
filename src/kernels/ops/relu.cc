// RELU and RELU6 glue for kernels/ref/elementwise.h.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/elementwise.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

// One block for both ops: RELU uses `relu`, RELU6 uses the raw bounds.
struct ReluOpData {
  ref::ReluQuantParams relu;
  int32_t relu6_lower;
  int32_t relu6_upper;
};

Status Setup(OpContext& ctx, bool relu6, ReluOpData* d) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 1, 1));
  const TensorMeta in = ctx.input_meta(0);
  const TensorMeta out = ctx.output_meta(0);
  if (in.type != out.type)
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("input and output types differ:"), in.type, out.type);
  TINYML_RETURN_IF_ERROR(CheckSameSize(ctx, in, out));
  if (in.type == TensorType::kFloat32) return Status::kOk;
  if (in.type != TensorType::kInt8 && in.type != TensorType::kInt16)
    return FailType(ctx, Status::kUnsupportedType, TINYML_MSG("type not supported (FLOAT32, INT8, INT16):"), in.type);
  int32_t lo = 0;
  int32_t hi = 0;
  QuantizedTypeRange(in.type, &lo, &hi);
  PerTensorQuant qi;
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, in, TINYML_MSG("input lacks quantization; type"), &qi));
  if (relu6) {
    // TFLite Micro's RELU6 works in the input's quantization only.
    if (!ref::Relu6QuantBounds(qi.scale, qi.zero_point, lo, hi, &d->relu6_lower, &d->relu6_upper))
      return FailScales(ctx);
    return Status::kOk;
  }
  PerTensorQuant qo;
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, out, TINYML_MSG("output lacks quantization; type"), &qo));
  if (in.type == TensorType::kInt16 && (qi.zero_point != 0 || qo.zero_point != 0))
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("INT16 RELU needs zero points of 0"));
  if (!ref::PrepareReluQuant(qi.scale, qi.zero_point, qo.scale, qo.zero_point, lo, hi, &d->relu))
    return FailScales(ctx);
  return Status::kOk;
}

template <bool kRelu6>
Status Plan(OpContext& ctx, OpMemory* memory) {
  ReluOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, kRelu6, &d));
  memory->persistent_bytes = sizeof(ReluOpData);
  return Status::kOk;
}

template <bool kRelu6>
Status Prepare(OpContext& ctx) {
  return Setup(ctx, kRelu6, ctx.op_data_as<ReluOpData>());
}

template <bool kRelu6>
Status Eval(OpContext& ctx) {
  const ReluOpData& d = *ctx.op_data_as<ReluOpData>();
  const Tensor& in = ctx.input(0);
  const int64_t n = in.FlatSize();
  switch (in.type) {
    case TensorType::kInt8:
      if (kRelu6) {
        ref::Relu6S8(d.relu6_lower, d.relu6_upper, ctx.input_data<int8_t>(0), n, ctx.output_data<int8_t>(0));
      } else {
        ref::ReluS8(d.relu, ctx.input_data<int8_t>(0), n, ctx.output_data<int8_t>(0));
      }
      break;
    case TensorType::kInt16:
      if (kRelu6) {
        ref::Relu6S16(d.relu6_lower, d.relu6_upper, ctx.input_data<int16_t>(0), n, ctx.output_data<int16_t>(0));
      } else {
        ref::ReluS16(d.relu, ctx.input_data<int16_t>(0), n, ctx.output_data<int16_t>(0));
      }
      break;
    default:
      if (kRelu6) {
        ref::Relu6F32(ctx.input_data<float>(0), n, ctx.output_data<float>(0));
      } else {
        ref::ReluF32(ctx.input_data<float>(0), n, ctx.output_data<float>(0));
      }
      break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_RELU() {
  static const OpRegistration kRegistration = {"RELU", Plan<false>, Prepare<false>, Eval<false>, nullptr,
                                               kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

const OpRegistration* Register_RELU6() {
  static const OpRegistration kRegistration = {"RELU6", Plan<true>, Prepare<true>, Eval<true>, nullptr,
                                               kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
