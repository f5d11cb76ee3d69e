// Test helpers for the elementwise op suites (binary, elementwise, quantize,
// cast): build a model with the writer, prepare it with a resolver holding
// these ops, run it on raw input bytes.
#ifndef TINYML_TESTS_KERNELS_ELEMENTWISE_HARNESS_H_
#define TINYML_TESTS_KERNELS_ELEMENTWISE_HARNESS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml::elementwise_test {

struct Run {
  testing::AlignedBuffer file;
  testing::AlignedBuffer arena;
  Model model;
  StaticOpResolver<16> resolver;
  std::unique_ptr<Interpreter> interpreter;
  Status load = Status::kInternal;
  Status prepare = Status::kInternal;
  std::string error;  // Load() or Prepare() message
};

inline void AddElementwiseOps(StaticOpResolver<16>& r) {
  const struct {
    BuiltinOp op;
    const OpRegistration* (*reg)();
  } kOps[] = {
      {BuiltinOp::kAdd, Register_ADD},         {BuiltinOp::kSub, Register_SUB},
      {BuiltinOp::kMul, Register_MUL},         {BuiltinOp::kDiv, Register_DIV},
      {BuiltinOp::kMinimum, Register_MINIMUM}, {BuiltinOp::kMaximum, Register_MAXIMUM},
      {BuiltinOp::kRelu, Register_RELU},       {BuiltinOp::kRelu6, Register_RELU6},
      {BuiltinOp::kLeakyRelu, Register_LEAKY_RELU}, {BuiltinOp::kQuantize, Register_QUANTIZE},
      {BuiltinOp::kDequantize, Register_DEQUANTIZE}, {BuiltinOp::kCast, Register_CAST},
  };
  for (const auto& e : kOps) ASSERT_EQ(r.AddBuiltin(e.op, e.reg()), Status::kOk);
}

inline void LoadBytes(const std::vector<uint8_t>& bytes, Run* r, size_t arena_bytes = 1 << 20) {
  r->file = testing::CopyAligned(bytes);
  r->arena.Resize(arena_bytes);
  r->load = r->model.Load(r->file.data(), r->file.size());
  if (r->load != Status::kOk) {
    r->error = r->model.error();
    return;
  }
  AddElementwiseOps(r->resolver);
  r->interpreter = std::make_unique<Interpreter>(r->model, r->resolver, r->arena.data(), r->arena.size());
  r->prepare = r->interpreter->Prepare();
  r->error = r->interpreter->error();
}

inline void Load(writer::ModelBuilder& b, Run* r) { LoadBytes(b.Finish(), r); }

// Fills the inputs, invokes once, returns all outputs' bytes concatenated.
inline std::vector<uint8_t> Invoke(Run& r, const std::vector<std::vector<uint8_t>>& inputs) {
  Interpreter& in = *r.interpreter;
  EXPECT_EQ(static_cast<size_t>(in.inputs_size()), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(in.input_bytes(static_cast<int>(i)), inputs[i].size()) << "input " << i;
    std::memcpy(in.input(static_cast<int>(i))->data, inputs[i].data(), inputs[i].size());
  }
  const Status s = in.Invoke();
  EXPECT_EQ(s, Status::kOk) << in.error();
  std::vector<uint8_t> out;
  for (int o = 0; o < in.outputs_size(); ++o) {
    const uint8_t* p = static_cast<const uint8_t*>(in.output(o)->data);
    out.insert(out.end(), p, p + in.output_bytes(o));
  }
  return out;
}

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

template <typename T>
std::vector<T> As(const std::vector<uint8_t>& b) {
  std::vector<T> v(b.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}

// Index of `out_index` (row-major over `out`) in an input of shape `in`
// broadcast to `out`: computed from scratch, independently of broadcast.h.
inline int64_t BroadcastSourceIndex(const std::vector<int32_t>& in, const std::vector<int32_t>& out,
                                    int64_t out_index) {
  std::vector<int64_t> coord(out.size());
  for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
    coord[d] = out_index % out[d];
    out_index /= out[d];
  }
  int64_t index = 0;
  const size_t lead = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d) {
    const int64_t c = in[d] == 1 ? 0 : coord[lead + d];
    index = index * in[d] + c;
  }
  return index;
}

inline int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

inline Shape ToShape(const std::vector<int32_t>& dims) {
  Shape s;
  s.rank = static_cast<int32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) s.dims[i] = dims[i];
  return s;
}

}  // namespace tinyml::elementwise_test

#endif  // TINYML_TESTS_KERNELS_ELEMENTWISE_HARNESS_H_
