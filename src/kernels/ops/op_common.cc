#include "kernels/ops/op_common.h"

#include <float.h>

namespace tinyml {

int32_t QuantizeForActivation(float f, float scale, int32_t zero_point) {
  // TFLite: zero_point + (int)round(f / scale), the quotient a float.
  // Rounded in float, exactly: beyond 2^24 every float is an integer (and
  // far outside any quantized range, so it is clamped there); below, the
  // truncation t and q - t are exact, and round-half-away adds one step
  // when |q - t| >= 0.5.
  float q = f / scale;
  if (q > 16777216.0f) q = 16777216.0f;
  if (q < -16777216.0f) q = -16777216.0f;
  int32_t r = static_cast<int32_t>(q);
  const float fraction = q - static_cast<float>(r);
  if (fraction >= 0.5f) ++r;
  if (fraction <= -0.5f) --r;
  return zero_point + r;
}

Status ActivationRangeQuantized(OpContext& ctx, Activation act, float scale, int32_t zero_point, int32_t qmin,
                                int32_t qmax, int32_t* act_min, int32_t* act_max) {
  // Real bounds by kind: RELU [0, inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1];
  // NONE none. (Tests rather than a switch: GCC's table conversion of the
  // switch took more flash.)
  if (act != Activation::kNone && act != Activation::kRelu && act != Activation::kRelu6 &&
      act != Activation::kReluN1To1)
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("unsupported fused activation"), static_cast<int>(act));
  *act_min = qmin;
  *act_max = qmax;
  if (act == Activation::kNone) return Status::kOk;
  const int32_t low = QuantizeForActivation(act == Activation::kReluN1To1 ? -1.0f : 0.0f, scale, zero_point);
  if (low > qmin) *act_min = low;
  if (act == Activation::kRelu) return Status::kOk;
  const int32_t high = QuantizeForActivation(act == Activation::kRelu6 ? 6.0f : 1.0f, scale, zero_point);
  if (high < qmax) *act_max = high;
  return Status::kOk;
}

Status ActivationRangeFloat(OpContext& ctx, Activation act, float* act_min, float* act_max) {
  switch (act) {
    case Activation::kNone:
      *act_min = -FLT_MAX;
      *act_max = FLT_MAX;
      return Status::kOk;
    case Activation::kRelu:
      *act_min = 0.0f;
      *act_max = FLT_MAX;
      return Status::kOk;
    case Activation::kRelu6:
      *act_min = 0.0f;
      *act_max = 6.0f;
      return Status::kOk;
    case Activation::kReluN1To1:
      *act_min = -1.0f;
      *act_max = 1.0f;
      return Status::kOk;
    default:
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("unsupported fused activation"), static_cast<int>(act));
  }
}

Status CheckActivationQuantS8(OpContext& ctx, const TensorMeta& t, bool one_scale, const char* what_scale,
                              const char* what_zp) {
  const int32_t n = t.quant.count;
  if (n < 1 || (one_scale && n != 1))
    return one_scale ? ctx.Fail(Status::kInvalidModel, what_scale, n) : ctx.Fail(Status::kInvalidModel, what_scale);
  const float scale = t.quant.scale(0);
  const int64_t zp = t.quant.zero_point(0);
  if (!(scale > 0.0f))  // finite: Model::Load
    return one_scale ? ctx.Fail(Status::kInvalidModel, what_scale, n) : ctx.Fail(Status::kInvalidModel, what_zp, zp);
  if (zp < -128 || zp > 127) return ctx.Fail(Status::kInvalidModel, what_zp, zp);
  return Status::kOk;
}

void UnpackInt4(const uint8_t* packed, int64_t count, int8_t* out) {
  // A byte at a time, 32-bit indices (verified tensors hold < 2^31
  // elements): two sign-extending bit-field extracts (SBFX on Cortex-M).
  const uint32_t pairs = static_cast<uint32_t>(count) / 2;
  const uint8_t* const end = packed + pairs;
  while (packed != end) {
    const uint32_t byte = *packed++;
    out[0] = static_cast<int8_t>(static_cast<int32_t>(byte << 28) >> 28);
    out[1] = static_cast<int8_t>(static_cast<int32_t>(byte << 24) >> 28);
    out += 2;
  }
  if (count % 2 != 0) *out = Int4At(packed, 0);
}

uint32_t Int4UnpackBytes(const OpContext& ctx, int index) {
  const TensorMeta t = ctx.input_meta(index);
  return t.type == TensorType::kInt4 ? static_cast<uint32_t>(t.shape.FlatSize()) : 0;  // verified < 2^31
}

const int8_t* Int8Weights(const OpContext& ctx, int index, void* scratch) {
  const Tensor& t = ctx.input(index);
  if (t.type != TensorType::kInt4) return ctx.input_data<int8_t>(index);
  int8_t* out = static_cast<int8_t*>(scratch);
  UnpackInt4(static_cast<const uint8_t*>(t.data), t.FlatSize(), out);
  return out;
}

Status RequireInt8Input(OpContext& ctx, int index) {
  const TensorType type = ctx.input_meta(index).type;
  if (type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("int8-only registration; input type"),
                    static_cast<int>(type));
  return Status::kOk;
}

}  // namespace tinyml
