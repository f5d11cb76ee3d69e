// The Cortex-M registrations through the interpreter: on every small int8
// model in ../shared/models, AddCortexMBuiltins and AddCortexMBuiltinsInt8
// (portable DSP emulation on the host) give exactly the reference
// registrations' bytes; the int8-only forms refuse float and the variants
// they do not optimize in Prepare, while the full forms fall back to the
// reference kernel for them.
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
#include "tinyml/cortex_m_ops.h"
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

enum class Set { kReference, kCortexM, kCortexMInt8 };

struct Loaded {
  Model model;
  StaticOpResolver<64> resolver;
  AlignedBuffer arena;
  std::unique_ptr<Interpreter> interpreter;
};

Status PrepareWith(const AlignedBuffer& bytes, Set set, Loaded* r) {
  TINYML_RETURN_IF_ERROR(r->model.Load(bytes.data(), bytes.size()));
  if (set == Set::kCortexM) TINYML_RETURN_IF_ERROR(AddCortexMBuiltins(r->resolver));
  if (set == Set::kCortexMInt8) TINYML_RETURN_IF_ERROR(AddCortexMBuiltinsInt8(r->resolver));
  TINYML_RETURN_IF_ERROR(AddAllBuiltins(r->resolver));
  TINYML_RETURN_IF_ERROR(AddSignalOps(r->resolver));
  r->arena.Resize(8 << 20);
  r->interpreter = std::make_unique<Interpreter>(r->model, r->resolver, r->arena.data(), r->arena.size());
  return r->interpreter->Prepare();
}

// True when the model uses one of the optimized ops, each on int8 input.
bool OptimizedOpsAllInt8(const Model& model, int* uses) {
  static const BuiltinOp kOps[] = {BuiltinOp::kConv2d, BuiltinOp::kDepthwiseConv2d, BuiltinOp::kFullyConnected,
                                   BuiltinOp::kAveragePool2d, BuiltinOp::kMaxPool2d};
  bool all = true;
  *uses = 0;
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorMeta m = model.op(i);
    if (std::find_if(std::begin(kOps), std::end(kOps), [&](BuiltinOp op) {
          return m.builtin_code == static_cast<int32_t>(op);
        }) == std::end(kOps))
      continue;
    ++*uses;
    all = all && m.num_inputs > 0 && m.inputs[0] >= 0 && model.tensor(m.inputs[0]).type == TensorType::kInt8;
  }
  return all && *uses > 0;
}

TEST(CortexMRegistrations, SameBytesAsReferenceOnSharedModels) {
  const fs::path root = fs::path(testing::SharedDir()) / "models";
  if (!fs::is_directory(root)) GTEST_SKIP() << "../shared/models not found: Cortex-M registration comparison skipped";
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".tflite" && e.file_size() < 400 * 1024)
      paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  int models = 0, int8_models = 0;
  for (const std::string& path : paths) {
    AlignedBuffer bytes;
    ASSERT_TRUE(testing::ReadFileAligned(path, &bytes)) << path;
    Loaded ref, cm;
    if (PrepareWith(bytes, Set::kReference, &ref) != Status::kOk) continue;  // ops outside the set
    ASSERT_EQ(PrepareWith(bytes, Set::kCortexM, &cm), Status::kOk) << path << ": " << cm.interpreter->error();
    int uses = 0;
    const bool int8 = OptimizedOpsAllInt8(ref.model, &uses);
    Loaded cm8;
    if (int8) ASSERT_EQ(PrepareWith(bytes, Set::kCortexMInt8, &cm8), Status::kOk) << path << ": " << cm8.interpreter->error();
    std::mt19937 rng(20240601);
    for (int i = 0; i < ref.interpreter->inputs_size(); ++i) {
      const size_t n = ref.interpreter->input_bytes(i);
      std::vector<uint8_t> x(n);
      for (auto& v : x) v = static_cast<uint8_t>(rng());
      if (ref.interpreter->input(i)->type == TensorType::kFloat32) {
        for (size_t k = 0; k + 4 <= n; k += 4) {
          const float f = static_cast<float>(static_cast<int32_t>(rng() % 2001) - 1000) / 1000.0f;
          std::memcpy(x.data() + k, &f, 4);
        }
      }
      std::memcpy(ref.interpreter->input(i)->data, x.data(), n);
      std::memcpy(cm.interpreter->input(i)->data, x.data(), n);
      if (int8) std::memcpy(cm8.interpreter->input(i)->data, x.data(), n);
    }
    ASSERT_EQ(ref.interpreter->Invoke(), Status::kOk) << path;
    ASSERT_EQ(cm.interpreter->Invoke(), Status::kOk) << path << ": " << cm.interpreter->error();
    if (int8) ASSERT_EQ(cm8.interpreter->Invoke(), Status::kOk) << path << ": " << cm8.interpreter->error();
    for (int o = 0; o < ref.interpreter->outputs_size(); ++o) {
      const size_t n = ref.interpreter->output_bytes(o);
      EXPECT_EQ(std::memcmp(ref.interpreter->output(o)->data, cm.interpreter->output(o)->data, n), 0)
          << path << " output " << o << " (AddCortexMBuiltins)";
      if (int8)
        EXPECT_EQ(std::memcmp(ref.interpreter->output(o)->data, cm8.interpreter->output(o)->data, n), 0)
            << path << " output " << o << " (AddCortexMBuiltinsInt8)";
    }
    ++models;
    int8_models += int8 ? 1 : 0;
  }
  // KWS, micro_speech, person_detect, VWW, IC, AD, SWW are int8 with these ops.
  EXPECT_GE(int8_models, 5);
  std::printf("Cortex-M registrations matched the reference on %d models (%d through the int8-only forms)\n", models,
              int8_models);
}

// A float model of each optimized op: the int8-only registration refuses it
// in Prepare naming the op; the full one runs it (reference fallback).
TEST(CortexMRegistrations, Int8OnlyRefusesFloat) {
  struct Entry {
    BuiltinOp op;
    const OpRegistration* (*int8)();
    const OpRegistration* (*full)();
  };
  const Entry entries[] = {
      {BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M_INT8, Register_CONV_2D_CORTEX_M},
      {BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8, Register_DEPTHWISE_CONV_2D_CORTEX_M},
      {BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M_INT8, Register_FULLY_CONNECTED_CORTEX_M},
      {BuiltinOp::kAveragePool2d, Register_AVERAGE_POOL_2D_CORTEX_M_INT8, Register_AVERAGE_POOL_2D_CORTEX_M},
      {BuiltinOp::kMaxPool2d, Register_MAX_POOL_2D_CORTEX_M_INT8, Register_MAX_POOL_2D_CORTEX_M},
  };
  for (const Entry& e : entries) {
    ModelBuilder m;
    const int in = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
    int out = -1;
    if (e.op == BuiltinOp::kConv2d) {
      const int f = m.AddConst(TensorType::kFloat32, {2, 3, 3, 2}, std::vector<float>(36, 0.5f));
      out = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
      m.AddOperator(e.op, {in, f, -1}, {out}, writer::Conv2DOptions{});
    } else if (e.op == BuiltinOp::kDepthwiseConv2d) {
      const int f = m.AddConst(TensorType::kFloat32, {1, 3, 3, 2}, std::vector<float>(18, 0.25f));
      out = m.AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
      m.AddOperator(e.op, {in, f, -1}, {out}, writer::DepthwiseConv2DOptions{});
    } else if (e.op == BuiltinOp::kFullyConnected) {
      const int f = m.AddConst(TensorType::kFloat32, {2, 32}, std::vector<float>(64, 0.5f));
      out = m.AddTensor(TensorType::kFloat32, {1, 2});
      m.AddOperator(e.op, {in, f, -1}, {out}, writer::FullyConnectedOptions{});
    } else {
      out = m.AddTensor(TensorType::kFloat32, {1, 2, 2, 2});
      m.AddOperator(e.op, {in}, {out}, writer::Pool2DOptions{writer::Padding::kValid, 2, 2, 2, 2});
    }
    m.SetInputs({in});
    m.SetOutputs({out});
    const std::vector<uint8_t> file = m.Finish();
    const char* name = BuiltinOpName(static_cast<int>(e.op));
    OpRunner full;
    EXPECT_EQ(full.Prepare(file, {{e.op, e.full()}}), Status::kOk) << name << ": " << full.error();
    OpRunner r;
    EXPECT_NE(r.Prepare(file, {{e.op, e.int8()}}), Status::kOk) << name;
    EXPECT_NE(r.error().find(name), std::string::npos) << r.error();
  }
}

// An int8 grouped convolution (not optimized): the full registration runs
// the reference kernel with the reference's bytes; the int8-only one
// refuses it with kUnsupportedOp.
TEST(CortexMRegistrations, GroupedConvFallsBackOrIsRefused) {
  ModelBuilder m;
  const int in = m.AddTensor(TensorType::kInt8, {1, 5, 5, 4}, QuantParams::PerTensor(0.05f, 3));
  std::vector<int8_t> w(4 * 3 * 3 * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  const int f = m.AddConst<int8_t>(TensorType::kInt8, {4, 3, 3, 2}, w,
                                   QuantParams::PerChannel({0.01f, 0.02f, 0.015f, 0.03f}, 0));
  const int b = m.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{100, -200, 300, 0},
                                    QuantParams::PerChannel({0.0005f, 0.001f, 0.00075f, 0.0015f}, 0));
  const int out = m.AddTensor(TensorType::kInt8, {1, 5, 5, 4}, QuantParams::PerTensor(0.1f, -5));
  m.AddOperator(BuiltinOp::kConv2d, {in, f, b}, {out}, writer::Conv2DOptions{});
  m.SetInputs({in});
  m.SetOutputs({out});
  const std::vector<uint8_t> file = m.Finish();
  std::vector<uint8_t> x(100);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 91 + 7);
  OpRunner ref;
  ASSERT_EQ(ref.Prepare(file, {{BuiltinOp::kConv2d, Register_CONV_2D()}}), Status::kOk) << ref.error();
  OpRunner full;
  ASSERT_EQ(full.Prepare(file, {{BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M()}}), Status::kOk) << full.error();
  EXPECT_EQ(full.Run({x}), ref.Run({x}));
  OpRunner int8;
  EXPECT_EQ(int8.Prepare(file, {{BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M_INT8()}}), Status::kUnsupportedOp);
  EXPECT_NE(int8.error().find("CONV_2D"), std::string::npos) << int8.error();
}

}  // namespace
}  // namespace tinyml
