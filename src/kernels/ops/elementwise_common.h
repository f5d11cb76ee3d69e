// Glue helpers shared by the elementwise ops (ADD, SUB, MUL, DIV, MINIMUM,
// MAXIMUM, RELU, RELU6, LEAKY_RELU, QUANTIZE, DEQUANTIZE, CAST): arity,
// type-naming failures, per-tensor quantization, broadcast shapes.
#ifndef TINYML_KERNELS_OPS_ELEMENTWISE_COMMON_H_
#define TINYML_KERNELS_OPS_ELEMENTWISE_COMMON_H_

#include <stdint.h>

#include "kernels/ops/op_common.h"
#include "kernels/ref/broadcast.h"
#include "kernels/ref/scale_util.h"
#include "tinyml/message.h"
#include "tinyml/op.h"

namespace tinyml {

// Exactly `inputs` inputs (none omitted) and `outputs` outputs.
inline Status CheckArity(OpContext& ctx, int inputs, int outputs) {
  if (ctx.num_inputs() != inputs)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("wrong number of inputs:"), ctx.num_inputs());
  for (int i = 0; i < inputs; ++i)
    if (!ctx.has_input(i)) return ctx.Fail(Status::kInvalidModel, TINYML_MSG("missing input"), i);
  if (ctx.num_outputs() != outputs)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("wrong number of outputs:"), ctx.num_outputs());
  return Status::kOk;
}

// Fails with "<what> INT8 -> FLOAT32" style messages naming the types.
inline Status FailTypes(OpContext& ctx, Status status, const char* what, TensorType a, TensorType b) {
  char text[112];
  MessageBuilder msg(text, sizeof(text));
  msg.Add(what).Add(" ").Add(TensorTypeName(a)).Add(TINYML_MSG(" -> ")).Add(TensorTypeName(b));
  return ctx.Fail(status, text);
}

inline Status FailType(OpContext& ctx, Status status, const char* what, TensorType a) {
  char text[112];
  MessageBuilder msg(text, sizeof(text));
  msg.Add(what).Add(" ").Add(TensorTypeName(a));
  return ctx.Fail(status, text);
}

// Limits of the integer types quantized tensors use; false for others.
inline bool QuantizedTypeRange(TensorType type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case TensorType::kInt8: *lo = -128; *hi = 127; return true;
    case TensorType::kUInt8: *lo = 0; *hi = 255; return true;
    case TensorType::kInt16: *lo = -32768; *hi = 32767; return true;
    case TensorType::kInt32: *lo = INT32_MIN; *hi = INT32_MAX; return true;
    default: return false;
  }
}

struct PerTensorQuant {
  float scale = 0.0f;
  int32_t zero_point = 0;
};

// The tensor's (first) scale and zero point, as TFLite Micro reads them.
// Requires quantization to be present, the scale finite and positive and
// the zero point inside the tensor type's range.
inline Status ReadQuant(OpContext& ctx, const TensorMeta& t, const char* which, PerTensorQuant* q) {
  if (t.quant.count < 1) return FailType(ctx, Status::kInvalidModel, which, t.type);
  q->scale = t.quant.scale(0);
  if (!ref::ScaleOk(q->scale))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("quantization scale must be finite and > 0"));
  const int64_t zp = t.quant.zero_point(0);
  int32_t lo = 0;
  int32_t hi = 0;
  if (!QuantizedTypeRange(t.type, &lo, &hi)) return FailType(ctx, Status::kUnsupportedType, which, t.type);
  if (zp < lo || zp > hi)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("zero point outside the tensor type's range:"), zp);
  q->zero_point = static_cast<int32_t>(zp);
  return Status::kOk;
}

// The output shape must be exactly the broadcast of the two input shapes.
inline Status CheckBroadcast(OpContext& ctx, const Shape& a, const Shape& b, const Shape& out) {
  Shape expected;
  if (!ref::BroadcastShape(a, b, &expected))
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input shapes cannot be broadcast together"));
  if (expected != out)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output shape differs from the broadcast input shape"));
  return Status::kOk;
}

// Same number of elements (TFLite's MatchingFlatSize).
inline Status CheckSameSize(OpContext& ctx, const TensorMeta& in, const TensorMeta& out) {
  if (in.shape.FlatSize() != out.shape.FlatSize())
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input and output sizes differ; output elements"),
                    out.shape.FlatSize());
  return Status::kOk;
}

// Two inputs of one type broadcast to one output of the same type.
struct BinaryTensors {
  TensorMeta in1;
  TensorMeta in2;
  TensorMeta out;
};

inline Status CheckBinary(OpContext& ctx, BinaryTensors* t) {
  TINYML_RETURN_IF_ERROR(CheckArity(ctx, 2, 1));
  t->in1 = ctx.input_meta(0);
  t->in2 = ctx.input_meta(1);
  t->out = ctx.output_meta(0);
  if (t->in1.type != t->in2.type)
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("input types differ:"), t->in1.type, t->in2.type);
  if (t->out.type != t->in1.type)
    return FailTypes(ctx, Status::kUnsupportedType, TINYML_MSG("input and output types differ:"), t->in1.type,
                     t->out.type);
  return CheckBroadcast(ctx, t->in1.shape, t->in2.shape, t->out.shape);
}

// Reads the three tensors' quantization for a quantized binary op.
inline Status ReadBinaryQuant(OpContext& ctx, const BinaryTensors& t, PerTensorQuant* q1, PerTensorQuant* q2,
                              PerTensorQuant* qo) {
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, t.in1, TINYML_MSG("input 0 lacks quantization; type"), q1));
  TINYML_RETURN_IF_ERROR(ReadQuant(ctx, t.in2, TINYML_MSG("input 1 lacks quantization; type"), q2));
  return ReadQuant(ctx, t.out, TINYML_MSG("output lacks quantization; type"), qo);
}

// TFLite Micro's int32 arithmetic accepts unquantized tensors only.
inline Status CheckUnquantized(OpContext& ctx, const BinaryTensors& t) {
  if (t.in1.quant.count != 0 || t.in2.quant.count != 0 || t.out.quant.count != 0)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("quantized INT32 tensors are not supported"));
  return Status::kOk;
}

inline Status FailScales(OpContext& ctx) {
  return ctx.Fail(Status::kInvalidModel,
                  TINYML_MSG("quantization scales give a rescale factor outside the integer kernel's range"));
}

// TFLite's CalculateActivationRange for int32 outputs.
inline Status ActivationRangeInt32(OpContext& ctx, Activation act, int32_t* lo, int32_t* hi) {
  switch (act) {
    case Activation::kNone: *lo = INT32_MIN; *hi = INT32_MAX; return Status::kOk;
    case Activation::kRelu: *lo = 0; *hi = INT32_MAX; return Status::kOk;
    case Activation::kRelu6: *lo = 0; *hi = 6; return Status::kOk;
    case Activation::kReluN1To1: *lo = -1; *hi = 1; return Status::kOk;
    default:
      return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("unsupported fused activation"), static_cast<int>(act));
  }
}

// The fused activation of ADD/SUB/MUL/DIV options (field 0 in each).
inline Status ReadFusedActivation(OpContext& ctx, uint8_t options_tag, Activation* act) {
  FbTable options;
  TINYML_RETURN_IF_ERROR(GetOptions(ctx, options_tag, &options));
  *act = static_cast<Activation>(options.ok() ? options.Scalar<int8_t>(0, 0) : 0);
  return Status::kOk;
}

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_ELEMENTWISE_COMMON_H_
