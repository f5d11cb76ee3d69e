// CAST glue for kernels/ref/cast.h. The CastOptions types are informational;
// like TFLite Micro, the tensors' own types decide the conversion.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/cast.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

Status Plan(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 1, 1));
  const TensorMeta in = ctx.input_meta(0);
  const TensorMeta out = ctx.output_meta(0);
  if (!ref::CastSupported(in.type, out.type))
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("unsupported type pair"), in.type, out.type);
  TINYML_RETURN_IF_ERROR(CheckSameSize(ctx, in, out));
  memory->persistent_bytes = 0;
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  ref::Cast(in.type, in.data, out.type, out.data, in.FlatSize());
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_CAST() {
  static const OpRegistration kRegistration = {"CAST", Plan, nullptr, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
