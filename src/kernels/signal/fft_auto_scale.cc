// SignalFftAutoScale: scales a frame up to use the int16 range before the
// FFT and outputs the shift applied.
//   input:   0 int16 (rank 1)
//   outputs: 0 int16, same size; 1 int32 scalar, the shift (0..15)
#include "frontend/fft_auto_scale.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct FftAutoScaleOpData {
  int32_t size;
};

Status Setup(OpContext& ctx, FftAutoScaleOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 1, 2));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  const TensorMeta scale = ctx.output_meta(1);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, scale, "output 1 (scale bits)", TensorType::kInt32, 0));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", input.shape.FlatSize()));
  d->size = input.shape.dims[0];
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  FftAutoScaleOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(FftAutoScaleOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<FftAutoScaleOpData>()); }

Status Eval(OpContext& ctx) {
  const FftAutoScaleOpData* d = ctx.op_data_as<FftAutoScaleOpData>();
  *ctx.output_data<int32_t>(1) =
      frontend::FftAutoScaleS16(ctx.input_data<int16_t>(0), d->size, ctx.output_data<int16_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_FFT_AUTO_SCALE() {
  static const OpRegistration kRegistration = {"SignalFftAutoScale", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
