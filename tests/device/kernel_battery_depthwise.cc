// Kernel battery, DEPTHWISE_CONV_2D: cortex_m::DepthwiseConvS8 against
// ref::DepthwiseConvPerChannelS8 in every output-stage mode the prepare step
// can choose. Paths reached on the device: depth multiplier 1 with channels
// % 4 == 0 (the assembly pixel with the folded stage, its computed 9-tap
// entry for <= 9 inside taps and its tap loop for more; the biased fast
// stage; the exact/bias-free stage; Helium on the M55 when fast), depth
// multiplier % 4 == 0 (the broadcast assembly taps, odd and even tap
// counts), and the per-channel loop; tap tables on the stack (<= 32 taps)
// and in scratch.
#include <initializer_list>

#include "check.h"
#include "checks.h"
#include "kernel_battery.h"
#include "kernels/cortex_m/depthwise_conv_s8.h"
#include "kernels/cortex_m/requant.h"
#include "kernels/ref/depthwise_conv.h"

namespace tinyml::device_test {
namespace {

using namespace battery;
namespace cm = cortex_m;

struct DwCase {
  int32_t batches, in_h, in_w, in_c, dm, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  Pad pad;
  int32_t input_zp, output_zp;
  Act act;
  Shifts shifts;
  Bias bias;
  Fill in_fill, filter_fill;
  int32_t skew;
};

struct DwRun {
  DwCase c;
  int32_t index, pad_h, pad_w, out_h, out_w, act_min, act_max;
};

void DescribeDw(const void* p) {
  const DwRun& r = *static_cast<const DwRun*>(p);
  const DwCase& c = r.c;
  Put("case", r.index);
  Put("batches", c.batches);
  PutDims("in", c.in_h, c.in_w, c.in_c);
  Put("depth_multiplier", c.dm);
  PutDims("k", c.k_h, c.k_w);
  PutDims("stride", c.stride_h, c.stride_w);
  PutDims("dilation", c.dil_h, c.dil_w);
  PutText("pad", PadName(c.pad));
  PutDims("lead_pad", r.pad_h, r.pad_w);
  PutDims("out", r.out_h, r.out_w, c.in_c * c.dm);
  Put("input_zp", c.input_zp);
  Put("output_zp", c.output_zp);
  PutText("act", ActName(c.act));
  PutDims("clamp", r.act_min, r.act_max);
  PutText("shifts", ShiftsName(c.shifts));
  PutText("bias", BiasName(c.bias));
  Put("fill", static_cast<int32_t>(c.in_fill) * 3 + static_cast<int32_t>(c.filter_fill));
  Put("skew", c.skew);
}

const char* ModeName(int mode) { return mode == 0 ? "exact" : mode == 1 ? "fast" : "fast+fold"; }

int32_t RunDw(const DwCase& c, int32_t index, uint32_t seed) {
  Buffers& buf = GetBuffers();
  Rng rng(seed);
  DwRun r{c, index, 0, 0, 0, 0, 0, 0};
  if (!Geometry(rng, c.pad, c.in_h, c.k_h, c.stride_h, c.dil_h, &r.pad_h, &r.out_h) ||
      !Geometry(rng, c.pad, c.in_w, c.k_w, c.stride_w, c.dil_w, &r.pad_w, &r.out_w))
    return 0;
  MakeClamp(rng, c.act, c.output_zp, &r.act_min, &r.act_max);
  const CaseInfo info{"depthwise", seed, DescribeDw, &r};
  const int32_t out_c = c.in_c * c.dm;
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.in_c);
  const Shape f_s = Make4(1, c.k_h, c.k_w, out_c);
  const Shape out_s = Make4(c.batches, r.out_h, r.out_w, out_c);
  const int32_t in_n = static_cast<int32_t>(in_s.FlatSize());
  const int32_t f_n = static_cast<int32_t>(f_s.FlatSize());
  const int32_t out_n = static_cast<int32_t>(out_s.FlatSize());
  const int32_t taps = c.k_h * c.k_w;
  const int32_t scratch_bytes = static_cast<int32_t>(cm::DepthwiseConvS8ScratchBytes(c.in_c, out_c, c.k_h, c.k_w));
  if (in_n > kMaxInput || f_n > kMaxFilter || out_n > kMaxOutput || out_c > kMaxChannels ||
      scratch_bytes > kMaxScratch) {
    FailCase(info, "case exceeds the battery's static buffers");
    return 0;
  }
  int8_t* input = buf.input + c.skew;
  int8_t* filter = buf.filter + c.skew;
  int8_t* got = buf.got + c.skew;
  FillBytes(rng, input, in_n, c.in_fill);
  FillBytes(rng, filter, f_n, c.filter_fill);
  MakeBias(rng, c.bias, out_c, buf.bias);
  for (int32_t oc = 0; c.bias == Bias::kLimit && oc < out_c; ++oc)
    buf.bias[oc] = LimitBias(oc, cm::DepthwiseAccBound(filter, taps, out_c, oc, 0, -c.input_zp));
  MakeQuant(rng, c.shifts, out_c, buf.multiplier, buf.shift, buf.shift8);
  const int32_t* bias = c.bias == Bias::kNone ? nullptr : buf.bias;

  ref::DepthwiseConvParams rp;
  rp.stride_height = c.stride_h;
  rp.stride_width = c.stride_w;
  rp.dilation_height = c.dil_h;
  rp.dilation_width = c.dil_w;
  rp.pad_height = r.pad_h;
  rp.pad_width = r.pad_w;
  rp.depth_multiplier = c.dm;
  rp.input_offset = -c.input_zp;
  rp.output_offset = c.output_zp;
  rp.quantized_min = r.act_min;
  rp.quantized_max = r.act_max;
  ref::DepthwiseConvPerChannelS8(rp, buf.multiplier, buf.shift, in_s, input, f_s, filter, bias, out_s, buf.want);

  cm::DepthwiseS8Params p;
  p.stride_height = c.stride_h;
  p.stride_width = c.stride_w;
  p.dilation_height = c.dil_h;
  p.dilation_width = c.dil_w;
  p.pad_height = r.pad_h;
  p.pad_width = r.pad_w;
  p.depth_multiplier = c.dm;
  p.input_offset = -c.input_zp;
  p.out = {c.output_zp, r.act_min, r.act_max, 0, 0};
  const cm::ChannelQuant quant{bias, buf.multiplier, buf.shift8};
  bool fast = true;
  bool fold = true;
  for (int32_t oc = 0; oc < out_c; ++oc) {
    const int64_t bound =
        cm::DepthwiseAccBound(filter, taps, out_c, oc, bias != nullptr ? bias[oc] : 0, p.input_offset);
    fast = fast && cm::FastRequantOk(buf.shift[oc], bound);
    fold = fold && cm::FoldOk(buf.shift[oc], c.output_zp, r.act_min);
  }
  void* scratch = scratch_bytes > 0 ? buf.scratch : nullptr;
  int32_t runs = 0;
  const int last_mode = fast ? (fold ? 2 : 1) : 0;
  for (int mode = 0; mode <= last_mode; ++mode) {
    p.out.fast = mode >= 1 ? 1 : 0;
    p.out.fold = mode == 2 ? 1 : 0;
    PrefillOutput(got, out_n);
    PrefillScratch(buf.scratch, scratch_bytes);
    cm::DepthwiseConvS8(p, quant, in_s, input, f_s, filter, out_s, got, scratch);
    CompareRun(info, "DepthwiseConvS8", ModeName(mode), out_s, buf.want, got, out_n, buf.scratch, scratch_bytes);
    ++runs;
  }
  return runs;
}

using Counter = CaseCounter<DwCase, RunDw>;

DwCase Base() {
  DwCase c{};
  c.batches = 1;
  c.dm = 1;
  c.k_h = c.k_w = 3;
  c.stride_h = c.stride_w = 1;
  c.dil_h = c.dil_w = 1;
  c.pad = Pad::kSame;
  c.act = Act::kNone;
  c.shifts = Shifts::kTypical;
  c.bias = Bias::kMedium;
  c.in_fill = c.filter_fill = Fill::kRandom;
  return c;
}


// Quantization the assembly pixel takes (fast, folded, int8 range, bias):
// output zero point -128 with no activation or ReLU.
void AsmFriendly(DwCase& c, int32_t k) {
  c.output_zp = -128;
  c.act = k % 2 == 0 ? Act::kNone : Act::kRelu;
  c.shifts = Shifts::kFold;
  c.bias = k % 3 == 2 ? Bias::kSmall : Bias::kMedium;
}

DwCase RandomDw(Rng& r) {
  DwCase c = Base();
  c.batches = r.Range(1, 2);
  c.in_h = r.Range(1, 10);
  c.in_w = r.Range(1, 10);
  const int32_t profile = r.Range(0, 3);
  if (profile <= 1) {  // the lanes-by-channel paths
    c.in_c = 4 * r.Range(1, profile == 0 ? 5 : 9);
  } else if (profile == 2) {  // broadcast
    c.in_c = r.Range(1, 5);
    c.dm = r.OneIn(3) ? 8 : 4;
  } else {
    c.in_c = r.Range(1, 17);
    c.dm = r.Range(1, 3);
  }
  if (r.OneIn(6)) {
    const int32_t long_k[][2] = {{1, 10}, {10, 4}, {10, 1}, {6, 6}, {5, 5}};
    const int32_t* lk = long_k[r.Range(0, 4)];
    c.k_h = lk[0];
    c.k_w = lk[1];
  } else {
    c.k_h = r.Range(1, 5);
    c.k_w = r.Range(1, 5);
  }
  c.stride_h = r.Range(1, 3);
  c.stride_w = r.Range(1, 3);
  c.dil_h = r.OneIn(3) ? 2 : 1;
  c.dil_w = r.OneIn(3) ? 2 : 1;
  c.pad = static_cast<Pad>(r.Range(0, 2));
  const int32_t zps[] = {-128, 127, 0, -1};
  c.input_zp = r.OneIn(3) ? r.Pick(zps) : r.Range(-128, 127);
  if (profile == 0) {
    AsmFriendly(c, r.Range(0, 5));
  } else {
    c.output_zp = r.OneIn(3) ? r.Pick(zps) : r.Range(-128, 127);
    c.act = kActs[r.Range(0, 3)];
    c.shifts = r.OneIn(2) ? kShiftKinds[r.Range(0, 1)] : kShiftKinds[r.Range(0, 4)];
    c.bias = r.OneIn(6) ? kBiases[r.Range(3, 4)] : kBiases[r.Range(0, 2)];
  }
  c.in_fill = r.OneIn(10) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
  c.filter_fill = r.OneIn(10) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
  c.skew = r.OneIn(2) ? 4 : 0;
  return c;
}

}  // namespace

void KernelBatteryDepthwise(uint32_t seed, int32_t random_cases) {
  Counter n{seed};
  for (int32_t i = 0; i < random_cases; ++i) {
    Rng r(CaseSeed(seed ^ 0xd0d0cafeu, static_cast<uint32_t>(i)));
    n.Run(RandomDw(r));
  }
  const int32_t random_runs = n.runs;

  // 3x3: every channel count 1..17 with depth multipliers 1, 2, 4, at the
  // borders (SAME, explicit) and inside (VALID), strides 1 and 2, input
  // zero points at the extremes; the assembly's quantization on every
  // other case.
  const Pad pads[] = {Pad::kValid, Pad::kSame, Pad::kSame, Pad::kExplicit};
  const int32_t out_zps[] = {127, 0, -1, 5};
  int32_t k = 0;
  for (int32_t in_c = 1; in_c <= 17; ++in_c) {
    for (int32_t dm : {1, 2, 4}) {
      for (int32_t g = 0; g < 4; ++g) {
        DwCase c = Base();
        c.in_h = 6;
        c.in_w = 5;
        c.in_c = in_c;
        c.dm = dm;
        c.pad = pads[g];
        c.stride_h = c.stride_w = g == 2 || g == 3 ? 2 : 1;
        c.input_zp = k % 2 == 0 ? -128 : 127;
        if (k % 2 == 0) {
          AsmFriendly(c, k / 2);
        } else {
          c.output_zp = out_zps[(k / 2) % 4];
          c.act = kActs[(k / 2) % 4];
          c.shifts = kShiftKinds[(k / 3) % 5];
          c.bias = kBiases[(k / 5) % 5];
        }
        c.skew = k % 3 == 0 ? 4 : 0;
        n.Run(c);
        ++k;
      }
    }
  }
  // More than 9 taps (the assembly's tap loop; border pixels of the same
  // layers have <= 9 inside taps and take its computed entry), 36 taps
  // (tap table in scratch), windows larger than the image; channel counts
  // with Helium's 16-channel blocks and 4-channel tails (20, 36), and small
  // ones with depth multipliers 2 and 4.
  struct Shape2 {
    int32_t k_h, k_w, in_h, in_w;
  };
  // 4x8 and 3x11: 32 taps (the stack table's size) and 33 (scratch).
  const Shape2 shapes[] = {{5, 5, 7, 7}, {1, 10, 3, 12}, {10, 4, 11, 6}, {4, 3, 6, 5}, {6, 6, 8, 8},
                           {3, 4, 4, 5}, {5, 5, 2, 3},   {10, 1, 4, 2},  {4, 8, 5, 9}, {3, 11, 4, 12}};
  const int32_t channel_sets[] = {4, 8, 16, 20, 36, 1, 3, 6};
  k = 0;
  for (const Shape2& s : shapes) {
    for (int32_t in_c : channel_sets) {
      for (Pad pad : {Pad::kValid, Pad::kSame, Pad::kExplicit}) {
        DwCase c = Base();
        c.k_h = s.k_h;
        c.k_w = s.k_w;
        c.in_h = s.in_h;
        c.in_w = s.in_w;
        c.in_c = in_c;
        c.dm = in_c % 4 == 0 ? 1 : (k % 3 == 0 ? 1 : (k % 3 == 1 ? 2 : 4));
        c.pad = pad;
        c.stride_h = k % 4 == 3 ? 2 : 1;
        c.stride_w = k % 5 == 4 ? 2 : 1;
        c.input_zp = k % 2 == 0 ? 127 : -128;
        if (k % 3 != 2) {
          AsmFriendly(c, k);
        } else {
          c.output_zp = out_zps[k % 4];
          c.act = kActs[k % 4];
          c.shifts = kShiftKinds[(k / 3) % 5];
          c.bias = kBiases[(k / 2) % 5];
        }
        c.skew = k % 2 == 0 ? 0 : 4;
        n.Run(c);
        ++k;
      }
    }
  }
  // Dilation with strides, and both paddings.
  k = 0;
  for (int32_t dil : {2, 3}) {
    for (int32_t stride : {1, 2}) {
      for (int32_t in_c : {8, 5, 2}) {
        DwCase c = Base();
        c.batches = 2;
        c.in_h = 7;
        c.in_w = 6;
        c.in_c = in_c;
        c.dm = in_c == 2 ? 4 : 1;
        c.dil_h = dil;
        c.dil_w = 5 - dil;
        c.stride_h = c.stride_w = stride;
        c.pad = k % 2 == 0 ? Pad::kSame : Pad::kValid;
        c.input_zp = 127;
        if (k % 2 == 0) AsmFriendly(c, k);
        n.Run(c);
        ++k;
      }
    }
  }
  // Every clamp x shift kind x bias kind, channels % 4 == 0 and not.
  k = 0;
  for (Act act : kActs) {
    for (Shifts shifts : kShiftKinds) {
      for (Bias bias : kBiases) {
        DwCase c = Base();
        c.in_h = 5;
        c.in_w = 4;
        c.in_c = k % 2 == 0 ? 8 : 3;
        c.dm = k % 4 == 3 ? 4 : 1;
        c.input_zp = k % 2 == 0 ? -128 : 127;
        c.output_zp = k % 3 == 0 ? -128 : out_zps[k % 4];
        c.act = act;
        c.shifts = shifts;
        c.bias = bias;
        n.Run(c);
        ++k;
      }
    }
  }
  // Extreme data, with the bias at the fast path's limit (accumulators of
  // +-(2^30 - 1) inside the image) and not: lanes by channel (assembly,
  // Helium), broadcast, per channel; 3x3 and 5x5 (> 9 taps).
  for (int32_t f = 0; f < 48; ++f) {
    DwCase c = Base();
    c.in_h = 6;
    c.in_w = 6;
    const int32_t path = f % 3;
    c.in_c = path == 0 ? 8 : path == 1 ? 2 : 3;
    c.dm = path == 1 ? 4 : 1;
    c.k_h = c.k_w = f % 6 < 3 ? 3 : 5;
    c.input_zp = (f / 6) % 2 == 0 ? 127 : -128;
    c.output_zp = f % 4 == 0 ? 3 : -128;
    c.in_fill = (f / 12) % 2 == 0 ? Fill::kMin : Fill::kMax;
    c.filter_fill = (f / 6) % 4 < 2 ? Fill::kMin : Fill::kMax;
    c.bias = f < 24 ? Bias::kLimit : Bias::kMedium;
    c.shifts = f % 5 == 0 ? Shifts::kTiny : Shifts::kFold;
    c.act = f % 7 == 0 ? Act::kRelu : Act::kNone;
    n.Run(c);
  }
  // DS-CNN (KWS) depthwise layer and micro_speech's first layer.
  {
    DwCase c = Base();
    c.in_h = 25;
    c.in_w = 5;
    c.in_c = 64;
    c.input_zp = -128;
    AsmFriendly(c, 0);
    n.Run(c);
    DwCase m = Base();
    m.in_h = 49;
    m.in_w = 40;
    m.in_c = 1;
    m.dm = 8;
    m.k_h = 10;
    m.k_w = 8;
    m.stride_h = m.stride_w = 2;
    m.input_zp = -128;
    m.output_zp = -128;
    m.shifts = Shifts::kFold;
    n.Run(m);
  }
  PrintSummary("depthwise", n.cases, n.runs);
  Print("depthwise: random part ");
  PrintInt(random_cases);
  Print(" cases, ");
  PrintInt(random_runs);
  Print(" runs\n");
}

}  // namespace tinyml::device_test
