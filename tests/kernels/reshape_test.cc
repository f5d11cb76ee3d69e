// RESHAPE through one-op .tflite models and the interpreter: byte copies,
// planner aliasing of a RESHAPE chain, and bad models rejected in Prepare().
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using writer::ModelBuilder;
using writer::QuantParams;

std::unique_ptr<testing::OpRunner> Load(ModelBuilder& b) {
  return testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kReshape, Register_RESHAPE()}});
}

TEST(ReshapeOp, ChainAliasesAndKeepsInputReadable) {
  ModelBuilder b;
  const auto q = QuantParams::PerTensor(0.25f, -3);
  const int in = b.AddTensor(TensorType::kInt8, {2, 3, 4}, q);
  const int mid = b.AddTensor(TensorType::kInt8, {6, 4}, q);
  const int out = b.AddTensor(TensorType::kInt8, {24}, q);
  const int shape = b.AddConst<int32_t>(TensorType::kInt32, {2}, {6, 4});
  b.AddOperator(BuiltinOp::kReshape, {in, shape}, {mid}, writer::ReshapeOptions{{6, 4}});
  b.AddOperator(BuiltinOp::kReshape, {mid}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  auto l = Load(b);
  ASSERT_EQ(l->prepare_status(), Status::kOk) << l->error();
  Interpreter& interp = l->interpreter();
  // The planner gives all three tensors one buffer.
  EXPECT_GE(interp.ArenaOffset(in), 0);
  EXPECT_EQ(interp.ArenaOffset(in), interp.ArenaOffset(mid));
  EXPECT_EQ(interp.ArenaOffset(in), interp.ArenaOffset(out));
  std::vector<int8_t> data(24);
  for (int i = 0; i < 24; ++i) data[i] = static_cast<int8_t>(i * 11 - 128);
  std::memcpy(interp.input(0)->data, data.data(), 24);
  ASSERT_EQ(interp.Invoke(), Status::kOk) << interp.error();
  EXPECT_EQ(std::memcmp(interp.output(0)->data, data.data(), 24), 0);
  EXPECT_EQ(std::memcmp(interp.input(0)->data, data.data(), 24), 0);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  EXPECT_EQ(std::memcmp(interp.output(0)->data, data.data(), 24), 0);
}

TEST(ReshapeOp, ConstantInputIsReadInPlace) {
  ModelBuilder b;
  const std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -8.5f};
  const int dummy_in = b.AddTensor(TensorType::kFloat32, {1});
  const int c = b.AddConst<float>(TensorType::kFloat32, {2, 3}, values);
  const int out = b.AddTensor(TensorType::kFloat32, {3, 2});
  b.AddOperator(BuiltinOp::kReshape, {c}, {out});
  b.SetInputs({dummy_in});
  b.SetOutputs({out});
  auto l = Load(b);
  ASSERT_EQ(l->prepare_status(), Status::kOk) << l->error();
  ASSERT_EQ(l->interpreter().Invoke(), Status::kOk);
  EXPECT_EQ(std::memcmp(l->interpreter().output(0)->data, values.data(), 24), 0);
}

// Reshape output consumed next to its (still live) input: the copy path.
TEST(ReshapeOp, AllTypesCopyExactly) {
  const TensorType types[] = {TensorType::kFloat32, TensorType::kInt8, TensorType::kInt16, TensorType::kInt32,
                              TensorType::kInt64, TensorType::kBool, TensorType::kUInt8};
  for (TensorType t : types) {
    ModelBuilder b;
    const int in = b.AddTensor(t, {1, 5, 1, 3});
    const int out = b.AddTensor(t, {15});
    b.AddOperator(BuiltinOp::kReshape, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto l = Load(b);
    ASSERT_EQ(l->prepare_status(), Status::kOk) << l->error();
    const size_t bytes = l->interpreter().input_bytes(0);
    ASSERT_EQ(bytes, l->interpreter().output_bytes(0));
    std::vector<uint8_t> data(bytes);
    for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<uint8_t>(i * 37 + 1);
    if (t == TensorType::kBool)
      for (auto& v : data) v &= 1;
    std::memcpy(l->interpreter().input(0)->data, data.data(), bytes);
    ASSERT_EQ(l->interpreter().Invoke(), Status::kOk);
    EXPECT_EQ(std::memcmp(l->interpreter().output(0)->data, data.data(), bytes), 0) << TensorTypeName(t);
  }
}

// Directly exercise the eval copy when input and output do not alias.
TEST(ReshapeOp, EvalCopiesWhenNotAliased) {
  const OpRegistration* reg = Register_RESHAPE();
  EXPECT_NE(reg->flags & kOpFlagOutputAliasesInput0, 0);
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt16, {2, 2});
  const int out = b.AddTensor(TensorType::kInt16, {4});
  b.AddOperator(BuiltinOp::kReshape, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  testing::AlignedBuffer file = testing::CopyAligned(b.Finish());
  Model model;
  ASSERT_EQ(model.Load(file.data(), file.size()), Status::kOk);
  int16_t src[4] = {1, -2, 300, -32768};
  int16_t dst[4] = {};
  Tensor tensors[2];
  tensors[in] = Tensor{src, model.tensor_dims(in), TensorType::kInt16, 2};
  tensors[out] = Tensor{dst, model.tensor_dims(out), TensorType::kInt16, 1};
  const OperatorMeta op = model.op(0);
  Node node{};
  node.registration = reg;
  node.inputs = op.inputs;
  node.outputs = op.outputs;
  node.num_inputs = static_cast<uint16_t>(op.num_inputs);
  node.num_outputs = static_cast<uint16_t>(op.num_outputs);
  char error[128] = {};
  OpContext ctx(&model, 0, tensors, &node, error, sizeof(error));
  OpMemory memory;
  ASSERT_EQ(reg->plan(ctx, &memory), Status::kOk) << error;
  ASSERT_EQ(reg->eval(ctx), Status::kOk);
  EXPECT_EQ(std::memcmp(src, dst, sizeof(src)), 0);
}

TEST(ReshapeOp, BadModelsFailInPrepare) {
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {2, 3});
    const int out = b.AddTensor(TensorType::kInt8, {7});
    b.AddOperator(BuiltinOp::kReshape, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto l = Load(b);
    EXPECT_EQ(l->prepare_status(), Status::kInvalidShape);
    EXPECT_NE(l->error().find("element count"), std::string::npos) << l->error();
  }
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {2, 3});
    const int out = b.AddTensor(TensorType::kInt16, {6});
    b.AddOperator(BuiltinOp::kReshape, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto l = Load(b);
    EXPECT_EQ(l->prepare_status(), Status::kUnsupportedType);
    EXPECT_NE(l->error().find("RESHAPE"), std::string::npos) << l->error();
  }
}

}  // namespace
}  // namespace tinyml
