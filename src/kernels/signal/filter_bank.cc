// SignalFilterBank: mel-style triangular filter bank over a power spectrum.
//   inputs: 0 uint32 spectrum (rank 1)
//           1 int16 weights, 2 int16 unweights (rank 1, same size)
//           3 int16 channel frequency starts, 4 int16 channel weight starts,
//           5 int16 channel widths (rank 1, num_channels + 1 entries each)
//   output: 0 uint64 (rank 1), num_channels energies
//   options: num_channels
// Inputs 1-5 must be constant: plan() checks every band against the
// spectrum and weight sizes, so eval never indexes outside them.
#include "frontend/filter_bank.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct FilterBankOpData {
  frontend::FilterBankConfig config;
};

const char* const kTableNames[] = {"input 1 (weights)", "input 2 (unweights)", "input 3 (channel frequency starts)",
                                   "input 4 (channel weight starts)", "input 5 (channel widths)"};

const int16_t* ConstInt16(const TensorMeta& t) { return reinterpret_cast<const int16_t*>(t.const_data); }

Status Setup(OpContext& ctx, frontend::FilterBankConfig* config) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 6, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kUInt64, 1));
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  int32_t num_channels = 0;
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "num_channels", 1, 0x7fff, &num_channels));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", num_channels));
  TensorMeta tables[5];
  for (int i = 0; i < 5; ++i) {
    tables[i] = ctx.input_meta(i + 1);
    TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, tables[i], kTableNames[i], TensorType::kInt16, 1));
    if (!tables[i].is_constant())
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("filter bank tables must be constant tensors; input"), i + 1);
  }
  const int32_t weights_size = tables[0].shape.dims[0];
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, tables[1], kTableNames[1], weights_size));
  for (int i = 2; i < 5; ++i)
    TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, tables[i], kTableNames[i], int64_t{num_channels} + 1));
  config->num_channels = num_channels;
  config->weights = ConstInt16(tables[0]);
  config->unweights = ConstInt16(tables[1]);
  config->frequency_starts = ConstInt16(tables[2]);
  config->weight_starts = ConstInt16(tables[3]);
  config->widths = ConstInt16(tables[4]);
  if (!frontend::FilterBankConfigValid(*config, input.shape.dims[0], weights_size))
    return ctx.Fail(Status::kInvalidModel,
                    TINYML_MSG("filter bank band outside the spectrum or weight tables; spectrum size"),
                    input.shape.dims[0]);
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  frontend::FilterBankConfig config;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &config));
  memory->persistent_bytes = sizeof(FilterBankOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, &ctx.op_data_as<FilterBankOpData>()->config); }

Status Eval(OpContext& ctx) {
  const FilterBankOpData* d = ctx.op_data_as<FilterBankOpData>();
  frontend::FilterBankAccumulate(d->config, ctx.input_data<uint32_t>(0), ctx.output_data<uint64_t>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_FILTER_BANK() {
  static const OpRegistration kRegistration = {"SignalFilterBank", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
