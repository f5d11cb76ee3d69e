#include "prepare.h"

#include <new>

#include "port.h"

namespace tinyml {
namespace {

// Constructs an interpreter in pool memory; the runtime needs no destructor.
Interpreter* NewInterpreter(const Model& model, const OpResolver& resolver, uint8_t* arena, size_t bytes) {
  void* slot = PortPoolAlloc(sizeof(Interpreter), alignof(Interpreter));
  return slot != nullptr ? new (slot) Interpreter(model, resolver, arena, bytes) : nullptr;
}

}  // namespace

PreparedModel PortPrepareExact(const Model& model, const OpResolver& resolver) {
  PreparedModel result;
  const size_t mark = PortPoolMark();
  alignas(16) static uint8_t probe[64];
  Interpreter* sizing = NewInterpreter(model, resolver, probe, sizeof(probe));
  if (sizing == nullptr) return result;
  Status status = sizing->Prepare();
  size_t required = sizing->RequiredArenaBytes();
  if (status == Status::kArenaTooSmall && required == 0) {
    const size_t free_bytes = PortPoolFree();
    const size_t room = free_bytes > 1024 ? free_bytes - 1024 : 0;
    uint8_t* big = static_cast<uint8_t*>(PortPoolAlloc(room, 16));
    if (big != nullptr) {
      sizing = NewInterpreter(model, resolver, big, room);
      if (sizing == nullptr) return result;
      status = sizing->Prepare();
      required = sizing->RequiredArenaBytes();
    }
  }
  if (status != Status::kOk && status != Status::kArenaTooSmall) {
    // Not a memory problem (unsupported op, bad model): report it as is.
    result.interpreter = sizing;
    result.status = status;
    return result;
  }
  PortPoolRewind(mark);
  uint8_t* arena = static_cast<uint8_t*>(PortPoolAlloc(required, 16));
  if (arena == nullptr) {
    result.status = Status::kArenaTooSmall;
    return result;
  }
  result.interpreter = NewInterpreter(model, resolver, arena, required);
  if (result.interpreter == nullptr) return result;
  result.arena_bytes = required;
  result.status = result.interpreter->Prepare();
  return result;
}

}  // namespace tinyml
