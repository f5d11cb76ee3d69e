// SignalFilterBankSpectralSubtraction: noise reduction with a running noise
// estimate per channel, kept in the op's persistent data across invokes
// and cleared by Interpreter::Reset().
//   input:   0 uint32 (rank 1), num_channels values
//   outputs: 0 uint32 cleaned channels, 1 uint32 the updated noise estimate
//   options: num_channels, smoothing, one_minus_smoothing,
//            alternate_smoothing, alternate_one_minus_smoothing,
//            min_signal_remaining, smoothing_bits, spectral_subtraction_bits,
//            clamping
#include <string.h>

#include "frontend/spectral_subtraction.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

// Followed in the persistent block by num_channels uint32 estimates.
struct SpectralSubtractionOpData {
  frontend::SpectralSubtractionConfig config;
};

uint32_t* NoiseEstimate(void* op_data) {
  return reinterpret_cast<uint32_t*>(static_cast<uint8_t*>(op_data) +
                                     signal_ops::AlignUp(sizeof(SpectralSubtractionOpData), 8));
}

Status Setup(OpContext& ctx, frontend::SpectralSubtractionConfig* c) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 1, 2));
  const TensorMeta input = ctx.input_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, ctx.output_meta(0), "output 0", TensorType::kUInt32, 1));
  TINYML_RETURN_IF_ERROR(
      signal_ops::CheckTensor(ctx, ctx.output_meta(1), "output 1 (noise estimate)", TensorType::kUInt32, 1));
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  int32_t num_channels = 0;
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "num_channels", 1, 0x7fff, &num_channels));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, input, "input 0", num_channels));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, ctx.output_meta(0), "output 0", num_channels));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, ctx.output_meta(1), "output 1", num_channels));
  struct Coefficient {
    const char* key;
    uint32_t* field;
  };
  const Coefficient coefficients[] = {
      {"smoothing", &c->smoothing},
      {"one_minus_smoothing", &c->one_minus_smoothing},
      {"alternate_smoothing", &c->alternate_smoothing},
      {"alternate_one_minus_smoothing", &c->alternate_one_minus_smoothing},
      {"min_signal_remaining", &c->min_signal_remaining},
  };
  for (const Coefficient& k : coefficients) {
    int64_t v = 0;
    TINYML_RETURN_IF_ERROR(signal_ops::GetIntOption(ctx, options, k.key, 0, INT32_MAX, &v));
    *k.field = static_cast<uint32_t>(v);
  }
  int64_t v = 0;
  TINYML_RETURN_IF_ERROR(signal_ops::GetIntOption(ctx, options, "smoothing_bits", 0, 31, &v));
  c->smoothing_bits = static_cast<uint32_t>(v);
  TINYML_RETURN_IF_ERROR(signal_ops::GetIntOption(ctx, options, "spectral_subtraction_bits", 0, 63, &v));
  c->spectral_subtraction_bits = static_cast<uint32_t>(v);
  TINYML_RETURN_IF_ERROR(signal_ops::GetIntOption(ctx, options, "clamping", 0, 1, &v));
  c->clamping = v != 0;
  c->num_channels = num_channels;
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  frontend::SpectralSubtractionConfig c;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &c));
  memory->persistent_bytes = static_cast<uint32_t>(signal_ops::AlignUp(sizeof(SpectralSubtractionOpData), 8) +
                                                   sizeof(uint32_t) * static_cast<size_t>(c.num_channels));
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, &ctx.op_data_as<SpectralSubtractionOpData>()->config); }

void Reset(OpContext& ctx) {
  const SpectralSubtractionOpData* d = ctx.op_data_as<SpectralSubtractionOpData>();
  memset(NoiseEstimate(ctx.op_data()), 0, sizeof(uint32_t) * static_cast<size_t>(d->config.num_channels));
}

Status Eval(OpContext& ctx) {
  const SpectralSubtractionOpData* d = ctx.op_data_as<SpectralSubtractionOpData>();
  uint32_t* state = NoiseEstimate(ctx.op_data());
  frontend::SpectralSubtraction(d->config, ctx.input_data<uint32_t>(0), ctx.output_data<uint32_t>(0), state);
  memcpy(ctx.output_data<uint32_t>(1), state, sizeof(uint32_t) * static_cast<size_t>(d->config.num_channels));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_FILTER_BANK_SPECTRAL_SUBTRACTION() {
  static const OpRegistration kRegistration = {"SignalFilterBankSpectralSubtraction", Plan, Prepare, Eval, Reset,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
