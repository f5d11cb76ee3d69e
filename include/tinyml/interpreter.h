// Runs one model in one caller-owned arena: prepare once, invoke many.
//
// Arena layout (the arena must be 16-byte aligned):
//   [ planned region: activations + scratch, reused by lifetime ][ ... ][ persistent: tensors, nodes, op data ]
// The persistent part is carved from the end; the planned region from the
// start. RequiredArenaBytes() is exact: Prepare() succeeds on any arena at
// least that large and fails with kArenaTooSmall (naming the size) on any
// smaller one. Several interpreters may run side by side, each on its own
// arena; one interpreter must not be used from two threads at once.
#ifndef TINYML_INTERPRETER_H_
#define TINYML_INTERPRETER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/model.h"
#include "tinyml/op.h"
#include "tinyml/op_resolver.h"
#include "tinyml/memory_planner.h"
#include "tinyml/status.h"

namespace tinyml {

class Interpreter {
 public:
  static constexpr size_t kArenaAlignment = 16;

  // `model` must be loaded; model, resolver and arena must outlive this.
  Interpreter(const Model& model, const OpResolver& resolver, void* arena, size_t arena_bytes);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Resolves ops, validates them, plans memory and prepares every op.
  // Unsupported ops/types fail here, never in Invoke().
  Status Prepare();
  // Runs the graph once. Inputs are read from input(i)->data. Fill them
  // before every Invoke(): an input's memory is reused for later
  // activations once its last reader has run (as in TFLM).
  Status Invoke();
  // Clears state carried across invokes (variable tensors, stateful ops).
  void Reset();

  // Called by Invoke() just before op `op_index` runs (done false) and just
  // after it ran successfully (done true): for per-op profiles (the Cortex-M
  // bench counts each op's instructions between two such calls). Null (the
  // default) for none; one branch per op when unset.
  using OpObserver = void (*)(void* context, int32_t op_index, bool done);
  void SetOpObserver(OpObserver observer, void* context) {
    observer_ = observer;
    observer_context_ = context;
  }

  bool prepared() const { return prepared_; }
  const char* error() const { return error_; }

  // Exact arena bytes this model needs; known after Prepare() returned kOk
  // or kArenaTooSmall (0 before).
  size_t RequiredArenaBytes() const { return required_bytes_; }
  // The two parts of RequiredArenaBytes().
  size_t planned_bytes() const { return planned_bytes_; }
  size_t persistent_bytes() const { return persistent_bytes_; }

  // Arena memory that holds nothing from the end of one Invoke() (once its
  // outputs are read) to the start of the next (once its inputs are
  // filled): the longest stretch of the planned region that holds no
  // variable tensor (all of it in a model without variables). Between
  // invokes a caller may use it for anything, such as an audio frontend's
  // per-frame scratch; doing so overwrites the inputs and outputs. After
  // Prepare(); 16-byte aligned; nullptr and *bytes 0 when there is none.
  void* ScratchBetweenInvokes(size_t* bytes);

  int32_t inputs_size() const { return model_.num_inputs(); }
  int32_t outputs_size() const { return model_.num_outputs(); }
  Tensor* input(int i) { return &tensors_[model_.input_tensor(i)]; }
  Tensor* output(int i) { return &tensors_[model_.output_tensor(i)]; }
  // Bytes of input/output tensor i.
  size_t input_bytes(int i) const;
  size_t output_bytes(int i) const;

  // Introspection for tools (valid after Prepare()).
  const Tensor* tensor(int32_t index) const { return &tensors_[index]; }
  const Node* node(int32_t index) const { return &nodes_[index]; }
  // Offset of a tensor's data in the arena, or -1 (constant / not stored).
  int64_t ArenaOffset(int32_t tensor_index) const;
  const uint8_t* arena() const { return arena_; }

  // The memory plan as Prepare() computed it, for tools (plan printers,
  // overlap checks). After Prepare(). Caller arrays: `buffers`, `buffer_op`
  // (owning op of a scratch buffer, -1 for tensors) and `order` with
  // PlanBufferCapacity() entries; `tensor_buffer` (buffer of each tensor, -1
  // for none) with num_tensors entries; `scratch` with 3 * num_tensors.
  int32_t PlanBufferCapacity() const;
  Status DescribePlan(PlannedBuffer* buffers, int32_t* buffer_op, int32_t* tensor_buffer, int32_t* order,
                      int32_t* count, int32_t* scratch);
  const Model& model() const { return model_; }

 private:
#if TINYML_ERROR_MESSAGES
  Status Fail(Status status, const char* message, int64_t value = -1, int64_t value2 = -1);
#else
  Status Fail(Status status, const char*, int64_t = -1, int64_t = -1) { return status; }
#endif
  Status ResolveOps();
  struct PlanWorkspace {
    int32_t* parent;     // union-find over tensors sharing a buffer
    int32_t* first;      // lifetime of each set, on its root
    int32_t* last;
    int32_t* buffer_of;  // tensor -> buffer index, -1 for none
    int32_t* buffer_op;  // buffer -> owning op for scratch, -1 for tensors
    PlannedBuffer* buffers;
    int32_t* order;
  };
  // Fills w.buffers (tensor sets first, then scratch in op order) and
  // returns their count; offsets are left to PlanMemory().
  int32_t BuildPlan(const PlanWorkspace& w, bool place_constant_views);
  Status PlanAndPlace(uint8_t* persistent_begin, size_t persistent_total);

  const Model& model_;
  const OpResolver& resolver_;
  uint8_t* arena_;
  size_t arena_bytes_;
  Tensor* tensors_ = nullptr;
  Node* nodes_ = nullptr;
  size_t required_bytes_ = 0;
  size_t planned_bytes_ = 0;
  size_t persistent_bytes_ = 0;
  bool prepared_ = false;
  OpObserver observer_ = nullptr;
  void* observer_context_ = nullptr;
  char error_[TINYML_ERROR_MESSAGES ? 192 : 1] = {};
};

}  // namespace tinyml

#endif  // TINYML_INTERPRETER_H_
