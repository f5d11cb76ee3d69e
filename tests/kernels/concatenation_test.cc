// CONCATENATION: reference math against a naive index mapping, then the op
// through one-op .tflite models (every type, negative axis, many inputs)
// and bad models rejected in Prepare().
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/concatenation.h"
#include "support/op_runner.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using testing::Contains;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 777004;

// Naive: output element at multi-index o comes from the input whose axis
// range holds o[axis].
std::vector<uint8_t> NaiveConcat(const std::vector<std::vector<int>>& shapes, int axis,
                                 const std::vector<std::vector<uint8_t>>& inputs, size_t eb) {
  std::vector<int> out_dims = shapes[0];
  out_dims[axis] = 0;
  for (const auto& s : shapes) out_dims[axis] += s[axis];
  const int rank = static_cast<int>(out_dims.size());
  size_t count = 1;
  for (int d : out_dims) count *= d;
  std::vector<uint8_t> out(count * eb);
  for (size_t flat = 0; flat < count; ++flat) {
    std::vector<int> o(rank);
    size_t rem = flat;
    for (int d = rank - 1; d >= 0; --d) {
      o[d] = static_cast<int>(rem % out_dims[d]);
      rem /= out_dims[d];
    }
    int which = 0, a = o[axis];
    while (a >= shapes[which][axis]) a -= shapes[which++][axis];
    size_t in_flat = 0;
    for (int d = 0; d < rank; ++d) in_flat = in_flat * shapes[which][d] + (d == axis ? a : o[d]);
    std::memcpy(&out[flat * eb], &inputs[which][in_flat * eb], eb);
  }
  return out;
}

TEST(ConcatenationMath, RandomMatchesNaive) {
  std::printf("seed %u\n", kSeed);
  std::mt19937 rng(kSeed);
  const size_t sizes[] = {1, 2, 4, 8};
  for (int iter = 0; iter < 400; ++iter) {
    const int rank = 1 + static_cast<int>(rng() % 6);
    const int axis = static_cast<int>(rng() % rank);
    const size_t eb = sizes[rng() % 4];
    const int n = 1 + static_cast<int>(rng() % 5);
    std::vector<int> base(rank);
    for (int& d : base) d = 1 + static_cast<int>(rng() % 3);
    std::vector<std::vector<int>> shapes(n, base);
    std::vector<std::vector<uint8_t>> inputs(n);
    for (int i = 0; i < n; ++i) {
      shapes[i][axis] = static_cast<int>(rng() % 4);  // includes empty inputs
      size_t c = 1;
      for (int d : shapes[i]) c *= d;
      inputs[i].resize(c * eb);
      for (auto& v : inputs[i]) v = static_cast<uint8_t>(rng());
    }
    const std::vector<uint8_t> expected = NaiveConcat(shapes, axis, inputs, eb);
    std::vector<uint8_t> got(expected.size() + 8, 0xEE);
    int64_t outer = 1, inner = 1, out_axis = 0;
    for (int d = 0; d < axis; ++d) outer *= base[d];
    for (int d = axis + 1; d < rank; ++d) inner *= base[d];
    for (int i = 0; i < n; ++i) out_axis += shapes[i][axis];
    ref::ConcatenationSlab slab;
    slab.outer = outer;
    slab.output_block_bytes = out_axis * inner * static_cast<int64_t>(eb);
    for (int i = 0; i < n; ++i) {
      slab.input_block_bytes = shapes[i][axis] * inner * static_cast<int64_t>(eb);
      ref::ConcatenationCopyInput(slab, inputs[i].data(), got.data());
      slab.output_offset_bytes += slab.input_block_bytes;
    }
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), got.begin())) << "iter " << iter;
    for (size_t i = expected.size(); i < got.size(); ++i) ASSERT_EQ(got[i], 0xEE) << "overrun, iter " << iter;
  }
}

TEST(ConcatenationOp, AllTypesNegativeAxisManyInputs) {
  const TensorType types[] = {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kInt64,
                              TensorType::kFloat32, TensorType::kBool};
  std::mt19937 rng(kSeed + 1);
  for (TensorType t : types) {
    for (int axis : {-1, 0, 1, -3}) {
      const int pos = axis < 0 ? axis + 3 : axis;
      const int n = 12;  // beyond TFLite Micro's 10-input limit
      ModelBuilder b;
      std::vector<int32_t> ins;
      std::vector<std::vector<int>> shapes;
      std::vector<std::vector<uint8_t>> data;
      std::vector<int32_t> out_shape = {2, 3, 2};
      out_shape[pos] = 0;
      const auto q = t == TensorType::kInt8 ? QuantParams::PerTensor(0.1f, 3) : QuantParams{};
      for (int i = 0; i < n; ++i) {
        std::vector<int> s = {2, 3, 2};
        s[pos] = 1 + i % 3;
        out_shape[pos] += s[pos];
        shapes.push_back(s);
        ins.push_back(b.AddTensor(t, {s[0], s[1], s[2]}, q));
        std::vector<uint8_t> bytes(static_cast<size_t>(s[0] * s[1] * s[2]) * TensorTypeBytes(t));
        for (auto& v : bytes) v = static_cast<uint8_t>(t == TensorType::kBool ? rng() % 2 : rng());
        data.push_back(bytes);
      }
      const int out = b.AddTensor(t, out_shape, q);
      b.AddOperator(BuiltinOp::kConcatenation, ins, {out}, writer::ConcatenationOptions{axis});
      b.SetInputs(ins);
      b.SetOutputs({out});
      auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kConcatenation, Register_CONCATENATION()}});
      ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
      EXPECT_EQ(h->Run(data), NaiveConcat(shapes, pos, data, TensorTypeBytes(t)))
          << TensorTypeName(t) << " axis " << axis;
    }
  }
}

// int8 inputs are copied as bytes even when their quantization differs
// from the output's, exactly as TFLite Micro does.
TEST(ConcatenationOp, Int8CopiesBytesLikeTflm) {
  ModelBuilder b;
  const int a = b.AddTensor(TensorType::kInt8, {1, 2}, QuantParams::PerTensor(0.5f, 1));
  const int c = b.AddTensor(TensorType::kInt8, {1, 1}, QuantParams::PerTensor(0.25f, -5));
  const int out = b.AddTensor(TensorType::kInt8, {1, 3}, QuantParams::PerTensor(0.5f, 1));
  b.AddOperator(BuiltinOp::kConcatenation, {a, c}, {out}, writer::ConcatenationOptions{1});
  b.SetInputs({a, c});
  b.SetOutputs({out});
  auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kConcatenation, Register_CONCATENATION()}});
  ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
  EXPECT_EQ(As<int8_t>(h->Run({Bytes(std::vector<int8_t>{-128, 127}), Bytes(std::vector<int8_t>{9})})),
            (std::vector<int8_t>{-128, 127, 9}));
}

TEST(ConcatenationOp, BadModelsFailInPrepare) {
  struct Case {
    const char* what;
    std::vector<int32_t> a, c, out;
    int axis;
    writer::Activation act;
    TensorType c_type;
    Status expected;
    const char* message;
  };
  const Case cases[] = {
      {"axis too large", {2, 3}, {2, 3}, {4, 3}, 2, writer::Activation::kNone, TensorType::kInt8,
       Status::kInvalidModel, "axis out of range"},
      {"axis too negative", {2, 3}, {2, 3}, {4, 3}, -3, writer::Activation::kNone, TensorType::kInt8,
       Status::kInvalidModel, "axis out of range"},
      {"off-axis dims", {2, 3}, {2, 4}, {4, 3}, 0, writer::Activation::kNone, TensorType::kInt8,
       Status::kInvalidShape, "off the axis"},
      {"sum mismatch", {2, 3}, {2, 3}, {5, 3}, 0, writer::Activation::kNone, TensorType::kInt8,
       Status::kInvalidShape, "sum"},
      {"rank mismatch", {2, 3}, {6}, {4, 3}, 0, writer::Activation::kNone, TensorType::kInt8,
       Status::kInvalidShape, "rank"},
      {"type mismatch", {2, 3}, {2, 3}, {4, 3}, 0, writer::Activation::kNone, TensorType::kInt16,
       Status::kUnsupportedType, "type"},
      {"fused relu", {2, 3}, {2, 3}, {4, 3}, 0, writer::Activation::kRelu, TensorType::kInt8,
       Status::kUnsupportedOp, "fused activation"},
  };
  for (const Case& c : cases) {
    ModelBuilder b;
    const int a = b.AddTensor(TensorType::kInt8, c.a);
    const int d = b.AddTensor(c.c_type, c.c);
    const int out = b.AddTensor(TensorType::kInt8, c.out);
    b.AddOperator(BuiltinOp::kConcatenation, {a, d}, {out}, writer::ConcatenationOptions{c.axis, c.act});
    b.SetInputs({a, d});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kConcatenation, Register_CONCATENATION()}});
    EXPECT_EQ(h->prepare_status(), c.expected) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), c.message)) << c.what << ": " << h->error();
  }
}

}  // namespace
}  // namespace tinyml
