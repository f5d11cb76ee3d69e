// Model loading and the interpreter's contract on the target, using two
// small models from ../shared (hello_world_int8: FULLY_CONNECTED; simple_add:
// ADD). Includes a small in-firmware mutation run: corrupted models must
// come back as a Status, never as a fault (the fault handler would end the
// run with status 99).
#include <string.h>

#include "check.h"
#include "checks.h"
#include "kernels.h"
#include "port.h"
#include "prepare.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"

namespace tinyml::device_test {
namespace {

struct Loaded {
  uint8_t* bytes = nullptr;
  size_t size = 0;
};

Loaded LoadShared(const char* shared_dir, const char* relative) {
  char path[256];
  size_t n = 0;
  for (const char* p = shared_dir; *p != '\0' && n + 1 < sizeof(path); ++p) path[n++] = *p;
  for (const char* p = relative; *p != '\0' && n + 1 < sizeof(path); ++p) path[n++] = *p;
  path[n] = '\0';
  Loaded loaded;
  loaded.bytes = PortLoadFile(path, &loaded.size);
  return loaded;
}

Status PrepareExact(const Model& model, const PortResolver& resolver, Interpreter** out, size_t* arena_bytes) {
  const PreparedModel prepared = PortPrepareExact(model, resolver);
  *out = prepared.interpreter;
  *arena_bytes = prepared.arena_bytes;
  if (prepared.status != Status::kOk && prepared.interpreter != nullptr) {
    Print(prepared.interpreter->error());
    Print("\n");
  }
  return prepared.status;
}

void HelloWorldContract(const Loaded& file, const PortResolver& resolver) {
  Model model;
  TINYML_CHECK(model.Load(file.bytes, file.size) == Status::kOk);
  if (!model.loaded()) return;

  // Truncated files are rejected at load.
  const size_t sizes[] = {0, 4, 8, 64, file.size / 2, file.size - 1};
  for (size_t size : sizes) {
    Model truncated;
    TINYML_CHECK(truncated.Load(file.bytes, size) != Status::kOk);
  }

  // Invoke before Prepare.
  alignas(16) static uint8_t small[64];
  Interpreter unprepared(model, resolver, small, sizeof(small));
  TINYML_CHECK(unprepared.Invoke() == Status::kNotPrepared);

  // RequiredArenaBytes is exact: one byte less fails, the exact size works.
  Interpreter* interpreter = nullptr;
  size_t arena_bytes = 0;
  TINYML_CHECK(PrepareExact(model, resolver, &interpreter, &arena_bytes) == Status::kOk);
  if (interpreter == nullptr || !interpreter->prepared()) return;
  TINYML_CHECK(arena_bytes > 0);
  {
    Interpreter too_small(model, resolver, const_cast<uint8_t*>(interpreter->arena()), arena_bytes - 16);
    TINYML_CHECK(too_small.Prepare() == Status::kArenaTooSmall);
  }
  // too_small wrote into the shared arena: prepare the real one again.
  TINYML_CHECK(interpreter->Prepare() == Status::kOk);

  // Deterministic: the same input gives the same output twice.
  TINYML_CHECK_EQ(interpreter->inputs_size(), 1);
  TINYML_CHECK_EQ(interpreter->input_bytes(0), 1);
  int8_t outputs[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    static_cast<int8_t*>(interpreter->input(0)->data)[0] = 37;
    TINYML_CHECK(interpreter->Invoke() == Status::kOk);
    outputs[i] = static_cast<const int8_t*>(interpreter->output(0)->data)[0];
  }
  TINYML_CHECK_EQ(outputs[0], outputs[1]);
}

void MutatedModelsGiveStatus(const Loaded& file, const PortResolver& resolver) {
  uint8_t* copy = static_cast<uint8_t*>(PortPoolAlloc(file.size, 16));
  const size_t arena_bytes = 64 * 1024;
  uint8_t* arena = static_cast<uint8_t*>(PortPoolAlloc(arena_bytes, 16));
  TINYML_CHECK(copy != nullptr && arena != nullptr);
  if (copy == nullptr || arena == nullptr) return;
  uint32_t state = 99u;
  int loaded = 0, prepared = 0;
  for (int round = 0; round < 300; ++round) {
    memcpy(copy, file.bytes, file.size);
    const int flips = 1 + static_cast<int>(NextRandom(&state) % 4u);
    for (int f = 0; f < flips; ++f) copy[NextRandom(&state) % file.size] = static_cast<uint8_t>(NextRandom(&state));
    Model model;
    if (model.Load(copy, file.size) != Status::kOk) continue;
    ++loaded;
    Interpreter interpreter(model, resolver, arena, arena_bytes);
    if (interpreter.Prepare() != Status::kOk) continue;
    ++prepared;
    (void)interpreter.Invoke();
  }
  // Reaching here without a fault is the check; the counts show coverage.
  TINYML_CHECK(loaded > 0);
  Print("  mutations: 300 rounds, ");
  PrintInt(loaded);
  Print(" loaded, ");
  PrintInt(prepared);
  Print(" prepared and invoked, none faulted\n");
}

void SimpleAdd(const Loaded& file, const PortResolver& resolver) {
  Model model;
  TINYML_CHECK(model.Load(file.bytes, file.size) == Status::kOk);
  if (!model.loaded()) return;
  Interpreter* interpreter = nullptr;
  size_t arena_bytes = 0;
  TINYML_CHECK(PrepareExact(model, resolver, &interpreter, &arena_bytes) == Status::kOk);
  if (interpreter == nullptr || !interpreter->prepared()) return;
  TINYML_CHECK(interpreter->Invoke() == Status::kOk);
  // Reset then invoke again: still fine.
  interpreter->Reset();
  TINYML_CHECK(interpreter->Invoke() == Status::kOk);
}

}  // namespace

void InterpreterChecks(const char* shared_dir) {
  static PortResolver resolver;
  TINYML_CHECK(PortAddAllKernels(resolver) == Status::kOk);
  const Loaded hello = LoadShared(shared_dir, "/models/hello_world/hello_world_int8.tflite");
  if (hello.bytes == nullptr) {
    ReportSkip("interpreter checks", "../shared/models not found (hello_world_int8.tflite)");
    return;
  }
  HelloWorldContract(hello, resolver);
  MutatedModelsGiveStatus(hello, resolver);
  const Loaded add = LoadShared(shared_dir, "/models/simple_add/simple_add_model.tflite");
  if (add.bytes == nullptr) {
    ReportSkip("simple_add checks", "simple_add_model.tflite not found");
    return;
  }
  SimpleAdd(add, resolver);
}

}  // namespace tinyml::device_test
