// INT4 weights (TFLite's packed layout: two values a byte, the first in the
// low nibble): CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int8
// activations take them, through the reference and the Cortex-M
// registrations, and give exactly the bytes of the same model with the
// values stored as INT8 (TFLite Micro unpacks INT4 filters and runs its int8
// kernel). The loader accepts INT4 only as constant data of the packed size.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/ops/op_common.h"
#include "support/op_runner.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/cortex_m_ops.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::OpRunner;
using writer::ModelBuilder;
using writer::QuantParams;

TEST(Int4Weights, PackedLowNibbleFirstAndUnpackedSignExtended) {
  const std::vector<int8_t> values = {1, -1, 7, -8, 3};
  const std::vector<uint8_t> packed = writer::PackInt4(values);
  EXPECT_EQ(packed, (std::vector<uint8_t>{0xF1, 0x87, 0x03}));
  std::vector<int8_t> back(values.size());
  UnpackInt4(packed.data(), static_cast<int64_t>(back.size()), back.data());
  EXPECT_EQ(back, values);
  // TFLite's own example: {0x12, 0x34} holds 2, 1, 4, 3.
  const uint8_t tflite[] = {0x12, 0x34};
  int8_t four[4];
  UnpackInt4(tflite, 4, four);
  EXPECT_EQ(std::vector<int8_t>(four, four + 4), (std::vector<int8_t>{2, 1, 4, 3}));
  EXPECT_THROW(writer::PackInt4({8}), std::invalid_argument);
  EXPECT_THROW(writer::PackInt4({-9}), std::invalid_argument);
}

enum class Op { kConv, kDepthwise, kFullyConnected };

struct Case {
  Op op;
  // Conv/depthwise: input [1, h, w, in_c], filter k_h x k_w, out_c outputs.
  // Fully connected: input [batches, in_c], out_c units.
  int32_t h, w, in_c, out_c, k_h, k_w, stride;
  bool per_channel;  // fully connected: one scale per unit
  bool bias;
  bool relu;
};

std::string Name(const Case& c) {
  const char* op = c.op == Op::kConv ? "conv" : c.op == Op::kDepthwise ? "depthwise" : "fc";
  return std::string(op) + " in " + std::to_string(c.h) + "x" + std::to_string(c.w) + "x" + std::to_string(c.in_c) +
         " out_c " + std::to_string(c.out_c) + " k " + std::to_string(c.k_h) + "x" + std::to_string(c.k_w) +
         " stride " + std::to_string(c.stride);
}

// The case's one-op model with its filter stored as `filter_type` (INT8 or
// INT4) holding `values`; everything else is the same.
std::vector<uint8_t> BuildModel(const Case& c, TensorType filter_type, const std::vector<int8_t>& values,
                                const std::vector<int32_t>& filter_shape, const std::vector<float>& scales,
                                const std::vector<int32_t>& bias, const std::vector<int32_t>& out_shape) {
  ModelBuilder m;
  const std::vector<int32_t> in_shape =
      c.op == Op::kFullyConnected ? std::vector<int32_t>{c.h, c.in_c} : std::vector<int32_t>{1, c.h, c.w, c.in_c};
  const int in = m.AddTensor(TensorType::kInt8, in_shape, QuantParams::PerTensor(0.05f, -7));
  const int32_t dim = c.op == Op::kDepthwise ? 3 : 0;
  const QuantParams fq = scales.size() == 1 ? QuantParams::PerTensor(scales[0], 0) : QuantParams::PerChannel(scales, dim);
  int f = -1;
  if (filter_type == TensorType::kInt4) {
    f = m.AddInt4Const(filter_shape, values, fq);
  } else {
    f = m.AddConst<int8_t>(TensorType::kInt8, filter_shape, values, fq);
  }
  int b = -1;
  if (c.bias) {
    std::vector<float> bias_scales;
    for (float s : scales) bias_scales.push_back(0.05f * s);
    b = m.AddConst<int32_t>(TensorType::kInt32, {static_cast<int32_t>(bias.size())}, bias,
                            bias_scales.size() == 1 ? QuantParams::PerTensor(bias_scales[0], 0)
                                                    : QuantParams::PerChannel(bias_scales, 0));
  }
  const int out = m.AddTensor(TensorType::kInt8, out_shape, QuantParams::PerTensor(0.07f, 4));
  const auto act = c.relu ? writer::Activation::kRelu : writer::Activation::kNone;
  if (c.op == Op::kConv) {
    writer::Conv2DOptions o;
    o.stride_h = o.stride_w = c.stride;
    o.activation = act;
    m.AddOperator(BuiltinOp::kConv2d, {in, f, b}, {out}, o);
  } else if (c.op == Op::kDepthwise) {
    writer::DepthwiseConv2DOptions o;
    o.stride_h = o.stride_w = c.stride;
    o.depth_multiplier = c.out_c / c.in_c;
    o.activation = act;
    m.AddOperator(BuiltinOp::kDepthwiseConv2d, {in, f, b}, {out}, o);
  } else {
    writer::FullyConnectedOptions o;
    o.activation = act;
    m.AddOperator(BuiltinOp::kFullyConnected, {in, f, b}, {out}, o);
  }
  m.SetInputs({in});
  m.SetOutputs({out});
  return m.Finish();
}

struct Registrations {
  const char* name;
  BuiltinOp op;
  const OpRegistration* registration;
};

std::vector<Registrations> RegistrationsFor(Op op) {
  switch (op) {
    case Op::kConv:
      return {{"reference", BuiltinOp::kConv2d, Register_CONV_2D()},
              {"reference int8", BuiltinOp::kConv2d, Register_CONV_2D_INT8()},
              {"cortex-m", BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M()},
              {"cortex-m int8", BuiltinOp::kConv2d, Register_CONV_2D_CORTEX_M_INT8()}};
    case Op::kDepthwise:
      return {{"reference", BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D()},
              {"reference int8", BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_INT8()},
              {"cortex-m", BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M()},
              {"cortex-m int8", BuiltinOp::kDepthwiseConv2d, Register_DEPTHWISE_CONV_2D_CORTEX_M_INT8()}};
    case Op::kFullyConnected:
      break;
  }
  return {{"reference", BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED()},
          {"reference int8", BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_INT8()},
          {"cortex-m", BuiltinOp::kFullyConnected, Register_FULLY_CONNECTED_CORTEX_M()}};
}

int32_t SameOut(int32_t in, int32_t stride) { return (in + stride - 1) / stride; }

TEST(Int4Weights, SameBytesAsTheInt8ModelThroughEveryRegistration) {
  const Case cases[] = {
      // The wake-word net's shapes: 9x1 over time, stride 2; 1x1 shortcut; 3x1 over 40 features.
      {Op::kConv, 25, 1, 14, 14, 9, 1, 2, false, true, true},
      {Op::kConv, 25, 1, 14, 14, 1, 1, 2, false, true, false},
      {Op::kConv, 49, 1, 40, 20, 3, 1, 1, false, true, true},
      // An odd filter element count (the last byte's high nibble unused).
      {Op::kConv, 5, 5, 3, 3, 1, 1, 1, false, false, false},
      {Op::kConv, 6, 6, 3, 5, 3, 3, 1, false, true, true},
      // Depth 3*3*16 = 144: the Cortex-M kernel's columns need arena scratch
      // before the unpacked filter.
      {Op::kConv, 6, 6, 16, 8, 3, 3, 1, false, true, false},
      // The 1x1 fast path.
      {Op::kConv, 7, 3, 8, 6, 1, 1, 1, false, true, true},
      {Op::kDepthwise, 13, 1, 20, 20, 9, 1, 1, false, true, true},
      {Op::kDepthwise, 7, 7, 3, 3, 3, 3, 2, false, false, false},
      {Op::kDepthwise, 6, 5, 4, 8, 3, 3, 1, false, true, true},  // depth multiplier 2
      {Op::kFullyConnected, 1, 1, 14, 2, 1, 1, 1, false, true, false},
      {Op::kFullyConnected, 3, 1, 33, 5, 1, 1, 1, false, true, true},
      {Op::kFullyConnected, 2, 1, 9, 7, 1, 1, 1, true, true, false},
  };
  std::mt19937 rng(4);
  int compared = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(Name(c));
    std::vector<int32_t> filter_shape, out_shape;
    int32_t channels = c.out_c;
    if (c.op == Op::kConv) {
      filter_shape = {c.out_c, c.k_h, c.k_w, c.in_c};
      out_shape = {1, SameOut(c.h, c.stride), SameOut(c.w, c.stride), c.out_c};
    } else if (c.op == Op::kDepthwise) {
      filter_shape = {1, c.k_h, c.k_w, c.out_c};
      out_shape = {1, SameOut(c.h, c.stride), SameOut(c.w, c.stride), c.out_c};
    } else {
      filter_shape = {c.out_c, c.in_c};
      out_shape = {c.h, c.out_c};
    }
    int64_t count = 1;
    for (int32_t d : filter_shape) count *= d;
    std::vector<int8_t> values(static_cast<size_t>(count));
    for (auto& v : values) v = static_cast<int8_t>(static_cast<int>(rng() % 16) - 8);
    values[0] = -8;  // both ends of the range
    values[values.size() - 1] = 7;
    std::vector<float> scales;
    const bool per_channel = c.op != Op::kFullyConnected || c.per_channel;
    for (int32_t i = 0; i < (per_channel ? channels : 1); ++i)
      scales.push_back(0.002f + 0.0007f * static_cast<float>(i % 5));
    std::vector<int32_t> bias(static_cast<size_t>(channels));
    for (auto& b : bias) b = static_cast<int32_t>(rng() % 4001) - 2000;
    const std::vector<uint8_t> int8_model =
        BuildModel(c, TensorType::kInt8, values, filter_shape, scales, bias, out_shape);
    const std::vector<uint8_t> int4_model =
        BuildModel(c, TensorType::kInt4, values, filter_shape, scales, bias, out_shape);
    EXPECT_LT(int4_model.size(), int8_model.size());

    const int64_t in_count = c.op == Op::kFullyConnected ? int64_t{c.h} * c.in_c : int64_t{c.h} * c.w * c.in_c;
    std::vector<uint8_t> x(static_cast<size_t>(in_count));
    for (auto& v : x) v = static_cast<uint8_t>(rng());

    OpRunner want;
    ASSERT_EQ(want.Prepare(int8_model, {{RegistrationsFor(c.op)[0].op, RegistrationsFor(c.op)[0].registration}}),
              Status::kOk)
        << want.error();
    const std::vector<uint8_t> expected = want.Run({x});
    ASSERT_FALSE(expected.empty());
    for (const Registrations& r : RegistrationsFor(c.op)) {
      SCOPED_TRACE(r.name);
      OpRunner got;
      ASSERT_EQ(got.Prepare(int4_model, {{r.op, r.registration}}), Status::kOk) << got.error();
      EXPECT_EQ(got.Run({x}), expected);
      // A second invoke unpacks again into the same scratch.
      EXPECT_EQ(got.Run({x}), expected);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 10 * 4 + 3 * 3);
}

// One CONV_2D whose filter is `filter` (built by the caller).
std::vector<uint8_t> ConvWithFilter(TensorType activation_type, TensorType filter_type, const void* filter,
                                    size_t filter_bytes, bool constant = true) {
  ModelBuilder m;
  const QuantParams act =
      activation_type == TensorType::kInt8 ? QuantParams::PerTensor(0.05f, 0) : QuantParams{};
  const int in = m.AddTensor(activation_type, {1, 3, 3, 2}, act);
  const QuantParams fq = activation_type == TensorType::kInt8 ? QuantParams::PerChannel({0.01f, 0.02f}, 0) : QuantParams{};
  const int f = constant ? m.AddConstTensor(filter_type, {2, 1, 1, 2}, filter, filter_bytes, fq)
                         : m.AddTensor(filter_type, {2, 1, 1, 2}, fq);
  const int out = m.AddTensor(activation_type, {1, 3, 3, 2}, act);
  m.AddOperator(BuiltinOp::kConv2d, {in, f, -1}, {out}, writer::Conv2DOptions{});
  m.SetInputs(constant ? std::vector<int32_t>{in} : std::vector<int32_t>{in, f});
  m.SetOutputs({out});
  return m.Finish();
}

TEST(Int4Weights, LoaderAndOpsRefuseWhatTheyCannotRun) {
  const std::vector<uint8_t> packed = writer::PackInt4({1, 2, 3, -4});
  {
    OpRunner r;  // the good model, for contrast
    EXPECT_EQ(r.Prepare(ConvWithFilter(TensorType::kInt8, TensorType::kInt4, packed.data(), 2),
                        {{BuiltinOp::kConv2d, Register_CONV_2D()}}),
              Status::kOk)
        << r.error();
  }
  {
    // Three bytes for four values, or one.
    const uint8_t three[] = {0x21, 0xC3, 0x00};
    for (size_t bytes : {size_t{1}, size_t{3}}) {
      OpRunner r;
      EXPECT_EQ(r.Prepare(ConvWithFilter(TensorType::kInt8, TensorType::kInt4, three, bytes),
                          {{BuiltinOp::kConv2d, Register_CONV_2D()}}),
                Status::kInvalidModel);
      EXPECT_NE(r.error().find("INT4"), std::string::npos) << r.error();
    }
  }
  {
    // An INT4 tensor the interpreter would have to hold: refused at load.
    OpRunner r;
    EXPECT_EQ(r.Prepare(ConvWithFilter(TensorType::kInt8, TensorType::kInt4, nullptr, 0, false),
                        {{BuiltinOp::kConv2d, Register_CONV_2D()}}),
              Status::kUnsupportedType);
    EXPECT_NE(r.error().find("INT4"), std::string::npos) << r.error();
  }
  {
    // INT4 weights under float activations (hybrid): refused by the op.
    OpRunner r;
    EXPECT_EQ(r.Prepare(ConvWithFilter(TensorType::kFloat32, TensorType::kInt4, packed.data(), 2),
                        {{BuiltinOp::kConv2d, Register_CONV_2D()}}),
              Status::kUnsupportedType);
    EXPECT_NE(r.error().find("filter type"), std::string::npos) << r.error();
  }
  {
    // An op that does not take INT4 inputs: ADD of an INT4 constant.
    ModelBuilder m;
    const int in = m.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(0.05f, 0));
    const int k = m.AddConstTensor(TensorType::kInt4, {4}, packed.data(), packed.size(), QuantParams::PerTensor(0.05f, 0));
    const int out = m.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(0.1f, 0));
    m.AddOperator(BuiltinOp::kAdd, {in, k}, {out}, writer::AddOptions{});
    m.SetInputs({in});
    m.SetOutputs({out});
    OpRunner r;
    EXPECT_EQ(r.Prepare(m.Finish(), {{BuiltinOp::kAdd, Register_ADD()}}), Status::kUnsupportedType) << r.error();
  }
}

}  // namespace
}  // namespace tinyml
