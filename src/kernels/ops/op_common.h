// Shared glue for op registrations: options fields, fused activations,
// padding. Semantics follow TFLite's kernel_util / padding helpers.
#ifndef TINYML_KERNELS_OPS_OP_COMMON_H_
#define TINYML_KERNELS_OPS_OP_COMMON_H_

#include <stdint.h>

#include "tinyml/op.h"

namespace tinyml {

// .tflite enums.
enum class Padding : int8_t { kSame = 0, kValid = 1 };
enum class Activation : int8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4, kSignBit = 5 };

// BuiltinOptions union tags used by the implemented ops.
namespace options_type {
enum : uint8_t {
  kConv2d = 1, kDepthwiseConv2d = 2, kPool2d = 5, kFullyConnected = 8, kSoftmax = 9,
  kConcatenation = 10, kAdd = 11, kReshape = 17, kMul = 21, kPad = 22, kTranspose = 26,
  kReducer = 27, kSub = 28, kDiv = 29, kStridedSlice = 32, kCast = 37, kDequantize = 38,
  kMaximumMinimum = 39, kLeakyRelu = 75, kQuantize = 89,
};
}

// Returns the op's builtin options table if its union tag is `expected`;
// !ok() when the op has no options (callers then use schema defaults).
// Fails if the tag names a different options type.
inline Status GetOptions(OpContext& ctx, uint8_t expected, FbTable* options) {
  const OperatorMeta op = ctx.op();
  *options = FbTable();
  if (op.options_type == 0 || !op.options.ok()) return Status::kOk;
  if (op.options_type != expected)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("builtin options of the wrong type, tag"), op.options_type);
  *options = op.options;
  return Status::kOk;
}

// INT4 weights, as TFLite packs them: two values a byte, the first in the
// low nibble, each sign-extended (-8..7). CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED with int8 activations accept them and, as TFLite Micro
// does, unpack them into scratch before every eval and run the int8 kernel,
// so results equal the int8 model with the same values.
inline int8_t Int4At(const uint8_t* packed, int64_t i) {
  const int32_t nibble = (i & 1) != 0 ? packed[i >> 1] >> 4 : packed[i >> 1] & 0x0f;
  return static_cast<int8_t>(nibble >= 8 ? nibble - 16 : nibble);
}
void UnpackInt4(const uint8_t* packed, int64_t count, int8_t* out);
// Scratch bytes to unpack input `index` (0 unless it is INT4).
uint32_t Int4UnpackBytes(const OpContext& ctx, int index);
// Input `index` as int8 values: its data, or INT4 unpacked into `scratch`
// (Int4UnpackBytes of it).
const int8_t* Int8Weights(const OpContext& ctx, int index, void* scratch);
// An optimized kernel's scratch of `kernel_bytes` followed, 4-aligned, by
// `unpacked` bytes for int4 weights (none when 0), and where those start.
inline uint32_t ScratchWithInt4(uint32_t kernel_bytes, uint32_t unpacked) {
  return unpacked == 0 ? kernel_bytes : ((kernel_bytes + 3u) & ~3u) + unpacked;
}
inline void* Int4Scratch(void* scratch, uint32_t kernel_bytes) {
  return static_cast<char*>(scratch) + ((kernel_bytes + 3u) & ~3u);
}

// Exactly one input (present) and one output.
inline Status CheckOneInputOneOutput(OpContext& ctx) {
  if (ctx.num_inputs() != 1 || !ctx.has_input(0))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 input; inputs given:"), ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  return Status::kOk;
}

// One input and one output of the same type, float32 or int8 (LOGISTIC,
// TANH, the pooling ops).
inline Status CheckUnaryFloatOrInt8(OpContext& ctx, TensorMeta* input, TensorMeta* output) {
  TINYML_RETURN_IF_ERROR(CheckOneInputOneOutput(ctx));
  *input = ctx.input_meta(0);
  *output = ctx.output_meta(0);
  if (input->type != TensorType::kFloat32 && input->type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input type not supported (float32, int8 only); type"),
                    static_cast<int>(input->type));
  if (output->type != input->type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("output type differs from the input type; output type"),
                    static_cast<int>(output->type));
  return Status::kOk;
}

// For the int8-only registrations (Register_*_INT8): input `index` must be
// int8. The generic checks that follow tie the other tensors' types to it.
Status RequireInt8Input(OpContext& ctx, int index);

// An int8 activation tensor's quantization: a finite positive scale (exactly
// one when one_scale, else at least one) and a zero point in [-128, 127];
// kInvalidModel otherwise. Messages: what_scale for the count (and, with
// one_scale, the scale), what_zp for the zero point (and, without, the scale).
Status CheckActivationQuantS8(OpContext& ctx, const TensorMeta& t, bool one_scale, const char* what_scale,
                              const char* what_zp);

// zero_point + round(f / scale) (half away from zero, the quotient a float),
// TFLite's quantization of an activation bound. Quotients beyond +-2^24 are
// clamped there (any quantized range clamps them anyway).
int32_t QuantizeForActivation(float f, float scale, int32_t zero_point);

// Clamp range of a fused activation on a quantized output, as TFLite's
// CalculateActivationRangeQuantized (the bounds computed in float, rounded
// half away from zero). qmin/qmax: the type's limits.
Status ActivationRangeQuantized(OpContext& ctx, Activation act, float scale, int32_t zero_point, int32_t qmin,
                                int32_t qmax, int32_t* act_min, int32_t* act_max);

// The float clamp of a fused activation.
Status ActivationRangeFloat(OpContext& ctx, Activation act, float* act_min, float* act_max);

// TFLite's ComputeOutSize.
inline int32_t ComputeOutSize(Padding padding, int32_t image_size, int32_t filter_size, int32_t stride,
                              int32_t dilation = 1) {
  const int32_t effective_filter = (filter_size - 1) * dilation + 1;
  if (stride <= 0) return 0;
  if (padding == Padding::kSame) return (image_size + stride - 1) / stride;
  return (image_size + stride - effective_filter) / stride;
}

// TFLite's ComputePaddingWithOffset; returns the leading padding.
inline int32_t ComputePadding(int32_t stride, int32_t dilation, int32_t in_size, int32_t filter_size,
                              int32_t out_size, int32_t* offset = nullptr) {
  const int32_t effective_filter = (filter_size - 1) * dilation + 1;
  int32_t total = (out_size - 1) * stride + effective_filter - in_size;
  total = total > 0 ? total : 0;
  if (offset != nullptr) *offset = total % 2;
  return total / 2;
}

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_OP_COMMON_H_
