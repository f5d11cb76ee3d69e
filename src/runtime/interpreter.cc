#include "tinyml/interpreter.h"

#include <string.h>

#include "tinyml/builtin_ops.h"
#include "tinyml/memory_planner.h"
#include "tinyml/message.h"

namespace tinyml {
namespace {

constexpr size_t kAlign = Interpreter::kArenaAlignment;
constexpr size_t kOpDataAlign = 8;

size_t AlignUp(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }
size_t AlignDown(size_t v, size_t a) { return v & ~(a - 1); }

uint32_t BufferAlignment(TensorType type) { return TensorTypeBytes(type) >= 8 ? 8 : 4; }

}  // namespace

Interpreter::Interpreter(const Model& model, const OpResolver& resolver, void* arena, size_t arena_bytes)
    : model_(model), resolver_(resolver), arena_(static_cast<uint8_t*>(arena)), arena_bytes_(arena_bytes) {}

#if TINYML_ERROR_MESSAGES
Status Interpreter::Fail(Status status, const char* message, int64_t value, int64_t value2) {
  MessageBuilder msg(error_, sizeof(error_));
  msg.Add(message);
  if (value >= 0) msg.Add(" ").Add(value);
  if (value2 >= 0) msg.Add(" bytes given, ").Add(value2).Add(" needed");
  return status;
}
#endif

size_t Interpreter::input_bytes(int i) const {
  const Tensor& t = tensors_[model_.input_tensor(i)];
  return static_cast<size_t>(t.FlatSize()) * TensorTypeBytes(t.type);
}

size_t Interpreter::output_bytes(int i) const {
  const Tensor& t = tensors_[model_.output_tensor(i)];
  return static_cast<size_t>(t.FlatSize()) * TensorTypeBytes(t.type);
}

int64_t Interpreter::ArenaOffset(int32_t tensor_index) const {
  const uint8_t* p = static_cast<const uint8_t*>(tensors_[tensor_index].data);
  if (p == nullptr || p < arena_ || p >= arena_ + arena_bytes_) return -1;
  return p - arena_;
}

Status Interpreter::ResolveOps() {
  for (int32_t i = 0; i < model_.num_operators(); ++i) {
    const OperatorMeta op = model_.op(i);
    Node& node = nodes_[i];
    memset(&node, 0, sizeof(node));
    if (op.num_inputs > 0xffff || op.num_outputs > 0xffff)
      return Fail(Status::kCapacityExceeded, TINYML_MSG("too many inputs/outputs on op"), i);
    node.inputs = op.inputs;
    node.outputs = op.outputs;
    node.num_inputs = static_cast<uint16_t>(op.num_inputs);
    node.num_outputs = static_cast<uint16_t>(op.num_outputs);
    if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom)) {
      node.registration = resolver_.FindCustom(op.custom_name, op.custom_name_length);
    } else {
      node.registration = resolver_.FindBuiltin(op.builtin_code);
    }
    if (node.registration == nullptr) {
#if TINYML_ERROR_MESSAGES
      MessageBuilder msg(error_, sizeof(error_));
      msg.Add(TINYML_MSG("op ")).Add(i).Add(" ");
      if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom)) {
        char name[48];
        uint32_t n = op.custom_name_length < sizeof(name) - 1 ? op.custom_name_length : sizeof(name) - 1;
        if (op.custom_name != nullptr) memcpy(name, op.custom_name, n);
        name[op.custom_name != nullptr ? n : 0] = '\0';
        msg.Add(TINYML_MSG("CUSTOM:")).Add(name);
      } else {
        msg.Add(BuiltinOpName(op.builtin_code));
      }
      msg.Add(": operator not supported (not registered in the op resolver)");
#endif
      return Status::kUnsupportedOp;
    }
    if (node.registration->plan != nullptr) {
      OpContext ctx(&model_, i, tensors_, &node, error_, sizeof(error_));
      OpMemory memory;
      TINYML_RETURN_IF_ERROR(node.registration->plan(ctx, &memory));
      node.persistent_bytes = memory.persistent_bytes;
      node.scratch_bytes = memory.scratch_bytes;
    }
  }
  return Status::kOk;
}

Status Interpreter::Prepare() {
  prepared_ = false;
  required_bytes_ = planned_bytes_ = persistent_bytes_ = 0;
  error_[0] = '\0';
  if (!model_.loaded()) return Fail(Status::kInvalidArgument, TINYML_MSG("model is not loaded"));
  if (arena_ == nullptr) return Fail(Status::kInvalidArgument, TINYML_MSG("arena is null"));
  if (reinterpret_cast<uintptr_t>(arena_) % kAlign != 0)
    return Fail(Status::kMisaligned, TINYML_MSG("arena must be 16-byte aligned"));

  const int32_t num_tensors = model_.num_tensors();
  const int32_t num_ops = model_.num_operators();
  const size_t usable = AlignDown(arena_bytes_, kAlign);
  const size_t tensor_bytes = AlignUp(sizeof(Tensor) * static_cast<size_t>(num_tensors), kAlign);
  const size_t node_bytes = AlignUp(sizeof(Node) * static_cast<size_t>(num_ops), kAlign);
  if (tensor_bytes + node_bytes > usable) {
    required_bytes_ = 0;
    return Fail(Status::kArenaTooSmall, TINYML_MSG("arena too small for the tensor and op tables: at least"),
                static_cast<int64_t>(tensor_bytes + node_bytes));
  }
  tensors_ = reinterpret_cast<Tensor*>(arena_ + usable - tensor_bytes);
  nodes_ = reinterpret_cast<Node*>(arena_ + usable - tensor_bytes - node_bytes);
  for (int32_t t = 0; t < num_tensors; ++t) {
    const TensorMeta meta = model_.tensor(t);
    Tensor& tensor = tensors_[t];
    tensor.data = const_cast<uint8_t*>(meta.const_data);
    tensor.dims = model_.tensor_dims(t);
    tensor.type = meta.type;
    tensor.rank = static_cast<uint8_t>(meta.shape.rank);
  }

  TINYML_RETURN_IF_ERROR(ResolveOps());

  // Op data blocks only need 8-byte alignment; the region as a whole stays
  // 16-aligned so the layout does not depend on the arena's size.
  size_t op_data_bytes = 0;
  for (int32_t i = 0; i < num_ops; ++i) op_data_bytes += AlignUp(nodes_[i].persistent_bytes, kOpDataAlign);
  const size_t persistent = tensor_bytes + node_bytes + AlignUp(op_data_bytes, kAlign);
  persistent_bytes_ = persistent;
  TINYML_RETURN_IF_ERROR(PlanAndPlace(arena_ + usable - persistent, persistent));

  // Carve op data below the node table, in op order.
  uint8_t* cursor = reinterpret_cast<uint8_t*>(nodes_);
  for (int32_t i = 0; i < num_ops; ++i) {
    Node& node = nodes_[i];
    if (node.persistent_bytes == 0) continue;
    cursor -= AlignUp(node.persistent_bytes, kOpDataAlign);
    node.op_data = cursor;
    memset(cursor, 0, node.persistent_bytes);
  }
  for (int32_t i = 0; i < num_ops; ++i) {
    Node& node = nodes_[i];
    if (node.registration->prepare == nullptr) continue;
    OpContext ctx(&model_, i, tensors_, &node, error_, sizeof(error_));
    TINYML_RETURN_IF_ERROR(node.registration->prepare(ctx));
  }
  prepared_ = true;
  Reset();
  return Status::kOk;
}

int32_t Interpreter::PlanBufferCapacity() const {
  int32_t n = 0;
  for (int32_t t = 0; t < model_.num_tensors(); ++t) n += model_.tensor(t).is_constant() ? 0 : 1;
  for (int32_t i = 0; i < model_.num_operators(); ++i) n += nodes_[i].scratch_bytes > 0 ? 1 : 0;
  return n;
}

namespace {

// Root of a tensor's sharing set; -1 for constants (no buffer).
int32_t FindRoot(const int32_t* parent, int32_t t) {
  while (t >= 0 && parent[t] != t) t = parent[t];
  return t;
}

// Widens the lifetime of t's set to [from, to].
void Use(const int32_t* parent, int32_t* first, int32_t* last, int32_t t, int32_t from, int32_t to) {
  const int32_t r = FindRoot(parent, t);
  if (r < 0) return;
  if (from < first[r]) first[r] = from;
  if (to > last[r]) last[r] = to;
}

// Verified models keep every tensor below 2^31 bytes.
uint32_t TensorBytes(const Tensor& x) {
  uint32_t n = static_cast<uint32_t>(TensorTypeBytes(x.type));
  for (int i = 0; i < x.rank; ++i) n *= static_cast<uint32_t>(x.dims[i]);
  return n;
}

}  // namespace

int32_t Interpreter::BuildPlan(const PlanWorkspace& w, bool place_constant_views) {
  const int32_t num_tensors = model_.num_tensors();
  const int32_t num_ops = model_.num_operators();
  int32_t* parent = w.parent;
  int32_t* first = w.first;
  int32_t* last = w.last;

  // Variables are rare; skip decoding every tensor's metadata when none exist.
  bool any_variable = false;
  for (int32_t t = 0; t < num_tensors && !any_variable; ++t) any_variable = model_.tensor(t).is_variable;
  auto is_variable = [this, any_variable](int32_t t) { return any_variable && model_.tensor(t).is_variable; };

  for (int32_t t = 0; t < num_tensors; ++t) {
    parent[t] = model_.tensor(t).is_constant() ? -1 : t;  // constants need no buffer
    first[t] = INT32_MAX;
    last[t] = -1;
    w.buffer_of[t] = -1;
  }
  // Views (RESHAPE): the output is the input's bytes, in the same memory.
  for (int32_t i = 0; i < num_ops; ++i) {
    const Node& node = nodes_[i];
    if ((node.registration->flags & kOpFlagOutputAliasesInput0) == 0) continue;
    if (node.num_inputs < 1 || node.num_outputs < 1 || node.inputs[0] < 0) continue;
    const int32_t in = node.inputs[0];
    const int32_t out = node.outputs[0];
    if (in == out || TensorBytes(tensors_[in]) != TensorBytes(tensors_[out]) || is_variable(in) || is_variable(out))
      continue;
    if (parent[out] != out) continue;  // written twice; leave it alone
    const int32_t r = FindRoot(parent, in);
    if (r < 0) {
      // A view of constant data is read in place.
      if (place_constant_views) tensors_[out].data = tensors_[in].data;
    }
    parent[out] = r;
  }

  const int32_t end = num_ops > 0 ? num_ops - 1 : 0;
  for (int32_t k = 0; k < model_.num_inputs(); ++k) Use(parent, first, last, model_.input_tensor(k), 0, 0);
  for (int32_t i = 0; i < num_ops; ++i) {
    const Node& node = nodes_[i];
    for (int k = 0; k < node.num_inputs; ++k) Use(parent, first, last, node.inputs[k], i, i);
    for (int k = 0; k < node.num_outputs; ++k) Use(parent, first, last, node.outputs[k], i, i);
  }
  for (int32_t k = 0; k < model_.num_outputs(); ++k) Use(parent, first, last, model_.output_tensor(k), end, end);
  for (int32_t t = 0; t < num_tensors && any_variable; ++t)
    if (is_variable(t)) Use(parent, first, last, t, 0, end);

  // In-place element-wise ops: when input 0 is last read by this op and has
  // the output's size, the output takes over its memory.
  for (int32_t i = 0; i < num_ops; ++i) {
    const Node& node = nodes_[i];
    if ((node.registration->flags & kOpFlagOutputMayOverwriteInput0) == 0) continue;
    if (node.num_inputs < 1 || node.num_outputs != 1 || node.inputs[0] < 0) continue;
    const int32_t in = FindRoot(parent, node.inputs[0]);
    const int32_t out = FindRoot(parent, node.outputs[0]);
    if (in < 0 || out < 0 || in == out) continue;
    if (last[in] != i || first[out] != i || TensorBytes(tensors_[in]) != TensorBytes(tensors_[out])) continue;
    bool keep = false;  // graph outputs and variables must survive
    for (int32_t k = 0; k < model_.num_outputs(); ++k) keep |= FindRoot(parent, model_.output_tensor(k)) == in;
    for (int32_t t = 0; t < num_tensors && !keep && any_variable; ++t)
      keep |= is_variable(t) && FindRoot(parent, t) == in;
    if (keep) continue;
    parent[out] = in;
    if (last[out] > last[in]) last[in] = last[out];
  }

  // Buffers: one per set of tensors sharing memory, then one per scratch.
  int32_t count = 0;
  for (int32_t t = 0; t < num_tensors; ++t) {
    if (parent[t] != t || last[t] < 0) continue;  // not a root, or never used
    w.buffer_of[t] = count;
    w.buffer_op[count] = -1;
    PlannedBuffer& b = w.buffers[count++];
    b.bytes = TensorBytes(tensors_[t]);
    b.first_use = first[t];
    b.last_use = last[t];
    b.alignment = BufferAlignment(tensors_[t].type);
    b.offset = 0;
  }
  for (int32_t i = 0; i < num_ops; ++i) {
    if (nodes_[i].scratch_bytes == 0) continue;
    w.buffer_op[count] = i;
    PlannedBuffer& b = w.buffers[count++];
    b.bytes = nodes_[i].scratch_bytes;
    b.first_use = b.last_use = i;
    b.alignment = 16;
    b.offset = 0;
  }
  // Tensors that share a set point at its buffer.
  for (int32_t t = 0; t < num_tensors; ++t) {
    const int32_t r = FindRoot(parent, t);
    w.buffer_of[t] = r >= 0 ? w.buffer_of[r] : -1;
  }
  return count;
}

Status Interpreter::PlanAndPlace(uint8_t* persistent_begin, size_t persistent_total) {
  const int32_t num_tensors = model_.num_tensors();
  const int32_t num_ops = model_.num_operators();
  // The planner's workspace may use the head region and the op-data region
  // (op data is written only after planning), never the tables.
  const size_t op_data_region = persistent_total - AlignUp(sizeof(Tensor) * static_cast<size_t>(num_tensors), kAlign) -
                                AlignUp(sizeof(Node) * static_cast<size_t>(num_ops), kAlign);
  const size_t workspace_available = static_cast<size_t>(persistent_begin - arena_) + op_data_region;
  const int32_t max_buffers = PlanBufferCapacity();
  const size_t workspace = AlignUp(
      sizeof(int32_t) * 4 * static_cast<size_t>(num_tensors) +
          (sizeof(PlannedBuffer) + 2 * sizeof(int32_t)) * static_cast<size_t>(max_buffers) + 8,
      kAlign);
  // Bytes of head region the workspace needs beyond the op-data region.
  const size_t workspace_head = workspace > op_data_region ? workspace - op_data_region : 0;
  if (workspace > workspace_available) {
    return Fail(Status::kArenaTooSmall, TINYML_MSG("arena too small to plan memory:"),
                static_cast<int64_t>(arena_bytes_), static_cast<int64_t>(persistent_total + AlignUp(workspace_head, kAlign)));
  }
  PlanWorkspace w;
  w.parent = reinterpret_cast<int32_t*>(arena_);
  w.first = w.parent + num_tensors;
  w.last = w.first + num_tensors;
  w.buffer_of = w.last + num_tensors;
  w.buffer_op = w.buffer_of + num_tensors;
  w.buffers = reinterpret_cast<PlannedBuffer*>(AlignUp(reinterpret_cast<uintptr_t>(w.buffer_op + max_buffers), 8));
  w.order = reinterpret_cast<int32_t*>(w.buffers + max_buffers);

  const int32_t count = BuildPlan(w, /*place_constant_views=*/true);
  const uint32_t high_water = PlanMemory(w.buffers, count, w.order);
  planned_bytes_ = AlignUp(high_water, kAlign);
  const size_t head_needed = planned_bytes_ > workspace_head ? planned_bytes_ : AlignUp(workspace_head, kAlign);
  required_bytes_ = head_needed + persistent_total;
  if (required_bytes_ > AlignDown(arena_bytes_, kAlign)) {
    return Fail(Status::kArenaTooSmall, TINYML_MSG("arena too small:"), static_cast<int64_t>(arena_bytes_),
                static_cast<int64_t>(required_bytes_));
  }
  // Place (reading the workspace, which the data may overwrite only later).
  for (int32_t t = 0; t < num_tensors; ++t) {
    if (w.buffer_of[t] >= 0) tensors_[t].data = arena_ + w.buffers[w.buffer_of[t]].offset;
  }
  for (int32_t b = 0; b < count; ++b) {
    if (w.buffer_op[b] >= 0) nodes_[w.buffer_op[b]].scratch = arena_ + w.buffers[b].offset;
  }
  return Status::kOk;
}

Status Interpreter::DescribePlan(PlannedBuffer* buffers, int32_t* buffer_op, int32_t* tensor_buffer,
                                 int32_t* order, int32_t* count, int32_t* scratch) {
  if (!prepared_) return Fail(Status::kNotPrepared, TINYML_MSG("DescribePlan() before a successful Prepare()"));
  const int32_t n = model_.num_tensors();
  PlanWorkspace w;
  w.parent = scratch;
  w.first = scratch + n;
  w.last = scratch + 2 * n;
  w.buffer_of = tensor_buffer;
  w.buffer_op = buffer_op;
  w.buffers = buffers;
  w.order = order;
  *count = BuildPlan(w, /*place_constant_views=*/false);
  PlanMemory(buffers, *count, order);
  return Status::kOk;
}

void Interpreter::Reset() {
  if (!prepared_) return;
  for (int32_t t = 0; t < model_.num_tensors(); ++t) {
    const TensorMeta meta = model_.tensor(t);
    if (!meta.is_variable || tensors_[t].data == nullptr) continue;
    memset(tensors_[t].data, 0, TensorBytes(tensors_[t]));  // the same bytes as meta.Bytes() (verified: < 2^31)
  }
  for (int32_t i = 0; i < model_.num_operators(); ++i) {
    Node& node = nodes_[i];
    if (node.registration->reset == nullptr) continue;
    OpContext ctx(&model_, i, tensors_, &node, error_, sizeof(error_));
    node.registration->reset(ctx);
  }
}

Status Interpreter::Invoke() {
  if (!prepared_) return Fail(Status::kNotPrepared, TINYML_MSG("Invoke() before a successful Prepare()"));
  for (int32_t i = 0; i < model_.num_operators(); ++i) {
    Node& node = nodes_[i];
    OpContext ctx(&model_, i, tensors_, &node, error_, sizeof(error_));
    if (observer_ != nullptr) observer_(observer_context_, i, false);
    TINYML_RETURN_IF_ERROR(node.registration->eval(ctx));
    if (observer_ != nullptr) observer_(observer_context_, i, true);
  }
  return Status::kOk;
}

#if TINYML_ERROR_MESSAGES
Status OpContext::Fail(Status status, const char* message) const { return Fail(status, message, INT64_MIN); }

Status OpContext::Fail(Status status, const char* message, int64_t value) const {
  // Only registrations call Fail, so the node has one.
  MessageBuilder msg(error_, error_capacity_);
  msg.Add("op ").Add(op_index_).Add(" ").Add(node_->registration->name).Add(": ").Add(message);
  if (value != INT64_MIN) msg.Add(" ").Add(value);
  return status;
}
#endif

void* Interpreter::ScratchBetweenInvokes(size_t* bytes) {
  *bytes = 0;
  if (!prepared_) return nullptr;
  // The longest stretch of the planned region between variable tensors
  // (which live through every invoke, so never overlap one another): each
  // gap starts at 0 or at a variable's end and runs to the nearest
  // variable start after it (or the region's end).
  const int32_t n = model_.num_tensors();
  size_t best_at = 0;
  size_t best_bytes = 0;
  for (int32_t from = -1; from < n; ++from) {
    size_t begin = 0;
    if (from >= 0) {
      if (!model_.tensor(from).is_variable || ArenaOffset(from) < 0) continue;
      begin = static_cast<size_t>(ArenaOffset(from)) + TensorBytes(tensors_[from]);
    }
    size_t end = planned_bytes_;
    for (int32_t t = 0; t < n; ++t) {
      if (!model_.tensor(t).is_variable || ArenaOffset(t) < 0) continue;
      const size_t at = static_cast<size_t>(ArenaOffset(t));
      if (at >= begin && at < end) end = at;
    }
    begin = AlignUp(begin, kArenaAlignment);
    end &= ~(kArenaAlignment - 1);
    if (end > begin && end - begin > best_bytes) {
      best_at = begin;
      best_bytes = end - begin;
    }
  }
  *bytes = best_bytes;
  return best_bytes > 0 ? arena_ + best_at : nullptr;
}

}  // namespace tinyml
