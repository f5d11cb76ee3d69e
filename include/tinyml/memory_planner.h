// Offline memory planner: gives each buffer (activation tensor or op
// scratch) an offset in one arena region so that buffers alive at the same
// time never overlap.
//
// Algorithm: greedy by size. Buffers are taken largest first (ties: earlier
// first use); each goes at the lowest offset where it fits between the
// buffers already placed whose lifetimes intersect its own. Cost O(n^2) time
// for n buffers, with workspace supplied by the caller (no heap). This is
// the same family as TFLM's GreedyMemoryPlanner; tinyml gains over TFLM by
// aliasing in-place ops and keeping its metadata small, not here.
#ifndef TINYML_MEMORY_PLANNER_H_
#define TINYML_MEMORY_PLANNER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/status.h"

namespace tinyml {

struct PlannedBuffer {
  uint32_t bytes;       // size; 0-byte buffers get offset 0
  int32_t first_use;    // first op index that needs it (inclusive)
  int32_t last_use;     // last op index that needs it (inclusive)
  uint32_t alignment;   // power of two
  uint32_t offset;      // output
};

// Places `count` buffers. `order` is caller-provided workspace of `count`
// entries. Returns the bytes the region needs (the highest end offset).
uint32_t PlanMemory(PlannedBuffer* buffers, int32_t count, int32_t* order);

// True if no two buffers with intersecting lifetimes overlap in memory.
bool PlanIsValid(const PlannedBuffer* buffers, int32_t count);

}  // namespace tinyml

#endif  // TINYML_MEMORY_PLANNER_H_
