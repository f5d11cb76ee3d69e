// Op resolvers map the model's operator codes to registrations. The
// fixed-capacity StaticOpResolver links only the ops added to it.
#ifndef TINYML_OP_RESOLVER_H_
#define TINYML_OP_RESOLVER_H_

#include <stdint.h>
#include <string.h>

#include "tinyml/builtin_ops.h"
#include "tinyml/op.h"
#include "tinyml/status.h"

namespace tinyml {

class OpResolver {
 public:
  virtual const OpRegistration* FindBuiltin(int32_t code) const = 0;
  virtual const OpRegistration* FindCustom(const char* name, uint32_t length) const = 0;

 protected:
  ~OpResolver() = default;
};

template <int kCapacity>
class StaticOpResolver : public OpResolver {
 public:
  constexpr StaticOpResolver() = default;

  Status AddBuiltin(BuiltinOp op, const OpRegistration* registration) {
    if (registration == nullptr) return Status::kInvalidArgument;
    if (FindBuiltin(static_cast<int32_t>(op)) != nullptr) return Status::kOk;
    if (count_ >= kCapacity) return Status::kCapacityExceeded;
    entries_[count_++] = Entry{static_cast<int32_t>(op), nullptr, registration};
    return Status::kOk;
  }
  // `name` must outlive the resolver (normally a string literal).
  Status AddCustom(const char* name, const OpRegistration* registration) {
    if (registration == nullptr || name == nullptr) return Status::kInvalidArgument;
    if (count_ >= kCapacity) return Status::kCapacityExceeded;
    entries_[count_++] = Entry{static_cast<int32_t>(BuiltinOp::kCustom), name, registration};
    return Status::kOk;
  }

  const OpRegistration* FindBuiltin(int32_t code) const override {
    for (int i = 0; i < count_; ++i)
      if (entries_[i].custom_name == nullptr && entries_[i].code == code) return entries_[i].registration;
    return nullptr;
  }
  const OpRegistration* FindCustom(const char* name, uint32_t length) const override {
    for (int i = 0; i < count_; ++i) {
      const char* n = entries_[i].custom_name;
      if (n != nullptr && strlen(n) == length && memcmp(n, name, length) == 0)
        return entries_[i].registration;
    }
    return nullptr;
  }
  int size() const { return count_; }

 private:
  struct Entry {
    int32_t code;
    const char* custom_name;
    const OpRegistration* registration;
  };
  Entry entries_[kCapacity] = {};
  int count_ = 0;
};

// Adds every builtin op tinyml implements (the host tools use this).
template <int kCapacity>
Status AddAllBuiltins(StaticOpResolver<kCapacity>& r) {
  const struct { BuiltinOp op; const OpRegistration* (*reg)(); } kAll[] = {
      {BuiltinOp::kAdd, Register_ADD},
      {BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D},
      {BuiltinOp::kCast, Register_CAST},
      {BuiltinOp::kConcatenation, Register_CONCATENATION},
      {BuiltinOp::kConv2d, Register_CONV_2D},
      {BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D},
      {BuiltinOp::kDequantize, Register_DEQUANTIZE},
      {BuiltinOp::kDiv, Register_DIV},
      {BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED},
      {BuiltinOp::kLeakyRelu, Register_LEAKY_RELU},
      {BuiltinOp::kLogistic, Register_LOGISTIC},
      {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D},
      {BuiltinOp::kMaximum, Register_MAXIMUM},
      {BuiltinOp::kMean, Register_MEAN},
      {BuiltinOp::kMinimum, Register_MINIMUM},
      {BuiltinOp::kMul, Register_MUL},
      {BuiltinOp::kPad, Register_PAD},
      {BuiltinOp::kQuantize, Register_QUANTIZE},
      {BuiltinOp::kRelu, Register_RELU},
      {BuiltinOp::kRelu6, Register_RELU6},
      {BuiltinOp::kReshape, Register_RESHAPE},
      {BuiltinOp::kSoftmax, Register_SOFTMAX},
      {BuiltinOp::kStridedSlice, Register_STRIDED_SLICE},
      {BuiltinOp::kSub, Register_SUB},
      {BuiltinOp::kTanh, Register_TANH},
      {BuiltinOp::kTranspose, Register_TRANSPOSE},
  };
  for (const auto& e : kAll) TINYML_RETURN_IF_ERROR(r.AddBuiltin(e.op, e.reg()));
  return Status::kOk;
}

}  // namespace tinyml

#endif  // TINYML_OP_RESOLVER_H_
