// SignalEnergy: power spectrum of a complex int16 spectrum.
//   input:  0 int16 (rank 1): interleaved (re, im) pairs
//   output: 0 uint32 (rank 1), one value per bin
//   options: start_index, end_index: the bins computed. TFLM leaves the
//            other output entries unset; here they are zero, so results do
//            not depend on what the arena held before.
#include <string.h>

#include "frontend/energy.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct EnergyOpData {
  int32_t start;
  int32_t end;
  int32_t output_size;
};

Status Setup(OpContext& ctx, EnergyOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 1, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kUInt32, 1));
  const int32_t bins = input.shape.dims[0] / 2;
  const int32_t output_size = output.shape.dims[0];
  const int32_t limit = bins < output_size ? bins : output_size;
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "start_index", 0, limit, &d->start));
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "end_index", d->start, limit, &d->end));
  d->output_size = output_size;
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  EnergyOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(EnergyOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<EnergyOpData>()); }

Status Eval(OpContext& ctx) {
  const EnergyOpData* d = ctx.op_data_as<EnergyOpData>();
  uint32_t* output = ctx.output_data<uint32_t>(0);
  memset(output, 0, sizeof(uint32_t) * static_cast<size_t>(d->start));
  memset(output + d->end, 0, sizeof(uint32_t) * static_cast<size_t>(d->output_size - d->end));
  frontend::SpectrumToEnergy(ctx.input_data<int16_t>(0), d->start, d->end, output);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_ENERGY() {
  static const OpRegistration kRegistration = {"SignalEnergy", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
