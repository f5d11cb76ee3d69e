// SignalPCAN: per-channel amplitude normalization against the noise
// estimate, with a gain lookup table.
//   inputs: 0 uint32 channels, 1 uint32 noise estimate (rank 1, same size),
//           2 int16 gain table (rank 1, at least 125 entries)
//   output: 0 uint32, same size as input 0
//   options: snr_shift (0..63)
#include <string.h>

#include "frontend/pcan.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct PcanOpData {
  int32_t snr_shift;
  int32_t size;
};

Status Setup(OpContext& ctx, PcanOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 3, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta noise = ctx.input_meta(1);
  const TensorMeta lut = ctx.input_meta(2);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, noise, "input 1 (noise estimate)", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, lut, "input 2 (gain table)", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kUInt32, 1));
  const int32_t size = input.shape.dims[0];
  if (size < 1) return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must not be empty"));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, noise, "input 1 (noise estimate)", size));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", size));
  if (lut.shape.dims[0] < frontend::kPcanGainLutSize)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("gain table needs at least 125 entries; got"),
                    lut.shape.dims[0]);
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "snr_shift", 0, 63, &d->snr_shift));
  d->size = size;
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  PcanOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(PcanOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<PcanOpData>()); }

Status Eval(OpContext& ctx) {
  const PcanOpData* d = ctx.op_data_as<PcanOpData>();
  const uint32_t* input = ctx.input_data<uint32_t>(0);
  uint32_t* output = ctx.output_data<uint32_t>(0);
  if (output != input) memmove(output, input, sizeof(uint32_t) * static_cast<size_t>(d->size));
  frontend::PcanAutoGainControl(ctx.input_data<int16_t>(2), d->snr_shift, ctx.input_data<uint32_t>(1), output,
                                d->size);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_PCAN() {
  static const OpRegistration kRegistration = {"SignalPCAN", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
