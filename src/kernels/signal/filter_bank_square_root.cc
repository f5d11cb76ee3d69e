// SignalFilterBankSquareRoot: channel energies back to magnitudes, undoing
// the FFT auto-scale shift.
//   inputs: 0 uint64 (rank 1), 1 int32 scalar: scale-down bits
//   output: 0 uint32, same size: Sqrt64(x) >> bits (0 if bits >= 32; a
//           negative shift, which FftAutoScale never produces, is taken as 0)
#include "frontend/filter_bank.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct SqrtOpData {
  int32_t size;
};

Status Setup(OpContext& ctx, SqrtOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 2, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta bits = ctx.input_meta(1);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kUInt64, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, bits, "input 1 (scale bits)", TensorType::kInt32, 0));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", input.shape.dims[0]));
  d->size = input.shape.dims[0];
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  SqrtOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(SqrtOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<SqrtOpData>()); }

Status Eval(OpContext& ctx) {
  const SqrtOpData* d = ctx.op_data_as<SqrtOpData>();
  frontend::FilterBankSqrt(ctx.input_data<uint64_t>(0), d->size, *ctx.input_data<int32_t>(1),
                           ctx.output_data<uint32_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_FILTER_BANK_SQUARE_ROOT() {
  static const OpRegistration kRegistration = {"SignalFilterBankSquareRoot", Plan, Prepare, Eval, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
