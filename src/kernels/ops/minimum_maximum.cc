// MINIMUM and MAXIMUM glue for kernels/ref/binary.h. Values are compared
// raw, without requantization, as in TFLite Micro.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status Plan(OpContext& ctx, OpMemory* memory) {
  BinaryTensors t;
  TINYML_RETURN_IF_ERROR(CheckBinary(ctx, &t));
  switch (t.out.type) {
    case TensorType::kFloat32:
    case TensorType::kInt8:
    case TensorType::kInt16:
    case TensorType::kInt32:
    case TensorType::kInt64:
      memory->persistent_bytes = 0;
      return Status::kOk;
    default:
      return FailType(ctx, Status::kUnsupportedType,
                      TINYML_MSG("type not supported (FLOAT32, INT8, INT16, INT32, INT64):"), t.out.type);
  }
}

template <bool kMaximum, typename T>
void Run(OpContext& ctx) {
  const Shape s1 = ctx.input(0).shape();
  const Shape s2 = ctx.input(1).shape();
  const Shape so = ctx.output(0).shape();
  if (kMaximum) {
    ref::Maximum<T>(s1, ctx.input_data<T>(0), s2, ctx.input_data<T>(1), so, ctx.output_data<T>(0));
  } else {
    ref::Minimum<T>(s1, ctx.input_data<T>(0), s2, ctx.input_data<T>(1), so, ctx.output_data<T>(0));
  }
}

template <bool kMaximum>
Status Eval(OpContext& ctx) {
  switch (ctx.output(0).type) {
    case TensorType::kInt8: Run<kMaximum, int8_t>(ctx); break;
    case TensorType::kInt16: Run<kMaximum, int16_t>(ctx); break;
    case TensorType::kInt32: Run<kMaximum, int32_t>(ctx); break;
    case TensorType::kInt64: Run<kMaximum, int64_t>(ctx); break;
    default: Run<kMaximum, float>(ctx); break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_MAXIMUM() {
  static const OpRegistration kRegistration = {"MAXIMUM", Plan, nullptr, Eval<true>, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

const OpRegistration* Register_MINIMUM() {
  static const OpRegistration kRegistration = {"MINIMUM", Plan, nullptr, Eval<false>, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
