// Cortex-M kernels (src/kernels/cortex_m, built here with the portable
// dsp.h) against the reference kernels: exact byte equality on random
// shapes from a printed seed and an edge battery, the fast requantization
// against MultiplyByQuantizedMultiplier, and whole shared models with
// AddCortexMBuiltins against the TFLM goldens.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/fixed_point.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/depthwise_conv_s8.h"
#include "kernels/cortex_m/dsp.h"
#include "kernels/cortex_m/fully_connected_s8.h"
#include "kernels/cortex_m/requant.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/depthwise_conv.h"
#include "kernels/ref/fully_connected.h"
#include "support/test_util.h"
#include "tinyml/cortex_m_ops.h"
#include "tinyml/interpreter.h"
#include "tinyml/op_resolver.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

namespace cm = cortex_m;

constexpr uint32_t kSeed = 20240611;

Shape Make4(int32_t a, int32_t b, int32_t c, int32_t d) {
  Shape s;
  s.rank = 4;
  s.dims[0] = a;
  s.dims[1] = b;
  s.dims[2] = c;
  s.dims[3] = d;
  return s;
}

int32_t OutSize(bool same, int32_t in, int32_t k, int32_t stride, int32_t dilation) {
  const int32_t eff = (k - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - eff + stride) / stride;
}

int32_t Pad(bool same, int32_t in, int32_t k, int32_t stride, int32_t dilation, int32_t out) {
  if (!same) return 0;
  const int32_t eff = (k - 1) * dilation + 1;
  const int32_t total = std::max(0, (out - 1) * stride + eff - in);
  return total / 2;
}

// Random per-channel requantization: multiplier in [2^30, 2^31), shift
// from `shift_lo` to `shift_hi`.
void RandomQuant(std::mt19937& rng, int32_t n, int shift_lo, int shift_hi, std::vector<int32_t>* mult,
                 std::vector<int32_t>* shift) {
  mult->resize(n);
  shift->resize(n);
  for (int32_t c = 0; c < n; ++c) {
    (*mult)[c] = static_cast<int32_t>((1u << 30) + (rng() & 0x3fffffffu));
    (*shift)[c] = shift_lo + static_cast<int>(rng() % static_cast<uint32_t>(shift_hi - shift_lo + 1));
  }
}

// The kernels read the model's bias in place (nullptr: none).
struct Quant {
  const int32_t* bias = nullptr;
  std::vector<int32_t> mult;
  std::vector<int8_t> shift;
  cm::ChannelQuant View() const { return {bias, mult.data(), shift.data()}; }
};

// Kernel runs with the folded-offset output stage (RequantFold2Sat).
int g_fold_runs = 0;

struct ConvCase {
  int32_t batches, in_h, in_w, in_c, out_c, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  bool same;
  int32_t input_zp, output_zp, act_min, act_max;
  int shift_lo, shift_hi;
  bool with_bias;
  int32_t bias_range;
};

std::string Describe(const ConvCase& c) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "b%d in %dx%dx%d out_c %d k %dx%d s %d,%d d %d,%d %s zp %d/%d act [%d,%d] shift [%d,%d] bias %d/%d",
                c.batches, c.in_h, c.in_w, c.in_c, c.out_c, c.k_h, c.k_w, c.stride_h, c.stride_w, c.dil_h, c.dil_w,
                c.same ? "SAME" : "VALID", c.input_zp, c.output_zp, c.act_min, c.act_max, c.shift_lo, c.shift_hi,
                c.with_bias, c.bias_range);
  return buf;
}

// Runs ConvS8 (and ConvS8_1x1 where it applies) against the reference.
// Returns the number of kernel runs compared.
int CheckConv(const ConvCase& c, std::mt19937& rng) {
  const int32_t out_h = OutSize(c.same, c.in_h, c.k_h, c.stride_h, c.dil_h);
  const int32_t out_w = OutSize(c.same, c.in_w, c.k_w, c.stride_w, c.dil_w);
  if (out_h < 1 || out_w < 1) return 0;
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.in_c);
  const Shape f_s = Make4(c.out_c, c.k_h, c.k_w, c.in_c);
  const Shape out_s = Make4(c.batches, out_h, out_w, c.out_c);
  const int32_t depth = c.k_h * c.k_w * c.in_c;
  std::vector<int8_t> input(in_s.FlatSize()), filter(f_s.FlatSize());
  for (auto& v : input) v = static_cast<int8_t>(rng());
  for (auto& v : filter) v = static_cast<int8_t>(rng());
  std::vector<int32_t> bias(c.out_c);
  for (auto& v : bias) v = static_cast<int32_t>(static_cast<int64_t>(rng() % (2ull * c.bias_range + 1)) - c.bias_range);
  std::vector<int32_t> mult, shift;
  RandomQuant(rng, c.out_c, c.shift_lo, c.shift_hi, &mult, &shift);

  ref::ConvParams rp;
  rp.stride_height = c.stride_h;
  rp.stride_width = c.stride_w;
  rp.dilation_height = c.dil_h;
  rp.dilation_width = c.dil_w;
  rp.pad_height = Pad(c.same, c.in_h, c.k_h, c.stride_h, c.dil_h, out_h);
  rp.pad_width = Pad(c.same, c.in_w, c.k_w, c.stride_w, c.dil_w, out_w);
  rp.input_offset = -c.input_zp;
  rp.output_offset = c.output_zp;
  rp.quantized_min = c.act_min;
  rp.quantized_max = c.act_max;
  std::vector<int8_t> expected(out_s.FlatSize());
  const int32_t* bias_ptr = c.with_bias ? bias.data() : nullptr;
  ref::ConvPerChannelS8(rp, mult.data(), shift.data(), in_s, input.data(), f_s, filter.data(), bias_ptr, out_s,
                        expected.data());

  cm::ConvS8Params p;
  p.stride_height = rp.stride_height;
  p.stride_width = rp.stride_width;
  p.dilation_height = rp.dilation_height;
  p.dilation_width = rp.dilation_width;
  p.pad_height = rp.pad_height;
  p.pad_width = rp.pad_width;
  p.input_offset = rp.input_offset;
  p.out = {c.output_zp, c.act_min, c.act_max, 0};
  Quant q;
  q.bias = bias_ptr;
  q.mult = mult;
  q.shift.assign(shift.begin(), shift.end());
  bool fast = true;
  for (int32_t oc = 0; oc < c.out_c; ++oc)
    fast = fast && cm::FastRequantOk(shift[oc], cm::ConvAccBound(filter.data() + oc * depth, depth,
                                                                 bias_ptr ? bias[oc] : 0, p.input_offset));
  bool fold = fast;
  for (int32_t oc = 0; oc < c.out_c; ++oc) fold = fold && cm::FoldOk(shift[oc], c.output_zp, c.act_min);
  int runs = 0;
  // Modes: 0 exact general form, 1 fast, 2 fast with the folded offset.
  for (int fast_mode = 0; fast_mode <= (fast ? (fold ? 2 : 1) : 0); ++fast_mode) {
    p.out.fast = fast_mode >= 1;
    p.out.fold = fast_mode == 2;
    g_fold_runs += fast_mode == 2;
    // Exactly the planned size (0 when the columns fit on the stack), so
    // ASan catches a kernel using more.
    const size_t scratch_bytes = cm::ConvS8ScratchBytes(depth);
    std::vector<uint8_t> scratch_buf(scratch_bytes, 0xa5);
    void* scratch = scratch_bytes > 0 ? scratch_buf.data() : nullptr;
    std::vector<int8_t> got(out_s.FlatSize(), 0x55);
    cm::ConvS8(p, q.View(), in_s, input.data(), f_s, filter.data(), out_s, got.data(), scratch);
    EXPECT_EQ(got, expected) << "ConvS8 fast=" << fast_mode << " " << Describe(c);
    ++runs;
    const bool one = c.k_h == 1 && c.k_w == 1 && c.stride_h == 1 && c.stride_w == 1;
    if (one) {
      std::vector<int8_t> got1(out_s.FlatSize(), 0x55);
      cm::ConvS8_1x1(p, q.View(), in_s, input.data(), f_s, filter.data(), out_s, got1.data(), scratch);
      EXPECT_EQ(got1, expected) << "ConvS8_1x1 fast=" << fast_mode << " " << Describe(c);
      ++runs;
    }
  }
  return runs;
}

ConvCase RandomConv(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  ConvCase c;
  c.batches = pick(1, 2);
  c.in_h = pick(1, 9);
  c.in_w = pick(1, 9);
  c.in_c = pick(1, 17);
  c.out_c = pick(1, 17);
  c.k_h = pick(1, 4);
  c.k_w = pick(1, 4);
  c.stride_h = pick(1, 2);
  c.stride_w = pick(1, 2);
  c.dil_h = pick(1, 2);
  c.dil_w = pick(1, 2);
  c.same = pick(0, 1) == 1;
  const int32_t zps[] = {-128, 127, 0, -1, 5};
  c.input_zp = pick(0, 3) == 0 ? zps[pick(0, 4)] : pick(-128, 127);
  c.output_zp = pick(0, 3) == 0 ? zps[pick(0, 4)] : pick(-128, 127);
  c.act_min = pick(0, 2) == 0 ? pick(-128, 0) : -128;
  c.act_max = pick(0, 2) == 0 ? pick(c.act_min, 127) : 127;
  const int kind = pick(0, 3);
  c.shift_lo = kind == 0 ? -31 : (kind == 1 ? 0 : -12);
  c.shift_hi = kind == 0 ? -20 : (kind == 1 ? 3 : -1);
  c.with_bias = pick(0, 4) != 0;
  c.bias_range = pick(0, 1) ? 100000 : 2000000000;
  return c;
}

TEST(CortexMRequant, FastEqualsReference) {
  std::printf("[seed] %u\n", kSeed);
  std::mt19937 rng(kSeed);
  int64_t checked = 0;
  const int32_t edge_acc[] = {0, 1, -1, 2, -2, (1 << 30) - 1, -(1 << 30) + 1, 12345, -12345, 1 << 29, -(1 << 29)};
  for (int shift = -31; shift <= -1; ++shift) {
    for (int m_kind = 0; m_kind < 4; ++m_kind) {
      const int32_t m = m_kind == 0 ? (1 << 30) : m_kind == 1 ? INT32_MAX : m_kind == 2 ? 0 : 0x5a5a5a5a;
      const cm::FastChannel fc = cm::MakeFastChannel(m, shift);
      for (int32_t a : edge_acc) {
        ASSERT_EQ(cm::RequantFast(a, fc), MultiplyByQuantizedMultiplier(a, m, shift)) << a << " " << m << " " << shift;
        ++checked;
      }
      for (int i = 0; i < 20000; ++i) {
        int32_t a = static_cast<int32_t>(rng() & 0x7fffffffu) >> (rng() % 31);
        if (a >= (1 << 30)) a = (1 << 30) - 1;
        if (rng() & 1) a = -a;
        ASSERT_EQ(cm::RequantFast(a, fc), MultiplyByQuantizedMultiplier(a, m, shift)) << a << " " << m << " " << shift;
        ++checked;
      }
    }
  }
  // Exhaustive over all accumulators of a small range and all right shifts
  // for random multipliers: ties of both roundings are hit densely.
  for (int k = 0; k < 8; ++k) {
    const int32_t m = static_cast<int32_t>((1u << 30) + (rng() & 0x3fffffffu));
    for (int shift = -31; shift <= -1; ++shift) {
      const cm::FastChannel fc = cm::MakeFastChannel(m, shift);
      for (int32_t a = -70000; a <= 70000; ++a) {
        if (cm::RequantFast(a, fc) != MultiplyByQuantizedMultiplier(a, m, shift))
          FAIL() << a << " " << m << " " << shift;
      }
      checked += 140001;
    }
  }
  std::printf("[requant] %lld accumulators checked\n", static_cast<long long>(checked));
}

// The doubled-accumulator form with the output offset folded into the
// rounding and SSAT's shift: equal to the reference output stage clamped to
// int8, for every output zero point.
TEST(CortexMRequant, Fast2SatEqualsReference) {
  std::mt19937 rng(kSeed + 11);
  int64_t checked = 0;
  for (int shift = -31; shift <= -1; ++shift) {
    for (int k = 0; k < 4; ++k) {
      const int32_t m = k == 0 ? (1 << 30) : k == 1 ? INT32_MAX : static_cast<int32_t>((1u << 30) + (rng() & 0x3fffffffu));
      const uint32_t pre = ~static_cast<uint32_t>(static_cast<uint8_t>(static_cast<int8_t>(shift))) |
                           0x5a5a5a00u;  // only the low byte may count
      for (int32_t zp : {-128, -1, 0, 1, 127}) {
        const int32_t round_offset = cm::RoundOffset(zp);
        for (int i = 0; i < 3000; ++i) {
          int32_t a = static_cast<int32_t>(rng() & 0x3fffffffu) >> (rng() % 30);
          if (rng() & 1) a = -a;
          if (i < 4) a = i == 0 ? (1 << 30) - 1 : i == 1 ? -(1 << 30) + 1 : i == 2 ? 0 : -1;
          int32_t want = MultiplyByQuantizedMultiplier(a, m, shift) + zp;
          want = want < -128 ? -128 : (want > 127 ? 127 : want);
          ASSERT_EQ(cm::RequantFast2Sat(static_cast<int32_t>(static_cast<uint32_t>(a) << 1), m, pre, round_offset),
                    want)
              << a << " " << m << " " << shift << " " << zp;
          ++checked;
        }
      }
    }
  }
  std::printf("[requant2] %lld accumulators checked\n", static_cast<long long>(checked));
}

// RequantFold2Sat equals the reference output stage after the clamp
// whenever FoldOk holds (act_min >= output zero point).
TEST(CortexMRequant, FoldEqualsReference) {
  std::mt19937 rng(kSeed + 13);
  int64_t checked = 0;
  for (int shift = -31; shift <= -1; ++shift) {
    for (int32_t zp : {-128, -100, -1, 0, 5, 127}) {
      for (int32_t act_min : {-128, zp, zp + 3}) {
        if (act_min > 127 || !cm::FoldOk(shift, zp, act_min)) continue;
        const int32_t m = static_cast<int32_t>((1u << 30) + (rng() & 0x3fffffffu));
        const uint32_t pre = ~static_cast<uint32_t>(static_cast<uint8_t>(static_cast<int8_t>(shift))) | 0x3c3c3c00u;
        const int32_t folded = cm::FoldedOffset(cm::RoundOffset(zp), pre);
        for (int i = 0; i < 4000; ++i) {
          int32_t a = static_cast<int32_t>(rng() & 0x3fffffffu) >> (rng() % 30);
          if (rng() & 1) a = -a;
          if (i < 3) a = i == 0 ? (1 << 30) - 1 : i == 1 ? -(1 << 30) + 1 : -1;
          int32_t want = MultiplyByQuantizedMultiplier(a, m, shift) + zp;
          want = want < act_min ? act_min : (want > 127 ? 127 : want);
          int32_t got = cm::RequantFold2Sat(static_cast<int32_t>(static_cast<uint32_t>(a) << 1), m, pre, folded);
          got = got < act_min ? act_min : got;
          ASSERT_EQ(got, want) << a << " " << m << " " << shift << " " << zp << " " << act_min;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 100000);
  EXPECT_FALSE(cm::FoldOk(-2, 0, -1));   // act_min below the zero point
  EXPECT_FALSE(cm::FoldOk(-31, -128, -128));  // 255 << 30 does not fit
  EXPECT_TRUE(cm::FoldOk(-20, -128, -128));
}

TEST(CortexMRequant, FastOkBound) {
  EXPECT_TRUE(cm::FastRequantOk(-1, (1 << 30) - 1));
  EXPECT_FALSE(cm::FastRequantOk(-1, 1 << 30));
  EXPECT_FALSE(cm::FastRequantOk(0, 10));
  EXPECT_FALSE(cm::FastRequantOk(2, 10));
  EXPECT_TRUE(cm::FastRequantOk(-31, 10));
}

TEST(CortexMDsp, PortableSemantics) {
  EXPECT_EQ(cm::Sxtb16(0x80ff7f01u), 0xffff0001u);
  EXPECT_EQ(cm::Sxtb16Ror8(0x80ff7f01u), 0xff80007fu);
  EXPECT_EQ(cm::Smlad(0x0002fffeu, 0x00030004u, 10), 10 + 2 * 3 + (-2) * 4);
  EXPECT_EQ(cm::Smlabb(0x7fff8000u, 0x00018000u, 0), 0x40000000);
  EXPECT_EQ(cm::Smlatt(0x7fff8000u, 0x00028000u, 1), 1 + 2 * 0x7fff);
  // Low half of a against high half of b; a's high half is ignored.
  EXPECT_EQ(cm::Smlabt(0xffffff80u, 0x7fff0003u, 5), 5 + (-128) * 0x7fff);
  EXPECT_EQ(cm::Smmulr(INT32_MIN, INT32_MIN), 0x40000000);
  EXPECT_EQ(cm::Smmulr(-1, 1), 0);
  EXPECT_EQ(cm::PackLoLo(0xffff1234u, 0xabcd5678u), 0x56781234u);
  EXPECT_EQ(cm::Sadd16(0x7fff0001u, 0x0001ffffu), 0x80000000u);
  EXPECT_EQ(cm::Qadd(INT32_MAX, 1), INT32_MAX);
  EXPECT_EQ(cm::Ssat8(-300), -128);
  // Offset lanes plus sign-extended bytes 0/2 (1/3 with ror 8).
  EXPECT_EQ(cm::Sxtab16(0x00800080u, 0x80ff7f01u), 0x007f0081u);
  EXPECT_EQ(cm::Sxtab16Ror8(0xff80ff80u, 0x80ff7f01u), 0xff00ffffu);
  EXPECT_EQ(cm::Ssat8Asr1(255), 127);
  EXPECT_EQ(cm::Ssat8Asr1(-3), -2);
  EXPECT_EQ(cm::Ssat8Asr1(-258), -128);
  EXPECT_EQ(cm::AsrReg(-64, 0xab03u), -8);
}

TEST(CortexMConv, RandomShapes) {
  std::printf("[seed] %u\n", kSeed + 1);
  std::mt19937 rng(kSeed + 1);
  int runs = 0;
  for (int i = 0; i < 600; ++i) runs += CheckConv(RandomConv(rng), rng);
  std::printf("[conv] %d kernel runs compared\n", runs);
  EXPECT_GT(runs, 500);
}

// Column sizes on both sides of the stack limit (kConvS8StackColumnBytes):
// depth 64 (the KWS 1x1 convs, on the stack) and 68, 144 (arena scratch).
TEST(CortexMConv, StackAndArenaColumns) {
  std::mt19937 rng(kSeed + 12);
  EXPECT_EQ(cm::ConvS8ScratchBytes(64), 0u);
  EXPECT_GT(cm::ConvS8ScratchBytes(68), 0u);
  int runs = 0;
  for (int32_t in_c : {63, 64, 65, 68, 144}) {
    for (int32_t zp : {-128, 127, 3}) {
      ConvCase c{1, 5, 5, in_c, 12, 1, 1, 1, 1, 1, 1, false, zp, -zp / 2, -128, 127, -12, -3, true, 100000};
      runs += CheckConv(c, rng);
      ConvCase k3{1, 4, 5, in_c / 4 + 1, 9, 3, 3, 1, 1, 1, 1, true, zp, 1, -60, 90, -12, -3, zp != 3, 2000};
      runs += CheckConv(k3, rng);
    }
  }
  // The KWS first layer: 10x4 filter on 1 channel, stride 2, SAME.
  ConvCase kws{1, 49, 10, 1, 64, 10, 4, 2, 2, 1, 1, true, 83, -128, -128, 127, -12, -6, true, 100000};
  runs += CheckConv(kws, rng);
  EXPECT_GE(runs, 30);
  EXPECT_GT(g_fold_runs, 0) << "no case used the folded-offset output stage";
}

// Filter rows of exactly one word (in_c * k_w == 4): the im2col shifts
// zero points in for a padded side. Widths down to one word per input row,
// padding on either side or the whole row, strides, zero points at extremes.
TEST(CortexMConv, WordRows) {
  std::mt19937 rng(kSeed + 14);
  int runs = 0;
  for (int32_t in_c : {1, 2, 4}) {
    const int32_t k_w = 4 / in_c;
    for (int32_t in_w : {4 / in_c, 4 / in_c + 1, 7, 10}) {
      for (int32_t stride : {1, 2, 3}) {
        for (int32_t zp : {-128, 127, 83}) {
          for (bool same : {false, true}) {
            ConvCase c{1, 6, in_w, in_c, 9, 3, k_w, stride, stride, 1, 1, same, zp, -128, -128, 127, -12, -5, true,
                       100000};
            runs += CheckConv(c, rng);
          }
        }
      }
    }
  }
  // A filter wider than the input (every window padded on both sides is
  // impossible for one-word rows unless the input row is shorter than a
  // word, which takes the general path).
  ConvCase narrow{1, 5, 3, 1, 4, 2, 4, 1, 1, 1, 1, true, 5, 0, -128, 127, -12, -5, true, 1000};
  runs += CheckConv(narrow, rng);
  std::printf("[conv word rows] %d kernel runs compared\n", runs);
  EXPECT_GT(runs, 150);
}

TEST(CortexMConv, EdgeBattery) {
  std::mt19937 rng(kSeed + 2);
  int runs = 0;
  // Pixel counts below/equal/above/multiples of the 4-pixel tile, depth
  // below/equal/above/multiples of 4 and the 2-block unroll, odd channels.
  for (int32_t pixels : {1, 2, 3, 4, 5, 7, 8, 9, 12, 13}) {
    for (int32_t in_c : {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17}) {
      for (int32_t out_c : {1, 2, 3, 5, 8}) {
        ConvCase c{1, 1, pixels, in_c, out_c, 1, 1, 1, 1, 1, 1, false, -128, 127, -128, 127, -12, -1, true, 5000};
        runs += CheckConv(c, rng);
      }
    }
  }
  for (int32_t zp_in : {-128, 127, 0}) {
    for (int32_t zp_out : {-128, 127, 0}) {
      for (bool same : {false, true}) {
        for (int32_t stride : {1, 2}) {
          for (int32_t dil : {1, 2}) {
            ConvCase c{2, 7, 6, 3, 5, 3, 2, stride, stride, dil, dil, same, zp_in, zp_out, -128, 127, -10, -1,
                       true, 100000};
            runs += CheckConv(c, rng);
            c.act_min = zp_out;  // ReLU-like clamps
            c.act_max = std::min(127, zp_out + 40);
            runs += CheckConv(c, rng);
          }
        }
      }
    }
  }
  // Large and small shifts (left shifts and shift -31), huge biases, no bias.
  for (int kind = 0; kind < 4; ++kind) {
    ConvCase c{1, 5, 5, 8, 6, 3, 3, 1, 1, 1, 1, true, 3, -7, -128, 127, 0, 0, kind != 3, 2000000000};
    c.shift_lo = kind == 0 ? 1 : kind == 1 ? -31 : -2;
    c.shift_hi = kind == 0 ? 8 : kind == 1 ? -31 : 2;
    for (int i = 0; i < 5; ++i) runs += CheckConv(c, rng);
  }
  // KWS-like shapes: first conv 10x4 stride 2, pointwise 64 -> 64.
  ConvCase first{1, 49, 10, 1, 64, 10, 4, 2, 2, 1, 1, true, -3, -128, -128, 127, -10, -6, true, 3000};
  runs += CheckConv(first, rng);
  ConvCase pw{1, 25, 5, 64, 64, 1, 1, 1, 1, 1, 1, true, -128, -128, -128, 127, -10, -6, true, 3000};
  runs += CheckConv(pw, rng);
  std::printf("[conv edge] %d kernel runs compared\n", runs);
}

struct DwCase {
  int32_t batches, in_h, in_w, in_c, dm, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  bool same;
  int32_t input_zp, output_zp, act_min, act_max;
  int shift_lo, shift_hi;
  bool with_bias;
};

int CheckDw(const DwCase& c, std::mt19937& rng) {
  const int32_t out_h = OutSize(c.same, c.in_h, c.k_h, c.stride_h, c.dil_h);
  const int32_t out_w = OutSize(c.same, c.in_w, c.k_w, c.stride_w, c.dil_w);
  if (out_h < 1 || out_w < 1) return 0;
  const int32_t out_c = c.in_c * c.dm;
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.in_c);
  const Shape f_s = Make4(1, c.k_h, c.k_w, out_c);
  const Shape out_s = Make4(c.batches, out_h, out_w, out_c);
  std::vector<int8_t> input(in_s.FlatSize()), filter(f_s.FlatSize());
  for (auto& v : input) v = static_cast<int8_t>(rng());
  for (auto& v : filter) v = static_cast<int8_t>(rng());
  std::vector<int32_t> bias(out_c);
  for (auto& v : bias) v = static_cast<int32_t>(rng() % 200001) - 100000;
  std::vector<int32_t> mult, shift;
  RandomQuant(rng, out_c, c.shift_lo, c.shift_hi, &mult, &shift);
  ref::DepthwiseConvParams rp;
  rp.stride_height = c.stride_h;
  rp.stride_width = c.stride_w;
  rp.dilation_height = c.dil_h;
  rp.dilation_width = c.dil_w;
  rp.pad_height = Pad(c.same, c.in_h, c.k_h, c.stride_h, c.dil_h, out_h);
  rp.pad_width = Pad(c.same, c.in_w, c.k_w, c.stride_w, c.dil_w, out_w);
  rp.depth_multiplier = c.dm;
  rp.input_offset = -c.input_zp;
  rp.output_offset = c.output_zp;
  rp.quantized_min = c.act_min;
  rp.quantized_max = c.act_max;
  const int32_t* bias_ptr = c.with_bias ? bias.data() : nullptr;
  std::vector<int8_t> expected(out_s.FlatSize());
  ref::DepthwiseConvPerChannelS8(rp, mult.data(), shift.data(), in_s, input.data(), f_s, filter.data(), bias_ptr,
                                 out_s, expected.data());
  cm::DepthwiseS8Params p;
  p.stride_height = rp.stride_height;
  p.stride_width = rp.stride_width;
  p.dilation_height = rp.dilation_height;
  p.dilation_width = rp.dilation_width;
  p.pad_height = rp.pad_height;
  p.pad_width = rp.pad_width;
  p.depth_multiplier = c.dm;
  p.input_offset = rp.input_offset;
  p.out = {c.output_zp, c.act_min, c.act_max, 0};
  Quant q;
  q.bias = bias_ptr;
  q.mult = mult;
  q.shift.assign(shift.begin(), shift.end());
  const int32_t taps = c.k_h * c.k_w;
  bool fast = true;
  for (int32_t oc = 0; oc < out_c; ++oc)
    fast = fast && cm::FastRequantOk(shift[oc], cm::DepthwiseAccBound(filter.data(), taps, out_c, oc,
                                                                      bias_ptr ? bias[oc] : 0, p.input_offset));
  bool fold = fast;
  for (int32_t oc = 0; oc < out_c; ++oc) fold = fold && cm::FoldOk(shift[oc], c.output_zp, c.act_min);
  int runs = 0;
  for (int fast_mode = 0; fast_mode <= (fast ? (fold ? 2 : 1) : 0); ++fast_mode) {
    p.out.fast = fast_mode >= 1;
    p.out.fold = fast_mode == 2;
    g_fold_runs += fast_mode == 2;
    const size_t scratch_bytes = cm::DepthwiseConvS8ScratchBytes(c.in_c, out_c, c.k_h, c.k_w);
    std::vector<uint8_t> scratch_buf(scratch_bytes, 0xa5);
    void* scratch = scratch_bytes > 0 ? scratch_buf.data() : nullptr;
    std::vector<int8_t> got(out_s.FlatSize(), 0x55);
    cm::DepthwiseConvS8(p, q.View(), in_s, input.data(), f_s, filter.data(), out_s, got.data(), scratch);
    EXPECT_EQ(got, expected) << "DepthwiseConvS8 fast=" << fast_mode << " b" << c.batches << " in " << c.in_h
                             << "x" << c.in_w << "x" << c.in_c << " dm " << c.dm << " k " << c.k_h << "x" << c.k_w
                             << " s " << c.stride_h << " d " << c.dil_h << (c.same ? " SAME" : " VALID") << " zp "
                             << c.input_zp << "/" << c.output_zp;
    ++runs;
  }
  return runs;
}

TEST(CortexMDepthwise, RandomShapes) {
  std::printf("[seed] %u\n", kSeed + 3);
  std::mt19937 rng(kSeed + 3);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  int runs = 0;
  for (int i = 0; i < 600; ++i) {
    DwCase c;
    c.batches = pick(1, 2);
    c.in_h = pick(1, 9);
    c.in_w = pick(1, 9);
    const int kind = pick(0, 2);
    c.in_c = kind == 0 ? 4 * pick(1, 5) : pick(1, 17);
    c.dm = kind == 1 ? 4 * pick(1, 2) : (kind == 2 ? pick(1, 3) : 1);
    c.k_h = pick(1, 4);
    c.k_w = pick(1, 4);
    c.stride_h = pick(1, 2);
    c.stride_w = pick(1, 2);
    c.dil_h = pick(1, 2);
    c.dil_w = pick(1, 2);
    c.same = pick(0, 1) == 1;
    c.input_zp = pick(0, 3) == 0 ? (pick(0, 1) ? -128 : 127) : pick(-128, 127);
    c.output_zp = pick(0, 3) == 0 ? (pick(0, 1) ? -128 : 127) : pick(-128, 127);
    c.act_min = pick(0, 2) == 0 ? pick(-128, 0) : -128;
    c.act_max = pick(0, 2) == 0 ? pick(c.act_min, 127) : 127;
    const int sk = pick(0, 2);
    c.shift_lo = sk == 0 ? -31 : (sk == 1 ? -1 : -12);
    c.shift_hi = sk == 0 ? -20 : (sk == 1 ? 4 : -1);
    c.with_bias = pick(0, 4) != 0;
    runs += CheckDw(c, rng);
  }
  std::printf("[depthwise] %d kernel runs compared\n", runs);
  EXPECT_GT(runs, 500);
}

TEST(CortexMDepthwise, EdgeBattery) {
  std::mt19937 rng(kSeed + 4);
  int runs = 0;
  for (int32_t in_c : {1, 2, 3, 4, 5, 8, 12, 16, 17}) {
    for (int32_t dm : {1, 2, 4, 8}) {
      for (bool same : {false, true}) {
        for (int32_t stride : {1, 2}) {
          for (int32_t zp : {-128, 127}) {
            DwCase c{1, 6, 5, in_c, dm, 3, 3, stride, stride, 1, 1, same, zp, -zp - 1, -128, 127, -9, -1, true};
            runs += CheckDw(c, rng);
            c.dil_h = c.dil_w = 2;
            runs += CheckDw(c, rng);
          }
        }
      }
    }
  }
  DwCase kws{1, 25, 5, 64, 1, 3, 3, 1, 1, 1, 1, true, -128, -128, -128, 127, -10, -6, true};
  runs += CheckDw(kws, rng);
  DwCase micro{1, 49, 40, 1, 8, 10, 8, 2, 2, 1, 1, true, -128, -128, -128, 127, -10, -6, true};
  runs += CheckDw(micro, rng);
  // Depth multiplier 1 with more taps than the stack tap table holds (the
  // table then lives in the arena scratch), with and without padding, and
  // windows larger than the image (few or no inside taps at the corners).
  for (bool same : {false, true}) {
    DwCase big{1, 9, 8, 8, 1, 6, 6, 1, 1, 1, 1, same, 3, -7, -128, 127, -12, -3, true};
    runs += CheckDw(big, rng);
    DwCase wide{1, 3, 4, 4, 1, 5, 7, 1, 2, 1, 1, same, -128, 127, -100, 100, -12, -3, false};
    runs += CheckDw(wide, rng);
    DwCase dil{2, 5, 5, 12, 1, 3, 3, 2, 1, 2, 3, same, 127, 0, -128, 127, -31, -25, true};
    runs += CheckDw(dil, rng);
  }
  std::printf("[depthwise edge] %d kernel runs compared\n", runs);
  EXPECT_GT(g_fold_runs, 0) << "no case used the folded-offset output stage";
}

// --- FULLY_CONNECTED: byte-exact with ref::FullyConnectedS8 (filter zero
// point 0), random shapes plus the extremes of zero points, scales and clamps.

void CheckFullyConnected(std::mt19937& rng, int32_t batches, int32_t depth, int32_t units, int32_t input_zp,
                         int32_t output_zp, int32_t act_min, int32_t act_max, int32_t shift, bool with_bias,
                         int8_t fill) {
  std::uniform_int_distribution<int> byte(-128, 127);
  std::vector<int8_t> input(static_cast<size_t>(batches) * depth), filter(static_cast<size_t>(units) * depth);
  for (auto& v : input) v = fill != 0 ? fill : static_cast<int8_t>(byte(rng));
  for (auto& v : filter) v = fill != 0 ? fill : static_cast<int8_t>(byte(rng));
  std::vector<int32_t> bias(units);
  for (auto& v : bias) v = static_cast<int32_t>(rng() % 200001) - 100000;
  const int32_t multiplier = static_cast<int32_t>((1u << 30) + (rng() & 0x3fffffffu));
  ref::FullyConnectedParams rp;
  rp.batches = batches;
  rp.accum_depth = depth;
  rp.output_depth = units;
  rp.input_offset = -input_zp;
  rp.filter_offset = 0;
  rp.output_offset = output_zp;
  rp.output_multiplier = multiplier;
  rp.output_shift = shift;
  rp.quantized_min = act_min;
  rp.quantized_max = act_max;
  cm::FullyConnectedS8Params p;
  p.batches = batches;
  p.depth = depth;
  p.units = units;
  p.input_offset = -input_zp;
  p.output_offset = output_zp;
  p.multiplier = multiplier;
  p.shift = shift;
  p.act_min = act_min;
  p.act_max = act_max;
  std::vector<int8_t> want(static_cast<size_t>(batches) * units), got(want.size() + 1, 0x5a);
  ref::FullyConnectedS8(rp, input.data(), filter.data(), with_bias ? bias.data() : nullptr, want.data());
  cm::FullyConnectedS8(p, input.data(), filter.data(), with_bias ? bias.data() : nullptr, got.data());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i], want[i]) << "b" << batches << " d" << depth << " u" << units << " izp" << input_zp << " ozp"
                               << output_zp << " shift" << shift << " at " << i;
  }
  EXPECT_EQ(got[want.size()], 0x5a) << "wrote past the output";
}

TEST(CortexMFullyConnected, RandomShapes) {
  std::printf("[seed] %u\n", kSeed);
  std::mt19937 rng(kSeed + 7);
  for (int i = 0; i < 400; ++i) {
    const int32_t batches = 1 + static_cast<int32_t>(rng() % 3);
    const int32_t depth = 1 + static_cast<int32_t>(rng() % 70);
    const int32_t units = 1 + static_cast<int32_t>(rng() % 9);
    const int32_t izp = static_cast<int32_t>(rng() % 256) - 128;
    const int32_t ozp = static_cast<int32_t>(rng() % 256) - 128;
    const int32_t lo = (rng() & 1) ? -128 : static_cast<int32_t>(rng() % 128) - 128;
    const int32_t hi = (rng() & 1) ? 127 : std::max(lo, static_cast<int32_t>(rng() % 128));
    const int32_t shift = static_cast<int32_t>(rng() % 16) - 12;
    CheckFullyConnected(rng, batches, depth, units, izp, ozp, lo, hi, shift, (rng() & 3) != 0, 0);
  }
}

TEST(CortexMFullyConnected, EdgeBattery) {
  std::mt19937 rng(kSeed + 8);
  for (int32_t izp : {-128, 127, 0}) {
    for (int32_t ozp : {-128, 127}) {
      for (int8_t fill : {static_cast<int8_t>(-128), static_cast<int8_t>(127), static_cast<int8_t>(0)}) {
        for (int32_t depth : {1, 3, 4, 5, 8, 640}) {
          for (int32_t shift : {-31, -1, 0, 3}) {
            CheckFullyConnected(rng, 1, depth, 5, izp, ozp, -128, 127, shift, true, fill);
            CheckFullyConnected(rng, 2, depth, 2, izp, ozp, ozp, std::min(127, ozp + 40), shift, false, fill);
          }
        }
      }
    }
  }
}

// --- Whole models: AddCortexMBuiltins first, reference ops fill in.

struct ModelRun {
  testing::AlignedBuffer bytes;
  Model model;
  StaticOpResolver<64> resolver;
  testing::AlignedBuffer arena;
  std::unique_ptr<Interpreter> interpreter;
};

std::unique_ptr<ModelRun> Load(const std::string& path, bool optimized) {
  auto r = std::make_unique<ModelRun>();
  if (!testing::ReadFileAligned(path, &r->bytes)) return nullptr;
  if (r->model.Load(r->bytes.data(), r->bytes.size()) != Status::kOk) return nullptr;
  if (optimized) EXPECT_EQ(AddCortexMBuiltins(r->resolver), Status::kOk);
  EXPECT_EQ(AddAllBuiltins(r->resolver), Status::kOk);
  EXPECT_EQ(AddSignalOps(r->resolver), Status::kOk);
  r->arena.Resize(8 << 20);
  r->interpreter = std::make_unique<Interpreter>(r->model, r->resolver, r->arena.data(), r->arena.size());
  const Status s = r->interpreter->Prepare();
  EXPECT_EQ(s, Status::kOk) << path << ": " << r->interpreter->error();
  if (s != Status::kOk) return nullptr;
  return r;
}

std::vector<uint8_t> RunModel(ModelRun& r, const std::vector<uint8_t>& input) {
  Interpreter& in = *r.interpreter;
  size_t offset = 0;
  for (int i = 0; i < in.inputs_size(); ++i) {
    const size_t n = in.input_bytes(i);
    if (offset + n > input.size()) {
      ADD_FAILURE() << "input too short";
      return {};
    }
    std::memcpy(in.input(i)->data, input.data() + offset, n);
    offset += n;
  }
  EXPECT_EQ(in.Invoke(), Status::kOk) << in.error();
  std::vector<uint8_t> out;
  for (int i = 0; i < in.outputs_size(); ++i) {
    const uint8_t* p = static_cast<const uint8_t*>(in.output(i)->data);
    out.insert(out.end(), p, p + in.output_bytes(i));
  }
  return out;
}

struct SharedModel {
  const char* model;
  const char* conformance;  // folder, or nullptr
};

class CortexMModels : public ::testing::TestWithParam<SharedModel> {};

TEST_P(CortexMModels, EqualsGoldensAndReference) {
  namespace fs = std::filesystem;
  const SharedModel& m = GetParam();
  const std::string path = testing::SharedDir() + "/models/" + m.model;
  if (!fs::exists(path)) GTEST_SKIP() << path << " not found (../shared absent): skipped";
  auto opt = Load(path, true);
  auto ref = Load(path, false);
  ASSERT_TRUE(opt && ref);
  int goldens = 0;
  if (m.conformance != nullptr) {
    const fs::path dir = fs::path(testing::SharedDir()) / "conformance" / m.conformance;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("input_", 0) != 0) continue;
      std::vector<uint8_t> input, expected;
      ASSERT_TRUE(testing::ReadFile(e.path().string(), &input));
      ASSERT_TRUE(testing::ReadFile((dir / ("output_" + name.substr(6))).string(), &expected));
      EXPECT_EQ(RunModel(*opt, input), expected) << m.conformance << "/" << name;
      ++goldens;
    }
  }
  std::mt19937 rng(kSeed + 5);
  size_t total = 0;
  for (int i = 0; i < opt->interpreter->inputs_size(); ++i) total += opt->interpreter->input_bytes(i);
  for (int k = 0; k < 3; ++k) {
    std::vector<uint8_t> input(total);
    for (auto& b : input) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(RunModel(*opt, input), RunModel(*ref, input)) << m.model << " random input " << k;
  }
  std::printf("[model] %s: %d goldens + 3 random inputs equal\n", m.model, goldens);
}

INSTANTIATE_TEST_SUITE_P(
    Shared, CortexMModels,
    ::testing::Values(SharedModel{"mlperf_tiny_kws/kws_ref_model.tflite", "mlperf_kws_dscnn_int8"},
                      SharedModel{"mlperf_tiny_vww/vww_96_int8.tflite", "mlperf_vww_int8"},
                      SharedModel{"person_detection/person_detect.tflite", "person_detect"},
                      SharedModel{"mlperf_tiny_ic/pretrainedResnet_quant.tflite", nullptr},
                      SharedModel{"micro_speech/micro_speech_quantized.tflite", "micro_speech_quantized"},
                      SharedModel{"mlperf_tiny_ad/ad01_int8.tflite", "mlperf_ad_autoencoder_int8"}));

}  // namespace
}  // namespace tinyml
