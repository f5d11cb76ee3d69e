// QUANTIZE glue for kernels/ref/quantize.h: float -> int8/int16, and the
// integer requantizations TFLite Micro supports.
#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/quantize.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

struct QuantizeOpData {
  float output_scale;
  int32_t output_zero_point;
  int32_t input_zero_point;
  int32_t multiplier;
  int32_t shift;
};

bool IsRequantizePair(TensorType in, TensorType out) {
  switch (in) {
    case TensorType::kInt8:
      return out == TensorType::kInt8 || out == TensorType::kUInt8 || out == TensorType::kInt16 ||
             out == TensorType::kInt32;
    case TensorType::kUInt8:
      return out == TensorType::kInt8;
    case TensorType::kInt16:
      return out == TensorType::kInt8 || out == TensorType::kInt16 || out == TensorType::kInt32;
    case TensorType::kInt32:
      return out == TensorType::kInt8 || out == TensorType::kInt16;
    default:
      return false;
  }
}

Status Setup(OpContext& ctx, QuantizeOpData* d) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 1, 1));
  const TensorMeta in = ctx.input_meta(0);
  const TensorMeta out = ctx.output_meta(0);
  const bool from_float =
      in.type == TensorType::kFloat32 && (out.type == TensorType::kInt8 || out.type == TensorType::kInt16);
  if (!from_float && !IsRequantizePair(in.type, out.type))
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("unsupported type pair"), in.type, out.type);
  TINYML_RETURN_IF_ERROR(CheckSameSize(ctx, in, out));
  if (out.quant.count != 1)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("output needs per-tensor quantization; scales:"),
                    out.quant.count);
  PerTensorQuant qo;
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, out, TINYML_MSG("output lacks quantization; type"), &qo));
  d->output_scale = qo.scale;
  d->output_zero_point = qo.zero_point;
  d->input_zero_point = 0;
  d->multiplier = 0;
  d->shift = 0;
  if (from_float) return Status::kOk;
  PerTensorQuant qi;
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, in, TINYML_MSG("input lacks quantization; type"), &qi));
  d->input_zero_point = qi.zero_point;
  if (!ref::PrepareRequantize(qi.scale, qo.scale, &d->multiplier, &d->shift)) return FailScales(ctx);
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  QuantizeOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(QuantizeOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<QuantizeOpData>()); }

template <typename In, typename Out>
void Requantize(OpContext& ctx, const QuantizeOpData& d, int64_t lo, int64_t hi) {
  ref::Requantize(ctx.input_data<In>(0), ctx.input(0).FlatSize(), d.multiplier, d.shift, d.input_zero_point,
                  d.output_zero_point, ctx.output_data<Out>(0), lo, hi);
}

template <typename In>
void RequantizeFrom(OpContext& ctx, const QuantizeOpData& d, TensorType out) {
  switch (out) {
    case TensorType::kInt8: Requantize<In, int8_t>(ctx, d, -128, 127); break;
    case TensorType::kUInt8: Requantize<In, uint8_t>(ctx, d, 0, 255); break;
    case TensorType::kInt16: Requantize<In, int16_t>(ctx, d, -32768, 32767); break;
    default: Requantize<In, int32_t>(ctx, d, INT32_MIN, INT32_MAX); break;
  }
}

Status Eval(OpContext& ctx) {
  const QuantizeOpData& d = *ctx.op_data_as<QuantizeOpData>();
  const Tensor& in = ctx.input(0);
  const TensorType out = ctx.output(0).type;
  switch (in.type) {
    case TensorType::kFloat32:
      if (out == TensorType::kInt8) {
        ref::QuantizeF32ToS8(ctx.input_data<float>(0), in.FlatSize(), d.output_scale, d.output_zero_point,
                             ctx.output_data<int8_t>(0));
      } else {
        ref::QuantizeF32ToS16(ctx.input_data<float>(0), in.FlatSize(), d.output_scale, d.output_zero_point,
                              ctx.output_data<int16_t>(0));
      }
      break;
    case TensorType::kInt8: RequantizeFrom<int8_t>(ctx, d, out); break;
    case TensorType::kUInt8: RequantizeFrom<uint8_t>(ctx, d, out); break;
    case TensorType::kInt16: RequantizeFrom<int16_t>(ctx, d, out); break;
    default: RequantizeFrom<int32_t>(ctx, d, out); break;
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_QUANTIZE() {
  static const OpRegistration kRegistration = {"QUANTIZE", Plan, Prepare, Eval, nullptr, kOpFlagOutputMayOverwriteInput0};
  return &kRegistration;
}

}  // namespace tinyml
