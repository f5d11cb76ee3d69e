// STRIDED_SLICE: spec resolution and gathering against an independent
// Python-slice-style implementation (ranks 1-6, negative indices and
// strides, masks), hand-worked ellipsis / new-axis / shrink / offset cases,
// the op through one-op .tflite models, bad models rejected in Prepare(),
// and the STRIDED_SLICE of TFLM's micro_speech audio preprocessor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/strided_slice.h"
#include "support/op_runner.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::As;
using testing::Bytes;
using testing::Contains;
using writer::ModelBuilder;
using writer::QuantParams;

constexpr uint32_t kSeed = 777005;

// Python's slice.indices() for one axis, the rule TFLite's clamping follows:
// the list of indices taken.
std::vector<int> PySlice(int n, int begin, int end, int stride, bool begin_masked, bool end_masked) {
  std::vector<int> out;
  int lo, hi;
  if (stride > 0) {
    lo = begin_masked ? 0 : (begin < 0 ? std::max(begin + n, 0) : std::min(begin, n));
    hi = end_masked ? n : (end < 0 ? std::max(end + n, 0) : std::min(end, n));
    for (int i = lo; i < hi; i += stride) out.push_back(i);
  } else {
    lo = begin_masked ? n - 1 : (begin < 0 ? std::max(begin + n, -1) : std::min(begin, n - 1));
    hi = end_masked ? -1 : (end < 0 ? std::max(end + n, -1) : std::min(end, n - 1));
    for (int i = lo; i > hi; i += stride) out.push_back(i);
  }
  return out;
}

// Gathers input elements by per-axis index lists (row-major).
std::vector<int32_t> Gather(const std::vector<int>& dims, const std::vector<std::vector<int>>& take,
                            const std::vector<int32_t>& input) {
  std::vector<int32_t> out;
  const int rank = static_cast<int>(dims.size());
  for (const auto& t : take)
    if (t.empty()) return out;
  std::vector<size_t> pos(rank, 0);
  while (true) {
    size_t flat = 0;
    for (int d = 0; d < rank; ++d) flat = flat * dims[d] + take[d][pos[d]];
    out.push_back(input[flat]);
    int d = rank - 1;
    for (; d >= 0; --d) {
      if (++pos[d] < take[d].size()) break;
      pos[d] = 0;
    }
    if (d < 0) break;
  }
  return out;
}

std::vector<int32_t> Iota(size_t n) {
  std::vector<int32_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int32_t>(i);
  return v;
}

Shape MakeShape(const std::vector<int>& dims) {
  Shape s;
  s.rank = static_cast<int32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) s.dims[i] = dims[i];
  return s;
}

// Resolves and runs; returns the output shape and values.
bool Slice(const ref::StridedSliceSpec& spec, const std::vector<int>& dims, const std::vector<int32_t>& input,
           std::vector<int32_t>* out_shape, std::vector<int32_t>* out) {
  ref::StridedSliceParams p;
  int32_t rank = 0;
  int32_t out_dims[ref::kMaxSliceOutputRank];
  if (ref::ResolveStridedSlice(spec, MakeShape(dims), &p, &rank, out_dims) != ref::SliceSpecError::kNone) return false;
  out_shape->assign(out_dims, out_dims + rank);
  size_t count = 1;
  for (int32_t d : *out_shape) count *= d;
  out->assign(count + 2, -999);  // guard elements
  ref::StridedSlice(p, MakeShape(dims), input.data(), 4, out->data());
  EXPECT_EQ((*out)[count], -999);
  EXPECT_EQ((*out)[count + 1], -999);
  out->resize(count);
  return true;
}

TEST(StridedSliceMath, RandomSpecsMatchPythonSlicing) {
  std::printf("seed %u\n", kSeed);
  std::mt19937 rng(kSeed);
  for (int iter = 0; iter < 3000; ++iter) {
    const int rank = 1 + static_cast<int>(rng() % 6);
    std::vector<int> dims(rank);
    size_t count = 1;
    for (int& d : dims) {
      d = 1 + static_cast<int>(rng() % 5);
      count *= d;
    }
    const std::vector<int32_t> input = Iota(count);
    ref::StridedSliceSpec spec;
    // Shorter specs leave trailing dims whole.
    spec.length = rank - (rng() % 4 == 0 ? static_cast<int>(rng() % rank) : 0);
    std::vector<std::vector<int>> take(rank);
    std::vector<int32_t> expected_shape;
    for (int d = 0; d < rank; ++d) {
      if (d >= spec.length) {
        for (int i = 0; i < dims[d]; ++i) take[d].push_back(i);
        expected_shape.push_back(dims[d]);
        continue;
      }
      const int n = dims[d];
      std::uniform_int_distribution<int> idx(-n - 2, n + 2);
      spec.begin[d] = idx(rng);
      spec.end[d] = idx(rng);
      do spec.strides[d] = static_cast<int>(rng() % 7) - 3; while (spec.strides[d] == 0);
      const bool bm = rng() % 4 == 0, em = rng() % 4 == 0;
      if (bm) spec.begin_mask |= 1 << d;
      if (em) spec.end_mask |= 1 << d;
      take[d] = PySlice(n, spec.begin[d], spec.end[d], spec.strides[d], bm, em);
      if (rng() % 5 == 0 && spec.strides[d] > 0 && !bm) {
        // Shrink: one in-range index, possibly negative.
        spec.shrink_axis_mask |= 1 << d;
        spec.begin[d] = static_cast<int>(rng() % (2 * n)) - n;
        take[d] = {spec.begin[d] < 0 ? spec.begin[d] + n : spec.begin[d]};
        continue;
      }
      expected_shape.push_back(static_cast<int32_t>(take[d].size()));
    }
    std::vector<int32_t> shape, out;
    ASSERT_TRUE(Slice(spec, dims, input, &shape, &out)) << "iter " << iter;
    ASSERT_EQ(shape, expected_shape) << "iter " << iter;
    ASSERT_EQ(out, Gather(dims, take, input)) << "iter " << iter;
  }
}

ref::StridedSliceSpec Spec(std::vector<int> begin, std::vector<int> end, std::vector<int> strides) {
  ref::StridedSliceSpec s;
  s.length = static_cast<int32_t>(begin.size());
  for (size_t i = 0; i < begin.size(); ++i) {
    s.begin[i] = begin[i];
    s.end[i] = end[i];
    s.strides[i] = strides[i];
  }
  return s;
}

// Hand-worked numpy equivalents on x = arange(24).reshape(2, 3, 4).
TEST(StridedSliceMath, EllipsisNewAxisShrinkOffset) {
  const std::vector<int> dims = {2, 3, 4};
  const std::vector<int32_t> x = Iota(24);
  std::vector<int32_t> shape, out;
  {  // x[..., 1:3] -> [2, 3, 2]
    auto s = Spec({0, 1}, {0, 3}, {1, 1});
    s.ellipsis_mask = 1;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 3, 2}));
    EXPECT_EQ(out, (std::vector<int32_t>{1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}));
  }
  {  // x[np.newaxis, 1, ..., ::-2] -> [1, 3, 2]
    auto s = Spec({0, 1, 0, 0}, {0, 2, 0, 0}, {1, 1, 1, -2});
    s.new_axis_mask = 1;
    s.shrink_axis_mask = 2;
    s.ellipsis_mask = 4;
    s.begin_mask = 8;
    s.end_mask = 8;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{1, 3, 2}));
    EXPECT_EQ(out, (std::vector<int32_t>{15, 13, 19, 17, 23, 21}));
  }
  {  // x[:, np.newaxis, -1] -> [2, 1, 4]
    auto s = Spec({0, 0, -1}, {0, 0, 0}, {1, 1, 1});
    s.begin_mask = 1;
    s.end_mask = 1;
    s.new_axis_mask = 2;
    s.shrink_axis_mask = 4;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 1, 4}));
    EXPECT_EQ(out, (std::vector<int32_t>{8, 9, 10, 11, 20, 21, 22, 23}));
  }
  {  // x[1, ..., 2, np.newaxis] -> [3, 1]; ellipsis covers one dim
    auto s = Spec({1, 0, 2, 0}, {2, 0, 3, 0}, {1, 1, 1, 1});
    s.shrink_axis_mask = 1 | 4;
    s.ellipsis_mask = 2;
    s.new_axis_mask = 8;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{3, 1}));
    EXPECT_EQ(out, (std::vector<int32_t>{14, 18, 22}));
  }
  {  // ellipsis and new-axis bits together: ellipsis wins (x[...] == x)
    auto s = Spec({0}, {0}, {1});
    s.ellipsis_mask = 1;
    s.new_axis_mask = 1;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 3, 4}));
    EXPECT_EQ(out, x);
  }
  {  // offset: end is relative to begin: x[:, :, 1:1+2]
    auto s = Spec({0, 0, 1}, {2, 3, 2}, {1, 1, 1});
    s.offset = true;
    ASSERT_TRUE(Slice(s, {2, 3, 4}, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 3, 2}));
    EXPECT_EQ(out[0], 1);
    EXPECT_EQ(out[1], 2);
  }
  {  // x[::-1, -1, -3:] -> [2, 3]
    auto s = Spec({-1, -1, -3}, {0, 0, 0}, {-1, 1, 1});
    s.begin_mask = 0;
    s.end_mask = 1 | 4;
    s.shrink_axis_mask = 2;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 3}));
    EXPECT_EQ(out, (std::vector<int32_t>{21, 22, 23, 9, 10, 11}));
  }
  {  // all shrink -> scalar
    auto s = Spec({1, 2, 3}, {0, 0, 0}, {1, 1, 1});
    s.shrink_axis_mask = 7;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_TRUE(shape.empty());
    EXPECT_EQ(out, (std::vector<int32_t>{23}));
  }
  {  // empty result: x[:, 2:1]
    auto s = Spec({0, 2}, {0, 1}, {1, 1});
    s.begin_mask = 1;
    s.end_mask = 1;
    ASSERT_TRUE(Slice(s, dims, x, &shape, &out));
    EXPECT_EQ(shape, (std::vector<int32_t>{2, 0, 4}));
    EXPECT_TRUE(out.empty());
  }
}

TEST(StridedSliceMath, InvalidSpecsAreRejected) {
  const Shape shape = MakeShape({2, 3});
  ref::StridedSliceParams p;
  int32_t rank;
  int32_t dims[ref::kMaxSliceOutputRank];
  auto check = [&](ref::StridedSliceSpec s, ref::SliceSpecError e) {
    EXPECT_EQ(ref::ResolveStridedSlice(s, shape, &p, &rank, dims), e);
  };
  check(Spec({0, 0}, {1, 1}, {1, 0}), ref::SliceSpecError::kZeroStride);
  check(Spec({0, 0, 0}, {1, 1, 1}, {1, 1, 1}), ref::SliceSpecError::kTooManyIndices);
  auto s = Spec({0, 0}, {1, 1}, {1, 1});
  s.ellipsis_mask = 3;
  check(s, ref::SliceSpecError::kMultipleEllipsis);
  s = Spec({2}, {3}, {1});
  s.shrink_axis_mask = 1;
  check(s, ref::SliceSpecError::kShrinkOutOfRange);
  s = Spec({1}, {0}, {-1});
  s.shrink_axis_mask = 1;
  check(s, ref::SliceSpecError::kShrinkNegativeStride);
  s = Spec({0}, {1}, {1});
  s.shrink_axis_mask = 1;
  s.new_axis_mask = 1;
  check(s, ref::SliceSpecError::kShrinkNewAxis);
  s.length = ref::kMaxSliceSpec + 1;
  check(s, ref::SliceSpecError::kSpecTooLong);
}

struct SliceModel {
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> in_shape, out_shape;
  std::vector<int32_t> begin, end, strides;
  writer::StridedSliceOptions options;
  bool const_indices = true;
};

std::unique_ptr<testing::OpRunner> BuildSlice(const SliceModel& m) {
  ModelBuilder b;
  const bool q = m.type == TensorType::kInt8;
  const int in = b.AddTensor(m.type, m.in_shape, q ? QuantParams::PerTensor(0.5f, -3) : QuantParams{});
  const int32_t n = static_cast<int32_t>(m.begin.size());
  const int begin = m.const_indices ? b.AddConst<int32_t>(TensorType::kInt32, {n}, m.begin)
                                    : b.AddTensor(TensorType::kInt32, {n});
  const int end = b.AddConst<int32_t>(TensorType::kInt32, {n}, m.end);
  const int strides = b.AddConst<int32_t>(TensorType::kInt32, {n}, m.strides);
  const int out = b.AddTensor(m.type, m.out_shape, q ? QuantParams::PerTensor(0.5f, -3) : QuantParams{});
  b.AddOperator(BuiltinOp::kStridedSlice, {in, begin, end, strides}, {out}, m.options);
  b.SetInputs(m.const_indices ? std::vector<int32_t>{in} : std::vector<int32_t>{in, begin});
  b.SetOutputs({out});
  return testing::LoadAndPrepare(b.Finish(), {{BuiltinOp::kStridedSlice, Register_STRIDED_SLICE()}});
}

TEST(StridedSliceOp, Int8AndFloatThroughInterpreter) {
  {  // x[1:, ::-2] on [3, 5] int8
    SliceModel m;
    m.in_shape = {3, 5};
    m.out_shape = {2, 3};
    m.begin = {1, 0};
    m.end = {0, 0};
    m.strides = {1, -2};
    m.options.end_mask = 3;
    m.options.begin_mask = 2;
    auto h = BuildSlice(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    std::vector<int8_t> in(15);
    for (int i = 0; i < 15; ++i) in[i] = static_cast<int8_t>(i * 10 - 128);
    EXPECT_EQ(As<int8_t>(h->Run({Bytes(in)})),
              (std::vector<int8_t>{in[9], in[7], in[5], in[14], in[12], in[10]}));
  }
  {  // float x[0, 1:3] with new axis at the front: [1, 2]
    SliceModel m;
    m.type = TensorType::kFloat32;
    m.in_shape = {2, 4};
    m.out_shape = {1, 2};
    m.begin = {0, 0, 1};
    m.end = {0, 1, 3};
    m.strides = {1, 1, 1};
    m.options.new_axis_mask = 1;
    m.options.shrink_axis_mask = 2;
    auto h = BuildSlice(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    EXPECT_EQ(As<float>(h->Run({Bytes(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7})})), (std::vector<float>{1, 2}));
  }
  {  // int16 rank 6
    SliceModel m;
    m.type = TensorType::kInt16;
    m.in_shape = {1, 2, 1, 2, 1, 3};
    m.out_shape = {1, 1, 1, 2, 1, 1};
    m.begin = {0, 1, 0, 0, 0, -1};
    m.end = {1, 2, 1, 2, 1, 3};
    m.strides = {1, 1, 1, 1, 1, 1};
    auto h = BuildSlice(m);
    ASSERT_EQ(h->prepare_status(), Status::kOk) << h->error();
    std::vector<int16_t> in(12);
    for (int i = 0; i < 12; ++i) in[i] = static_cast<int16_t>(i - 6);
    EXPECT_EQ(As<int16_t>(h->Run({Bytes(in)})), (std::vector<int16_t>{in[8], in[11]}));
  }
}

TEST(StridedSliceOp, BadModelsFailInPrepare) {
  SliceModel base;
  base.in_shape = {4, 4};
  base.out_shape = {2, 4};
  base.begin = {0, 0};
  base.end = {2, 4};
  base.strides = {1, 1};
  struct Case {
    const char* what;
    SliceModel m;
    Status expected;
    const char* message;
  };
  std::vector<Case> cases;
  {
    SliceModel m = base;
    m.strides = {0, 1};
    cases.push_back({"zero stride", m, Status::kInvalidModel, "non-zero"});
  }
  {
    SliceModel m = base;
    m.const_indices = false;
    cases.push_back({"non-constant begin", m, Status::kUnsupportedOp, "non-constant"});
  }
  {
    SliceModel m = base;
    m.out_shape = {3, 4};
    cases.push_back({"output dim", m, Status::kInvalidShape, "output dim"});
  }
  {
    SliceModel m = base;
    m.out_shape = {2, 4, 1};
    cases.push_back({"output rank", m, Status::kInvalidShape, "output rank"});
  }
  {
    SliceModel m = base;
    m.begin = {4, 0};
    m.out_shape = {4};
    m.options.shrink_axis_mask = 1;
    cases.push_back({"shrink out of range", m, Status::kInvalidModel, "shrink_axis index out of range"});
  }
  {
    SliceModel m = base;
    m.options.ellipsis_mask = 3;
    cases.push_back({"two ellipses", m, Status::kInvalidModel, "ellipsis"});
  }
  {
    SliceModel m = base;
    m.begin = {0, 0, 0};
    m.end = {1, 1, 1};
    m.strides = {1, 1, 1};
    cases.push_back({"spec too long", m, Status::kInvalidShape, "more dims than the input"});
  }
  for (const Case& c : cases) {
    auto h = BuildSlice(c.m);
    EXPECT_EQ(h->prepare_status(), c.expected) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), c.message)) << c.what << ": " << h->error();
    EXPECT_TRUE(Contains(h->error(), "STRIDED_SLICE")) << h->error();
  }
}

// The audio preprocessor of TFLM's micro_speech example slices with
// STRIDED_SLICE: our plan/prepare must accept it and eval must match the
// Python-slice reference on its real parameters.
TEST(StridedSliceOp, MicroSpeechAudioPreprocessorSlice) {
  for (const char* name : {"audio_preprocessor_int8.tflite", "audio_preprocessor_float.tflite"}) {
    const std::string path = testing::SharedDir() + "/models/micro_speech/" + name;
    testing::AlignedBuffer file;
    if (!testing::ReadFileAligned(path, &file)) GTEST_SKIP() << "shared model absent: " << path;
    Model model;
    ASSERT_EQ(model.Load(file.data(), file.size()), Status::kOk) << model.error();
    int found = 0;
    for (int32_t i = 0; i < model.num_operators(); ++i) {
      const OperatorMeta op = model.op(i);
      if (op.builtin_code != static_cast<int32_t>(BuiltinOp::kStridedSlice)) continue;
      ++found;
      const OpRegistration* reg = Register_STRIDED_SLICE();
      std::vector<Tensor> tensors(model.num_tensors());
      Node node{};
      node.registration = reg;
      node.inputs = op.inputs;
      node.outputs = op.outputs;
      node.num_inputs = static_cast<uint16_t>(op.num_inputs);
      node.num_outputs = static_cast<uint16_t>(op.num_outputs);
      char error[192] = {};
      OpContext ctx(&model, i, tensors.data(), &node, error, sizeof(error));
      OpMemory memory;
      ASSERT_EQ(reg->plan(ctx, &memory), Status::kOk) << error;
      std::vector<uint8_t> op_data(memory.persistent_bytes + 16);
      node.op_data = op_data.data();
      ASSERT_EQ(reg->prepare(ctx), Status::kOk) << error;

      const TensorMeta in_meta = ctx.input_meta(0);
      const TensorMeta out_meta = ctx.output_meta(0);
      const size_t eb = TensorTypeBytes(in_meta.type);
      std::printf("%s op %d: %s input rank %d dim0 %d -> output flat %lld\n", name, i,
                  TensorTypeName(in_meta.type), in_meta.shape.rank, in_meta.shape.rank > 0 ? in_meta.shape.dims[0] : 1,
                  static_cast<long long>(out_meta.shape.FlatSize()));
      std::vector<uint8_t> in(static_cast<size_t>(in_meta.shape.FlatSize()) * eb);
      for (size_t k = 0; k < in.size(); ++k) in[k] = static_cast<uint8_t>(k * 13 + 5);
      std::vector<uint8_t> out(static_cast<size_t>(out_meta.shape.FlatSize()) * eb);
      tensors[op.inputs[0]] = Tensor{in.data(), model.tensor_dims(op.inputs[0]), in_meta.type,
                                     static_cast<uint8_t>(in_meta.shape.rank)};
      tensors[op.outputs[0]] = Tensor{out.data(), model.tensor_dims(op.outputs[0]), out_meta.type,
                                      static_cast<uint8_t>(out_meta.shape.rank)};
      ASSERT_EQ(reg->eval(ctx), Status::kOk);

      // Reference: per-dim Python slices from the model's own parameters.
      auto vec = [&](int k) {
        const TensorMeta t = ctx.input_meta(k);
        std::vector<int32_t> v(t.shape.FlatSize());
        std::memcpy(v.data(), t.const_data, v.size() * 4);
        return v;
      };
      const std::vector<int32_t> b = vec(1), e = vec(2), s = vec(3);
      const FbTable o = op.options;
      const int32_t bm = o.Scalar<int32_t>(0, 0), em = o.Scalar<int32_t>(1, 0);
      ASSERT_EQ(o.Scalar<int32_t>(2, 0), 0);  // this model uses no ellipsis/new axis
      ASSERT_EQ(o.Scalar<int32_t>(3, 0), 0);
      const int32_t shrink = o.Scalar<int32_t>(4, 0);
      std::vector<int> dims(in_meta.shape.dims, in_meta.shape.dims + in_meta.shape.rank);
      std::vector<std::vector<int>> take(dims.size());
      for (size_t d = 0; d < dims.size(); ++d) {
        if (shrink & (1 << d)) {
          take[d] = {b[d] < 0 ? b[d] + dims[d] : b[d]};
        } else {
          take[d] = PySlice(dims[d], b[d], e[d], s[d], (bm >> d) & 1, (em >> d) & 1);
        }
      }
      // Compare element by element (any element size) via their indices.
      const std::vector<int32_t> idx = Gather(dims, take, Iota(in.size() / eb));
      ASSERT_EQ(idx.size() * eb, out.size());
      for (size_t k = 0; k < idx.size(); ++k)
        ASSERT_EQ(std::memcmp(&out[k * eb], &in[idx[k] * eb], eb), 0) << "element " << k;
    }
    EXPECT_EQ(found, 1) << name;
  }
}

}  // namespace
}  // namespace tinyml
