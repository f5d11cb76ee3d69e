#include "common/inspect.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/model_file.h"
#include "fake_ops.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "writer/model_builder.h"

namespace tinyml::tools {
namespace {

using nlohmann::json;
using writer::ModelBuilder;
using writer::QuantParams;

// Holds a finished model in aligned memory, loaded.
struct LoadedModel {
  explicit LoadedModel(const std::vector<uint8_t>& file) : bytes(file.size()) {
    std::copy(file.begin(), file.end(), bytes.data());
    EXPECT_EQ(model.Load(bytes.data(), bytes.size()), Status::kOk) << model.error();
  }
  AlignedBuffer bytes;
  Model model;
};

// input int8 [1,8,8,3] -> CONV 4x3x3x3 -> DW 3x3 -> MAX_POOL 2x2/2 -> RESHAPE [1,64] -> FC 10.
std::vector<uint8_t> BuildNet(bool with_svdf = false) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 8, 8, 3}, QuantParams::PerTensor(0.5f, -3), "in");
  const int cw = b.AddConst<int8_t>(TensorType::kInt8, {4, 3, 3, 3}, std::vector<int8_t>(108, 1),
                                    QuantParams::PerChannel({0.1f, 0.2f, 0.3f, 0.4f}, 0), "conv/w");
  const int cb = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>(4, 0), {}, "conv/b");
  const int c = b.AddTensor(TensorType::kInt8, {1, 8, 8, 4}, QuantParams::PerTensor(0.25f, 5), "conv");
  writer::Conv2DOptions conv;
  conv.stride_w = 1;
  conv.stride_h = 1;
  conv.activation = writer::Activation::kRelu6;
  b.AddOperator(BuiltinOp::kConv2d, {in, cw, cb}, {c}, conv);
  int prev = c;
  if (with_svdf) {
    const int s = b.AddTensor(TensorType::kInt8, {1, 8, 8, 4}, QuantParams::PerTensor(0.25f, 5), "svdf");
    b.AddOperator(static_cast<BuiltinOp>(27), {c}, {s});
    prev = s;
  }
  const int dw_w = b.AddConst<int8_t>(TensorType::kInt8, {1, 3, 3, 4}, std::vector<int8_t>(36, 2),
                                      QuantParams::PerChannel({0.1f, 0.1f, 0.1f, 0.1f}, 3), "dw/w");
  const int d = b.AddTensor(TensorType::kInt8, {1, 8, 8, 4}, QuantParams::PerTensor(0.25f, 5), "dw");
  writer::DepthwiseConv2DOptions dw;
  dw.depth_multiplier = 1;
  b.AddOperator(BuiltinOp::kDepthwiseConv2d, {prev, dw_w, -1}, {d}, dw);
  const int p = b.AddTensor(TensorType::kInt8, {1, 4, 4, 4}, QuantParams::PerTensor(0.25f, 5), "pool");
  writer::Pool2DOptions pool;
  pool.stride_w = pool.stride_h = 2;
  pool.filter_width = pool.filter_height = 2;
  b.AddOperator(BuiltinOp::kMaxPool2d, {d}, {p}, pool);
  const int shape = b.AddConst<int32_t>(TensorType::kInt32, {2}, std::vector<int32_t>{1, 64}, {}, "shape");
  const int r = b.AddTensor(TensorType::kInt8, {1, 64}, QuantParams::PerTensor(0.25f, 5), "flat");
  writer::ReshapeOptions reshape;
  reshape.new_shape = {1, 64};
  b.AddOperator(BuiltinOp::kReshape, {p, shape}, {r}, reshape);
  const int fw = b.AddConst<int8_t>(TensorType::kInt8, {10, 64}, std::vector<int8_t>(640, 3),
                                    QuantParams::PerTensor(0.05f, 0), "fc/w");
  const int out = b.AddTensor(TensorType::kInt8, {1, 10}, QuantParams::PerTensor(0.125f, -1), "out");
  b.AddOperator(BuiltinOp::kFullyConnected, {r, fw, -1}, {out}, writer::FullyConnectedOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override { fake::AddFakeOps(resolver_); }
  StaticOpResolver<16> resolver_;
};

TEST_F(InspectTest, StructureMacsAndQuantization) {
  LoadedModel m(BuildNet());
  const json r = InspectModel(m.model, resolver_, "net.tflite");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump(2);
  EXPECT_EQ(r["format_version"].get<int>(), kInspectFormatVersion);
  EXPECT_EQ(r["model"]["path"].get<std::string>(), "net.tflite");
  EXPECT_EQ(r["model"]["file_bytes"].get<size_t>(), m.bytes.size());
  ASSERT_EQ(r["inputs"].size(), 1u);
  EXPECT_EQ(r["inputs"][0]["shape"], json({1, 8, 8, 3}));
  EXPECT_EQ(r["inputs"][0]["bytes"].get<int>(), 192);
  EXPECT_EQ(r["outputs"][0]["bytes"].get<int>(), 10);

  const json& ops = r["operators"];
  ASSERT_EQ(ops.size(), 5u);
  const std::vector<std::string> names = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(ops[i]["op"].get<std::string>(), names[i]);
    EXPECT_TRUE(ops[i]["supported"].get<bool>());
  }
  // conv: 8*8*4 outputs x 3*3*3; depthwise: 8*8*4 x 3*3; fc: 10 x 64.
  EXPECT_EQ(ops[0]["macs"].get<int64_t>(), 256 * 27);
  EXPECT_EQ(ops[1]["macs"].get<int64_t>(), 256 * 9);
  EXPECT_EQ(ops[2]["macs"].get<int64_t>(), 0);
  EXPECT_EQ(ops[2]["element_ops"].get<int64_t>(), 64 * 4);
  EXPECT_EQ(ops[4]["macs"].get<int64_t>(), 640);
  EXPECT_EQ(r["totals"]["macs"].get<int64_t>(), 256 * 27 + 256 * 9 + 640);
  EXPECT_EQ(r["totals"]["weights_bytes"].get<int64_t>(), 108 + 16 + 36 + 8 + 640);
  EXPECT_EQ(ops[0]["options"]["activation"].get<std::string>(), "RELU6");
  EXPECT_EQ(ops[0]["options"]["padding"].get<std::string>(), "SAME");
  EXPECT_EQ(ops[2]["options"]["filter_w"].get<int>(), 2);
  EXPECT_EQ(ops[2]["options"]["stride_h"].get<int>(), 2);
  EXPECT_EQ(ops[3]["options"]["new_shape"], json({1, 64}));
  EXPECT_EQ(ops[1]["inputs"], json({3, 4, -1}));

  const json& tensors = r["tensors"];
  ASSERT_EQ(tensors.size(), static_cast<size_t>(m.model.num_tensors()));
  const json& in = tensors[0];
  EXPECT_EQ(in["name"].get<std::string>(), "in");
  EXPECT_FALSE(in["quantization"]["per_channel"].get<bool>());
  EXPECT_FLOAT_EQ(in["quantization"]["scale"].get<float>(), 0.5f);
  EXPECT_EQ(in["quantization"]["zero_point"].get<int>(), -3);
  const json& cw = tensors[1];
  EXPECT_TRUE(cw["constant"].get<bool>());
  EXPECT_TRUE(cw["arena_offset"].is_null());
  EXPECT_TRUE(cw["quantization"]["per_channel"].get<bool>());
  EXPECT_EQ(cw["quantization"]["channels"].get<int>(), 4);
  EXPECT_EQ(cw["quantization"]["dimension"].get<int>(), 0);
  EXPECT_FLOAT_EQ(cw["quantization"]["scales"][3].get<float>(), 0.4f);
  EXPECT_TRUE(tensors[2]["quantization"].is_null());  // conv/b written without quantization
  EXPECT_EQ(tensors[4]["quantization"]["dimension"].get<int>(), 3);

  // The human table renders the same report.
  const std::string text = FormatInspectReport(r);
  EXPECT_NE(text.find("DEPTHWISE_CONV_2D"), std::string::npos);
  EXPECT_NE(text.find(std::to_string(r["memory"]["arena_bytes"].get<size_t>())), std::string::npos);
}

TEST_F(InspectTest, MemoryPlanMatchesTheInterpreter) {
  LoadedModel m(BuildNet());
  const json r = InspectModel(m.model, resolver_);
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump(2);

  // An independent interpreter on a roomy arena.
  AlignedBuffer arena(1 << 20);
  Interpreter interp(m.model, resolver_, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  const json& mem = r["memory"];
  EXPECT_EQ(mem["arena_bytes"].get<size_t>(), interp.RequiredArenaBytes());
  EXPECT_EQ(mem["planned_bytes"].get<size_t>(), interp.planned_bytes());
  EXPECT_EQ(mem["persistent_bytes"].get<size_t>(), interp.persistent_bytes());
  EXPECT_TRUE(mem["plan_valid"].get<bool>());
  for (const json& t : r["tensors"]) {
    const int32_t index = t["index"].get<int32_t>();
    const int64_t expected = interp.ArenaOffset(index);
    if (expected < 0) {
      EXPECT_TRUE(t["arena_offset"].is_null()) << "tensor " << index;
    } else {
      EXPECT_EQ(t["arena_offset"].get<int64_t>(), expected) << "tensor " << index;
    }
  }

  // Every activation tensor is in exactly one buffer; RESHAPE's input and
  // output (tensors 6 and 8) share one; the conv scratch is listed.
  std::vector<int> seen(r["tensors"].size(), 0);
  bool reshape_shared = false;
  bool scratch_listed = false;
  for (const json& b : mem["buffers"]) {
    for (const json& t : b["tensors"]) ++seen[t.get<size_t>()];
    if (b["tensors"] == json({6, 8})) reshape_shared = true;
    if (b["kind"] == "scratch") {
      EXPECT_EQ(b["op"].get<int>(), 0);
      EXPECT_EQ(b["bytes"].get<uint32_t>(), fake::kConvScratchBytes);
      scratch_listed = true;
    }
    EXPECT_LE(b["offset"].get<size_t>() + b["bytes"].get<size_t>(), mem["planned_bytes"].get<size_t>());
  }
  EXPECT_TRUE(reshape_shared) << mem["buffers"].dump();
  EXPECT_TRUE(scratch_listed);
  for (const json& t : r["tensors"]) {
    const int expected = t["constant"].get<bool>() ? 0 : 1;
    EXPECT_EQ(seen[t["index"].get<size_t>()], expected) << "tensor " << t["index"];
  }
  // Live buffers never overlap (checked here, independently of PlanIsValid).
  const json& bufs = mem["buffers"];
  for (size_t i = 0; i < bufs.size(); ++i) {
    for (size_t j = i + 1; j < bufs.size(); ++j) {
      const json& a = bufs[i];
      const json& b = bufs[j];
      const bool live_together = a["first_op"] <= b["last_op"] && b["first_op"] <= a["last_op"];
      const int64_t a0 = a["offset"], a1 = a0 + a["bytes"].get<int64_t>();
      const int64_t b0 = b["offset"], b1 = b0 + b["bytes"].get<int64_t>();
      if (live_together && a1 > a0 && b1 > b0) {
        EXPECT_TRUE(a1 <= b0 || b1 <= a0) << a << " vs " << b;
      }
    }
  }
  ASSERT_EQ(mem["op_data"].size(), 1u);
  EXPECT_EQ(mem["op_data"][0]["op"].get<int>(), 0);
  EXPECT_EQ(mem["op_data"][0]["bytes"].get<uint32_t>(), fake::kConvPersistentBytes);
}

TEST_F(InspectTest, UnsupportedOpKeepsStructureAndNamesTheOp) {
  LoadedModel m(BuildNet(/*with_svdf=*/true));
  const json r = InspectModel(m.model, resolver_);
  EXPECT_FALSE(r["ok"].get<bool>());
  const std::string error = r["error"].get<std::string>();
  EXPECT_EQ(error.rfind("op 1 SVDF: operator not supported", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
  ASSERT_EQ(r["operators"].size(), 6u);
  EXPECT_TRUE(r["operators"][0]["supported"].get<bool>());
  EXPECT_FALSE(r["operators"][1]["supported"].get<bool>());
  EXPECT_EQ(r["operators"][1]["op"].get<std::string>(), "SVDF");
  EXPECT_TRUE(r["operators"][2]["supported"].get<bool>());
  EXPECT_TRUE(r["memory"].is_null());
  EXPECT_EQ(r["totals"]["macs"].get<int64_t>(), 256 * 27 + 256 * 9 + 640);
  for (const json& t : r["tensors"]) EXPECT_TRUE(t["arena_offset"].is_null());
  EXPECT_NE(FormatInspectReport(r).find("NOT SUPPORTED"), std::string::npos);
}

TEST_F(InspectTest, OpRejectedInPlanIsMarked) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(1.0f, 0), "in");
  const int out = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(1.0f, 0), "out");
  b.AddOperator(BuiltinOp::kTanh, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  LoadedModel m(b.Finish());
  const json r = InspectModel(m.model, resolver_);
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_FALSE(r["operators"][0]["supported"].get<bool>());
  EXPECT_EQ(r["operators"][0]["error"].get<std::string>(), "op 0 TANH: input type not supported: 7");
  EXPECT_EQ(r["operators"][0]["element_ops"].get<int64_t>(), 4);
}

}  // namespace
}  // namespace tinyml::tools
