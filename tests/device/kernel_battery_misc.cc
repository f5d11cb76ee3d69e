// Kernel battery, FULLY_CONNECTED, pooling and ADD:
//  - cortex_m::FullyConnectedS8 against ref::FullyConnectedS8 (filter zero
//    point 0, per-tensor requantization: what the Cortex-M glue runs);
//  - cortex_m::AveragePoolS8 / MaxPoolS8 against ref::AveragePoolS8 /
//    MaxPoolS8 (SXTAB16 packed sums up to 256 window elements, SSUB8+SEL);
//  - cortex_m::AddS8 against ref::AddS8 with ref::PrepareQuantizedAdd's
//    parameters, whenever AddS8FastOk accepts them. AddS8 has no broadcast
//    (the Cortex-M glue runs broadcasts on the reference kernel), so inputs
//    have one shape.
#include <initializer_list>

#include "check.h"
#include "checks.h"
#include "kernel_battery.h"
#include "kernels/cortex_m/add_s8.h"
#include "kernels/cortex_m/fully_connected_s8.h"
#include "kernels/cortex_m/pooling_s8.h"
#include "kernels/ref/binary.h"
#include "kernels/ref/fully_connected.h"
#include "kernels/ref/pooling.h"

namespace tinyml::device_test {
namespace {

using namespace battery;

Shape Flat(int32_t n) {
  Shape s;
  s.rank = 1;
  s.dims[0] = n;
  return s;
}

Shape Make2(int32_t a, int32_t b) {
  Shape s;
  s.rank = 2;
  s.dims[0] = a;
  s.dims[1] = b;
  return s;
}

// --- FULLY_CONNECTED ---------------------------------------------------

struct FcCase {
  int32_t batches, depth, units, input_zp, output_zp;
  Act act;
  int32_t shift;  // per tensor; > 0 left
  Bias bias;
  Fill fill;
  int32_t skew;
};

struct FcRun {
  FcCase c;
  int32_t index, multiplier, act_min, act_max;
};

void DescribeFc(const void* p) {
  const FcRun& r = *static_cast<const FcRun*>(p);
  const FcCase& c = r.c;
  Put("case", r.index);
  Put("batches", c.batches);
  Put("depth", c.depth);
  Put("units", c.units);
  Put("input_zp", c.input_zp);
  Put("output_zp", c.output_zp);
  PutText("act", ActName(c.act));
  PutDims("clamp", r.act_min, r.act_max);
  Put("multiplier", r.multiplier);
  Put("shift", c.shift);
  PutText("bias", BiasName(c.bias));
  Put("fill", static_cast<int32_t>(c.fill));
  Put("skew", c.skew);
}

int32_t RunFc(const FcCase& c, int32_t index, uint32_t seed) {
  Buffers& buf = GetBuffers();
  Rng rng(seed);
  FcRun r{c, index, 0, 0, 0};
  MakeClamp(rng, c.act, c.output_zp, &r.act_min, &r.act_max);
  r.multiplier = rng.OneIn(8) ? INT32_MAX : static_cast<int32_t>((1u << 30) + (rng.Next() & 0x3fffffffu));
  const CaseInfo info{"fully_connected", seed, DescribeFc, &r};
  const int32_t in_n = c.batches * c.depth;
  const int32_t f_n = c.units * c.depth;
  const int32_t out_n = c.batches * c.units;
  if (in_n > kMaxInput || f_n > kMaxFilter || out_n > kMaxOutput || c.units > kMaxChannels) {
    FailCase(info, "case exceeds the battery's static buffers");
    return 0;
  }
  int8_t* input = buf.input + c.skew;
  int8_t* filter = buf.filter + c.skew;
  int8_t* got = buf.got + c.skew;
  FillBytes(rng, input, in_n, c.fill);
  FillBytes(rng, filter, f_n, c.fill);
  MakeBias(rng, c.bias, c.units, buf.bias);
  const int32_t* bias = c.bias == Bias::kNone ? nullptr : buf.bias;
  ref::FullyConnectedParams rp;
  rp.batches = c.batches;
  rp.accum_depth = c.depth;
  rp.output_depth = c.units;
  rp.input_offset = -c.input_zp;
  rp.filter_offset = 0;
  rp.output_offset = c.output_zp;
  rp.output_multiplier = r.multiplier;
  rp.output_shift = c.shift;
  rp.quantized_min = r.act_min;
  rp.quantized_max = r.act_max;
  ref::FullyConnectedS8(rp, input, filter, bias, buf.want);
  cortex_m::FullyConnectedS8Params p;
  p.batches = c.batches;
  p.depth = c.depth;
  p.units = c.units;
  p.input_offset = -c.input_zp;
  p.output_offset = c.output_zp;
  p.multiplier = r.multiplier;
  p.shift = c.shift;
  p.act_min = r.act_min;
  p.act_max = r.act_max;
  PrefillOutput(got, out_n);
  cortex_m::FullyConnectedS8(p, input, filter, bias, got);
  CompareRun(info, "FullyConnectedS8", nullptr, Make2(c.batches, c.units), buf.want, got, out_n);
  return 1;
}

FcCase FcBase() {
  FcCase c{};
  c.batches = 1;
  c.act = Act::kNone;
  c.shift = -8;
  c.bias = Bias::kMedium;
  c.fill = Fill::kRandom;
  return c;
}

}  // namespace

void KernelBatteryFullyConnected(uint32_t seed, int32_t random_cases) {
  int32_t index = 0, runs = 0;
  auto run = [&](const FcCase& c) {
    if (Selected(index)) runs += RunFc(c, index, CaseSeed(seed, static_cast<uint32_t>(index)));
    ++index;
  };
  for (int32_t i = 0; i < random_cases; ++i) {
    Rng r(CaseSeed(seed ^ 0xfc00fc00u, static_cast<uint32_t>(i)));
    FcCase c = FcBase();
    c.batches = r.Range(1, 3);
    c.depth = r.OneIn(4) ? r.Range(65, 300) : r.Range(1, 64);
    c.units = r.Range(1, 12);
    c.input_zp = r.Range(-128, 127);
    c.output_zp = r.Range(-128, 127);
    c.act = kActs[r.Range(0, 3)];
    c.shift = r.Range(-14, 3);
    c.bias = static_cast<Bias>(r.Range(0, 3));
    c.fill = r.OneIn(10) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
    c.skew = r.OneIn(2) ? 4 : 0;
    run(c);
  }
  const int32_t random_runs = runs;
  // Depths around the 4-value words (1..9, 15..17, 31..33, 63..65) and a
  // long one; units odd and even (two per step + a tail); batches > 1;
  // zero points and data at the extremes; shifts of both signs; clamps.
  const int32_t depths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 640};
  const int32_t units[] = {1, 2, 3, 5, 8, 17};
  const int32_t shifts[] = {-31, -12, -1, 0, 3};
  const int32_t zps[] = {-128, 127, 0};
  int32_t k = 0;
  for (int32_t depth : depths) {
    for (int32_t u : units) {
      FcCase c = FcBase();
      c.depth = depth;
      c.units = u;
      c.batches = 1 + k % 3;
      c.input_zp = zps[k % 3];
      c.output_zp = zps[(k / 3) % 3];
      c.act = kActs[k % 4];
      c.shift = shifts[k % 5];
      c.bias = static_cast<Bias>(k % 4);
      c.skew = k % 2 == 0 ? 0 : 4;
      run(c);
      ++k;
    }
  }
  for (int32_t izp : {-128, 127}) {
    for (int32_t ozp : {-128, 127}) {
      for (Fill fill : {Fill::kMin, Fill::kMax}) {
        for (int32_t shift : {-31, -1, 0, 3}) {
          FcCase c = FcBase();
          c.depth = 67;
          c.units = 5;
          c.batches = 2;
          c.input_zp = izp;
          c.output_zp = ozp;
          c.fill = fill;
          c.shift = shift;
          c.act = ozp == -128 ? Act::kRelu : Act::kNone;
          run(c);
        }
      }
    }
  }
  PrintSummary("fully_connected", index, runs);
  Print("fully_connected: random part ");
  PrintInt(random_cases);
  Print(" cases, ");
  PrintInt(random_runs);
  Print(" runs\n");
}

// --- Pooling -------------------------------------------------------------

namespace {

struct PoolCase {
  int32_t batches, in_h, in_w, depth, f_h, f_w, s_h, s_w;
  Pad pad;
  Act act;
  int32_t zp;  // for the clamp
  Fill fill;
  int32_t skew;
};

struct PoolRun {
  PoolCase c;
  int32_t index, pad_h, pad_w, out_h, out_w, act_min, act_max;
};

void DescribePool(const void* p) {
  const PoolRun& r = *static_cast<const PoolRun*>(p);
  const PoolCase& c = r.c;
  Put("case", r.index);
  Put("batches", c.batches);
  PutDims("in", c.in_h, c.in_w, c.depth);
  PutDims("filter", c.f_h, c.f_w);
  PutDims("stride", c.s_h, c.s_w);
  PutText("pad", PadName(c.pad));
  PutDims("lead_pad", r.pad_h, r.pad_w);
  PutDims("out", r.out_h, r.out_w, c.depth);
  PutText("act", ActName(c.act));
  PutDims("clamp", r.act_min, r.act_max);
  Put("fill", static_cast<int32_t>(c.fill));
  Put("skew", c.skew);
}

int32_t RunPool(const PoolCase& c, int32_t index, uint32_t seed) {
  Buffers& buf = GetBuffers();
  Rng rng(seed);
  PoolRun r{c, index, 0, 0, 0, 0, 0, 0};
  if (!Geometry(rng, c.pad, c.in_h, c.f_h, c.s_h, 1, &r.pad_h, &r.out_h) ||
      !Geometry(rng, c.pad, c.in_w, c.f_w, c.s_w, 1, &r.pad_w, &r.out_w))
    return 0;
  MakeClamp(rng, c.act, c.zp, &r.act_min, &r.act_max);
  const CaseInfo info{"pooling", seed, DescribePool, &r};
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.depth);
  const Shape out_s = Make4(c.batches, r.out_h, r.out_w, c.depth);
  const int32_t in_n = static_cast<int32_t>(in_s.FlatSize());
  const int32_t out_n = static_cast<int32_t>(out_s.FlatSize());
  if (in_n > kMaxInput || out_n > kMaxOutput) {
    FailCase(info, "case exceeds the battery's static buffers");
    return 0;
  }
  int8_t* input = buf.input + c.skew;
  int8_t* got = buf.got + c.skew;
  FillBytes(rng, input, in_n, c.fill);
  ref::PoolParams p;
  p.stride_height = c.s_h;
  p.stride_width = c.s_w;
  p.filter_height = c.f_h;
  p.filter_width = c.f_w;
  p.pad_height = r.pad_h;
  p.pad_width = r.pad_w;
  p.quantized_min = r.act_min;
  p.quantized_max = r.act_max;
  // Average: the reference fails (false) when a window lies wholly in the
  // padding; the kernel must agree, and the bytes are compared otherwise.
  const bool want_ok = ref::AveragePoolS8(p, in_s, input, out_s, buf.want);
  PrefillOutput(got, out_n);
  const bool ok = cortex_m::AveragePoolS8(p, in_s, input, out_s, got);
  if (ok != want_ok) {
    FailCase(info, ok ? "AveragePoolS8 succeeded where the reference fails" : "AveragePoolS8 failed");
  } else if (ok) {
    CompareRun(info, "AveragePoolS8", nullptr, out_s, buf.want, got, out_n);
  }
  ref::MaxPoolS8(p, in_s, input, out_s, buf.want);
  PrefillOutput(got, out_n);
  cortex_m::MaxPoolS8(p, in_s, input, out_s, got);
  CompareRun(info, "MaxPoolS8", nullptr, out_s, buf.want, got, out_n);
  return ok ? 2 : 1;
}

PoolCase PoolBase() {
  PoolCase c{};
  c.batches = 1;
  c.s_h = c.s_w = 1;
  c.pad = Pad::kValid;
  c.act = Act::kNone;
  c.fill = Fill::kRandom;
  return c;
}

}  // namespace

void KernelBatteryPooling(uint32_t seed, int32_t random_cases) {
  int32_t index = 0, runs = 0, cases = 0;
  auto run = [&](const PoolCase& c) {
    const int32_t n = Selected(index) ? RunPool(c, index, CaseSeed(seed, static_cast<uint32_t>(index))) : 0;
    ++index;
    cases += n > 0 ? 1 : 0;
    runs += n;
  };
  for (int32_t i = 0; i < random_cases; ++i) {
    Rng r(CaseSeed(seed ^ 0x9001900du, static_cast<uint32_t>(i)));
    PoolCase c = PoolBase();
    c.batches = r.Range(1, 2);
    c.in_h = r.Range(1, 12);
    c.in_w = r.Range(1, 12);
    c.depth = r.Range(1, 19);
    c.f_h = r.Range(1, 6);
    c.f_w = r.Range(1, 6);
    c.s_h = r.Range(1, 3);
    c.s_w = r.Range(1, 3);
    c.pad = static_cast<Pad>(r.Range(0, 2));
    c.act = kActs[r.Range(0, 3)];
    c.zp = r.Range(-128, 127);
    c.fill = r.OneIn(6) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
    c.skew = r.OneIn(2) ? 4 : 0;
    run(c);
  }
  const int32_t random_runs = runs;
  int32_t k = 0;
  for (Fill fill : {Fill::kRandom, Fill::kMin, Fill::kMax}) {
    for (int32_t depth : {1, 3, 4, 5, 8, 17, 64}) {
      // Global pooling (KWS: 125 elements), exactly 256 elements and more
      // (packed 16-bit sums up to 256, int32 beyond).
      const int32_t windows[][4] = {{25, 5, 25, 5}, {16, 16, 16, 16}, {17, 16, 17, 16}, {18, 15, 18, 15}};
      for (const auto& w : windows) {
        PoolCase c = PoolBase();
        c.in_h = w[0];
        c.in_w = w[1];
        c.depth = depth;
        c.f_h = w[2];
        c.f_w = w[3];
        c.fill = fill;
        c.act = kActs[k % 4];
        c.zp = k % 3 == 0 ? -128 : 10;
        c.skew = k % 2 == 0 ? 0 : 4;
        run(c);
        ++k;
      }
      // Filters larger than the input, SAME padding (partial windows),
      // explicit padding, strides 1..3.
      const int32_t small[][6] = {{3, 2, 5, 5, 1, 1}, {2, 2, 3, 4, 2, 2}, {7, 6, 3, 3, 2, 2}, {5, 7, 4, 2, 3, 1}};
      for (const auto& s : small) {
        for (Pad pad : {Pad::kSame, Pad::kExplicit, Pad::kValid}) {
          PoolCase c = PoolBase();
          c.batches = 2;
          c.in_h = s[0];
          c.in_w = s[1];
          c.depth = depth;
          c.f_h = s[2];
          c.f_w = s[3];
          c.s_h = s[4];
          c.s_w = s[5];
          c.pad = pad;
          c.fill = fill;
          c.act = kActs[k % 4];
          c.zp = k % 3 == 0 ? -128 : 10;
          c.skew = k % 2 == 0 ? 0 : 4;
          run(c);
          ++k;
        }
      }
    }
  }
  PrintSummary("pooling", cases, runs);
  Print("pooling: random part ");
  PrintInt(random_cases);
  Print(" cases, ");
  PrintInt(random_runs);
  Print(" runs\n");
}

// --- ADD -----------------------------------------------------------------

namespace {

struct AddCase {
  float s1, s2, so;
  int32_t z1, z2, zo;
  Act act;
  int32_t count;
  bool in_place;
  int32_t skew;
};

struct AddRun {
  AddCase c;
  int32_t index, act_min, act_max;
  const ref::ArithmeticParams* p;
};

void DescribeAdd(const void* v) {
  const AddRun& r = *static_cast<const AddRun*>(v);
  const AddCase& c = r.c;
  Put("case", r.index);
  Put("count", c.count);
  Put("zp1", c.z1);
  Put("zp2", c.z2);
  Put("zp_out", c.zo);
  Put("scale1_ppm", static_cast<int64_t>(c.s1 * 1e6f));
  Put("scale2_ppm", static_cast<int64_t>(c.s2 * 1e6f));
  Put("scale_out_ppm", static_cast<int64_t>(c.so * 1e6f));
  Put("m1", r.p->input1_multiplier);
  Put("shift1", r.p->input1_shift);
  Put("m2", r.p->input2_multiplier);
  Put("shift2", r.p->input2_shift);
  Put("m_out", r.p->output_multiplier);
  Put("shift_out", r.p->output_shift);
  PutText("act", ActName(c.act));
  PutDims("clamp", r.act_min, r.act_max);
  Put("in_place", c.in_place ? 1 : 0);
  Put("skew", c.skew);
}

// Returns 1 when compared, 0 when the parameters are outside AddS8's
// fast path (the glue then runs the reference kernel).
int32_t RunAdd(const AddCase& c, int32_t index, uint32_t seed) {
  Buffers& buf = GetBuffers();
  Rng rng(seed);
  ref::ArithmeticParams p;
  AddRun r{c, index, 0, 0, &p};
  if (!ref::PrepareQuantizedAdd(false, c.s1, c.z1, c.s2, c.z2, c.so, c.zo, &p)) return 0;
  MakeClamp(rng, c.act, c.zo, &r.act_min, &r.act_max);
  p.quantized_min = r.act_min;
  p.quantized_max = r.act_max;
  if (!cortex_m::AddS8FastOk(p)) return 0;
  const CaseInfo info{"add", seed, DescribeAdd, &r};
  if (c.count > kMaxInput || c.count > kMaxOutput) {
    FailCase(info, "case exceeds the battery's static buffers");
    return 0;
  }
  int8_t* a = buf.input + c.skew;
  int8_t* b = buf.input2 + c.skew;
  int8_t* got = buf.got + c.skew;
  FillBytes(rng, a, c.count, Fill::kRandom);
  FillBytes(rng, b, c.count, Fill::kRandom);
  if (c.count >= 4) {  // the corners of the input range
    a[0] = -128, b[0] = -128, a[1] = 127, b[1] = 127, a[2] = -128, b[2] = 127, a[3] = 127, b[3] = -128;
  }
  ref::AddS8(p, Flat(c.count), a, Flat(c.count), b, Flat(c.count), buf.want);
  PrefillOutput(got, c.count);
  if (c.in_place) {
    for (int32_t i = 0; i < c.count; ++i) got[i] = a[i];
    cortex_m::AddS8(p, got, b, c.count, got);
  } else {
    cortex_m::AddS8(p, a, b, c.count, got);
  }
  CompareRun(info, c.in_place ? "AddS8 (in place)" : "AddS8", nullptr, Flat(c.count), buf.want, got, c.count);
  return 1;
}

// 2^e * (1 + f), f in [0, 1): scales over ten octaves without libm.
float RandomScale(Rng& r, int32_t lo_exp, int32_t hi_exp) {
  float s = 1.0f + static_cast<float>(r.Next() % 1000u) / 1000.0f;
  for (int32_t e = r.Range(lo_exp, hi_exp); e != 0; e += e < 0 ? 1 : -1) s = e < 0 ? s * 0.5f : s * 2.0f;
  return s;
}

}  // namespace

void KernelBatteryAdd(uint32_t seed, int32_t random_cases) {
  int32_t index = 0, runs = 0, tried = 0;
  auto run = [&](const AddCase& c) {
    if (Selected(index)) {
      runs += RunAdd(c, index, CaseSeed(seed, static_cast<uint32_t>(index)));
      ++tried;
    }
    ++index;
  };
  for (int32_t i = 0; i < random_cases; ++i) {
    Rng r(CaseSeed(seed ^ 0xadd0add0u, static_cast<uint32_t>(i)));
    AddCase c{};
    c.s1 = RandomScale(r, -9, 1);
    c.s2 = RandomScale(r, -9, 1);
    c.so = RandomScale(r, -9, 1);
    c.z1 = r.Range(-128, 127);
    c.z2 = r.Range(-128, 127);
    c.zo = r.Range(-128, 127);
    c.act = kActs[r.Range(0, 3)];
    c.count = r.Range(1, 300);
    c.in_place = r.OneIn(4);
    c.skew = r.OneIn(2) ? 4 : 0;
    run(c);
  }
  const int32_t random_runs = runs;
  // Zero points at the extremes, equal and very different scales, clamps,
  // in place, lengths 1..5 and odd.
  const int32_t counts[] = {257, 64, 1, 3, 4, 5, 17};
  int32_t k = 0;
  int32_t edge_runs = 0;
  for (int32_t z : {-128, -1, 0, 127}) {
    for (float ratio : {1.0f, 0.5f, 2.0f, 1.0f / 256, 256.0f}) {
      for (bool in_place : {false, true}) {
        const int32_t before = runs;
        run({0.05f, 0.05f * ratio, 0.1f, z, -z - 1, z, kActs[k % 4], counts[k % 7], in_place, 0});
        run({0.02f, 0.02f * ratio, 0.01f, z, z, -z - 1, Act::kRange, counts[(k + 3) % 7], in_place, 4});
        edge_runs += runs - before;
        ++k;
      }
    }
  }
  // Every edge case above is inside the fast path: a skipped one would be
  // a change of AddS8FastOk, not a pass.
  if (AllCasesSelected()) TINYML_CHECK_EQ(edge_runs, 4 * 5 * 2 * 2);
  PrintSummary("add", runs, runs);
  Print("add: random part ");
  PrintInt(random_cases);
  Print(" parameter sets, ");
  PrintInt(random_runs);
  Print(" in AddS8's fast path compared; ");
  PrintInt(tried - runs);
  Print(" of all sets outside it\n");
}

}  // namespace tinyml::device_test
