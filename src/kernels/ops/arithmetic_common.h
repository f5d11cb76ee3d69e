// Plan, prepare and eval shared by ADD, SUB, MUL and DIV: two inputs of one
// type broadcast to an output of that type, with a fused activation. Each
// op's glue describes what sets it apart in an ArithmeticOp and forwards its
// registration's functions to the ones here.
#ifndef TINYML_KERNELS_OPS_ARITHMETIC_COMMON_H_
#define TINYML_KERNELS_OPS_ARITHMETIC_COMMON_H_

#include <stdint.h>

#include "kernels/ops/elementwise_common.h"
#include "kernels/ref/binary.h"
#include "tinyml/op.h"

namespace tinyml {

template <typename T>
using ArithmeticKernel = void (*)(const ref::ArithmeticParams& params, const Shape& shape1, const T* in1,
                                  const Shape& shape2, const T* in2, const Shape& out_shape, T* out);

struct ArithmeticOp {
  uint8_t options_tag;
  // Names the supported types when the output type is not one of them.
  const char* unsupported_type_message;
  // Quantized (int8, and int16 where kernel_s16 is set) rescale constants
  // into `params`; fails with the op's message when TFLite would reject them.
  Status (*prepare_quantized)(OpContext& ctx, TensorType type, const PerTensorQuant& q1, const PerTensorQuant& q2,
                              const PerTensorQuant& qo, ref::ArithmeticParams* params);
  // false: the int32 kernel ignores the fused activation (TFLite Micro's ADD).
  bool int32_applies_activation;
  ArithmeticKernel<int8_t> kernel_s8;
  ArithmeticKernel<int16_t> kernel_s16;  // nullptr: INT16 unsupported
  ArithmeticKernel<int32_t> kernel_s32;
  ArithmeticKernel<float> kernel_f32;
};

Status ArithmeticPlan(OpContext& ctx, const ArithmeticOp& op, OpMemory* memory);
Status ArithmeticPrepare(OpContext& ctx, const ArithmeticOp& op);
Status ArithmeticEval(OpContext& ctx, const ArithmeticOp& op);

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_ARITHMETIC_COMMON_H_
