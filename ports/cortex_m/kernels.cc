#include "kernels.h"

#include "tinyml/signal_ops.h"

#if TINYML_KERNELS_CORTEX_M
#include "kernels/cortex_m/cortex_m_ops.h"
#endif

namespace tinyml {

Status PortAddAllKernels(PortResolver& resolver) {
#if TINYML_KERNELS_CORTEX_M
  // First come wins: AddBuiltin keeps an op that is already registered.
  TINYML_RETURN_IF_ERROR(AddCortexMBuiltins(resolver));
#endif
  TINYML_RETURN_IF_ERROR(AddAllBuiltins(resolver));
  return AddSignalOps(resolver);
}

namespace {

bool AllUsesInt8(const Model& model, BuiltinOp op) {
  bool any = false;
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorMeta m = model.op(i);
    if (m.builtin_code != static_cast<int32_t>(op)) continue;
    any = true;
    if (m.num_inputs < 1 || m.inputs[0] < 0 || model.tensor(m.inputs[0]).type != TensorType::kInt8) return false;
    if (op == BuiltinOp::kSoftmax &&
        (m.num_outputs < 1 || model.tensor(m.outputs[0]).type != TensorType::kInt8))
      return false;
  }
  return any;
}

}  // namespace

Status PortAddInt8Kernels(const Model& model, PortResolver& resolver) {
  const struct {
    BuiltinOp op;
    const OpRegistration* (*reg)();
  } kInt8[] = {
#if TINYML_KERNELS_CORTEX_M
      // Optimized first: the first registration of an op wins.
      {BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_CORTEX_M_INT8},
      {BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M_INT8},
      {BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8},
      {BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M_INT8},
      {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_CORTEX_M_INT8},
#endif
      {BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_INT8},
      {BuiltinOp::kConv2d, Register_CONV_2D_INT8},
      {BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_INT8},
      {BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_INT8},
      {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_INT8},
      {BuiltinOp::kSoftmax, Register_SOFTMAX_INT8},
  };
  for (const auto& e : kInt8)
    if (AllUsesInt8(model, e.op)) TINYML_RETURN_IF_ERROR(resolver.AddBuiltin(e.op, e.reg()));
  return PortAddAllKernels(resolver);
}

const char* PortKernelSet() {
#if TINYML_KERNELS_CORTEX_M
  return "cortex_m";
#else
  return "ref";
#endif
}

}  // namespace tinyml
