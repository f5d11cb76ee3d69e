// PAD: reference math against a naive per-element implementation (every
// rank 0-6, element sizes 1/2/4/8), then the op through one-op .tflite
// models (pad value rules per type, int64 paddings, constant_values) and bad
// models rejected in Prepare().
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/pad.h"
#include "support/op_runner.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using testing::Contains;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 777001;

// Naive: each output element, by its multi-index, is either padding or the
// input element at (index - before).
std::vector<uint8_t> NaivePad(const std::vector<int>& in_dims, const std::vector<int>& before,
                              const std::vector<int>& after, const std::vector<uint8_t>& input,
                              const uint8_t* value, size_t eb) {
  const int rank = static_cast<int>(in_dims.size());
  std::vector<int> out_dims(rank);
  size_t out_count = 1;
  for (int d = 0; d < rank; ++d) {
    out_dims[d] = in_dims[d] + before[d] + after[d];
    out_count *= out_dims[d];
  }
  std::vector<uint8_t> out(out_count * eb);
  for (size_t flat = 0; flat < out_count; ++flat) {
    size_t rem = flat;
    std::vector<int> idx(rank);
    for (int d = rank - 1; d >= 0; --d) {
      idx[d] = static_cast<int>(rem % out_dims[d]);
      rem /= out_dims[d];
    }
    bool inside = true;
    size_t in_flat = 0;
    for (int d = 0; d < rank; ++d) {
      const int i = idx[d] - before[d];
      if (i < 0 || i >= in_dims[d]) inside = false;
      in_flat = in_flat * in_dims[d] + (inside ? i : 0);
    }
    std::memcpy(&out[flat * eb], inside ? &input[in_flat * eb] : value, eb);
  }
  return out;
}

TEST(PadMath, RandomShapesMatchNaive) {
  std::printf("seed %u\n", kSeed);
  std::mt19937 rng(kSeed);
  const size_t sizes[] = {1, 2, 4, 8};
  for (int iter = 0; iter < 400; ++iter) {
    const int rank = static_cast<int>(rng() % 7);
    const size_t eb = sizes[rng() % 4];
    std::vector<int> in_dims(rank), before(rank), after(rank);
    ref::PadParams p;
    p.rank = rank;
    Shape in_shape, out_shape;
    in_shape.rank = out_shape.rank = rank;
    size_t in_count = 1;
    for (int d = 0; d < rank; ++d) {
      in_dims[d] = static_cast<int>(rng() % 4);  // includes empty dims
      if (rng() % 5 == 0) in_dims[d] = 1;
      before[d] = static_cast<int>(rng() % 3);
      after[d] = static_cast<int>(rng() % 3);
      p.before[d] = before[d];
      p.after[d] = after[d];
      in_shape.dims[d] = in_dims[d];
      out_shape.dims[d] = in_dims[d] + before[d] + after[d];
      in_count *= in_dims[d];
    }
    std::vector<uint8_t> input(in_count * eb);
    for (auto& v : input) v = static_cast<uint8_t>(rng());
    uint8_t value[8];
    for (auto& v : value) v = static_cast<uint8_t>(rng());
    const std::vector<uint8_t> expected = NaivePad(in_dims, before, after, input, value, eb);
    std::vector<uint8_t> got(expected.size() + 8, 0xEE);  // guard bytes after the output
    ref::Pad(p, in_shape, input.data(), value, eb, out_shape, got.data());
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), got.begin())) << "iter " << iter << " rank " << rank;
    for (size_t i = expected.size(); i < got.size(); ++i) ASSERT_EQ(got[i], 0xEE) << "overrun, iter " << iter;
  }
}

TEST(PadOp, Int8PadsWithOutputZeroPoint) {
  for (int zp : {-128, 127, -3}) {
    ModelBuilder b;
    const auto q = QuantParams::PerTensor(0.5f, zp);
    const int in = b.AddTensor(TensorType::kInt8, {1, 2, 3, 1}, q);
    const int pads = b.AddConst<int32_t>(TensorType::kInt32, {4, 2}, {0, 0, 1, 2, 2, 0, 0, 0});
    const int out = b.AddTensor(TensorType::kInt8, {1, 5, 5, 1}, q);
    b.AddOperator(BuiltinOp::kPad, {in, pads}, {out}, writer::PadOptions{});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    const std::vector<int8_t> input = {1, 2, 3, 4, 5, 6};
    const std::vector<int8_t> got = As<int8_t>(h->Run({Bytes(input)}));
    const int8_t z = static_cast<int8_t>(zp);
    const std::vector<int8_t> expected = {z, z, z, z, z,  //
                                          z, z, 1, 2, 3,  //
                                          z, z, 4, 5, 6,  //
                                          z, z, z, z, z,  //
                                          z, z, z, z, z};
    EXPECT_EQ(got, expected) << "zp " << zp;
  }
}

// int16 pads with 0 (TFLite Micro ignores the zero point, which the int16
// quantization spec fixes at 0 anyway); float and int32 with 0; int64
// paddings are read as int64.
TEST(PadOp, OtherTypesPadWithZero) {
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt16, {2, 2}, QuantParams::PerTensor(1.0f / 4096, 0));
    const int pads = b.AddConst<int64_t>(TensorType::kInt64, {2, 2}, {1, 0, 0, 1});
    const int out = b.AddTensor(TensorType::kInt16, {3, 3}, QuantParams::PerTensor(1.0f / 4096, 0));
    b.AddOperator(BuiltinOp::kPad, {in, pads}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    EXPECT_EQ(As<int16_t>(h->Run({Bytes(std::vector<int16_t>{-32768, 7, 32767, -1})})),
              (std::vector<int16_t>{0, 0, 0, -32768, 7, 0, 32767, -1, 0}));
  }
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kFloat32, {3});
    const int pads = b.AddConst<int32_t>(TensorType::kInt32, {1, 2}, {2, 1});
    const int out = b.AddTensor(TensorType::kFloat32, {6});
    b.AddOperator(BuiltinOp::kPad, {in, pads}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    EXPECT_EQ(As<float>(h->Run({Bytes(std::vector<float>{1.5f, -2.5f, 3.0f})})),
              (std::vector<float>{0, 0, 1.5f, -2.5f, 3.0f, 0}));
  }
  {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt32, {1, 1, 1, 1, 2});
    const int pads = b.AddConst<int32_t>(TensorType::kInt32, {5, 2}, {0, 0, 0, 1, 0, 0, 0, 0, 1, 0});
    const int out = b.AddTensor(TensorType::kInt32, {1, 2, 1, 1, 3});
    b.AddOperator(BuiltinOp::kPad, {in, pads}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    EXPECT_EQ(As<int32_t>(h->Run({Bytes(std::vector<int32_t>{INT32_MIN, 9})})),
              (std::vector<int32_t>{0, INT32_MIN, 9, 0, 0, 0}));
  }
}

TEST(PadOp, ConstantValuesInput) {
  ModelBuilder b;
  const auto q = QuantParams::PerTensor(0.1f, 5);
  const int in = b.AddTensor(TensorType::kInt8, {2}, q);
  const int pads = b.AddConst<int32_t>(TensorType::kInt32, {1, 2}, {1, 1});
  const int value = b.AddConst<int8_t>(TensorType::kInt8, {}, {-77}, q);
  const int out = b.AddTensor(TensorType::kInt8, {4}, q);
  b.AddOperator(BuiltinOp::kPad, {in, pads, value}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
  ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
  EXPECT_EQ(As<int8_t>(h->Run({Bytes(std::vector<int8_t>{10, 20})})), (std::vector<int8_t>{-77, 10, 20, -77}));
}

struct BadPad {
  const char* what;
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> in_shape{2, 3};
  std::vector<int32_t> out_shape{3, 4};
  std::vector<int32_t> pads{1, 0, 0, 1};
  std::vector<int32_t> pads_shape{2, 2};
  bool const_pads = true;
  Status expected;
  const char* message;
};

TEST(PadOp, BadModelsFailInPrepare) {
  std::vector<BadPad> cases;
  {
    BadPad c{"non-constant paddings"};
    c.const_pads = false;
    c.expected = Status::kUnsupportedOp;
    c.message = "non-constant paddings";
    cases.push_back(c);
  }
  {
    BadPad c{"negative padding"};
    c.pads = {2, -1, 0, 1};
    c.expected = Status::kInvalidModel;
    c.message = "non-negative";
    cases.push_back(c);
  }
  {
    BadPad c{"output dim mismatch"};
    c.out_shape = {3, 5};
    c.expected = Status::kInvalidShape;
    c.message = "input + paddings";
    cases.push_back(c);
  }
  {
    BadPad c{"paddings count"};
    c.pads = {1, 0, 0};
    c.pads_shape = {3};
    c.expected = Status::kInvalidShape;
    c.message = "2 values per input dim";
    cases.push_back(c);
  }
  {
    BadPad c{"rank mismatch"};
    c.out_shape = {12};
    c.expected = Status::kInvalidShape;
    c.message = "rank";
    cases.push_back(c);
  }
  {
    BadPad c{"bool input"};
    c.type = TensorType::kBool;
    c.expected = Status::kUnsupportedType;
    c.message = "not supported";
    cases.push_back(c);
  }
  for (const BadPad& c : cases) {
    ModelBuilder b;
    const int in = b.AddTensor(c.type, c.in_shape);
    const int pads = c.const_pads ? b.AddConst<int32_t>(TensorType::kInt32, c.pads_shape, c.pads)
                                  : b.AddTensor(TensorType::kInt32, c.pads_shape);
    const int out = b.AddTensor(c.type, c.out_shape);
    b.AddOperator(BuiltinOp::kPad, {in, pads}, {out});
    b.SetInputs(c.const_pads ? std::vector<int32_t>{in} : std::vector<int32_t>{in, pads});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}});
    EXPECT_EQ(h->prepare_status(), c.expected) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), c.message)) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), "PAD")) << h->error();
  }
}

}  // namespace
}  // namespace tinyml
