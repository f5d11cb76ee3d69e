#include "tinyml/memory_planner.h"

namespace tinyml {
namespace {

bool LifetimesIntersect(const PlannedBuffer& a, const PlannedBuffer& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}

uint32_t AlignUp(uint32_t value, uint32_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

// a goes before b in placement order.
bool PlacedBefore(const PlannedBuffer& a, const PlannedBuffer& b) {
  if (a.bytes != b.bytes) return a.bytes > b.bytes;
  return a.first_use < b.first_use;
}

}  // namespace

uint32_t PlanMemory(PlannedBuffer* buffers, int32_t count, int32_t* order) {
  // Insertion sort: n is small (tens to hundreds) and this runs once.
  for (int32_t i = 0; i < count; ++i) {
    int32_t j = i;
    while (j > 0 && PlacedBefore(buffers[i], buffers[order[j - 1]])) {
      order[j] = order[j - 1];
      --j;
    }
    order[j] = i;
  }
  uint32_t high_water = 0;
  for (int32_t k = 0; k < count; ++k) {
    PlannedBuffer& b = buffers[order[k]];
    if (b.bytes == 0) {
      b.offset = 0;
      continue;
    }
    // Try candidate offsets: 0 and the end of every conflicting placed
    // buffer; keep the lowest that collides with nothing.
    uint32_t best = UINT32_MAX;
    for (int32_t c = -1; c < k; ++c) {
      uint32_t candidate = 0;
      if (c >= 0) {
        const PlannedBuffer& p = buffers[order[c]];
        if (p.bytes == 0 || !LifetimesIntersect(p, b)) continue;
        candidate = p.offset + p.bytes;
      }
      candidate = AlignUp(candidate, b.alignment);
      if (candidate >= best) continue;
      bool fits = true;
      for (int32_t o = 0; o < k && fits; ++o) {
        const PlannedBuffer& p = buffers[order[o]];
        if (p.bytes == 0 || !LifetimesIntersect(p, b)) continue;
        if (candidate < p.offset + p.bytes && p.offset < candidate + b.bytes) fits = false;
      }
      if (fits) best = candidate;
    }
    b.offset = best;
    if (best + b.bytes > high_water) high_water = best + b.bytes;
  }
  return high_water;
}

bool PlanIsValid(const PlannedBuffer* buffers, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    const PlannedBuffer& a = buffers[i];
    if (a.bytes != 0 && a.offset % a.alignment != 0) return false;
    for (int32_t j = i + 1; j < count; ++j) {
      const PlannedBuffer& b = buffers[j];
      if (a.bytes == 0 || b.bytes == 0 || !LifetimesIntersect(a, b)) continue;
      if (a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes) return false;
    }
  }
  return true;
}

}  // namespace tinyml
