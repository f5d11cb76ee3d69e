// The host .tflite writer, checked by reading its output back with the
// device-side verifier (tinyml::Model).
#include "writer/model_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tinyml/builtin_ops.h"
#include "tflite_schema_generated.h"
#include "tinyml/model.h"

namespace tinyml::writer {
namespace {

// Model::Load wants 4-byte aligned data; keep a 16-aligned copy so constant
// data alignment in the file is also alignment in memory.
struct LoadedModel {
  std::vector<uint64_t> storage;
  Model model;
  Status status = Status::kInternal;

  explicit LoadedModel(const std::vector<uint8_t>& bytes) : storage((bytes.size() + 15) / 8 + 2) {
    uint8_t* p = reinterpret_cast<uint8_t*>(storage.data());
    p += (16 - reinterpret_cast<uintptr_t>(p) % 16) % 16;
    std::memcpy(p, bytes.data(), bytes.size());
    status = model.Load(p, bytes.size());
  }
};

std::string Name(const TensorMeta& t) { return t.name ? std::string(t.name, t.name_length) : std::string(); }

std::vector<int32_t> Dims(const Shape& s) { return std::vector<int32_t>(s.dims, s.dims + s.rank); }

TEST(ModelBuilder, HeaderIdentifierAndVersion) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 4});
  const int out = b.AddTensor(TensorType::kFloat32, {1, 4});
  b.AddOperator(BuiltinOp::kRelu, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  const std::vector<uint8_t> file = b.Finish();
  ASSERT_GE(file.size(), 8u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(file.data()) + 4, 4), "TFL3");
  LoadedModel m(file);
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  EXPECT_EQ(m.model.schema_version(), 3u);
  EXPECT_EQ(m.model.num_subgraphs(), 1);
  EXPECT_EQ(m.model.num_tensors(), 2);
  EXPECT_EQ(m.model.num_operators(), 1);
  ASSERT_EQ(m.model.num_inputs(), 1);
  ASSERT_EQ(m.model.num_outputs(), 1);
  EXPECT_EQ(m.model.input_tensor(0), in);
  EXPECT_EQ(m.model.output_tensor(0), out);
}

// The file also passes FlatBuffers' own verifier for the schema, which checks
// alignment of every vector (including the 16-byte forced buffers).
TEST(ModelBuilder, PassesFlatbuffersVerifier) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(0.5f, 0));
  const std::vector<int8_t> w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const int wt = b.AddConst<int8_t>(TensorType::kInt8, {3, 4}, w, QuantParams::PerChannel({0.1f, 0.2f, 0.3f}, 0));
  const std::vector<int32_t> bias = {7, 8, 9};
  const int bi = b.AddConst<int32_t>(TensorType::kInt32, {3}, bias);
  const int out = b.AddTensor(TensorType::kInt8, {1, 3}, QuantParams::PerTensor(0.5f, 0));
  b.AddOperator(BuiltinOp::kFullyConnected, {in, wt, bi}, {out}, FullyConnectedOptions{});
  b.AddCustomOperator("Custom", {out}, {in}, {1, 2});
  b.SetInputs({in});
  b.SetOutputs({out});
  const std::vector<uint8_t> file = b.Finish();
  flatbuffers::Verifier verifier(file.data(), file.size());
  EXPECT_TRUE(tflite::VerifyModelBuffer(verifier));
  EXPECT_TRUE(tflite::ModelBufferHasIdentifier(file.data()));
  const tflite::Model* model = tflite::GetModel(file.data());
  EXPECT_EQ(model->version(), 3u);
  ASSERT_EQ(model->buffers()->size(), 3u);
  EXPECT_EQ(model->buffers()->Get(0)->data(), nullptr);
  EXPECT_EQ(model->subgraphs()->Get(0)->tensors()->Get(in)->buffer(), 0u);
  EXPECT_EQ(model->subgraphs()->Get(0)->operators()->Get(0)->builtin_options_type(),
            tflite::BuiltinOptions::FullyConnectedOptions);
}

TEST(ModelBuilder, FinishTwiceGivesTheSameBytes) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {3}, QuantParams::PerTensor(0.5f, 1));
  const int out = b.AddTensor(TensorType::kInt8, {3}, QuantParams::PerTensor(0.5f, 1));
  b.AddOperator(BuiltinOp::kRelu, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  EXPECT_EQ(b.Finish(), b.Finish());
}

TEST(ModelBuilder, TensorsShapesTypesNamesAndQuantization) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 8, 8, 3}, QuantParams::PerTensor(0.25f, -3), "input");
  const std::vector<int8_t> weights(4 * 3 * 3 * 3, 7);
  const int w = b.AddConst<int8_t>(TensorType::kInt8, {4, 3, 3, 3}, weights,
                                   QuantParams::PerChannel({0.1f, 0.2f, 0.3f, 0.4f}, 0), "weights");
  const std::vector<int32_t> bias = {1, -2, 3, -4};
  const int bi = b.AddConst<int32_t>(TensorType::kInt32, {4}, bias, {}, "bias");
  const int out = b.AddTensor(TensorType::kInt8, {1, 8, 8, 4}, QuantParams::PerTensor(1.5f, 127), "output");
  const int scalar = b.AddTensor(TensorType::kFloat32, {}, {}, "");
  b.AddOperator(BuiltinOp::kConv2d, {in, w, bi}, {out}, Conv2DOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();

  const TensorMeta tin = m.model.tensor(in);
  EXPECT_EQ(tin.type, TensorType::kInt8);
  EXPECT_EQ(Dims(tin.shape), (std::vector<int32_t>{1, 8, 8, 3}));
  EXPECT_EQ(Name(tin), "input");
  EXPECT_FALSE(tin.is_constant());
  ASSERT_EQ(tin.quant.count, 1);
  EXPECT_EQ(tin.quant.scale(0), 0.25f);
  EXPECT_EQ(tin.quant.zero_point(0), -3);

  const TensorMeta tw = m.model.tensor(w);
  EXPECT_TRUE(tw.is_constant());
  EXPECT_EQ(Name(tw), "weights");
  ASSERT_EQ(tw.quant.count, 4);
  EXPECT_EQ(tw.quant.zero_point_count, 4);
  EXPECT_EQ(tw.quant.quantized_dimension, 0);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(tw.quant.scale(c), 0.1f * static_cast<float>(c + 1)) << c;
    EXPECT_EQ(tw.quant.zero_point(c), 0);
  }

  const TensorMeta tb = m.model.tensor(bi);
  EXPECT_EQ(tb.type, TensorType::kInt32);
  EXPECT_EQ(tb.quant.count, 0);
  ASSERT_EQ(tb.const_bytes, 16u);
  std::vector<int32_t> read(4);
  std::memcpy(read.data(), tb.const_data, 16);
  EXPECT_EQ(read, bias);

  const TensorMeta tout = m.model.tensor(out);
  EXPECT_EQ(tout.quant.scale(0), 1.5f);
  EXPECT_EQ(tout.quant.zero_point(0), 127);

  const TensorMeta ts = m.model.tensor(scalar);
  EXPECT_EQ(ts.shape.rank, 0);
  EXPECT_EQ(ts.type, TensorType::kFloat32);
  EXPECT_EQ(ts.shape.FlatSize(), 1);
}

TEST(ModelBuilder, PerChannelOnOtherDimensionAndLargeZeroPoints) {
  ModelBuilder b;
  QuantParams q;
  q.scale = {1.0f, 2.0f, 3.0f};
  q.zero_point = {-(int64_t{1} << 40), 0, 5};
  q.quantized_dimension = 3;
  const std::vector<int8_t> data(2 * 3, 1);
  const int t = b.AddConst<int8_t>(TensorType::kInt8, {1, 1, 2, 3}, data, q);
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const TensorMeta meta = m.model.tensor(t);
  EXPECT_EQ(meta.quant.quantized_dimension, 3);
  EXPECT_EQ(meta.quant.zero_point(0), -(int64_t{1} << 40));
  EXPECT_EQ(meta.quant.zero_point(2), 5);
  EXPECT_EQ(meta.quant.scale(2), 3.0f);
}

// Equal shapes, names, scales and zero points are written once and shared
// by every tensor that has them (a FlatBuffer may point at one vector from
// many tables); each tensor still reads back its own values, and the file
// passes FlatBuffers' verifier.
TEST(ModelBuilder, EqualTensorFieldsAreStoredOnce) {
  const auto build = [](int tensors) {
    ModelBuilder b;
    for (int i = 0; i < tensors; ++i) {
      b.AddTensor(TensorType::kInt8, {16, 3, 1, 40}, QuantParams::PerChannel(std::vector<float>(16, 0.5f), 0), "w");
    }
    // Different values in the same shapes are not merged.
    b.AddTensor(TensorType::kInt8, {16, 3, 1, 41}, QuantParams::PerChannel(std::vector<float>(16, 0.25f), 0), "v");
    return b.Finish();
  };
  const std::vector<uint8_t> one = build(1), two = build(2), ten = build(10);
  // Zero points alone are 16 x 8 bytes; a repeated tensor costs only its table.
  EXPECT_LT(two.size() - one.size(), 64u);
  EXPECT_EQ((ten.size() - two.size()) % 8, 0u);
  EXPECT_LT(ten.size() - two.size(), 8 * 64u);
  flatbuffers::Verifier verifier(ten.data(), ten.size());
  EXPECT_TRUE(tflite::VerifyModelBuffer(verifier));
  LoadedModel m(ten);
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  ASSERT_EQ(m.model.num_tensors(), 11);
  for (int t = 0; t < 11; ++t) {
    const TensorMeta meta = m.model.tensor(t);
    const bool last = t == 10;
    EXPECT_EQ(Dims(meta.shape), (std::vector<int32_t>{16, 3, 1, last ? 41 : 40})) << t;
    EXPECT_EQ(Name(meta), last ? "v" : "w") << t;
    ASSERT_EQ(meta.quant.count, 16) << t;
    for (int c = 0; c < 16; ++c) {
      EXPECT_EQ(meta.quant.scale(c), last ? 0.25f : 0.5f) << t;
      EXPECT_EQ(meta.quant.zero_point(c), 0) << t;
    }
  }
}

TEST(ModelBuilder, ConstantDataIsExactOwnBufferAnd16ByteAligned) {
  ModelBuilder b;
  std::vector<int> consts;
  // Odd sizes force padding between buffers.
  for (int n = 1; n <= 9; ++n) {
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * 3);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(n * 31 + i);
    consts.push_back(b.AddConst<uint8_t>(TensorType::kUInt8, {n, 3}, bytes));
  }
  const std::vector<float> f = {1.5f, -2.25f, 3.0f};
  const int fc = b.AddConst<float>(TensorType::kFloat32, {3}, f);
  const int act = b.AddTensor(TensorType::kFloat32, {3});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();

  const uint8_t* base = m.model.data();
  std::vector<const uint8_t*> seen;
  for (int n = 1; n <= 9; ++n) {
    const TensorMeta t = m.model.tensor(consts[n - 1]);
    ASSERT_TRUE(t.is_constant());
    ASSERT_EQ(t.const_bytes, static_cast<uint32_t>(n * 3));
    EXPECT_EQ((t.const_data - base) % 16, 0) << "constant " << n << " not 16-byte aligned in the file";
    for (uint32_t i = 0; i < t.const_bytes; ++i) ASSERT_EQ(t.const_data[i], static_cast<uint8_t>(n * 31 + i));
    for (const uint8_t* p : seen) EXPECT_NE(p, t.const_data);
    seen.push_back(t.const_data);
  }
  const TensorMeta tf = m.model.tensor(fc);
  ASSERT_EQ(tf.const_bytes, 12u);
  EXPECT_EQ((tf.const_data - base) % 16, 0);
  std::vector<float> fr(3);
  std::memcpy(fr.data(), tf.const_data, 12);
  EXPECT_EQ(fr, f);
  EXPECT_FALSE(m.model.tensor(act).is_constant());
}

// Buffer 0 must be the empty sentinel and activations must point at it; read
// the raw fields to check what the file says, not what Model makes of it.
TEST(ModelBuilder, ActivationsUseEmptySentinelBuffer) {
  ModelBuilder b;
  const int a = b.AddTensor(TensorType::kInt8, {2});
  const std::vector<int8_t> d = {1, 2};
  const int c = b.AddConst<int8_t>(TensorType::kInt8, {2}, d);
  const int a2 = b.AddTensor(TensorType::kInt8, {2});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const FbTable root = FbTable::Root(m.model.data(), static_cast<uint32_t>(m.model.size()));
  const FbVector buffers = root.Vector(4, 4);
  ASSERT_EQ(buffers.length, 2u);
  const FbVector sentinel = root.TableAt(buffers, 0).Vector(0, 1);
  EXPECT_EQ(sentinel.length, 0u);
  const FbVector subgraphs = root.Vector(2, 4);
  const FbTable sg = root.TableAt(subgraphs, 0);
  const FbVector tensors = sg.Vector(0, 4);
  EXPECT_EQ(sg.TableAt(tensors, a).Scalar<uint32_t>(2, 0), 0u);
  EXPECT_EQ(sg.TableAt(tensors, a2).Scalar<uint32_t>(2, 0), 0u);
  EXPECT_EQ(sg.TableAt(tensors, c).Scalar<uint32_t>(2, 0), 1u);
}

TEST(ModelBuilder, OperatorCodesDeduplicatedAndVersioned) {
  ModelBuilder b;
  const int t0 = b.AddTensor(TensorType::kFloat32, {4});
  const int t1 = b.AddTensor(TensorType::kFloat32, {4});
  const int t2 = b.AddTensor(TensorType::kFloat32, {4});
  const int t3 = b.AddTensor(TensorType::kFloat32, {4});
  const int t4 = b.AddTensor(TensorType::kFloat32, {4});
  b.AddOperator(BuiltinOp::kRelu, {t0}, {t1});
  b.AddOperator(BuiltinOp::kAdd, {t1, t0}, {t2}, AddOptions{});
  b.AddOperator(BuiltinOp::kRelu, {t2}, {t3});
  b.AddOperator(BuiltinOp::kAdd, {t3, t3}, {t4}, AddOptions{}, 2);
  b.SetInputs({t0});
  b.SetOutputs({t4});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const FbTable root = FbTable::Root(m.model.data(), static_cast<uint32_t>(m.model.size()));
  EXPECT_EQ(root.Vector(1, 4).length, 3u);  // RELU v1, ADD v1, ADD v2
  EXPECT_EQ(m.model.op(0).builtin_code, static_cast<int32_t>(BuiltinOp::kRelu));
  EXPECT_EQ(m.model.op(1).builtin_code, static_cast<int32_t>(BuiltinOp::kAdd));
  EXPECT_EQ(m.model.op(2).builtin_code, static_cast<int32_t>(BuiltinOp::kRelu));
  EXPECT_EQ(m.model.op(3).builtin_code, static_cast<int32_t>(BuiltinOp::kAdd));
  EXPECT_EQ(m.model.op(1).version, 1);
  EXPECT_EQ(m.model.op(3).version, 2);
  const OperatorMeta op1 = m.model.op(1);
  ASSERT_EQ(op1.num_inputs, 2);
  EXPECT_EQ(op1.inputs[0], t1);
  EXPECT_EQ(op1.inputs[1], t0);
  ASSERT_EQ(op1.num_outputs, 1);
  EXPECT_EQ(op1.outputs[0], t2);
}

// Codes above 127 go to builtin_code with the deprecated int8 field holding
// the placeholder 127; smaller codes are in both fields.
TEST(ModelBuilder, BuiltinCodeInBothFields) {
  ModelBuilder b;
  const int t0 = b.AddTensor(TensorType::kFloat32, {4});
  const int t1 = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(0.1f, 0));
  const int t2 = b.AddTensor(TensorType::kFloat32, {4});
  const int t3 = b.AddTensor(TensorType::kFloat32, {4});
  b.AddOperator(BuiltinOp::kQuantize, {t0}, {t1});    // 114
  b.AddOperator(BuiltinOp::kDequantize, {t1}, {t2});  // 6
  b.AddOperator(BuiltinOp::kLeakyRelu, {t2}, {t3}, LeakyReluOptions{0.5f});  // 98
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const FbTable root = FbTable::Root(m.model.data(), static_cast<uint32_t>(m.model.size()));
  const FbVector codes = root.Vector(1, 4);
  ASSERT_EQ(codes.length, 3u);
  const int32_t expected[3] = {114, 6, 98};
  for (uint32_t i = 0; i < 3; ++i) {
    const FbTable code = root.TableAt(codes, i);
    EXPECT_EQ(code.Scalar<int8_t>(0, 0), expected[i]) << i;
    EXPECT_EQ(code.Scalar<int32_t>(3, 0), expected[i]) << i;
  }
  EXPECT_EQ(m.model.op(0).builtin_code, 114);
}

TEST(ModelBuilder, OptionalInputsAndVariables) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 4});
  const std::vector<float> w(8, 0.5f);
  const int wt = b.AddConst<float>(TensorType::kFloat32, {2, 4}, w);
  const int out = b.AddTensor(TensorType::kFloat32, {1, 2});
  const int state = b.AddTensor(TensorType::kFloat32, {1, 2});
  b.SetVariable(state);
  b.AddOperator(BuiltinOp::kFullyConnected, {in, wt, -1}, {out},
                FullyConnectedOptions{Activation::kRelu6, true});
  b.SetInputs({in});
  b.SetOutputs({out});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const OperatorMeta op = m.model.op(0);
  ASSERT_EQ(op.num_inputs, 3);
  EXPECT_EQ(op.inputs[2], -1);
  EXPECT_TRUE(m.model.tensor(state).is_variable);
  EXPECT_FALSE(m.model.tensor(out).is_variable);
  EXPECT_EQ(op.options_type, 8);  // FullyConnectedOptions
  ASSERT_TRUE(op.options.ok());
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 3);   // fused_activation_function RELU6
  EXPECT_EQ(op.options.Scalar<uint8_t>(2, 0), 1);  // keep_num_dims
}

// Each options variant lands in its BuiltinOptions union slot with its fields
// at the published field ids.
class OptionsTest : public ::testing::Test {
 protected:
  OperatorMeta Build(BuiltinOp op, OpOptions options) {
    builder_ = std::make_unique<ModelBuilder>();
    const int a = builder_->AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
    const int o = builder_->AddTensor(TensorType::kFloat32, {1, 4, 4, 2});
    builder_->AddOperator(op, {a}, {o}, std::move(options));
    loaded_ = std::make_unique<LoadedModel>(builder_->Finish());
    EXPECT_EQ(loaded_->status, Status::kOk) << loaded_->model.error();
    if (loaded_->status != Status::kOk) return OperatorMeta();
    return loaded_->model.op(0);
  }
  std::unique_ptr<ModelBuilder> builder_;
  std::unique_ptr<LoadedModel> loaded_;
};

TEST_F(OptionsTest, Conv2D) {
  const OperatorMeta op = Build(BuiltinOp::kConv2d, Conv2DOptions{Padding::kValid, 2, 3, Activation::kRelu, 4, 5});
  EXPECT_EQ(op.options_type, 1);
  ASSERT_TRUE(op.options.ok());
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 1);  // padding VALID
  EXPECT_EQ(op.options.Scalar<int32_t>(1, 0), 2);
  EXPECT_EQ(op.options.Scalar<int32_t>(2, 0), 3);
  EXPECT_EQ(op.options.Scalar<int8_t>(3, 0), 1);
  EXPECT_EQ(op.options.Scalar<int32_t>(4, 1), 4);
  EXPECT_EQ(op.options.Scalar<int32_t>(5, 1), 5);
}

TEST_F(OptionsTest, DepthwiseConv2D) {
  const OperatorMeta op = Build(BuiltinOp::kDepthwiseConv2d,
                                DepthwiseConv2DOptions{Padding::kSame, 1, 2, 3, Activation::kRelu6, 2, 1});
  EXPECT_EQ(op.options_type, 2);
  ASSERT_TRUE(op.options.ok());
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 0);  // SAME (the schema default, may be absent)
  EXPECT_EQ(op.options.Scalar<int32_t>(1, 0), 1);
  EXPECT_EQ(op.options.Scalar<int32_t>(2, 0), 2);
  EXPECT_EQ(op.options.Scalar<int32_t>(3, 0), 3);
  EXPECT_EQ(op.options.Scalar<int8_t>(4, 0), 3);
  EXPECT_EQ(op.options.Scalar<int32_t>(5, 1), 2);
  EXPECT_EQ(op.options.Scalar<int32_t>(6, 1), 1);
}

TEST_F(OptionsTest, Pool2D) {
  const OperatorMeta op = Build(BuiltinOp::kMaxPool2d, Pool2DOptions{Padding::kSame, 2, 2, 3, 4, Activation::kReluN1To1});
  EXPECT_EQ(op.options_type, 5);
  ASSERT_TRUE(op.options.ok());
  EXPECT_EQ(op.options.Scalar<int32_t>(3, 0), 3);
  EXPECT_EQ(op.options.Scalar<int32_t>(4, 0), 4);
  EXPECT_EQ(op.options.Scalar<int8_t>(5, 0), 2);
}

TEST_F(OptionsTest, SoftmaxAndLeakyReluFloats) {
  OperatorMeta op = Build(BuiltinOp::kSoftmax, SoftmaxOptions{0.75f});
  EXPECT_EQ(op.options_type, 9);
  EXPECT_EQ(op.options.Scalar<float>(0, 0.0f), 0.75f);
  op = Build(BuiltinOp::kLeakyRelu, LeakyReluOptions{0.125f});
  EXPECT_EQ(op.options_type, 75);
  EXPECT_EQ(op.options.Scalar<float>(0, 0.0f), 0.125f);
}

TEST_F(OptionsTest, ConcatenationAndArithmetic) {
  OperatorMeta op = Build(BuiltinOp::kConcatenation, ConcatenationOptions{-1, Activation::kRelu});
  EXPECT_EQ(op.options_type, 10);
  EXPECT_EQ(op.options.Scalar<int32_t>(0, 0), -1);
  EXPECT_EQ(op.options.Scalar<int8_t>(1, 0), 1);
  op = Build(BuiltinOp::kAdd, AddOptions{Activation::kRelu6});
  EXPECT_EQ(op.options_type, 11);
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 3);
  op = Build(BuiltinOp::kSub, SubOptions{Activation::kRelu});
  EXPECT_EQ(op.options_type, 28);
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 1);
  op = Build(BuiltinOp::kMul, MulOptions{Activation::kTanh});
  EXPECT_EQ(op.options_type, 21);
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 4);
  op = Build(BuiltinOp::kDiv, DivOptions{Activation::kReluN1To1});
  EXPECT_EQ(op.options_type, 29);
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 2);
}

TEST_F(OptionsTest, ReshapeNewShape) {
  OperatorMeta op = Build(BuiltinOp::kReshape, ReshapeOptions{{1, -1, 8}});
  EXPECT_EQ(op.options_type, 17);
  const FbVector v = op.options.Vector(0, 4);
  ASSERT_TRUE(v.ok);
  ASSERT_EQ(v.length, 3u);
  EXPECT_EQ(v.Get<int32_t>(0), 1);
  EXPECT_EQ(v.Get<int32_t>(1), -1);
  EXPECT_EQ(v.Get<int32_t>(2), 8);
  op = Build(BuiltinOp::kReshape, ReshapeOptions{});
  EXPECT_EQ(op.options_type, 17);
  EXPECT_FALSE(op.options.Vector(0, 4).present);
}

TEST_F(OptionsTest, ReducerStridedSliceCast) {
  OperatorMeta op = Build(BuiltinOp::kMean, ReducerOptions{true});
  EXPECT_EQ(op.options_type, 27);
  EXPECT_EQ(op.options.Scalar<uint8_t>(0, 0), 1);
  op = Build(BuiltinOp::kStridedSlice, StridedSliceOptions{1, 2, 4, 8, 16, true});
  EXPECT_EQ(op.options_type, 32);
  for (int f = 0; f < 5; ++f) EXPECT_EQ(op.options.Scalar<int32_t>(f, 0), 1 << f) << f;
  EXPECT_EQ(op.options.Scalar<uint8_t>(5, 0), 1);
  op = Build(BuiltinOp::kCast, CastOptions{TensorType::kInt8, TensorType::kInt32});
  EXPECT_EQ(op.options_type, 37);
  EXPECT_EQ(op.options.Scalar<int8_t>(0, 0), 9);
  EXPECT_EQ(op.options.Scalar<int8_t>(1, 0), 2);
}

TEST_F(OptionsTest, EmptyOptionTables) {
  const struct { BuiltinOp op; OpOptions options; uint8_t tag; } kCases[] = {
      {BuiltinOp::kPad, PadOptions{}, 22},
      {BuiltinOp::kTranspose, TransposeOptions{}, 26},
      {BuiltinOp::kDequantize, DequantizeOptions{}, 38},
      {BuiltinOp::kMaximum, MaximumMinimumOptions{}, 39},
      {BuiltinOp::kQuantize, QuantizeOptions{}, 89},
  };
  for (const auto& c : kCases) {
    const OperatorMeta op = Build(c.op, c.options);
    EXPECT_EQ(op.options_type, c.tag);
    EXPECT_TRUE(op.options.ok());
  }
  const OperatorMeta none = Build(BuiltinOp::kRelu, std::monostate{});
  EXPECT_EQ(none.options_type, 0);
  EXPECT_FALSE(none.options.ok());
}

TEST(ModelBuilder, CustomOperators) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
  const int mid = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
  const int out = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
  const int out2 = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
  b.AddCustomOperator("SignalWindow", {in}, {mid}, {1, 2, 3, 250});
  b.AddCustomOperator("SignalFft", {mid}, {out});
  b.AddCustomOperator("SignalWindow", {out}, {out2}, {9});
  b.SetInputs({in});
  b.SetOutputs({out2});
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  const FbTable root = FbTable::Root(m.model.data(), static_cast<uint32_t>(m.model.size()));
  EXPECT_EQ(root.Vector(1, 4).length, 2u);

  const OperatorMeta op0 = m.model.op(0);
  EXPECT_EQ(op0.builtin_code, static_cast<int32_t>(BuiltinOp::kCustom));
  EXPECT_EQ(std::string(op0.custom_name, op0.custom_name_length), "SignalWindow");
  ASSERT_EQ(op0.custom_options_bytes, 4u);
  EXPECT_EQ(std::vector<uint8_t>(op0.custom_options, op0.custom_options + 4),
            (std::vector<uint8_t>{1, 2, 3, 250}));
  EXPECT_EQ(op0.options_type, 0);

  const OperatorMeta op1 = m.model.op(1);
  EXPECT_EQ(std::string(op1.custom_name, op1.custom_name_length), "SignalFft");
  EXPECT_EQ(op1.custom_options_bytes, 0u);
  const OperatorMeta op2 = m.model.op(2);
  EXPECT_EQ(std::string(op2.custom_name, op2.custom_name_length), "SignalWindow");
  EXPECT_EQ(op2.custom_options_bytes, 1u);
}

TEST(ModelBuilder, WritesWhatItIsToldSoLoadCanReject) {
  // The builder does not validate: an out-of-range index reaches the file and
  // the verifier names it.
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {4});
  const int out = b.AddTensor(TensorType::kFloat32, {4});
  b.AddOperator(BuiltinOp::kRelu, {in}, {out + 5});
  LoadedModel m(b.Finish());
  EXPECT_EQ(m.status, Status::kInvalidModel);
  EXPECT_NE(std::string(m.model.error()).find("tensor index"), std::string::npos) << m.model.error();
}

TEST(ModelBuilder, DescriptionAndEmptyModel) {
  ModelBuilder b;
  b.SetDescription("unit test");
  LoadedModel m(b.Finish());
  ASSERT_EQ(m.status, Status::kOk) << m.model.error();
  EXPECT_EQ(m.model.num_tensors(), 0);
  const FbTable root = FbTable::Root(m.model.data(), static_cast<uint32_t>(m.model.size()));
  const FbString d = root.String(3);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(std::string(d.data, d.length), "unit test");
}

}  // namespace
}  // namespace tinyml::writer
