// Bench firmware: loads the model named on the semihosting command line
// (QEMU -append "MODEL"), prepares it in an arena of exactly the size it
// needs, runs one warm-up invoke, then one invoke between the BenchBegin /
// BenchEnd markers that the QEMU plugin counts, then the same invoke with a
// marker pair around each op (per-op profile). An empty marker pair comes
// first so the marker overhead can be subtracted. Prints "bench <key>
// <value>" lines for tools/cli/bench_cortex_m.cc.
#include <string.h>

#include "bench_markers.h"
#include "kernels.h"
#include "port.h"
#include "prepare.h"
#include "semihost.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"

namespace tinyml {
namespace {

void Report(const char* key, int64_t value) {
  SemihostWrite("bench ");
  SemihostWrite(key);
  SemihostWrite(" ");
  SemihostWriteInt(value);
  SemihostWrite("\n");
}

int Fail(const char* what, const char* detail) {
  SemihostWrite("bench error ");
  SemihostWrite(what);
  SemihostWrite(": ");
  SemihostWrite(detail);
  SemihostWrite("\n");
  return 1;
}

uint32_t Next(uint32_t* state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

// Deterministic inputs valid for the tensor type: floats in [-1, 1), bool
// 0/1, other types any bytes.
void FillInputs(Interpreter& interpreter, uint32_t seed) {
  uint32_t state = seed != 0 ? seed : 1u;
  for (int i = 0; i < interpreter.inputs_size(); ++i) {
    Tensor* t = interpreter.input(i);
    uint8_t* p = static_cast<uint8_t*>(t->data);
    const size_t bytes = interpreter.input_bytes(i);
    if (t->type == TensorType::kFloat32) {
      for (size_t k = 0; k + 4 <= bytes; k += 4) {
        const float v = static_cast<float>(static_cast<int32_t>(Next(&state) >> 8) - (1 << 23)) / 8388608.0f;
        memcpy(p + k, &v, 4);
      }
    } else if (t->type == TensorType::kBool) {
      for (size_t k = 0; k < bytes; ++k) p[k] = static_cast<uint8_t>(Next(&state) & 1u);
    } else {
      for (size_t k = 0; k < bytes; ++k) p[k] = static_cast<uint8_t>(Next(&state) >> 24);
    }
  }
}

// Interpreter::OpObserver: opens a counted region before each op and
// closes it after.
void MarkOp(void*, int32_t, bool done) {
  if (done) {
    BenchEnd();
  } else {
    BenchBegin();
  }
}

uint32_t OutputChecksum(Interpreter& interpreter) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < interpreter.outputs_size(); ++i) {
    const uint8_t* p = static_cast<const uint8_t*>(interpreter.output(i)->data);
    for (size_t k = 0; k < interpreter.output_bytes(i); ++k) h = (h ^ p[k]) * 16777619u;
  }
  return h;
}

int Run() {
  static char line[512];
  if (SemihostCommandLine(line, sizeof(line)) < 0) return Fail("command line", "none (use -append MODEL)");
  // Words: firmware path, model path.
  char* model_path = line;
  while (*model_path != '\0' && *model_path != ' ') ++model_path;
  while (*model_path == ' ') ++model_path;
  if (*model_path == '\0') return Fail("command line", "no model path");
  for (char* p = model_path; *p != '\0'; ++p)
    if (*p == ' ') *p = '\0';

  size_t model_size = 0;
  const uint8_t* model_bytes = PortLoadFile(model_path, &model_size);
  if (model_bytes == nullptr) return Fail("model", model_path);
  static PortResolver resolver;
  if (PortAddAllKernels(resolver) != Status::kOk) return Fail("resolver", "cannot add kernels");
  static Model model;
  if (model.Load(model_bytes, model_size) != Status::kOk) return Fail("load", model.error());

  const PreparedModel prepared = PortPrepareExact(model, resolver);
  if (prepared.interpreter == nullptr) return Fail("arena", "does not fit in the memory pool");
  if (prepared.status != Status::kOk) return Fail("prepare", prepared.interpreter->error());
  Interpreter& interpreter = *prepared.interpreter;
  const size_t arena_bytes = prepared.arena_bytes;
  Report("arena_bytes", static_cast<int64_t>(arena_bytes));
  Report("arena_planned_bytes", static_cast<int64_t>(interpreter.planned_bytes()));
  Report("arena_persistent_bytes", static_cast<int64_t>(interpreter.persistent_bytes()));
  Report("model_bytes", static_cast<int64_t>(model_size));
  const uint32_t stack_prepare = PortStackHighWater();

  FillInputs(interpreter, 20240601u);
  if (interpreter.Invoke() != Status::kOk) return Fail("warm-up invoke", interpreter.error());
  const uint32_t warm_checksum = OutputChecksum(interpreter);

  // The planner may reuse input memory, so inputs are refilled.
  FillInputs(interpreter, 20240601u);
  BenchBegin();
  BenchEnd();
  PortStackPaint();
  BenchBegin();
  const Status status = interpreter.Invoke();
  BenchEnd();
  const uint32_t stack_invoke = PortStackHighWater();
  if (status != Status::kOk) return Fail("invoke", interpreter.error());
  const uint32_t checksum = OutputChecksum(interpreter);

  // The same invoke again with a marker pair around each op: one region
  // per op, in order, for the per-op profile.
  FillInputs(interpreter, 20240601u);
  interpreter.SetOpObserver(MarkOp, nullptr);
  const Status per_op = interpreter.Invoke();
  interpreter.SetOpObserver(nullptr, nullptr);
  if (per_op != Status::kOk) return Fail("invoke", interpreter.error());
  Report("op_regions", model.num_operators());
  Report("output_checksum", checksum);
  Report("repeatable", checksum == warm_checksum ? 1 : 0);
  Report("stack_prepare_bytes", stack_prepare);
  Report("stack_invoke_bytes", stack_invoke);
  Report("stack_reserved_bytes", PortStackSize());
  return 0;
}

}  // namespace
}  // namespace tinyml

int main() {
  // Paint first: the prepare figure then covers everything since reset.
  PortStackPaint();
  return tinyml::Run();
}
