// Prepares a model in an arena of exactly the size it needs, carved from
// the port's memory pool, as a product firmware would size its arena.
#ifndef TINYML_PORTS_CORTEX_M_PREPARE_H_
#define TINYML_PORTS_CORTEX_M_PREPARE_H_

#include <stddef.h>

#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml {

struct PreparedModel {
  Interpreter* interpreter = nullptr;  // in the pool; null only if the pool is full
  size_t arena_bytes = 0;              // RequiredArenaBytes(), 0 if unknown
  Status status = Status::kInternal;   // of the final Prepare(); error() says why
};

// Learns RequiredArenaBytes() (first with a tiny arena, then, if the
// interpreter could not even say, with the whole free pool), then prepares
// a fresh interpreter on an arena of exactly that size.
PreparedModel PortPrepareExact(const Model& model, const OpResolver& resolver);

}  // namespace tinyml

#endif  // TINYML_PORTS_CORTEX_M_PREPARE_H_
