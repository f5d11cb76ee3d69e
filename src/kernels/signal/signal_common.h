// Shared glue for the Signal custom ops (TFLite Micro's signal library):
// custom options as a FlexBuffers map, and the tensor checks every op's
// plan() repeats.
#ifndef TINYML_KERNELS_SIGNAL_SIGNAL_COMMON_H_
#define TINYML_KERNELS_SIGNAL_SIGNAL_COMMON_H_

#include <stdint.h>

#include "frontend/flexbuffer.h"
#include "tinyml/message.h"
#include "tinyml/op.h"

namespace tinyml {
namespace signal_ops {

constexpr size_t kOpDataAlign = 16;
inline size_t AlignUp(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

// Parses the op's custom options (an empty buffer is an empty map).
inline Status ParseOptions(OpContext& ctx, flex::Map* map) {
  const OperatorMeta op = ctx.op();
  if (!map->Parse(op.custom_options, op.custom_options_bytes))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("custom options are not a well-formed FlexBuffers map"));
  return Status::kOk;
}

// Reads the integer option `key`, which must lie in [lo, hi].
inline Status GetIntOption(OpContext& ctx, const flex::Map& map, const char* key, int64_t lo, int64_t hi,
                           int64_t* value) {
  char text[96];
  if (!map.GetInt(key, value)) {
    MessageBuilder(text, sizeof(text)).Add(TINYML_MSG("custom option missing or not an integer: ")).Add(key);
    return ctx.Fail(Status::kInvalidModel, text);
  }
  if (*value < lo || *value > hi) {
    MessageBuilder(text, sizeof(text)).Add(TINYML_MSG("custom option out of range: ")).Add(key);
    return ctx.Fail(Status::kInvalidModel, text, *value);
  }
  return Status::kOk;
}

inline Status GetInt32Option(OpContext& ctx, const flex::Map& map, const char* key, int64_t lo, int64_t hi,
                             int32_t* value) {
  int64_t v = 0;
  TINYML_RETURN_IF_ERROR(GetIntOption(ctx, map, key, lo, hi, &v));
  *value = static_cast<int32_t>(v);
  return Status::kOk;
}

inline Status CheckArity(OpContext& ctx, int inputs, int outputs) {
  if (ctx.num_inputs() != inputs)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("wrong number of inputs:"), ctx.num_inputs());
  for (int i = 0; i < inputs; ++i)
    if (!ctx.has_input(i)) return ctx.Fail(Status::kInvalidModel, TINYML_MSG("input missing:"), i);
  if (ctx.num_outputs() != outputs)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("wrong number of outputs:"), ctx.num_outputs());
  return Status::kOk;
}

// `what` names the tensor in the message ("input 0", "output 1", ...).
inline Status CheckTensor(OpContext& ctx, const TensorMeta& t, const char* what, TensorType type, int rank) {
  char text[96];
  if (t.type != type) {
    MessageBuilder(text, sizeof(text))
        .Add(what)
        .Add(TINYML_MSG(": unsupported type "))
        .Add(TensorTypeName(t.type))
        .Add(TINYML_MSG(", expected "))
        .Add(TensorTypeName(type));
    return ctx.Fail(Status::kUnsupportedType, text);
  }
  if (rank >= 0 && t.shape.rank != rank) {
    MessageBuilder(text, sizeof(text)).Add(what).Add(TINYML_MSG(": wrong rank, expected ")).Add(rank).Add(", got");
    return ctx.Fail(Status::kInvalidShape, text, t.shape.rank);
  }
  return Status::kOk;
}

inline Status CheckSize(OpContext& ctx, const TensorMeta& t, const char* what, int64_t expected) {
  if (t.shape.FlatSize() != expected) {
    char text[96];
    MessageBuilder(text, sizeof(text)).Add(what).Add(TINYML_MSG(": wrong size, expected ")).Add(expected).Add(", got");
    return ctx.Fail(Status::kInvalidShape, text, t.shape.FlatSize());
  }
  return Status::kOk;
}

}  // namespace signal_ops
}  // namespace tinyml

#endif  // TINYML_KERNELS_SIGNAL_SIGNAL_COMMON_H_
