// Plan, prepare and eval shared by LOGISTIC and TANH (float32 and int8):
// same validation, the same int8 constants, different kernels.
#ifndef TINYML_KERNELS_OPS_SIGMOID_TANH_COMMON_H_
#define TINYML_KERNELS_OPS_SIGMOID_TANH_COMMON_H_

#include <stdint.h>

#include "kernels/ref/activations.h"
#include "tinyml/op.h"

namespace tinyml {

struct SigmoidTanhOp {
  // LOGISTIC: as TFLite Micro, an int8 output must have zero point -128.
  // TANH leaves the int8 output quantization unchecked.
  bool requires_output_zero_point_minus_128;
  void (*kernel_s8)(const ref::SigmoidTanhParams& params, int64_t size, const int8_t* input, int8_t* output);
  void (*kernel_f32)(int64_t size, const float* input, float* output);
};

Status SigmoidTanhPlan(OpContext& ctx, const SigmoidTanhOp& op, OpMemory* memory);
Status SigmoidTanhPrepare(OpContext& ctx, const SigmoidTanhOp& op);
Status SigmoidTanhEval(OpContext& ctx, const SigmoidTanhOp& op);

}  // namespace tinyml

#endif  // TINYML_KERNELS_OPS_SIGMOID_TANH_COMMON_H_
