// Stand-in op registrations for testing the inspection and arena code
// without the real kernels: plan() states fixed memory needs, eval() does
// nothing. Names match the builtin ops they stand in for.
#ifndef TINYML_TESTS_CLI_FAKE_OPS_H_
#define TINYML_TESTS_CLI_FAKE_OPS_H_

#include "tinyml/op.h"
#include "tinyml/op_resolver.h"

namespace tinyml::fake {

constexpr uint32_t kConvPersistentBytes = 48;
constexpr uint32_t kConvScratchBytes = 100;

inline Status PlanConv(OpContext&, OpMemory* memory) {
  memory->persistent_bytes = kConvPersistentBytes;
  memory->scratch_bytes = kConvScratchBytes;
  return Status::kOk;
}
inline Status PlanNothing(OpContext&, OpMemory*) { return Status::kOk; }
inline Status PlanRejectType(OpContext& ctx, OpMemory*) {
  return ctx.Fail(Status::kUnsupportedType, "input type not supported:", 7);
}
inline Status EvalNothing(OpContext&) { return Status::kOk; }

inline const OpRegistration kConv{"CONV_2D", PlanConv, nullptr, EvalNothing, nullptr, kOpFlagNone};
inline const OpRegistration kDepthwise{"DEPTHWISE_CONV_2D", PlanNothing, nullptr, EvalNothing, nullptr, kOpFlagNone};
inline const OpRegistration kMaxPool{"MAX_POOL_2D", PlanNothing, nullptr, EvalNothing, nullptr, kOpFlagNone};
inline const OpRegistration kReshape{"RESHAPE", PlanNothing, nullptr, EvalNothing, nullptr, kOpFlagOutputAliasesInput0};
inline const OpRegistration kFullyConnected{"FULLY_CONNECTED", PlanNothing, nullptr, EvalNothing, nullptr, kOpFlagNone};
inline const OpRegistration kPickyTanh{"TANH", PlanRejectType, nullptr, EvalNothing, nullptr, kOpFlagNone};

inline void AddFakeOps(StaticOpResolver<16>& r) {
  (void)r.AddBuiltin(BuiltinOp::kConv2d, &kConv);
  (void)r.AddBuiltin(BuiltinOp::kDepthwiseConv2d, &kDepthwise);
  (void)r.AddBuiltin(BuiltinOp::kMaxPool2d, &kMaxPool);
  (void)r.AddBuiltin(BuiltinOp::kReshape, &kReshape);
  (void)r.AddBuiltin(BuiltinOp::kFullyConnected, &kFullyConnected);
  (void)r.AddBuiltin(BuiltinOp::kTanh, &kPickyTanh);
}

}  // namespace tinyml::fake

#endif  // TINYML_TESTS_CLI_FAKE_OPS_H_
