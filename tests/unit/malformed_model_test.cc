// Corrupt and hostile models must give a Status with a message, never a
// crash, hang or sanitizer report (the debug preset runs this under ASan and
// UBSan). Models come from the project's own writer (tests/fuzz/seed_models.h),
// so this suite needs nothing from ../shared.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "fuzz/seed_models.h"
#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/kws_metadata.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using writer::ModelBuilder;
using writer::QuantParams;

// Exactly `size` bytes, 16-byte aligned: ASan then flags any read past the end.
struct AlignedDelete {
  void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(16)); }
};
using Bytes = std::unique_ptr<uint8_t[], AlignedDelete>;
Bytes Allocate(size_t size) {
  return Bytes(static_cast<uint8_t*>(::operator new[](size > 0 ? size : 1, std::align_val_t(16))));
}

// The seeds' custom op: output = max(input, state); state = output.
Status SmoothPlan(OpContext& ctx, OpMemory*) {
  if (ctx.num_inputs() != 2 || ctx.num_outputs() != 1 || !ctx.has_input(0) || !ctx.has_input(1))
    return ctx.Fail(Status::kInvalidModel, "needs 2 inputs and 1 output");
  const TensorMeta a = ctx.input_meta(0);
  const TensorMeta s = ctx.input_meta(1);
  const TensorMeta o = ctx.output_meta(0);
  if (a.type != TensorType::kInt8 || s.type != TensorType::kInt8 || o.type != TensorType::kInt8)
    return ctx.Fail(Status::kUnsupportedType, "int8 only");
  if (a.shape != s.shape || a.shape != o.shape) return ctx.Fail(Status::kInvalidShape, "shapes differ");
  if (s.is_constant()) return ctx.Fail(Status::kInvalidModel, "state must not be constant");
  return Status::kOk;
}
Status SmoothEval(OpContext& ctx) {
  const int8_t* in = ctx.input_data<int8_t>(0);
  int8_t* state = static_cast<int8_t*>(ctx.input(1).data);
  int8_t* out = ctx.output_data<int8_t>(0);
  for (int64_t i = 0; i < ctx.output(0).FlatSize(); ++i) {
    out[i] = in[i] > state[i] ? in[i] : state[i];
    state[i] = out[i];
  }
  return Status::kOk;
}
const OpRegistration kSmooth = {"TINYML_FUZZ_SMOOTH", SmoothPlan, nullptr, SmoothEval, nullptr, kOpFlagNone};

const OpResolver& Resolver() {
  static StaticOpResolver<64>* resolver = [] {
    auto* r = new StaticOpResolver<64>();
    EXPECT_EQ(AddAllBuiltins(*r), Status::kOk);
    EXPECT_EQ(r->AddCustom("TINYML_FUZZ_SMOOTH", &kSmooth), Status::kOk);
    return r;
  }();
  return *resolver;
}

struct Outcome {
  Status load = Status::kInternal;
  std::string load_error;
  Status prepare = Status::kNotPrepared;  // kNotPrepared: not attempted
  std::string prepare_error;
  Status invoke = Status::kNotPrepared;
  bool loaded() const { return load == Status::kOk; }
};

// The same pipeline as the fuzz target: Load; Prepare on a generous arena to
// learn the exact size; Prepare on exactly that much; Invoke twice. Checks the
// contracts that hold for any input.
Outcome RunModel(const uint8_t* data, size_t size) {
  Outcome r;
  Bytes copy = Allocate(size);
  if (size > 0) std::memcpy(copy.get(), data, size);
  Model model;
  r.load = model.Load(copy.get(), size);
  r.load_error = model.error();
  if (r.load != Status::kOk) {
    EXPECT_FALSE(r.load_error.empty()) << "Load failed without a message";
    EXPECT_FALSE(model.loaded());
    return r;
  }
  for (int32_t t = 0; t < model.num_tensors(); ++t) (void)model.tensor(t);
  for (int32_t i = 0; i < model.num_operators(); ++i) (void)model.op(i);
  // Wake-word metadata, as a firmware reads it: spans inside the file.
  KwsMetadataView meta;
  if (ReadKwsMetadata(model, &meta)) {
    const char* begin = reinterpret_cast<const char*>(copy.get());
    auto inside = [&](const KwsName& n) {
      return n.data >= begin && n.length > 0 && n.data + n.length <= begin + size;
    };
    EXPECT_TRUE(inside(meta.word) && inside(meta.threshold_text));
    for (int32_t i = 0; i < meta.num_labels; ++i) EXPECT_TRUE(inside(meta.labels[i]));
    EXPECT_GE(meta.threshold_q15, 0);
    EXPECT_LE(meta.threshold_q15, 32768);
  }

  size_t required = 0;
  {
    constexpr size_t kProbe = size_t{1} << 20;
    Bytes probe = Allocate(kProbe);
    Interpreter interpreter(model, Resolver(), probe.get(), kProbe);
    r.prepare = interpreter.Prepare();
    r.prepare_error = interpreter.error();
    if (r.prepare != Status::kOk) {
      EXPECT_FALSE(r.prepare_error.empty()) << "Prepare failed without a message";
      if (r.prepare != Status::kArenaTooSmall) return r;
    }
    required = interpreter.RequiredArenaBytes();
  }
  if (required == 0 || required > (size_t{16} << 20)) return r;
  Bytes arena = Allocate(required);
  Interpreter interpreter(model, Resolver(), arena.get(), required);
  r.prepare = interpreter.Prepare();
  r.prepare_error = interpreter.error();
  EXPECT_NE(r.prepare, Status::kArenaTooSmall) << "RequiredArenaBytes() was not enough: " << r.prepare_error;
  if (r.prepare != Status::kOk) {
    EXPECT_FALSE(r.prepare_error.empty());
    return r;
  }
  for (int i = 0; i < interpreter.inputs_size(); ++i) {
    uint8_t* p = static_cast<uint8_t*>(interpreter.input(i)->data);
    for (size_t k = 0; p != nullptr && k < interpreter.input_bytes(i); ++k) p[k] = static_cast<uint8_t>(k * 37 + 11);
  }
  for (int run = 0; run < 2; ++run) {
    r.invoke = interpreter.Invoke();
    if (r.invoke != Status::kOk) {
      EXPECT_NE(interpreter.error()[0], '\0');
      break;
    }
  }
  return r;
}

Outcome RunModel(const std::vector<uint8_t>& bytes) { return RunModel(bytes.data(), bytes.size()); }

std::vector<uint8_t> Seed(const std::string& name) {
  for (fuzz::SeedModel& s : fuzz::SeedModels())
    if (s.name == name) return s.bytes;
  ADD_FAILURE() << "no seed model " << name;
  return {};
}

// --- Raw flatbuffer navigation, to corrupt one field of a valid file.
uint32_t U32(const std::vector<uint8_t>& f, size_t p) {
  uint32_t v;
  std::memcpy(&v, f.data() + p, 4);
  return v;
}
void PutU32(std::vector<uint8_t>& f, size_t p, uint32_t v) { std::memcpy(f.data() + p, &v, 4); }
// Position of a field of the table at `table`, or 0 if the field is absent.
size_t FieldPos(const std::vector<uint8_t>& f, size_t table, int field) {
  int32_t soffset;
  std::memcpy(&soffset, f.data() + table, 4);
  const size_t vtable = table - soffset;
  uint16_t vbytes, off;
  std::memcpy(&vbytes, f.data() + vtable, 2);
  if (4u + 2u * field + 2u > vbytes) return 0;
  std::memcpy(&off, f.data() + vtable + 4 + 2 * field, 2);
  return off == 0 ? 0 : table + off;
}
size_t Deref(const std::vector<uint8_t>& f, size_t pos) { return pos + U32(f, pos); }
size_t Root(const std::vector<uint8_t>& f) { return U32(f, 0); }
// Position of the length prefix of a vector field.
size_t VectorAt(const std::vector<uint8_t>& f, size_t table, int field) {
  const size_t p = FieldPos(f, table, field);
  EXPECT_NE(p, 0u) << "field " << field << " absent";
  return p == 0 ? 0 : Deref(f, p);
}
size_t TableInVector(const std::vector<uint8_t>& f, size_t vec, uint32_t i) { return Deref(f, vec + 4 + 4 * i); }
size_t Subgraph0(const std::vector<uint8_t>& f) { return TableInVector(f, VectorAt(f, Root(f), 2), 0); }
size_t TensorTable(const std::vector<uint8_t>& f, uint32_t i) {
  return TableInVector(f, VectorAt(f, Subgraph0(f), 0), i);
}
size_t OperatorTable(const std::vector<uint8_t>& f, uint32_t i) {
  return TableInVector(f, VectorAt(f, Subgraph0(f), 3), i);
}

void ExpectLoadFails(const std::vector<uint8_t>& bytes, const std::string& message_part) {
  const Outcome r = RunModel(bytes);
  EXPECT_NE(r.load, Status::kOk) << "expected Load to fail with '" << message_part << "'";
  EXPECT_NE(r.load_error.find(message_part), std::string::npos)
      << "message '" << r.load_error << "' does not mention '" << message_part << "'";
}

// --- Tests.

TEST(MalformedModel, SeedModelsAreValid) {
  for (const fuzz::SeedModel& seed : fuzz::SeedModels()) {
    const Outcome r = RunModel(seed.bytes);
    EXPECT_EQ(r.load, Status::kOk) << seed.name << ": " << r.load_error;
    EXPECT_EQ(r.prepare, Status::kOk) << seed.name << ": " << r.prepare_error;
    EXPECT_EQ(r.invoke, Status::kOk) << seed.name;
  }
}

TEST(MalformedModel, NullMisalignedAndTinyInputs) {
  Model model;
  EXPECT_EQ(model.Load(nullptr, 100), Status::kInvalidArgument);
  EXPECT_NE(model.error()[0], '\0');
  const std::vector<uint8_t> seed = Seed("relu_int8");
  testing::AlignedBuffer buf(seed.size() + 4);
  std::memcpy(buf.data() + 2, seed.data(), seed.size());
  EXPECT_EQ(model.Load(buf.data() + 2, seed.size()), Status::kMisaligned);
  EXPECT_NE(std::string(model.error()).find("aligned"), std::string::npos) << model.error();
  for (size_t n = 0; n < 16; ++n) {
    const std::vector<uint8_t> zeros(n, 0);
    EXPECT_NE(RunModel(zeros).load, Status::kOk) << n;
  }
}

TEST(MalformedModel, TruncatedAtEveryLength) {
  for (const char* name : {"small_network_custom", "conv_int8_same_s1", "pad_int8", "strided_slice_float"}) {
    const std::vector<uint8_t> seed = Seed(name);
    int accepted = 0;
    for (size_t n = 0; n < seed.size(); ++n) {
      const Outcome r = RunModel(seed.data(), n);
      // Only the writer's trailing alignment padding may go unnoticed.
      if (r.loaded()) {
        ++accepted;
        EXPECT_GE(n + 16, seed.size()) << name << " truncated to " << n << " bytes loaded";
      }
    }
    EXPECT_LT(accepted, 16) << name;
  }
}

TEST(MalformedModel, EveryByteFlipped) {
  for (const char* name :
       {"small_network_custom", "fc_int8", "mean_int8", "conv_int4_weights", "kws_scores_with_metadata"}) {
    const std::vector<uint8_t> seed = Seed(name);
    int rejected = 0;
    int runs = 0;
    for (size_t pos = 0; pos < seed.size(); ++pos) {
      for (uint8_t pattern : {0x01, 0x08, 0x80, 0xff}) {
        std::vector<uint8_t> bytes = seed;
        bytes[pos] ^= pattern;
        const Outcome r = RunModel(bytes);
        ++runs;
        if (!r.loaded() || r.prepare != Status::kOk) ++rejected;
        if (::testing::Test::HasFailure()) {
          ADD_FAILURE() << name << ": byte " << pos << " ^ " << int{pattern};
          return;
        }
      }
    }
    // Sanity: the corruptions were not all harmless (most land in headers,
    // offsets and indices the verifier must notice).
    EXPECT_GT(rejected, runs / 10) << name;
  }
}

TEST(MalformedModel, WrongFileIdentifier) {
  std::vector<uint8_t> bytes = Seed("relu_float");
  std::memcpy(bytes.data() + 4, "TFL2", 4);
  ExpectLoadFails(bytes, "identifier");
}

TEST(MalformedModel, WrongSchemaVersion) {
  std::vector<uint8_t> bytes = Seed("relu_float");
  const size_t p = FieldPos(bytes, Root(bytes), 0);
  ASSERT_NE(p, 0u);
  for (uint32_t version : {0u, 2u, 4u, 0xffffffffu}) {
    PutU32(bytes, p, version);
    ExpectLoadFails(bytes, "schema version");
  }
}

TEST(MalformedModel, RootAndVtableOutside) {
  std::vector<uint8_t> bytes = Seed("relu_float");
  PutU32(bytes, 0, static_cast<uint32_t>(bytes.size()) + 64);
  ExpectLoadFails(bytes, "root table");

  bytes = Seed("relu_float");
  const size_t root = Root(bytes);
  PutU32(bytes, root, 0x80000000u);  // soffset to a vtable far outside
  ExpectLoadFails(bytes, "root table");

  bytes = Seed("small_network");
  const size_t tensor = TensorTable(bytes, 1);
  PutU32(bytes, tensor, static_cast<uint32_t>(-static_cast<int32_t>(bytes.size())));
  ExpectLoadFails(bytes, "tensor 1");

  // A vtable whose size field runs past the end of the file.
  bytes = Seed("small_network");
  const size_t op = OperatorTable(bytes, 2);
  int32_t soffset;
  std::memcpy(&soffset, bytes.data() + op, 4);
  const uint16_t huge = 0xfffe;
  std::memcpy(bytes.data() + op - soffset, &huge, 2);
  EXPECT_NE(RunModel(bytes).load, Status::kOk);
}

TEST(MalformedModel, HugeVectorLengths) {
  for (uint32_t length : {0x10000u, 0x3fffffffu, 0x7fffffffu, 0xffffffffu}) {
    std::vector<uint8_t> bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, Subgraph0(bytes), 0), length);  // tensors
    ExpectLoadFails(bytes, "out of bounds");

    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, Root(bytes), 4), length);  // buffers
    ExpectLoadFails(bytes, "buffers");

    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, TensorTable(bytes, 0), 0), length);  // a shape
    ExpectLoadFails(bytes, "tensor 0");

    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, TensorTable(bytes, 0), 3), length);  // a name
    ExpectLoadFails(bytes, "tensor 0");

    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, OperatorTable(bytes, 0), 1), length);  // op inputs
    ExpectLoadFails(bytes, "operator 0");

    bytes = Seed("small_network");
    const size_t buffer1 = TableInVector(bytes, VectorAt(bytes, Root(bytes), 4), 1);
    PutU32(bytes, VectorAt(bytes, buffer1, 0), length);  // constant data
    ExpectLoadFails(bytes, "buffer 1");
  }
}

TEST(MalformedModel, OutOfRangeIndices) {
  // Opcode index: operator 1 uses the second op code, so the field is stored.
  std::vector<uint8_t> bytes = Seed("small_network");
  size_t p = FieldPos(bytes, OperatorTable(bytes, 1), 0);
  ASSERT_NE(p, 0u);
  PutU32(bytes, p, 99);
  ExpectLoadFails(bytes, "opcode index");

  // Buffer index of a constant tensor (tensor 1 holds conv weights).
  bytes = Seed("small_network");
  p = FieldPos(bytes, TensorTable(bytes, 1), 2);
  ASSERT_NE(p, 0u);
  PutU32(bytes, p, 1000);
  ExpectLoadFails(bytes, "buffer index");

  // Tensor indices in an operator, the subgraph inputs and outputs.
  for (int32_t bad : {-2, 17, 1000, INT32_MIN, INT32_MAX}) {
    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, OperatorTable(bytes, 0), 1) + 4, static_cast<uint32_t>(bad));
    ExpectLoadFails(bytes, "tensor index");
    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, OperatorTable(bytes, 0), 2) + 4, static_cast<uint32_t>(bad));
    ExpectLoadFails(bytes, "tensor index");
    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, Subgraph0(bytes), 1) + 4, static_cast<uint32_t>(bad));
    ExpectLoadFails(bytes, "tensor index");
    bytes = Seed("small_network");
    PutU32(bytes, VectorAt(bytes, Subgraph0(bytes), 2) + 4, static_cast<uint32_t>(bad));
    ExpectLoadFails(bytes, "tensor index");
  }
  // -1 is an omitted optional input, but never a valid output.
  bytes = Seed("small_network");
  PutU32(bytes, VectorAt(bytes, OperatorTable(bytes, 0), 2) + 4, 0xffffffffu);
  ExpectLoadFails(bytes, "tensor index");

  // The same through the writer.
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {4});
  const int out = b.AddTensor(TensorType::kFloat32, {4});
  b.AddOperator(BuiltinOp::kRelu, {in + 7}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectLoadFails(b.Finish(), "tensor index 7");
}

TEST(MalformedModel, NoSubgraph) {
  std::vector<uint8_t> bytes = Seed("relu_float");
  PutU32(bytes, VectorAt(bytes, Root(bytes), 2), 0);
  ExpectLoadFails(bytes, "no subgraph");
}

TEST(MalformedModel, NegativeDimensions) {
  for (int32_t dim : {-1, -7, INT32_MIN}) {
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {1, dim, 3}, QuantParams::PerTensor(1.0f, 0));
    const int out = b.AddTensor(TensorType::kInt8, {1, 2, 3}, QuantParams::PerTensor(1.0f, 0));
    b.AddOperator(BuiltinOp::kRelu, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectLoadFails(b.Finish(), "negative");
  }
}

TEST(MalformedModel, OversizedShapes) {
  ModelBuilder b;
  b.AddTensor(TensorType::kFloat32, {65536, 65536, 2});
  ExpectLoadFails(b.Finish(), "too large");
  ModelBuilder b2;
  b2.AddTensor(TensorType::kInt8, {1, 1, 1, 1, 1, 1, 1});
  ExpectLoadFails(b2.Finish(), "rank");
  // Fits the verifier, not the arena: Prepare must say so.
  ModelBuilder b3;
  const int in = b3.AddTensor(TensorType::kFloat32, {1 << 20, 64});
  const int out = b3.AddTensor(TensorType::kFloat32, {1 << 20, 64});
  b3.AddOperator(BuiltinOp::kRelu, {in}, {out});
  b3.SetInputs({in});
  b3.SetOutputs({out});
  const Outcome r = RunModel(b3.Finish());
  ASSERT_TRUE(r.loaded()) << r.load_error;
  EXPECT_EQ(r.prepare, Status::kArenaTooSmall);
}

TEST(MalformedModel, UnsupportedTensorType) {
  ModelBuilder b;
  b.AddTensor(TensorType::kString, {3});
  ExpectLoadFails(b.Finish(), "not supported");
  ModelBuilder b2;
  b2.AddTensor(static_cast<TensorType>(100), {3});
  ExpectLoadFails(b2.Finish(), "not supported");
}

TEST(MalformedModel, ConstantDataSizeMismatch) {
  for (size_t bytes : {size_t{1}, size_t{11}, size_t{13}, size_t{48}}) {
    ModelBuilder b;
    const std::vector<uint8_t> data(bytes, 1);
    b.AddConstTensor(TensorType::kFloat32, {3}, data.data(), data.size());
    ExpectLoadFails(b.Finish(), "constant data size");
  }
}

TEST(MalformedModel, QuantizationMismatches) {
  {
    ModelBuilder b;
    const std::vector<int8_t> w(4 * 3, 1);
    b.AddConst<int8_t>(TensorType::kInt8, {4, 3}, w, QuantParams::PerChannel({0.1f, 0.2f, 0.3f}, 0));
    ExpectLoadFails(b.Finish(), "per-channel");
  }
  {
    ModelBuilder b;
    const std::vector<int8_t> w(4 * 3, 1);
    b.AddConst<int8_t>(TensorType::kInt8, {4, 3}, w, QuantParams::PerChannel({0.1f, 0.2f, 0.3f, 0.4f}, 2));
    ExpectLoadFails(b.Finish(), "quantized_dimension");
  }
  {
    ModelBuilder b;
    QuantParams q;
    q.scale = {0.1f, 0.2f};
    q.zero_point = {0, 0, 0};
    b.AddTensor(TensorType::kInt8, {2}, q);
    ExpectLoadFails(b.Finish(), "zero_point");
  }
  {
    // One zero point for several scales: TFLite Micro's space saving for
    // per-channel weights; it stands for every channel.
    ModelBuilder b;
    QuantParams q = QuantParams::PerChannel({0.1f, 0.2f, 0.3f}, 0);
    q.zero_point = {0};
    const std::vector<int8_t> w(3 * 2, 1);
    b.AddConst<int8_t>(TensorType::kInt8, {3, 2}, w, q);
    const std::vector<uint8_t> bytes = b.Finish();
    testing::AlignedBuffer buffer(bytes.size());
    std::memcpy(buffer.data(), bytes.data(), bytes.size());
    Model m;
    ASSERT_EQ(m.Load(buffer.data(), bytes.size()), Status::kOk) << m.error();
    const TensorMeta meta = m.tensor(0);
    EXPECT_EQ(meta.quant.count, 3);
    EXPECT_EQ(meta.quant.zero_point_count, 1);
    for (int c = 0; c < 3; ++c) EXPECT_EQ(meta.quant.zero_point(c), 0) << c;
  }
  {
    ModelBuilder b;
    QuantParams q = QuantParams::PerChannel({0.1f, 0.2f}, -1);
    b.AddTensor(TensorType::kInt8, {2}, q);
    ExpectLoadFails(b.Finish(), "quantized_dimension");
  }
}

// Scales must be finite and >= 0 on every tensor (ops rely on it); zero is
// allowed (TFLite writes it on unused quantization).
TEST(MalformedModel, NegativeOrNonFiniteScales) {
  const float bad[] = {-0.5f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity()};
  for (float scale : bad) {
    ModelBuilder b;
    const std::vector<int8_t> w(3 * 2, 1);
    b.AddConst<int8_t>(TensorType::kInt8, {3, 2}, w, QuantParams::PerChannel({0.1f, scale, 0.3f}, 0));
    ExpectLoadFails(b.Finish(), "quantization scale negative or not finite");
  }
  ModelBuilder b;
  b.AddTensor(TensorType::kInt8, {2}, QuantParams::PerTensor(0.0f, 0));
  const std::vector<uint8_t> bytes = b.Finish();
  testing::AlignedBuffer buffer(bytes.size());
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  Model m;
  EXPECT_EQ(m.Load(buffer.data(), bytes.size()), Status::kOk) << m.error();
}

TEST(MalformedModel, OperatorWritesConstant) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {2});
  const int c = b.AddConst<float>(TensorType::kFloat32, {2}, std::vector<float>{1, 2});
  b.AddOperator(BuiltinOp::kRelu, {in}, {c});
  b.SetInputs({in});
  b.SetOutputs({c});
  ExpectLoadFails(b.Finish(), "writes a constant tensor");
}

// Structurally valid but semantically wrong graphs: Load accepts them and
// Prepare (or the ops' plan) must reject or run them cleanly.
TEST(MalformedModel, SemanticallyWrongGraphsAreRejectedOrRun) {
  std::vector<std::vector<uint8_t>> models;
  {  // Op reading a tensor that a later op produces, and an op in place.
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
    const int a = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
    const int c = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(1.0f, 0));
    b.AddOperator(BuiltinOp::kRelu, {a}, {c});
    b.AddOperator(BuiltinOp::kRelu, {in}, {a});
    b.AddOperator(BuiltinOp::kRelu, {c}, {c});
    b.SetInputs({in});
    b.SetOutputs({c});
    models.push_back(b.Finish());
  }
  {  // Missing inputs and outputs on every kind of op.
    for (BuiltinOp op : {BuiltinOp::kConv2d, BuiltinOp::kDepthwiseConv2d, BuiltinOp::kFullyConnected, BuiltinOp::kAdd,
                         BuiltinOp::kPad, BuiltinOp::kTranspose, BuiltinOp::kStridedSlice, BuiltinOp::kMean,
                         BuiltinOp::kReshape, BuiltinOp::kConcatenation, BuiltinOp::kSoftmax, BuiltinOp::kMaxPool2d,
                         BuiltinOp::kQuantize, BuiltinOp::kCast, BuiltinOp::kMul}) {
      ModelBuilder b;
      const int in = b.AddTensor(TensorType::kInt8, {1, 2, 2, 1}, QuantParams::PerTensor(1.0f, 0));
      const int out = b.AddTensor(TensorType::kInt8, {1, 2, 2, 1}, QuantParams::PerTensor(1.0f, 0));
      b.AddOperator(op, {}, {out});
      b.AddOperator(op, {in, -1, -1, -1}, {out});
      b.AddOperator(op, {in}, {});
      b.SetInputs({in});
      b.SetOutputs({out});
      models.push_back(b.Finish());
    }
  }
  {  // Options of the wrong type, and a variable constant.
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {1, 4, 4, 1}, QuantParams::PerTensor(1.0f, 0));
    const int out = b.AddTensor(TensorType::kInt8, {1, 4, 4, 1}, QuantParams::PerTensor(1.0f, 0));
    b.AddOperator(BuiltinOp::kMaxPool2d, {in}, {out}, writer::SoftmaxOptions{});
    b.SetInputs({in});
    b.SetOutputs({out});
    models.push_back(b.Finish());
  }
  {  // Pooling window larger than the input, zero strides.
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kInt8, {1, 4, 4, 1}, QuantParams::PerTensor(1.0f, 0));
    const int out = b.AddTensor(TensorType::kInt8, {1, 1, 1, 1}, QuantParams::PerTensor(1.0f, 0));
    b.AddOperator(BuiltinOp::kAveragePool2d, {in}, {out},
                  writer::Pool2DOptions{writer::Padding::kValid, 0, 0, 9, 9, writer::Activation::kNone});
    b.SetInputs({in});
    b.SetOutputs({out});
    models.push_back(b.Finish());
  }
  {  // Zero-sized tensors.
    ModelBuilder b;
    const int in = b.AddTensor(TensorType::kFloat32, {0, 3});
    const int out = b.AddTensor(TensorType::kFloat32, {0, 3});
    b.AddOperator(BuiltinOp::kRelu, {in}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    models.push_back(b.Finish());
  }
  for (size_t i = 0; i < models.size(); ++i) {
    const Outcome r = RunModel(models[i]);
    EXPECT_TRUE(r.loaded()) << i << ": " << r.load_error;
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "model " << i;
      return;
    }
  }
}

// Every input the fuzzer ever crashed on, replayed through the same pipeline.
TEST(MalformedModel, FuzzRegressions) {
  const std::filesystem::path dir = std::filesystem::path(TINYML_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  int replayed = 0;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
      std::vector<uint8_t> bytes;
      ASSERT_TRUE(testing::ReadFile(entry.path().string(), &bytes)) << entry.path();
      RunModel(bytes);
      EXPECT_FALSE(::testing::Test::HasFailure()) << entry.path();
      ++replayed;
    }
  }
  std::printf("replayed %d fuzz regression inputs from %s\n", replayed, dir.string().c_str());
}

}  // namespace
}  // namespace tinyml
