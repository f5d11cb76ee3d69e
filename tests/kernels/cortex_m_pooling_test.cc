// Cortex-M int8 pooling kernels (src/kernels/cortex_m/pooling_s8.h) against
// the reference kernels: random shapes from a printed seed plus an edge
// battery (channel tails, padding, windows over and under the 256-element
// packed-sum limit, extreme values, narrow clamps).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "kernels/cortex_m/pooling_s8.h"
#include "kernels/ref/pooling.h"

namespace tinyml {
namespace {

constexpr uint32_t kSeed = 20240620;

Shape Make4(int32_t n, int32_t h, int32_t w, int32_t c) {
  Shape s;
  s.rank = 4;
  s.dims[0] = n;
  s.dims[1] = h;
  s.dims[2] = w;
  s.dims[3] = c;
  return s;
}

struct PoolCase {
  int32_t batches, in_h, in_w, depth, f_h, f_w, s_h, s_w;
  bool same;
  int32_t qmin, qmax;
  int fill;  // 0 random, 1 all -128, 2 all 127
};

int32_t OutSize(bool same, int32_t in, int32_t f, int32_t s) { return same ? (in + s - 1) / s : (in - f + s) / s; }

// Returns the kernel runs compared (0 when the shape is empty).
int Check(const PoolCase& c, std::mt19937& rng) {
  const int32_t out_h = OutSize(c.same, c.in_h, c.f_h, c.s_h);
  const int32_t out_w = OutSize(c.same, c.in_w, c.f_w, c.s_w);
  if (out_h < 1 || out_w < 1) return 0;
  ref::PoolParams p;
  p.stride_height = c.s_h;
  p.stride_width = c.s_w;
  p.filter_height = c.f_h;
  p.filter_width = c.f_w;
  const int32_t th = (out_h - 1) * c.s_h + c.f_h - c.in_h;
  const int32_t tw = (out_w - 1) * c.s_w + c.f_w - c.in_w;
  p.pad_height = th > 0 ? th / 2 : 0;
  p.pad_width = tw > 0 ? tw / 2 : 0;
  p.quantized_min = c.qmin;
  p.quantized_max = c.qmax;
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.depth);
  const Shape out_s = Make4(c.batches, out_h, out_w, c.depth);
  // One spare byte after the input: the kernels read whole words.
  std::vector<int8_t> input(in_s.FlatSize() + 3);
  for (auto& v : input) v = c.fill == 1 ? -128 : c.fill == 2 ? 127 : static_cast<int8_t>(rng());
  std::vector<int8_t> want(out_s.FlatSize()), got(out_s.FlatSize() + 1, 0x5a);
  const bool ref_ok = ref::AveragePoolS8(p, in_s, input.data(), out_s, want.data());
  const bool ok = cortex_m::AveragePoolS8(p, in_s, input.data(), out_s, got.data());
  EXPECT_EQ(ok, ref_ok);
  got.pop_back();
  EXPECT_EQ(got, want) << "average " << c.in_h << "x" << c.in_w << "x" << c.depth << " f " << c.f_h << "x" << c.f_w
                       << " s " << c.s_h << "x" << c.s_w << (c.same ? " SAME" : " VALID");
  std::vector<int8_t> want_max(out_s.FlatSize()), got_max(out_s.FlatSize(), 0x5a);
  ref::MaxPoolS8(p, in_s, input.data(), out_s, want_max.data());
  cortex_m::MaxPoolS8(p, in_s, input.data(), out_s, got_max.data());
  EXPECT_EQ(got_max, want_max) << "max " << c.in_h << "x" << c.in_w << "x" << c.depth << " f " << c.f_h << "x"
                               << c.f_w;
  return 2;
}

TEST(CortexMPooling, RandomShapes) {
  std::printf("[seed] %u\n", kSeed);
  std::mt19937 rng(kSeed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  int runs = 0;
  for (int i = 0; i < 400; ++i) {
    PoolCase c;
    c.batches = pick(1, 2);
    c.in_h = pick(1, 12);
    c.in_w = pick(1, 12);
    c.depth = pick(1, 19);
    c.f_h = pick(1, 5);
    c.f_w = pick(1, 5);
    c.s_h = pick(1, 3);
    c.s_w = pick(1, 3);
    c.same = pick(0, 1) == 1;
    c.qmin = pick(0, 2) == 0 ? pick(-128, 0) : -128;
    c.qmax = pick(0, 2) == 0 ? pick(c.qmin, 127) : 127;
    c.fill = pick(0, 5) == 0 ? pick(1, 2) : 0;
    runs += Check(c, rng);
  }
  std::printf("[pooling] %d kernel runs compared\n", runs);
  EXPECT_GT(runs, 300);
}

TEST(CortexMPooling, EdgeBattery) {
  std::mt19937 rng(kSeed + 1);
  int runs = 0;
  for (int fill : {0, 1, 2}) {
    for (int32_t depth : {1, 3, 4, 5, 8, 64}) {
      // KWS global pooling (125 elements), exactly 256 and 257/270 elements
      // (packed 16-bit sums up to 256, int32 beyond).
      runs += Check({1, 25, 5, depth, 25, 5, 25, 5, false, -128, 127, fill}, rng);
      runs += Check({1, 16, 16, depth, 16, 16, 16, 16, false, -128, 127, fill}, rng);
      runs += Check({1, 17, 16, depth, 17, 16, 1, 1, false, -128, 127, fill}, rng);
      runs += Check({1, 18, 15, depth, 18, 15, 1, 1, false, -100, 90, fill}, rng);
      // SAME padding with partial windows, and a narrow clamp.
      runs += Check({2, 7, 6, depth, 3, 3, 2, 2, true, -5, 7, fill}, rng);
    }
  }
  std::printf("[pooling edge] %d kernel runs compared\n", runs);
  EXPECT_EQ(runs, 3 * 6 * 5 * 2);
}

}  // namespace
}  // namespace tinyml
