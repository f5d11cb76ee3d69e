// Builtin operator codes (values from the .tflite schema) and the
// registrations tinyml provides for them.
#ifndef TINYML_BUILTIN_OPS_H_
#define TINYML_BUILTIN_OPS_H_

#include <stdint.h>

namespace tinyml {

struct OpRegistration;

enum class BuiltinOp : int32_t {
  kAdd = 0,
  kAveragePool2d = 1,
  kConcatenation = 2,
  kConv2d = 3,
  kDepthwiseConv2d = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2d = 17,
  kMul = 18,
  kRelu = 19,
  kRelu6 = 21,
  kReshape = 22,
  kSoftmax = 25,
  kTanh = 28,
  kCustom = 32,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kDiv = 42,
  kStridedSlice = 45,
  kCast = 53,
  kMaximum = 55,
  kMinimum = 57,
  kLeakyRelu = 98,
  kQuantize = 114,
};

// Schema name of any builtin code ("CONV_2D"), or "UNKNOWN".
const char* BuiltinOpName(int32_t code);

// Registrations of the reference kernels. Only those a resolver adds are
// linked into a firmware.
const OpRegistration* Register_ADD();
const OpRegistration* Register_AVERAGE_POOL_2D();
const OpRegistration* Register_CAST();
const OpRegistration* Register_CONCATENATION();
const OpRegistration* Register_CONV_2D();
const OpRegistration* Register_DEPTHWISE_CONV_2D();
const OpRegistration* Register_DEQUANTIZE();
const OpRegistration* Register_DIV();
const OpRegistration* Register_FULLY_CONNECTED();
const OpRegistration* Register_LEAKY_RELU();
const OpRegistration* Register_LOGISTIC();
const OpRegistration* Register_MAX_POOL_2D();
const OpRegistration* Register_MAXIMUM();
const OpRegistration* Register_MEAN();
const OpRegistration* Register_MINIMUM();
const OpRegistration* Register_MUL();
const OpRegistration* Register_PAD();
const OpRegistration* Register_QUANTIZE();
const OpRegistration* Register_RELU();
const OpRegistration* Register_RELU6();
const OpRegistration* Register_RESHAPE();
const OpRegistration* Register_SOFTMAX();
const OpRegistration* Register_STRIDED_SLICE();
const OpRegistration* Register_SUB();
const OpRegistration* Register_TANH();
const OpRegistration* Register_TRANSPOSE();

// int8-only registrations, like TFLM's Register_X_INT8: for an int8 model
// the same validation, results and error messages as the generic ones
// above; any other input type fails Prepare() with kUnsupportedType
// ("int8-only registration"). A firmware whose model is int8 registers
// these so it links no float (or int16) code for them. SOFTMAX_INT8 is
// int8 -> int8 only.
const OpRegistration* Register_AVERAGE_POOL_2D_INT8();
const OpRegistration* Register_CONV_2D_INT8();
const OpRegistration* Register_DEPTHWISE_CONV_2D_INT8();
const OpRegistration* Register_FULLY_CONNECTED_INT8();
const OpRegistration* Register_MAX_POOL_2D_INT8();
const OpRegistration* Register_SOFTMAX_INT8();

}  // namespace tinyml

#endif  // TINYML_BUILTIN_OPS_H_
