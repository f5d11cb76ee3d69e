// Test helpers for the elementwise op suites (binary, elementwise, quantize,
// cast): the ops to register in an OpRunner, and broadcast index math.
#ifndef TINYML_TESTS_KERNELS_ELEMENTWISE_HARNESS_H_
#define TINYML_TESTS_KERNELS_ELEMENTWISE_HARNESS_H_

#include <cstdint>
#include <vector>

#include "support/op_runner.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/types.h"

namespace tinyml::elementwise_test {

// Every op these suites cover, so a model may chain them.
inline std::vector<testing::OpEntry> ElementwiseOps() {
  return {
      {BuiltinOp::kAdd, Register_ADD()},
      {BuiltinOp::kSub, Register_SUB()},
      {BuiltinOp::kMul, Register_MUL()},
      {BuiltinOp::kDiv, Register_DIV()},
      {BuiltinOp::kMinimum, Register_MINIMUM()},
      {BuiltinOp::kMaximum, Register_MAXIMUM()},
      {BuiltinOp::kRelu, Register_RELU()},
      {BuiltinOp::kRelu6, Register_RELU6()},
      {BuiltinOp::kLeakyRelu, Register_LEAKY_RELU()},
      {BuiltinOp::kQuantize, Register_QUANTIZE()},
      {BuiltinOp::kDequantize, Register_DEQUANTIZE()},
      {BuiltinOp::kCast, Register_CAST()},
  };
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
