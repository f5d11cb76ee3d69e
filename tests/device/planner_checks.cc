// Memory planner properties on the target (32-bit size_t and pointers).
#include "check.h"
#include "checks.h"
#include "tinyml/memory_planner.h"

namespace tinyml::device_test {
namespace {

constexpr int kMaxBuffers = 24;

uint32_t AlignUp(uint32_t value, uint32_t alignment) { return (value + alignment - 1u) & ~(alignment - 1u); }

void HandWorkedPlan() {
  // A and C never live together, so they share offset 0; B lives with both.
  PlannedBuffer buffers[3] = {
      {100, 0, 1, 16, 0},
      {50, 1, 2, 16, 0},
      {100, 2, 3, 16, 0},
  };
  int32_t order[3];
  const uint32_t total = PlanMemory(buffers, 3, order);
  TINYML_CHECK(PlanIsValid(buffers, 3));
  TINYML_CHECK_EQ(buffers[0].offset, 0);
  TINYML_CHECK_EQ(buffers[2].offset, 0);
  TINYML_CHECK_EQ(buffers[1].offset, 112);
  TINYML_CHECK_EQ(total, 162);
}

void OverlapIsDetected() {
  PlannedBuffer buffers[2] = {
      {64, 0, 2, 4, 0},
      {64, 1, 3, 4, 32},
  };
  TINYML_CHECK(!PlanIsValid(buffers, 2));
  buffers[1].offset = 64;
  TINYML_CHECK(PlanIsValid(buffers, 2));
}

void RandomPlans() {
  uint32_t state = 4242u;
  for (int round = 0; round < 300; ++round) {
    PlannedBuffer buffers[kMaxBuffers];
    int32_t order[kMaxBuffers];
    const int32_t count = 1 + static_cast<int32_t>(NextRandom(&state) % kMaxBuffers);
    const int32_t ops = 1 + static_cast<int32_t>(NextRandom(&state) % 16u);
    uint64_t sum = 0;
    for (int32_t i = 0; i < count; ++i) {
      const int32_t a = static_cast<int32_t>(NextRandom(&state) % static_cast<uint32_t>(ops));
      const int32_t b = static_cast<int32_t>(NextRandom(&state) % static_cast<uint32_t>(ops));
      buffers[i].bytes = NextRandom(&state) % 5000u;
      buffers[i].first_use = a < b ? a : b;
      buffers[i].last_use = a < b ? b : a;
      buffers[i].alignment = 1u << (NextRandom(&state) % 5u);
      buffers[i].offset = 0;
      sum += AlignUp(buffers[i].bytes, 16) + 16;
    }
    const uint32_t total = PlanMemory(buffers, count, order);
    TINYML_CHECK(PlanIsValid(buffers, count));
    TINYML_CHECK(total <= sum);
    // Never below what is live at the busiest op.
    for (int32_t op = 0; op < ops; ++op) {
      uint64_t live = 0;
      for (int32_t i = 0; i < count; ++i)
        if (buffers[i].first_use <= op && op <= buffers[i].last_use) live += buffers[i].bytes;
      TINYML_CHECK(live <= total);
    }
    for (int32_t i = 0; i < count; ++i) {
      TINYML_CHECK(buffers[i].bytes == 0 || buffers[i].offset % buffers[i].alignment == 0);
      TINYML_CHECK(buffers[i].offset + buffers[i].bytes <= total);
    }
  }
}

}  // namespace

void PlannerChecks() {
  HandWorkedPlan();
  OverlapIsDetected();
  RandomPlans();
}

}  // namespace tinyml::device_test
