// SignalFilterBankLog: scaled natural log of each channel.
//   input:  0 uint32 (rank 1)
//   output: 0 int16, same size
//   options: input_correction_bits (0..31), output_scale
#include "frontend/log.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct LogOpData {
  int32_t correction_bits;
  int32_t output_scale;
  int32_t size;
};

Status Setup(OpContext& ctx, LogOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 1, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", input.shape.dims[0]));
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  TINYML_RETURN_IF_ERROR(
      signal_ops::GetInt32Option(ctx, options, "input_correction_bits", 0, 31, &d->correction_bits));
  TINYML_RETURN_IF_ERROR(
      signal_ops::GetInt32Option(ctx, options, "output_scale", INT32_MIN, INT32_MAX, &d->output_scale));
  d->size = input.shape.dims[0];
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  LogOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(LogOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<LogOpData>()); }

Status Eval(OpContext& ctx) {
  const LogOpData* d = ctx.op_data_as<LogOpData>();
  frontend::FilterBankLog(ctx.input_data<uint32_t>(0), d->size, d->output_scale, d->correction_bits,
                          ctx.output_data<int16_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_FILTER_BANK_LOG() {
  static const OpRegistration kRegistration = {"SignalFilterBankLog", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
