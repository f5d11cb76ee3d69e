// The kernel-facing interface: how an op is registered and what it sees.
//
// Each op is three layers (see docs/ARCHITECTURE.md): pure math in
// src/kernels/ref (params struct + shapes + pointers, no framework types),
// a prepare step computing constants once, and thin glue in
// src/kernels/ops that implements the OpRegistration callbacks below.
//
// Lifecycle, driven by the Interpreter:
//   plan(ctx, &memory)  validate types/shapes/options from the model alone
//                       and state the bytes needed: persistent per-op data
//                       (OpData) and scratch for one invoke. No arena yet.
//   prepare(ctx)        fill ctx.op_data() (multipliers, shifts, ...). Once.
//   eval(ctx)           compute outputs from inputs. Many times; trusts
//                       plan/prepare and does no validation.
//   reset(ctx)          optional: clear state carried across invokes.
#ifndef TINYML_OP_H_
#define TINYML_OP_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/model.h"
#include "tinyml/status.h"
#include "tinyml/types.h"

namespace tinyml {

// A tensor at run time. Lives in the arena; dims point into the model.
struct Tensor {
  void* data;
  const int32_t* dims;
  TensorType type;
  uint8_t rank;

  Shape shape() const {
    Shape s;
    s.rank = rank;
    for (int i = 0; i < rank; ++i) s.dims[i] = dims[i];
    return s;
  }
  int64_t FlatSize() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
};

struct OpMemory {
  uint32_t persistent_bytes = 0;  // OpData, kept for the interpreter's life
  uint32_t scratch_bytes = 0;     // valid only during one eval of this op
};

class OpContext;

enum OpFlags : uint8_t {
  kOpFlagNone = 0,
  // Output 0 holds exactly input 0's bytes (RESHAPE): the planner gives both
  // the same memory and eval may then find input == output.
  kOpFlagOutputAliasesInput0 = 1,
  // Element-wise op whose output[i] depends only on input0[i] (and on other
  // inputs): when input 0 is not read after this op and has the output's
  // byte size, the planner may give the output input 0's memory. The kernel
  // must then work with output == input 0.
  kOpFlagOutputMayOverwriteInput0 = 2,
};

struct OpRegistration {
  const char* name;
  Status (*plan)(OpContext& ctx, OpMemory* memory);
  Status (*prepare)(OpContext& ctx);  // may be nullptr
  Status (*eval)(OpContext& ctx);
  void (*reset)(OpContext& ctx);      // may be nullptr
  uint8_t flags;
};

// Per-op runtime record, kept in the arena.
struct Node {
  const OpRegistration* registration;
  void* op_data;
  void* scratch;
  const int32_t* inputs;   // into the model
  const int32_t* outputs;  // into the model
  uint16_t num_inputs;
  uint16_t num_outputs;
  uint32_t persistent_bytes;
  uint32_t scratch_bytes;
};

class OpContext {
 public:
  OpContext(const Model* model, int32_t op_index, Tensor* tensors, Node* node,
            char* error, size_t error_capacity)
      : model_(model), op_index_(op_index), tensors_(tensors), node_(node),
        error_(error), error_capacity_(error_capacity) {}

  int32_t op_index() const { return op_index_; }
  int num_inputs() const { return node_->num_inputs; }
  int num_outputs() const { return node_->num_outputs; }
  // False for an index past the list or an omitted optional input (-1).
  bool has_input(int i) const { return i >= 0 && i < node_->num_inputs && node_->inputs[i] >= 0; }
  int32_t input_index(int i) const { return node_->inputs[i]; }
  int32_t output_index(int i) const { return node_->outputs[i]; }

  // --- plan / prepare: the model's description of the op and its tensors.
  const Model& model() const { return *model_; }
  OperatorMeta op() const { return model_->op(op_index_); }
  TensorMeta input_meta(int i) const { return model_->tensor(node_->inputs[i]); }
  TensorMeta output_meta(int i) const { return model_->tensor(node_->outputs[i]); }

  // --- plan only: hands the op to `registration` for good (its prepare,
  // eval and reset run from now on; the plan's OpMemory is what it asks
  // for). An optimized kernel that leaves a case to the reference kernel
  // decides so once here, not at every eval.
  void HandTo(const OpRegistration* registration) const { node_->registration = registration; }

  // --- prepare / eval.
  void* op_data() const { return node_->op_data; }
  template <typename T>
  T* op_data_as() const { return static_cast<T*>(node_->op_data); }
  void* scratch() const { return node_->scratch; }

  // --- eval (and prepare, for constant inputs).
  const Tensor& input(int i) const { return tensors_[node_->inputs[i]]; }
  Tensor& output(int i) const { return tensors_[node_->outputs[i]]; }
  template <typename T>
  const T* input_data(int i) const { return static_cast<const T*>(tensors_[node_->inputs[i]].data); }
  template <typename T>
  T* output_data(int i) const { return static_cast<T*>(tensors_[node_->outputs[i]].data); }

  // Records "op N NAME: message [value]" and returns `status`.
#if TINYML_ERROR_MESSAGES
  Status Fail(Status status, const char* message) const;
  Status Fail(Status status, const char* message, int64_t value) const;
#else
  Status Fail(Status status, const char*) const { return status; }
  Status Fail(Status status, const char*, int64_t) const { return status; }
#endif

 private:
  const Model* model_;
  int32_t op_index_;
  Tensor* tensors_;
  Node* node_;
  char* error_;
  size_t error_capacity_;
};

}  // namespace tinyml

#endif  // TINYML_OP_H_
