// TRANSPOSE: reference math against a naive index mapping (ranks 0-6, every
// element size), then the op through one-op .tflite models and bad models
// rejected in Prepare().
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/transpose.h"
#include "support/op_runner.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using testing::Contains;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 777002;

// Naive: output multi-index o reads input multi-index i with i[perm[k]] = o[k].
std::vector<uint8_t> NaiveTranspose(const std::vector<int>& in_dims, const std::vector<int>& perm,
                                    const std::vector<uint8_t>& input, size_t eb) {
  const int rank = static_cast<int>(in_dims.size());
  std::vector<int> out_dims(rank);
  size_t count = 1;
  for (int k = 0; k < rank; ++k) {
    out_dims[k] = in_dims[perm[k]];
    count *= out_dims[k];
  }
  std::vector<uint8_t> out(count * eb);
  for (size_t flat = 0; flat < count; ++flat) {
    std::vector<int> o(rank), i(rank);
    size_t rem = flat;
    for (int k = rank - 1; k >= 0; --k) {
      o[k] = static_cast<int>(rem % out_dims[k]);
      rem /= out_dims[k];
    }
    for (int k = 0; k < rank; ++k) i[perm[k]] = o[k];
    size_t in_flat = 0;
    for (int d = 0; d < rank; ++d) in_flat = in_flat * in_dims[d] + i[d];
    std::memcpy(&out[flat * eb], &input[in_flat * eb], eb);
  }
  return out;
}

TEST(TransposeMath, RandomPermutationsMatchNaive) {
  std::printf("seed %u\n", kSeed);
  std::mt19937 rng(kSeed);
  const size_t sizes[] = {1, 2, 4, 8};
  for (int iter = 0; iter < 500; ++iter) {
    const int rank = static_cast<int>(rng() % 7);
    const size_t eb = sizes[rng() % 4];
    std::vector<int> dims(rank), perm(rank);
    Shape shape;
    shape.rank = rank;
    size_t count = 1;
    for (int d = 0; d < rank; ++d) {
      dims[d] = 1 + static_cast<int>(rng() % 4);
      if (rng() % 17 == 0) dims[d] = 0;
      shape.dims[d] = dims[d];
      count *= dims[d];
      perm[d] = d;
    }
    std::shuffle(perm.begin(), perm.end(), rng);
    ref::TransposeParams p;
    p.rank = rank;
    for (int d = 0; d < rank; ++d) p.perm[d] = perm[d];
    std::vector<uint8_t> input(count * eb);
    for (auto& v : input) v = static_cast<uint8_t>(rng());
    const std::vector<uint8_t> expected = NaiveTranspose(dims, perm, input, eb);
    std::vector<uint8_t> got(expected.size() + 8, 0xEE);
    ref::Transpose(p, shape, input.data(), eb, got.data());
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), got.begin())) << "iter " << iter;
    for (size_t i = expected.size(); i < got.size(); ++i) ASSERT_EQ(got[i], 0xEE) << "overrun, iter " << iter;
  }
}

TEST(TransposeOp, NchwToNhwcInt8) {
  ModelBuilder b;
  const auto q = QuantParams::PerTensor(0.02f, -14);
  const int in = b.AddTensor(TensorType::kInt8, {1, 3, 2, 4}, q);
  const int perm = b.AddConst<int32_t>(TensorType::kInt32, {4}, {0, 2, 3, 1});
  const int out = b.AddTensor(TensorType::kInt8, {1, 2, 4, 3}, q);
  b.AddOperator(BuiltinOp::kTranspose, {in, perm}, {out}, writer::TransposeOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kTranspose, Register_TRANSPOSE()}});
  ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
  std::vector<int8_t> input(24);
  for (int i = 0; i < 24; ++i) input[i] = static_cast<int8_t>(i - 12);
  const std::vector<int8_t> got = As<int8_t>(h->Run({Bytes(input)}));
  // out[0][y][x][c] = in[0][c][y][x]
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(got[(y * 4 + x) * 3 + c], input[(c * 2 + y) * 4 + x]);
}

TEST(TransposeOp, Rank6FloatAndInt64) {
  for (TensorType t : {TensorType::kFloat32, TensorType::kInt64, TensorType::kInt16}) {
    ModelBuilder b;
    const std::vector<int> dims = {2, 1, 3, 2, 1, 2};
    const std::vector<int> perm = {5, 3, 0, 2, 4, 1};
    std::vector<int32_t> out_dims;
    for (int p : perm) out_dims.push_back(dims[p]);
    const int in = b.AddTensor(t, {2, 1, 3, 2, 1, 2});
    const int p = b.AddConst<int32_t>(TensorType::kInt32, {6}, std::vector<int32_t>(perm.begin(), perm.end()));
    const int out = b.AddTensor(t, out_dims);
    b.AddOperator(BuiltinOp::kTranspose, {in, p}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kTranspose, Register_TRANSPOSE()}});
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    const size_t eb = TensorTypeBytes(t);
    std::vector<uint8_t> input(24 * eb);
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7 + 3);
    EXPECT_EQ(h->Run({input}), NaiveTranspose(dims, perm, input, eb)) << TensorTypeName(t);
  }
}

TEST(TransposeOp, BadModelsFailInPrepare) {
  struct Case {
    const char* what;
    std::vector<int32_t> perm;
    std::vector<int32_t> out_shape;
    bool const_perm;
    Status expected;
    const char* message;
  };
  const Case cases[] = {
      {"duplicate perm", {0, 0, 1}, {2, 2, 3}, true, Status::kInvalidModel, "permutation"},
      {"perm out of range", {0, 1, 3}, {2, 3, 4}, true, Status::kInvalidModel, "permutation"},
      {"negative perm", {-1, 1, 2}, {2, 3, 4}, true, Status::kInvalidModel, "permutation"},
      {"short perm", {1, 0}, {3, 2, 4}, true, Status::kInvalidShape, "one entry per input dim"},
      {"output shape", {2, 1, 0}, {4, 2, 3}, true, Status::kInvalidShape, "permuted input dim"},
      {"non-constant perm", {2, 1, 0}, {4, 3, 2}, false, Status::kUnsupportedOp, "non-constant perm"},
  };
  for (const Case& c : cases) {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {2, 3, 4});
    const int32_t n = static_cast<int32_t>(c.perm.size());
    const int perm = c.const_perm ? b.AddConst<int32_t>(TensorType::kInt32, {n}, c.perm)
                                  : b.AddTensor(TensorType::kInt32, {n});
    const int out = b.AddTensor(TensorType::kInt8, c.out_shape);
    b.AddOperator(BuiltinOp::kTranspose, {in, perm}, {out});
    b.SetInputs(c.const_perm ? std::vector<int32_t>{in} : std::vector<int32_t>{in, perm});
    b.SetOutputs({out});
    auto h = testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kTranspose, Register_TRANSPOSE()}});
    EXPECT_EQ(h->prepare_status(), c.expected) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), c.message)) << c.what << ": " << h->error();
  }
}

}  // namespace
}  // namespace tinyml
