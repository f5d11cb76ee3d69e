// Planner properties on random buffer sets: no two live buffers overlap,
// alignment holds, and the total never exceeds the sum of the sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "tinyml/memory_planner.h"

namespace tinyml {
namespace {

uint32_t AlignUp(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

TEST(MemoryPlanner, EmptyPlanNeedsNothing) {
  EXPECT_EQ(PlanMemory(nullptr, 0, nullptr), 0u);
}

TEST(MemoryPlanner, DisjointLifetimesShareMemory) {
  std::vector<PlannedBuffer> b = {{100, 0, 1, 4, 0}, {100, 2, 3, 4, 0}, {50, 4, 5, 4, 0}};
  std::vector<int32_t> order(b.size());
  EXPECT_EQ(PlanMemory(b.data(), 3, order.data()), 100u);
  EXPECT_TRUE(PlanIsValid(b.data(), 3));
  EXPECT_EQ(b[0].offset, 0u);
  EXPECT_EQ(b[1].offset, 0u);
}

TEST(MemoryPlanner, OverlappingLifetimesStack) {
  std::vector<PlannedBuffer> b = {{100, 0, 2, 4, 0}, {60, 1, 3, 4, 0}, {40, 2, 2, 4, 0}};
  std::vector<int32_t> order(b.size());
  EXPECT_EQ(PlanMemory(b.data(), 3, order.data()), 200u);
  EXPECT_TRUE(PlanIsValid(b.data(), 3));
}

TEST(MemoryPlanner, FillsGapsBetweenPlacedBuffers) {
  // A and C live long; B (short-lived, placed between them) frees a gap a
  // later small buffer D can reuse while B is dead.
  std::vector<PlannedBuffer> b = {{64, 0, 9, 4, 0}, {32, 0, 1, 4, 0}, {64, 0, 9, 4, 0}, {32, 5, 6, 4, 0}};
  std::vector<int32_t> order(b.size());
  const uint32_t total = PlanMemory(b.data(), 4, order.data());
  EXPECT_TRUE(PlanIsValid(b.data(), 4));
  EXPECT_EQ(total, 160u);
}

TEST(MemoryPlanner, ZeroByteBuffersNeedNothing) {
  std::vector<PlannedBuffer> b = {{0, 0, 5, 4, 0}, {16, 0, 5, 4, 0}};
  std::vector<int32_t> order(b.size());
  EXPECT_EQ(PlanMemory(b.data(), 2, order.data()), 16u);
}

TEST(MemoryPlanner, ValidityCheckerCatchesOverlap) {
  std::vector<PlannedBuffer> b = {{16, 0, 1, 4, 0}, {16, 1, 2, 4, 8}};
  EXPECT_FALSE(PlanIsValid(b.data(), 2));
  b[1].offset = 16;
  EXPECT_TRUE(PlanIsValid(b.data(), 2));
  b[1].offset = 18;  // misaligned
  EXPECT_FALSE(PlanIsValid(b.data(), 2));
}

TEST(MemoryPlanner, RandomPlansAreValidAndBounded) {
  const uint32_t seed = 20261126;
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 500; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 60);
    const int ops = 1 + static_cast<int>(rng() % 40);
    std::vector<PlannedBuffer> b(n);
    uint64_t sum = 0;
    uint32_t max_live_lower_bound = 0;
    for (auto& x : b) {
      x.bytes = rng() % 4 == 0 ? 0 : 1 + rng() % 5000;
      x.first_use = static_cast<int32_t>(rng() % ops);
      x.last_use = x.first_use + static_cast<int32_t>(rng() % (ops - x.first_use));
      x.alignment = 1u << (rng() % 5);
      x.offset = 0xdeadbeef;
      sum += AlignUp(x.bytes, 16);
    }
    for (int op = 0; op < ops; ++op) {
      uint32_t live = 0;
      for (const auto& x : b)
        if (x.first_use <= op && op <= x.last_use) live += x.bytes;
      max_live_lower_bound = std::max(max_live_lower_bound, live);
    }
    std::vector<int32_t> order(n);
    const uint32_t total = PlanMemory(b.data(), n, order.data());
    ASSERT_TRUE(PlanIsValid(b.data(), n)) << "trial " << trial;
    ASSERT_LE(total, sum) << "trial " << trial;
    ASSERT_GE(total, max_live_lower_bound) << "trial " << trial;
    for (const auto& x : b)
      if (x.bytes > 0) ASSERT_LE(x.offset + x.bytes, total);
  }
}

}  // namespace
}  // namespace tinyml
