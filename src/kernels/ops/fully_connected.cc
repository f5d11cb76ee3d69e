// FULLY_CONNECTED glue: validation and constants for kernels/ref/fully_connected.h.
//
// Semantics follow TFLite Micro: int8 with a per-tensor filter (its zero
// point applied) or a per-channel filter along dimension 0 (zero points
// ignored), int32 bias; float32 with float bias. The input is flattened to
// [input elements / accum_depth, accum_depth] with accum_depth the filter's
// second dimension.

#include "core/fixed_point.h"
#include "kernels/ops/op_common.h"
#include "kernels/ops/plans.h"
#include "kernels/ref/fully_connected.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

// FullyConnectedOptions fields.
constexpr int kFieldActivation = 0;
constexpr int kFieldWeightsFormat = 1;

struct FullyConnectedOpData {
  ref::FullyConnectedParams params;
  int32_t per_channel;  // 0 or 1
  int32_t num_channels;
  // per-channel only: int32 multipliers[num_channels], then int32 shifts[num_channels].
};

int32_t* Multipliers(FullyConnectedOpData* d) { return reinterpret_cast<int32_t*>(d + 1); }
int32_t* Shifts(FullyConnectedOpData* d) { return Multipliers(d) + d->num_channels; }

// The output requantization QuantizeMultiplier(real); kInvalidModel when real >= 2^31.
Status OutputMultiplier(OpContext& ctx, double real, int32_t* multiplier, int32_t* shift) {
  int s = 0;
  QuantizeMultiplier(real, multiplier, &s);
  if (s > 31)
    return ctx.Fail(Status::kInvalidModel,
                    TINYML_MSG("input*filter/output scale too large to requantize (>= 2^31); shift"), s);
  *shift = s;
  return Status::kOk;
}

struct FullyConnectedSetup {
  ref::FullyConnectedParams params;
  TensorType type = TensorType::kFloat32;
  bool per_channel = false;
  int32_t num_channels = 0;
};

// Validates everything eval relies on. With `multipliers`/`shifts` non-null
// (prepare), also fills the per-channel requantization.
// kInt8Only: the int8-only registration, which refuses other types first and
// has no float code.
template <bool kInt8Only>
Status Setup(OpContext& ctx, FullyConnectedSetup* s, int32_t* multipliers, int32_t* shifts) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || !ctx.has_input(kInput) || !ctx.has_input(kFilter))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, filter[, bias]); inputs given:"),
                    ctx.num_inputs());
  if (kInt8Only) TINYML_RETURN_IF_ERROR(RequireInt8Input(ctx, kInput));
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta filter = ctx.input_meta(kFilter);
  const TensorMeta output = ctx.output_meta(0);
  const bool has_bias = ctx.has_input(kBias);

  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only); type"),
                    static_cast<int>(input.type));
  if (output.type != input.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("output type differs from the input type; output type"),
                    static_cast<int>(output.type));
  if (filter.type != input.type && !(filter.type == TensorType::kInt4 && input.type == TensorType::kInt8))
    return ctx.Fail(Status::kUnsupportedType,
                    TINYML_MSG("filter type must match the input, or be int4 for int8 (no hybrid); filter type"),
                    static_cast<int>(filter.type));
  s->type = input.type;

  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_type::kFullyConnected, &options));
  const Activation activation = static_cast<Activation>(options.Scalar<int8_t>(kFieldActivation, 0));
  const int8_t weights_format = options.Scalar<int8_t>(kFieldWeightsFormat, 0);
  if (weights_format != 0)
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("shuffled weights format not supported; format"),
                    weights_format);

  if (filter.shape.rank != 2)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter must be rank 2 [units, depth]; rank"),
                    filter.shape.rank);
  const int32_t units = filter.shape.dims[0];
  const int32_t depth = filter.shape.dims[1];
  if (units < 1 || depth < 1)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("filter has an empty dimension"));
  // Verified tensors have fewer than 2^31 elements.
  const int32_t input_size = static_cast<int32_t>(input.shape.FlatSize());
  if (input_size % depth != 0)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input size is not a multiple of the filter depth; size"),
                    input_size);
  const int32_t batches = input_size / depth;
  if (output.shape.rank < 1 || output.shape.dims[output.shape.rank - 1] != units)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output's last dimension differs from the filter's units"),
                    output.shape.rank < 1 ? -1 : output.shape.dims[output.shape.rank - 1]);
  if (output.shape.FlatSize() != static_cast<int64_t>(batches) * units)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output size differs from batches * units; size"),
                    output.shape.FlatSize());

  if (has_bias) {
    const TensorMeta bias = ctx.input_meta(kBias);
    const TensorType want =
        kInt8Only || input.type == TensorType::kInt8 ? TensorType::kInt32 : TensorType::kFloat32;
    if (bias.type != want)
      return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("bias type must be int32 (int8 op) or float32; type"),
                      static_cast<int>(bias.type));
    if (bias.shape.FlatSize() != units)
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("bias length differs from the filter's units; length"),
                      bias.shape.FlatSize());
  }

  ref::FullyConnectedParams& p = s->params;
  p.batches = batches;
  p.accum_depth = depth;
  p.output_depth = units;
  if (!kInt8Only && input.type == TensorType::kFloat32)
    return ActivationRangeFloat(ctx, activation, &p.float_min, &p.float_max);

  TINYML_RETURN_IF_ERROR(CheckActivationQuantS8(ctx, input, false, TINYML_MSG("int8 input has no quantization"),
                                              TINYML_MSG("int8 input quantization unusable (scale or zero point)")));
  TINYML_RETURN_IF_ERROR(CheckActivationQuantS8(ctx, output, false, TINYML_MSG("int8 output has no quantization"),
                                              TINYML_MSG("int8 output quantization unusable (scale or zero point)")));
  if (filter.quant.count < 1) return ctx.Fail(Status::kInvalidModel, TINYML_MSG("int8 filter has no quantization"));
  const float input_scale = input.quant.scale(0);
  const float output_scale = output.quant.scale(0);
  p.input_offset = -static_cast<int32_t>(input.quant.zero_point(0));
  p.output_offset = static_cast<int32_t>(output.quant.zero_point(0));
  TINYML_RETURN_IF_ERROR(
      ActivationRangeQuantized(ctx, activation, output_scale, p.output_offset, -128, 127, &p.quantized_min,
                               &p.quantized_max));

  s->per_channel = filter.quant.count > 1;
  if (s->per_channel) {
    if (filter.quant.quantized_dimension != 0 || filter.quant.count != units)
      return ctx.Fail(Status::kInvalidModel,
                      TINYML_MSG("per-channel filter must be quantized along dimension 0, one scale per unit; scales"),
                      filter.quant.count);
    s->num_channels = units;
    for (int32_t i = 0; i < units; ++i) {
      int32_t m = 0, sh = 0;
      // As TFLite's per-channel path: the product in double.
      const double real = static_cast<double>(input_scale) * static_cast<double>(filter.quant.scale(i)) /
                          static_cast<double>(output_scale);
      TINYML_RETURN_IF_ERROR(OutputMultiplier(ctx, real, &m, &sh));
      if (multipliers != nullptr) {
        multipliers[i] = m;
        shifts[i] = sh;
      }
    }
    return Status::kOk;
  }

  const int64_t filter_zp = filter.quant.zero_point(0);
  if (filter_zp < -128 || filter_zp > 127)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("filter zero point outside int8"), filter_zp);
  p.filter_offset = -static_cast<int32_t>(filter_zp);
  const float filter_scale = filter.quant.scale(0);
  if (has_bias) {
    // TFLite's tolerance between the bias scale and input*filter scales.
    const TensorMeta bias = ctx.input_meta(kBias);
    const double product = static_cast<double>(input_scale) * static_cast<double>(filter_scale);
    const double bias_scale = bias.quant.count > 0 ? static_cast<double>(bias.quant.scale(0)) : 0.0;
    const double diff = product > bias_scale ? product - bias_scale : bias_scale - product;
    if (!(diff / static_cast<double>(output_scale) <= 0.02))
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("bias scale differs from input scale * filter scale"));
  }
  // As TFLite's per-tensor path (GetQuantizedConvolutionMultipler): the
  // product input_scale * filter_scale rounded to float, then divided in
  // double. It differs from the double product in the multiplier's low
  // bits on most models (tests/kernels/fully_connected_test.cc).
  const double real = static_cast<double>(input_scale * filter_scale) / static_cast<double>(output_scale);
  return OutputMultiplier(ctx, real, &p.output_multiplier, &p.output_shift);
}

template <bool kInt8Only>
Status Plan(OpContext& ctx, OpMemory* memory) {
  FullyConnectedSetup s;
  TINYML_RETURN_IF_ERROR(Setup<kInt8Only>(ctx, &s, nullptr, nullptr));
  uint32_t bytes = sizeof(FullyConnectedOpData);
  if (s.per_channel) bytes += 2u * sizeof(int32_t) * static_cast<uint32_t>(s.num_channels);
  memory->persistent_bytes = bytes;
  memory->scratch_bytes = Int4UnpackBytes(ctx, kFilter);
  return Status::kOk;
}

}  // namespace

Status PlanFullyConnected(OpContext& ctx, OpMemory* memory) { return Plan<false>(ctx, memory); }
Status PlanFullyConnectedS8(OpContext& ctx, OpMemory* memory) { return Plan<true>(ctx, memory); }

Status SetupFullyConnectedS8(OpContext& ctx, ref::FullyConnectedParams* params) {
  FullyConnectedSetup s;
  TINYML_RETURN_IF_ERROR(Setup<true>(ctx, &s, nullptr, nullptr));
  *params = s.params;
  return Status::kOk;
}

namespace {

template <bool kInt8Only>
Status Prepare(OpContext& ctx) {
  FullyConnectedOpData* data = ctx.op_data_as<FullyConnectedOpData>();
  FullyConnectedSetup s;
  TINYML_RETURN_IF_ERROR(Setup<kInt8Only>(ctx, &s, nullptr, nullptr));
  data->params = s.params;
  data->per_channel = s.per_channel ? 1 : 0;
  data->num_channels = s.num_channels;
  // Second pass fills the arrays, whose place depends on num_channels.
  if (s.per_channel) return Setup<kInt8Only>(ctx, &s, Multipliers(data), Shifts(data));
  return Status::kOk;
}

Status EvalS8(OpContext& ctx) {
  FullyConnectedOpData* data = ctx.op_data_as<FullyConnectedOpData>();
  const int32_t* bias = ctx.has_input(kBias) ? ctx.input_data<int32_t>(kBias) : nullptr;
  const int8_t* filter = Int8Weights(ctx, kFilter, ctx.scratch());
  if (data->per_channel != 0) {
    ref::FullyConnectedPerChannelS8(data->params, Multipliers(data), Shifts(data), ctx.input_data<int8_t>(kInput),
                                    filter, bias, ctx.output_data<int8_t>(0));
  } else {
    ref::FullyConnectedS8(data->params, ctx.input_data<int8_t>(kInput), filter, bias,
                          ctx.output_data<int8_t>(0));
  }
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  if (ctx.input(kInput).type == TensorType::kInt8) return EvalS8(ctx);
  const FullyConnectedOpData* data = ctx.op_data_as<FullyConnectedOpData>();
  ref::FullyConnectedF32(data->params, ctx.input_data<float>(kInput), ctx.input_data<float>(kFilter),
                         ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr, ctx.output_data<float>(0));
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_FULLY_CONNECTED_INT8() {
  static const OpRegistration kRegistration = {"FULLY_CONNECTED", PlanFullyConnectedS8, Prepare<true>, EvalS8, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

const OpRegistration* Register_FULLY_CONNECTED() {
  static const OpRegistration kRegistration = {"FULLY_CONNECTED", PlanFullyConnected, Prepare<false>, Eval, nullptr,
                                               kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
