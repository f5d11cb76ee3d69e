// The int8-only registrations (Register_X_INT8): on every int8 model in
// ../shared/models they give exactly the generic registrations' bytes (those
// are checked against TFLite Micro by the conformance tests), and they refuse
// float (and int8 -> int16 softmax) ops in Prepare with a clear message
// instead of running them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/op_runner.h"
#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/signal_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

namespace fs = std::filesystem;
using testing::AlignedBuffer;
using testing::OpRunner;
using writer::ModelBuilder;
using writer::QuantParams;

struct Int8Entry {
  BuiltinOp op;
  const OpRegistration* (*reg)();
  const OpRegistration* (*generic)();
};

const std::vector<Int8Entry>& Int8Registrations() {
  static const std::vector<Int8Entry> entries = {
      {BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_INT8, Register_AVERAGE_POOL_2D},
      {BuiltinOp::kConv2d, Register_CONV_2D_INT8, Register_CONV_2D},
      {BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_INT8, Register_DEPTHWISE_CONV_2D},
      {BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_INT8, Register_FULLY_CONNECTED},
      {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_INT8, Register_MAX_POOL_2D},
      {BuiltinOp::kSoftmax, Register_SOFTMAX_INT8, Register_SOFTMAX},
  };
  return entries;
}

// True when every use of `op` in the model reads int8 input 0 (and, for
// SOFTMAX, writes int8): the rule tinyml bench's size probe uses.
bool AllUsesInt8(const Model& model, BuiltinOp op, int* uses) {
  bool all = true;
  *uses = 0;
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorMeta m = model.op(i);
    if (m.builtin_code != static_cast<int32_t>(op)) continue;
    ++*uses;
    bool int8 = m.num_inputs > 0 && m.inputs[0] >= 0 && model.tensor(m.inputs[0]).type == TensorType::kInt8;
    if (op == BuiltinOp::kSoftmax) int8 = int8 && model.tensor(m.outputs[0]).type == TensorType::kInt8;
    all = all && int8;
  }
  return all && *uses > 0;
}

struct Prepared {
  Model model;
  StaticOpResolver<64> resolver;
  AlignedBuffer arena;
  std::unique_ptr<Interpreter> interpreter;
};

// Loads and prepares `bytes`; with `int8_only`, the int8-only registration
// of every op whose uses are all int8 goes in first (first registration wins).
Status PrepareModel(const AlignedBuffer& bytes, bool int8_only, Prepared* p, int* int8_ops) {
  TINYML_RETURN_IF_ERROR(p->model.Load(bytes.data(), bytes.size()));
  *int8_ops = 0;
  if (int8_only) {
    for (const Int8Entry& e : Int8Registrations()) {
      int uses = 0;
      if (!AllUsesInt8(p->model, e.op, &uses)) continue;
      *int8_ops += uses;
      TINYML_RETURN_IF_ERROR(p->resolver.AddBuiltin(e.op, e.reg()));
    }
  }
  TINYML_RETURN_IF_ERROR(AddAllBuiltins(p->resolver));
  TINYML_RETURN_IF_ERROR(AddSignalOps(p->resolver));
  p->arena.Resize(8 << 20);
  p->interpreter = std::make_unique<Interpreter>(p->model, p->resolver, p->arena.data(), p->arena.size());
  return p->interpreter->Prepare();
}

std::vector<std::string> SharedModels() {
  std::vector<std::string> paths;
  const fs::path root = fs::path(testing::SharedDir()) / "models";
  if (!fs::is_directory(root)) return paths;
  for (const auto& e : fs::recursive_directory_iterator(root))
    // Small models only (the suite stays fast); that still covers every op.
    if (e.is_regular_file() && e.path().extension() == ".tflite" && e.file_size() < 400 * 1024)
      paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(Int8Registrations, SameBytesAsGenericOnSharedModels) {
  const std::vector<std::string> paths = SharedModels();
  if (paths.empty()) GTEST_SKIP() << "../shared/models not found: int8 registration comparison skipped";
  int compared_models = 0, compared_ops = 0;
  for (const std::string& path : paths) {
    AlignedBuffer bytes;
    ASSERT_TRUE(testing::ReadFileAligned(path, &bytes)) << path;
    Prepared generic, int8;
    int unused = 0, int8_ops = 0;
    if (PrepareModel(bytes, false, &generic, &unused) != Status::kOk) continue;  // ops outside the set
    ASSERT_EQ(PrepareModel(bytes, true, &int8, &int8_ops), Status::kOk) << path << ": " << int8.interpreter->error();
    if (int8_ops == 0) continue;
    // The int8-only ops use the same arena plan.
    EXPECT_EQ(int8.interpreter->RequiredArenaBytes(), generic.interpreter->RequiredArenaBytes()) << path;
    std::mt19937 rng(20240601);
    for (int i = 0; i < generic.interpreter->inputs_size(); ++i) {
      const size_t n = generic.interpreter->input_bytes(i);
      ASSERT_EQ(n, int8.interpreter->input_bytes(i));
      std::vector<uint8_t> x(n);
      for (auto& v : x) v = static_cast<uint8_t>(rng());
      std::memcpy(generic.interpreter->input(i)->data, x.data(), n);
      std::memcpy(int8.interpreter->input(i)->data, x.data(), n);
    }
    ASSERT_EQ(generic.interpreter->Invoke(), Status::kOk) << path;
    ASSERT_EQ(int8.interpreter->Invoke(), Status::kOk) << path << ": " << int8.interpreter->error();
    for (int o = 0; o < generic.interpreter->outputs_size(); ++o) {
      const size_t n = generic.interpreter->output_bytes(o);
      ASSERT_EQ(std::memcmp(generic.interpreter->output(o)->data, int8.interpreter->output(o)->data, n), 0)
          << path << " output " << o;
    }
    ++compared_models;
    compared_ops += int8_ops;
  }
  // KWS, micro_speech, person_detect, VWW, IC, AD ... are int8 with these ops.
  EXPECT_GE(compared_models, 5);
  std::printf("int8-only registrations matched the generic ones on %d models (%d ops)\n", compared_models,
              compared_ops);
}

// One float op of each kind, registered int8-only: Prepare must refuse it.
TEST(Int8Registrations, RefuseFloatOps) {
  const std::vector<float> w(2 * 3 * 3 * 2, 0.5f), b2(2, 0.0f);
  for (const Int8Entry& e : Int8Registrations()) {
    ModelBuilder m;
    const int in = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
    int out = -1;
    switch (e.op) {
      case BuiltinOp::kConv2d: {
        const int f = m.AddConst(TensorType::kFloat32, {2, 3, 3, 2}, w);
        const int b = m.AddConst(TensorType::kFloat32, {2}, b2);
        out = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
        m.AddOperator(e.op, {in, f, b}, {out}, writer::Conv2DOptions{});
        break;
      }
      case BuiltinOp::kDepthwiseConv2d: {
        const int f = m.AddConst(TensorType::kFloat32, {1, 3, 3, 2}, std::vector<float>(18, 0.25f));
        const int b = m.AddConst(TensorType::kFloat32, {2}, b2);
        out = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
        m.AddOperator(e.op, {in, f, b}, {out}, writer::DepthwiseConv2DOptions{});
        break;
      }
      case BuiltinOp::kFullyConnected: {
        const int f = m.AddConst(TensorType::kFloat32, {2, 32}, std::vector<float>(64, 0.5f));
        out = m.AddTensor(TensorType::kFloat32, {1, 2});
        m.AddOperator(e.op, {in, f, -1}, {out}, writer::FullyConnectedOptions{});
        break;
      }
      case BuiltinOp::kSoftmax:
        out = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
        m.AddOperator(e.op, {in}, {out}, writer::SoftmaxOptions{});
        break;
      default:  // pooling
        out = m.AddTensor(TensorType::kFloat32, {1, 2, 2, 2});
        m.AddOperator(e.op, {in}, {out}, writer::Pool2DOptions{writer::Padding::kValid, 2, 2, 2, 2});
        break;
    }
    m.SetInputs({in});
    m.SetOutputs({out});
    const std::vector<uint8_t> file = m.Finish();
    OpRunner generic;
    ASSERT_EQ(generic.Prepare(file, {{e.op, e.generic()}}), Status::kOk) << generic.error();
    OpRunner r;
    EXPECT_EQ(r.Prepare(file, {{e.op, e.reg()}}), Status::kUnsupportedType) << BuiltinOpName(static_cast<int>(e.op));
    EXPECT_NE(r.error().find("int8-only registration"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(BuiltinOpName(static_cast<int>(e.op))), std::string::npos) << r.error();
  }
}

TEST(Int8Registrations, SoftmaxInt8RefusesInt16Output) {
  ModelBuilder m;
  const int in = m.AddTensor(TensorType::kInt8, {1, 10}, QuantParams::PerTensor(0.1f, 0));
  const int out = m.AddTensor(TensorType::kInt16, {1, 10}, QuantParams::PerTensor(1.0f / 65536, -32768));
  m.AddOperator(BuiltinOp::kSoftmax, {in}, {out}, writer::SoftmaxOptions{});
  m.SetInputs({in});
  m.SetOutputs({out});
  const std::vector<uint8_t> file = m.Finish();
  OpRunner generic;
  ASSERT_EQ(generic.Prepare(file, {{BuiltinOp::kSoftmax, Register_SOFTMAX()}}), Status::kOk) << generic.error();
  OpRunner r;
  EXPECT_EQ(r.Prepare(file, {{BuiltinOp::kSoftmax, Register_SOFTMAX_INT8()}}), Status::kUnsupportedType);
  EXPECT_NE(r.error().find("int8-only registration; output type"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace tinyml
