// Interpreter behaviour independent of the real kernels: two test ops
// registered as custom ops drive planning, arena sizing, aliasing, errors and
// several interpreters side by side.
#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/memory_planner.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using testing::AlignedBuffer;
using writer::ModelBuilder;

// TEST_ADD1: int8 output = input + 1 (same shape); 16 bytes of scratch that
// it fills, to prove scratch is usable; 8 bytes of op data set in prepare.
Status AddOnePlan(OpContext& ctx, OpMemory* memory) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) return ctx.Fail(Status::kInvalidModel, "arity");
  if (ctx.input_meta(0).shape != ctx.output_meta(0).shape) return ctx.Fail(Status::kInvalidShape, "shape");
  memory->persistent_bytes = 8;
  memory->scratch_bytes = 16;
  return Status::kOk;
}
Status AddOnePrepare(OpContext& ctx) {
  std::memcpy(ctx.op_data(), "prepared", 8);
  return Status::kOk;
}
Status AddOneEval(OpContext& ctx) {
  if (std::memcmp(ctx.op_data(), "prepared", 8) != 0) return Status::kInternal;
  std::memset(ctx.scratch(), 0xab, 16);
  const int64_t n = ctx.input(0).FlatSize();
  const int8_t* in = ctx.input_data<int8_t>(0);
  int8_t* out = ctx.output_data<int8_t>(0);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int8_t>(in[i] + 1);
  return Status::kOk;
}
const OpRegistration kAddOne = {"TEST_ADD1", AddOnePlan, AddOnePrepare, AddOneEval, nullptr, kOpFlagNone};

// TEST_VIEW: output aliases input 0 (like RESHAPE); copies only if needed.
Status ViewEval(OpContext& ctx) {
  const size_t n = static_cast<size_t>(ctx.input(0).FlatSize());
  if (ctx.input(0).data != ctx.output(0).data) std::memmove(ctx.output(0).data, ctx.input(0).data, n);
  return Status::kOk;
}
const OpRegistration kView = {"TEST_VIEW", nullptr, nullptr, ViewEval, nullptr, kOpFlagOutputAliasesInput0};

// TEST_INPLACE: like TEST_ADD1 but element-wise in place when allowed.
Status InPlaceEval(OpContext& ctx) {
  const int64_t n = ctx.input(0).FlatSize();
  const int8_t* in = ctx.input_data<int8_t>(0);
  int8_t* out = ctx.output_data<int8_t>(0);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int8_t>(in[i] + 1);
  return Status::kOk;
}
const OpRegistration kInPlace = {"TEST_INPLACE", nullptr, nullptr, InPlaceEval, nullptr,
                                 kOpFlagOutputMayOverwriteInput0};

// TEST_ACC: output = input 0 + input 1 (a variable), then the variable
// counts up by one: state carried from one invoke to the next.
Status AccEval(OpContext& ctx) {
  const int64_t n = ctx.input(0).FlatSize();
  const int8_t* in = ctx.input_data<int8_t>(0);
  int8_t* state = static_cast<int8_t*>(ctx.input(1).data);
  int8_t* out = ctx.output_data<int8_t>(0);
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<int8_t>(in[i] + state[i]);
    state[i] = static_cast<int8_t>(state[i] + 1);
  }
  return Status::kOk;
}
const OpRegistration kAcc = {"TEST_ACC", nullptr, nullptr, AccEval, nullptr, kOpFlagNone};

// TEST_HAND: plans as TEST_ADD1 and hands the op to it (an optimized kernel
// leaving a case to the reference one); its own prepare and eval fail.
Status HandPlan(OpContext& ctx, OpMemory* memory) {
  TINYML_RETURN_IF_ERROR(AddOnePlan(ctx, memory));
  ctx.HandTo(&kAddOne);
  return Status::kOk;
}
Status Refuse(OpContext&) { return Status::kInternal; }
const OpRegistration kHand = {"TEST_HAND", HandPlan, Refuse, Refuse, nullptr, kOpFlagNone};

struct Fixture {
  std::vector<uint8_t> file;
  AlignedBuffer bytes;
  Model model;
  StaticOpResolver<8> resolver;

  explicit Fixture(std::vector<uint8_t> f) : file(std::move(f)), bytes(testing::CopyAligned(file)) {
    EXPECT_EQ(model.Load(bytes.data(), bytes.size()), Status::kOk) << model.error();
    EXPECT_EQ(resolver.AddCustom("TEST_ADD1", &kAddOne), Status::kOk);
    EXPECT_EQ(resolver.AddCustom("TEST_VIEW", &kView), Status::kOk);
    EXPECT_EQ(resolver.AddCustom("TEST_INPLACE", &kInPlace), Status::kOk);
    EXPECT_EQ(resolver.AddCustom("TEST_ACC", &kAcc), Status::kOk);
    EXPECT_EQ(resolver.AddCustom("TEST_HAND", &kHand), Status::kOk);
  }
};

// in -> ADD1 -> a -> ADD1 -> b -> ... (chain of `n` ops), tensors of `size` bytes.
std::vector<uint8_t> Chain(int n, int size) {
  ModelBuilder b;
  int prev = b.AddTensor(TensorType::kInt8, {1, size});
  const int first = prev;
  for (int i = 0; i < n; ++i) {
    const int next = b.AddTensor(TensorType::kInt8, {1, size});
    b.AddCustomOperator("TEST_ADD1", {prev}, {next});
    prev = next;
  }
  b.SetInputs({first});
  b.SetOutputs({prev});
  return b.Finish();
}

TEST(Interpreter, RunsChainAndReusesMemory) {
  Fixture f(Chain(6, 1000));
  AlignedBuffer arena(64 * 1024);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  // Ping-pong: two 1000-byte activations (aligned) + 16 bytes scratch.
  EXPECT_LE(interp.planned_bytes(), 2032u);
  EXPECT_GE(interp.planned_bytes(), 2000u);
  int8_t* in = static_cast<int8_t*>(interp.input(0)->data);
  for (int i = 0; i < 1000; ++i) in[i] = static_cast<int8_t>(i % 100);
  ASSERT_EQ(interp.Invoke(), Status::kOk) << interp.error();
  const int8_t* out = static_cast<const int8_t*>(interp.output(0)->data);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(out[i], i % 100 + 6);
}

TEST(Interpreter, RequiredArenaBytesIsExact) {
  Fixture f(Chain(5, 333));
  AlignedBuffer big(1 << 20);
  Interpreter probe(f.model, f.resolver, big.data(), big.size());
  ASSERT_EQ(probe.Prepare(), Status::kOk);
  const size_t need = probe.RequiredArenaBytes();
  ASSERT_GT(need, 0u);
  EXPECT_EQ(need, probe.planned_bytes() + probe.persistent_bytes());

  AlignedBuffer exact(need);
  Interpreter ok(f.model, f.resolver, exact.data(), exact.size());
  EXPECT_EQ(ok.Prepare(), Status::kOk) << ok.error();
  EXPECT_EQ(ok.RequiredArenaBytes(), need);

  AlignedBuffer small(need - 1);
  Interpreter too_small(f.model, f.resolver, small.data(), small.size());
  EXPECT_EQ(too_small.Prepare(), Status::kArenaTooSmall);
  EXPECT_EQ(too_small.RequiredArenaBytes(), need);
  EXPECT_NE(std::string(too_small.error()).find(std::to_string(need)), std::string::npos)
      << too_small.error();
  EXPECT_EQ(too_small.Invoke(), Status::kNotPrepared);
}

TEST(Interpreter, TinyArenaFailsWithMessage) {
  Fixture f(Chain(3, 64));
  AlignedBuffer tiny(16);
  Interpreter interp(f.model, f.resolver, tiny.data(), tiny.size());
  EXPECT_EQ(interp.Prepare(), Status::kArenaTooSmall);
  EXPECT_NE(std::string(interp.error()).find("arena too small"), std::string::npos) << interp.error();
}

TEST(Interpreter, MisalignedArenaRejected) {
  Fixture f(Chain(1, 8));
  AlignedBuffer arena(4096);
  Interpreter interp(f.model, f.resolver, arena.data() + 4, arena.size() - 4);
  EXPECT_EQ(interp.Prepare(), Status::kMisaligned);
}

TEST(Interpreter, UnsupportedOpNamedAtPrepare) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {4});
  const int out = b.AddTensor(TensorType::kInt8, {4});
  b.AddCustomOperator("NOT_THERE", {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(4096);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  EXPECT_EQ(interp.Prepare(), Status::kUnsupportedOp);
  EXPECT_NE(std::string(interp.error()).find("CUSTOM:NOT_THERE"), std::string::npos) << interp.error();
}

TEST(Interpreter, BuiltinOpMissingFromResolverIsNamed) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {4});
  const int out = b.AddTensor(TensorType::kFloat32, {4});
  b.AddOperator(BuiltinOp::kTanh, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(4096);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  EXPECT_EQ(interp.Prepare(), Status::kUnsupportedOp);
  EXPECT_NE(std::string(interp.error()).find("TANH"), std::string::npos) << interp.error();
}

TEST(Interpreter, AliasingOpSharesBufferAndKeepsInput) {
  // in -> ADD1 -> a -> VIEW -> v -> ADD1 -> out. `a` and `v` share memory.
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {2, 50});
  const int a = b.AddTensor(TensorType::kInt8, {2, 50});
  const int v = b.AddTensor(TensorType::kInt8, {100});
  const int out = b.AddTensor(TensorType::kInt8, {100});
  b.AddCustomOperator("TEST_ADD1", {in}, {a});
  b.AddCustomOperator("TEST_VIEW", {a}, {v});
  b.AddCustomOperator("TEST_ADD1", {v}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  EXPECT_EQ(interp.ArenaOffset(a), interp.ArenaOffset(v));
  int8_t* x = static_cast<int8_t*>(interp.input(0)->data);
  for (int i = 0; i < 100; ++i) x[i] = static_cast<int8_t>(i);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  const int8_t* y = static_cast<const int8_t*>(interp.output(0)->data);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(y[i], i + 2);
}

TEST(Interpreter, ViewOfConstantReadsModelInPlace) {
  ModelBuilder b;
  std::vector<int8_t> w = {1, 2, 3, 4};
  const int c = b.AddConst<int8_t>(TensorType::kInt8, {2, 2}, w);
  const int v = b.AddTensor(TensorType::kInt8, {4});
  const int out = b.AddTensor(TensorType::kInt8, {4});
  b.AddCustomOperator("TEST_VIEW", {c}, {v});
  b.AddCustomOperator("TEST_ADD1", {v}, {out});
  b.SetInputs({});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(4096);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  EXPECT_EQ(interp.ArenaOffset(v), -1);  // points into the model
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  const int8_t* y = static_cast<const int8_t*>(interp.output(0)->data);
  EXPECT_EQ(y[0], 2);
  EXPECT_EQ(y[3], 5);
}

TEST(Interpreter, TwoModelsSideBySide) {
  Fixture f1(Chain(2, 100));
  Fixture f2(Chain(4, 300));
  AlignedBuffer a1(8192), a2(8192);
  Interpreter i1(f1.model, f1.resolver, a1.data(), a1.size());
  Interpreter i2(f2.model, f2.resolver, a2.data(), a2.size());
  ASSERT_EQ(i1.Prepare(), Status::kOk);
  ASSERT_EQ(i2.Prepare(), Status::kOk);
  for (int k = 0; k < 3; ++k) {
    // Inputs are refilled each time: their memory is reused once consumed.
    std::memset(i1.input(0)->data, 10, 100);
    std::memset(i2.input(0)->data, 20, 300);
    ASSERT_EQ(i1.Invoke(), Status::kOk);
    ASSERT_EQ(i2.Invoke(), Status::kOk);
  }
  EXPECT_EQ(static_cast<int8_t*>(i1.output(0)->data)[99], 12);
  EXPECT_EQ(static_cast<int8_t*>(i2.output(0)->data)[299], 24);
}

TEST(Interpreter, InputMemoryIsReusedOnceConsumed) {
  // Documented behaviour (as in TFLM): a graph input is dead after its last
  // reader, so its memory may hold a later activation.
  Fixture f(Chain(2, 100));
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk);
  // Live at op 0: input, a, 16 B scratch (16-aligned) -> 224. Without reuse
  // of the input's memory the output would need another 100 bytes.
  EXPECT_EQ(interp.planned_bytes(), 224u);
  EXPECT_EQ(interp.ArenaOffset(f.model.input_tensor(0)), interp.ArenaOffset(f.model.output_tensor(0)));
}

// Between invokes the whole planned region of a model without variables
// is free (inputs are filled before each invoke, outputs read after it).
TEST(Interpreter, ScratchBetweenInvokesIsThePlannedRegion) {
  Fixture f(Chain(3, 100));
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  size_t bytes = 1;
  EXPECT_EQ(interp.ScratchBetweenInvokes(&bytes), nullptr);  // before Prepare
  EXPECT_EQ(bytes, 0u);
  ASSERT_EQ(interp.Prepare(), Status::kOk);
  EXPECT_EQ(interp.ScratchBetweenInvokes(&bytes), arena.data());
  EXPECT_EQ(bytes, interp.planned_bytes());
}

// With a variable tensor: the longest stretch that leaves it alone, and
// overwriting that stretch between invokes changes no result.
TEST(Interpreter, ScratchBetweenInvokesKeepsVariablesAndResults) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 64});
  const int a = b.AddTensor(TensorType::kInt8, {1, 64});
  const int c = b.AddTensor(TensorType::kInt8, {1, 64});
  const int state = b.AddTensor(TensorType::kInt8, {1, 64});
  const int out = b.AddTensor(TensorType::kInt8, {1, 64});
  b.SetVariable(state);
  b.AddCustomOperator("TEST_ADD1", {in}, {a});
  b.AddCustomOperator("TEST_ADD1", {a}, {c});
  b.AddCustomOperator("TEST_ACC", {c, state}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(8192), plain_arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  Interpreter plain(f.model, f.resolver, plain_arena.data(), plain_arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  ASSERT_EQ(plain.Prepare(), Status::kOk) << plain.error();
  size_t bytes = 0;
  uint8_t* idle = static_cast<uint8_t*>(interp.ScratchBetweenInvokes(&bytes));
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(idle) % Interpreter::kArenaAlignment, 0u);
  EXPECT_EQ(bytes % Interpreter::kArenaAlignment, 0u);
  EXPECT_LT(bytes, interp.planned_bytes());  // the variable is not in it
  const uint8_t* var = static_cast<const uint8_t*>(interp.tensor(state)->data);
  EXPECT_TRUE(var + 64 <= idle || var >= idle + bytes);
  EXPECT_GE(idle, arena.data());
  EXPECT_LE(idle + bytes, arena.data() + interp.planned_bytes());
  for (int round = 0; round < 4; ++round) {
    std::memset(idle, 0x5a + round, bytes);  // the caller's own use in between
    for (Interpreter* p : {&interp, &plain})
      for (int i = 0; i < 64; ++i) static_cast<int8_t*>(p->input(0)->data)[i] = static_cast<int8_t>(i - 20);
    ASSERT_EQ(interp.Invoke(), Status::kOk);
    ASSERT_EQ(plain.Invoke(), Status::kOk);
    const int8_t* got = static_cast<const int8_t*>(interp.output(0)->data);
    const int8_t* want = static_cast<const int8_t*>(plain.output(0)->data);
    for (int i = 0; i < 64; ++i) {
      ASSERT_EQ(got[i], want[i]) << "round " << round << " element " << i;
      ASSERT_EQ(want[i], static_cast<int8_t>(i - 20 + 2 + round));
    }
  }
}

// The op observer sees every op start and finish, in order; unset, none.
TEST(Interpreter, OpObserverSeesEachOpRunInOrder) {
  Fixture f(Chain(4, 50));
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk);
  std::vector<std::pair<int32_t, bool>> seen;
  interp.SetOpObserver(
      [](void* context, int32_t op, bool done) {
        static_cast<std::vector<std::pair<int32_t, bool>>*>(context)->emplace_back(op, done);
      },
      &seen);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  const std::vector<std::pair<int32_t, bool>> want = {{0, false}, {0, true}, {1, false}, {1, true},
                                                      {2, false}, {2, true}, {3, false}, {3, true}};
  EXPECT_EQ(seen, want);
  interp.SetOpObserver(nullptr, nullptr);
  seen.clear();
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  EXPECT_TRUE(seen.empty());
}

// An op handed to another registration at plan runs that one's prepare
// (TEST_ADD1's op data) and eval, every invoke, with the memory it planned.
TEST(Interpreter, OpHandedToAnotherRegistrationRunsItsPrepareAndEval) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 16});
  const int a = b.AddTensor(TensorType::kInt8, {1, 16});
  const int out = b.AddTensor(TensorType::kInt8, {1, 16});
  b.AddCustomOperator("TEST_HAND", {in}, {a});
  b.AddCustomOperator("TEST_HAND", {a}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Fixture f(b.Finish());
  AlignedBuffer arena(4096);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  for (int run = 0; run < 2; ++run) {
    std::memset(interp.input(0)->data, 5, 16);
    ASSERT_EQ(interp.Invoke(), Status::kOk) << interp.error();
    EXPECT_EQ(static_cast<int8_t*>(interp.output(0)->data)[15], 7);
  }
}

TEST(Interpreter, PlannedTensorsNeverOverlapWhileLive) {
  // A diamond: in -> a, in -> b, (a) -> c, (b) -> d; check the actual arena
  // offsets with the planner's validity checker on the real lifetimes.
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {64});
  const int a = b.AddTensor(TensorType::kInt8, {64});
  const int bb = b.AddTensor(TensorType::kInt8, {64});
  const int c = b.AddTensor(TensorType::kInt8, {64});
  const int d = b.AddTensor(TensorType::kInt8, {64});
  b.AddCustomOperator("TEST_ADD1", {in}, {a});
  b.AddCustomOperator("TEST_ADD1", {in}, {bb});
  b.AddCustomOperator("TEST_ADD1", {a}, {c});
  b.AddCustomOperator("TEST_ADD1", {bb}, {d});
  b.SetInputs({in});
  b.SetOutputs({c, d});
  Fixture f(b.Finish());
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  std::vector<PlannedBuffer> buffers = {
      {64, 0, 1, 1, static_cast<uint32_t>(interp.ArenaOffset(in))},
      {64, 0, 2, 1, static_cast<uint32_t>(interp.ArenaOffset(a))},
      {64, 1, 3, 1, static_cast<uint32_t>(interp.ArenaOffset(bb))},
      {64, 2, 3, 1, static_cast<uint32_t>(interp.ArenaOffset(c))},
      {64, 3, 3, 1, static_cast<uint32_t>(interp.ArenaOffset(d))},
  };
  EXPECT_TRUE(PlanIsValid(buffers.data(), static_cast<int32_t>(buffers.size())));
  std::memset(interp.input(0)->data, 1, 64);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  EXPECT_EQ(static_cast<int8_t*>(interp.output(0)->data)[0], 3);
  EXPECT_EQ(static_cast<int8_t*>(interp.output(1)->data)[63], 3);
}

TEST(Interpreter, InPlaceChainUsesOneBuffer) {
  ModelBuilder b;
  int prev = b.AddTensor(TensorType::kInt8, {1, 256});
  const int first = prev;
  for (int i = 0; i < 4; ++i) {
    const int next = b.AddTensor(TensorType::kInt8, {1, 256});
    b.AddCustomOperator("TEST_INPLACE", {prev}, {next});
    prev = next;
  }
  b.SetInputs({first});
  b.SetOutputs({prev});
  Fixture f(b.Finish());
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  EXPECT_EQ(interp.planned_bytes(), 256u);
  for (int i = 0; i < 256; ++i) static_cast<int8_t*>(interp.input(0)->data)[i] = static_cast<int8_t>(i - 128);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  for (int i = 0; i < 256; ++i) ASSERT_EQ(static_cast<int8_t*>(interp.output(0)->data)[i], static_cast<int8_t>(i - 124));
}

TEST(Interpreter, InPlaceNeverClobbersALaterReaderOrAGraphOutput) {
  // x is read by op 0 and op 1 (so op 0 may not overwrite it); y is a graph
  // output read by op 2 (so op 2 may not overwrite it).
  ModelBuilder b;
  const int x = b.AddTensor(TensorType::kInt8, {64});
  const int y = b.AddTensor(TensorType::kInt8, {64});
  const int z = b.AddTensor(TensorType::kInt8, {64});
  const int w = b.AddTensor(TensorType::kInt8, {64});
  b.AddCustomOperator("TEST_INPLACE", {x}, {y});
  b.AddCustomOperator("TEST_ADD1", {x}, {z});
  b.AddCustomOperator("TEST_INPLACE", {y}, {w});
  b.SetInputs({x});
  b.SetOutputs({y, z, w});
  Fixture f(b.Finish());
  AlignedBuffer arena(8192);
  Interpreter interp(f.model, f.resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  EXPECT_NE(interp.ArenaOffset(x), interp.ArenaOffset(y));
  EXPECT_NE(interp.ArenaOffset(y), interp.ArenaOffset(w));
  std::memset(interp.input(0)->data, 5, 64);
  ASSERT_EQ(interp.Invoke(), Status::kOk);
  EXPECT_EQ(static_cast<int8_t*>(interp.output(0)->data)[63], 6);
  EXPECT_EQ(static_cast<int8_t*>(interp.output(1)->data)[0], 6);
  EXPECT_EQ(static_cast<int8_t*>(interp.output(2)->data)[0], 7);
}

TEST(Interpreter, ConstantGraphInputRejectedAtLoad) {
  // The caller writes inputs; a constant one would be a write into the model.
  ModelBuilder b;
  const int c = b.AddConst<int8_t>(TensorType::kInt8, {4}, std::vector<int8_t>{1, 2, 3, 4});
  const int out = b.AddTensor(TensorType::kInt8, {4});
  b.AddCustomOperator("TEST_ADD1", {c}, {out});
  b.SetInputs({c});
  b.SetOutputs({out});
  const std::vector<uint8_t> file = b.Finish();
  AlignedBuffer bytes = testing::CopyAligned(file);
  Model model;
  EXPECT_EQ(model.Load(bytes.data(), bytes.size()), Status::kInvalidModel);
  EXPECT_NE(std::string(model.error()).find("constant"), std::string::npos) << model.error();
}

}  // namespace
}  // namespace tinyml
