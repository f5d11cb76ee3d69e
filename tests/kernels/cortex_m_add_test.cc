// Cortex-M int8 ADD (src/kernels/cortex_m/add_s8.h) against ref::AddS8:
// random scales and zero points from a printed seed plus an edge battery
// (zero points at the extremes, equal and very different scales, narrow
// clamps, in-place output), and the fast-path condition.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "kernels/cortex_m/add_s8.h"
#include "kernels/ref/binary.h"

namespace tinyml {
namespace {

constexpr uint32_t kSeed = 20240621;

Shape Flat(int32_t n) {
  Shape s;
  s.rank = 1;
  s.dims[0] = n;
  return s;
}

// Returns 1 if compared, 0 if the parameters are outside the fast path.
int Check(std::mt19937& rng, float s1, int32_t z1, float s2, int32_t z2, float so, int32_t zo, int32_t act_min,
          int32_t act_max, int32_t n, bool in_place) {
  ref::ArithmeticParams p;
  if (!ref::PrepareQuantizedAdd(false, s1, z1, s2, z2, so, zo, &p)) return 0;
  p.quantized_min = act_min;
  p.quantized_max = act_max;
  if (!cortex_m::AddS8FastOk(p)) return 0;
  std::vector<int8_t> a(n), b(n);
  for (auto& v : a) v = static_cast<int8_t>(rng());
  for (auto& v : b) v = static_cast<int8_t>(rng());
  if (n >= 4) {  // the extremes
    a[0] = -128, b[0] = -128, a[1] = 127, b[1] = 127, a[2] = -128, b[2] = 127, a[3] = 127, b[3] = -128;
  }
  std::vector<int8_t> want(n);
  ref::AddS8(p, Flat(n), a.data(), Flat(n), b.data(), Flat(n), want.data());
  std::vector<int8_t> got(n + 1, 0x5a);
  if (in_place) {
    got.assign(a.begin(), a.end());
    got.push_back(0x5a);
    cortex_m::AddS8(p, got.data(), b.data(), n, got.data());
  } else {
    cortex_m::AddS8(p, a.data(), b.data(), n, got.data());
  }
  EXPECT_EQ(got[n], 0x5a) << "wrote past the output";
  got.pop_back();
  EXPECT_EQ(got, want) << "s " << s1 << "/" << s2 << "/" << so << " zp " << z1 << "/" << z2 << "/" << zo;
  return 1;
}

TEST(CortexMAdd, RandomParams) {
  std::printf("[seed] %u\n", kSeed);
  std::mt19937 rng(kSeed);
  std::uniform_real_distribution<float> log_scale(-9.0f, 1.0f);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  int runs = 0;
  for (int i = 0; i < 600; ++i) {
    const float s1 = std::exp2(log_scale(rng)), s2 = std::exp2(log_scale(rng)), so = std::exp2(log_scale(rng));
    const int32_t act_min = pick(0, 2) == 0 ? pick(-128, 0) : -128;
    const int32_t act_max = pick(0, 2) == 0 ? pick(act_min, 127) : 127;
    runs += Check(rng, s1, pick(-128, 127), s2, pick(-128, 127), so, pick(-128, 127), act_min, act_max, pick(1, 300),
                  pick(0, 3) == 0);
  }
  std::printf("[add] %d parameter sets compared\n", runs);
  EXPECT_GT(runs, 400);
}

TEST(CortexMAdd, EdgeBattery) {
  std::mt19937 rng(kSeed + 1);
  int runs = 0;
  for (int32_t z : {-128, -1, 0, 127}) {
    for (float ratio : {1.0f, 0.5f, 2.0f, 1.0f / 256, 256.0f}) {
      for (bool in_place : {false, true}) {
        runs += Check(rng, 0.05f, z, 0.05f * ratio, -z - 1, 0.1f, z, -128, 127, 257, in_place);
        runs += Check(rng, 0.02f, z, 0.02f * ratio, z, 0.01f, -z - 1, -10, 20, 64, in_place);  // narrow clamp
      }
    }
  }
  EXPECT_EQ(runs, 4 * 5 * 2 * 2);
  // Outside the fast path: a left shift other than int8's.
  ref::ArithmeticParams p;
  ASSERT_TRUE(ref::PrepareQuantizedAdd(true, 0.1f, 0, 0.1f, 0, 0.1f, 0, &p));
  EXPECT_FALSE(cortex_m::AddS8FastOk(p));
}

}  // namespace
}  // namespace tinyml
