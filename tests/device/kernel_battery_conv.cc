// Kernel battery, CONV_2D: cortex_m::ConvS8 and ConvS8_1x1 (the Helium
// path on the M55 for depth % 16 == 0, the SMLAD matmuls elsewhere) against
// ref::ConvPerChannelS8, in every output-stage mode the prepare step can
// choose for the case (exact; fast; fast with the folded offset).
#include <initializer_list>

#include "check.h"
#include "checks.h"
#include "kernel_battery.h"
#include "kernels/cortex_m/conv_s8.h"
#include "kernels/cortex_m/requant.h"
#include "kernels/ref/conv.h"

namespace tinyml::device_test {
namespace {

using namespace battery;
namespace cm = cortex_m;

struct ConvCase {
  int32_t batches, in_h, in_w, in_c, out_c, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  Pad pad;
  int32_t input_zp, output_zp;
  Act act;
  Shifts shifts;
  Bias bias;
  Fill in_fill, filter_fill;
  int32_t skew;  // 0 or 4: tensors 4- but not 8-aligned
};

// The case plus what was drawn for it, for the failure report.
struct ConvRun {
  ConvCase c;
  int32_t index, pad_h, pad_w, out_h, out_w, act_min, act_max;
};

void DescribeConv(const void* p) {
  const ConvRun& r = *static_cast<const ConvRun*>(p);
  const ConvCase& c = r.c;
  Put("case", r.index);
  Put("batches", c.batches);
  PutDims("in", c.in_h, c.in_w, c.in_c);
  Put("out_c", c.out_c);
  PutDims("k", c.k_h, c.k_w);
  PutDims("stride", c.stride_h, c.stride_w);
  PutDims("dilation", c.dil_h, c.dil_w);
  PutText("pad", PadName(c.pad));
  PutDims("lead_pad", r.pad_h, r.pad_w);
  PutDims("out", r.out_h, r.out_w, c.out_c);
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

// Runs the case against the reference; returns the kernel runs compared.
int32_t RunConv(const ConvCase& c, int32_t index, uint32_t seed) {
  Buffers& buf = GetBuffers();
  Rng rng(seed);
  ConvRun r{c, index, 0, 0, 0, 0, 0, 0};
  if (!Geometry(rng, c.pad, c.in_h, c.k_h, c.stride_h, c.dil_h, &r.pad_h, &r.out_h) ||
      !Geometry(rng, c.pad, c.in_w, c.k_w, c.stride_w, c.dil_w, &r.pad_w, &r.out_w))
    return 0;
  MakeClamp(rng, c.act, c.output_zp, &r.act_min, &r.act_max);
  const CaseInfo info{"conv", seed, DescribeConv, &r};
  const Shape in_s = Make4(c.batches, c.in_h, c.in_w, c.in_c);
  const Shape f_s = Make4(c.out_c, c.k_h, c.k_w, c.in_c);
  const Shape out_s = Make4(c.batches, r.out_h, r.out_w, c.out_c);
  const int32_t in_n = static_cast<int32_t>(in_s.FlatSize());
  const int32_t f_n = static_cast<int32_t>(f_s.FlatSize());
  const int32_t out_n = static_cast<int32_t>(out_s.FlatSize());
  const int32_t depth = c.k_h * c.k_w * c.in_c;
  const int32_t scratch_bytes = static_cast<int32_t>(cm::ConvS8ScratchBytes(depth));
  if (in_n > kMaxInput || f_n > kMaxFilter || out_n > kMaxOutput || c.out_c > kMaxChannels ||
      scratch_bytes > kMaxScratch) {
    FailCase(info, "case exceeds the battery's static buffers");
    return 0;
  }
  int8_t* input = buf.input + c.skew;
  int8_t* filter = buf.filter + c.skew;
  int8_t* got = buf.got + c.skew;
  FillBytes(rng, input, in_n, c.in_fill);
  FillBytes(rng, filter, f_n, c.filter_fill);
  MakeBias(rng, c.bias, c.out_c, buf.bias);
  for (int32_t oc = 0; c.bias == Bias::kLimit && oc < c.out_c; ++oc)
    buf.bias[oc] = LimitBias(oc, cm::ConvAccBound(filter + oc * depth, depth, 0, -c.input_zp));
  MakeQuant(rng, c.shifts, c.out_c, buf.multiplier, buf.shift, buf.shift8);
  const int32_t* bias = c.bias == Bias::kNone ? nullptr : buf.bias;

  ref::ConvParams rp;
  rp.stride_height = c.stride_h;
  rp.stride_width = c.stride_w;
  rp.dilation_height = c.dil_h;
  rp.dilation_width = c.dil_w;
  rp.pad_height = r.pad_h;
  rp.pad_width = r.pad_w;
  rp.input_offset = -c.input_zp;
  rp.output_offset = c.output_zp;
  rp.quantized_min = r.act_min;
  rp.quantized_max = r.act_max;
  ref::ConvPerChannelS8(rp, buf.multiplier, buf.shift, in_s, input, f_s, filter, bias, out_s, buf.want);

  cm::ConvS8Params p;
  p.stride_height = c.stride_h;
  p.stride_width = c.stride_w;
  p.dilation_height = c.dil_h;
  p.dilation_width = c.dil_w;
  p.pad_height = r.pad_h;
  p.pad_width = r.pad_w;
  p.input_offset = -c.input_zp;
  p.out = {c.output_zp, r.act_min, r.act_max, 0, 0};
  const cm::ChannelQuant quant{bias, buf.multiplier, buf.shift8};
  // The prepare step's choice (conv_quant_cm.cc): fast when every channel
  // passes FastRequantOk, folded when every channel also passes FoldOk.
  bool fast = true;
  bool fold = true;
  for (int32_t oc = 0; oc < c.out_c; ++oc) {
    const int64_t bound = cm::ConvAccBound(filter + oc * depth, depth, bias != nullptr ? bias[oc] : 0, p.input_offset);
    fast = fast && cm::FastRequantOk(buf.shift[oc], bound);
    fold = fold && cm::FoldOk(buf.shift[oc], c.output_zp, r.act_min);
  }
  // The glue's 1x1 condition (ops/conv_2d.cc).
  const bool one_by_one = c.k_h == 1 && c.k_w == 1 && c.stride_h == 1 && c.stride_w == 1 && r.pad_h == 0 &&
                          r.pad_w == 0 && r.out_h == c.in_h && r.out_w == c.in_w;
  void* scratch = scratch_bytes > 0 ? buf.scratch : nullptr;
  int32_t runs = 0;
  const int last_mode = fast ? (fold ? 2 : 1) : 0;
  for (int mode = 0; mode <= last_mode; ++mode) {
    p.out.fast = mode >= 1 ? 1 : 0;
    p.out.fold = mode == 2 ? 1 : 0;
    PrefillOutput(got, out_n);
    PrefillScratch(buf.scratch, scratch_bytes);
    cm::ConvS8(p, quant, in_s, input, f_s, filter, out_s, got, scratch);
    CompareRun(info, "ConvS8", ModeName(mode), out_s, buf.want, got, out_n, buf.scratch, scratch_bytes);
    ++runs;
    if (one_by_one) {
      PrefillOutput(got, out_n);
      PrefillScratch(buf.scratch, scratch_bytes);
      cm::ConvS8_1x1(p, quant, in_s, input, f_s, filter, out_s, got, scratch);
      CompareRun(info, "ConvS8_1x1", ModeName(mode), out_s, buf.want, got, out_n, buf.scratch, scratch_bytes);
      ++runs;
    }
  }
  return runs;
}

using Counter = CaseCounter<ConvCase, RunConv>;

ConvCase Base() {
  ConvCase c{};
  c.batches = 1;
  c.k_h = c.k_w = 1;
  c.stride_h = c.stride_w = 1;
  c.dil_h = c.dil_w = 1;
  c.pad = Pad::kValid;
  c.act = Act::kNone;
  c.shifts = Shifts::kTypical;
  c.bias = Bias::kMedium;
  c.in_fill = c.filter_fill = Fill::kRandom;
  return c;
}


ConvCase RandomConv(Rng& r) {
  ConvCase c = Base();
  c.batches = r.Range(1, 2);
  c.in_h = r.Range(1, 9);
  c.in_w = r.Range(1, 9);
  c.in_c = r.Range(1, 20);
  c.out_c = r.Range(1, 20);
  c.k_h = r.Range(1, 5);
  c.k_w = r.Range(1, 5);
  c.stride_h = r.Range(1, 3);
  c.stride_w = r.Range(1, 3);
  c.dil_h = r.OneIn(3) ? 2 : 1;
  c.dil_w = r.OneIn(3) ? 2 : 1;
  c.pad = static_cast<Pad>(r.Range(0, 2));
  const int32_t zps[] = {-128, 127, 0, -1};
  c.input_zp = r.OneIn(3) ? r.Pick(zps) : r.Range(-128, 127);
  c.output_zp = r.OneIn(3) ? r.Pick(zps) : r.Range(-128, 127);
  c.act = kActs[r.Range(0, 3)];
  // Mostly shifts the fast output stages take.
  c.shifts = r.OneIn(2) ? kShiftKinds[r.Range(0, 1)] : kShiftKinds[r.Range(0, 4)];
  c.bias = r.OneIn(6) ? kBiases[r.Range(3, 4)] : kBiases[r.Range(0, 2)];
  c.in_fill = r.OneIn(10) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
  c.filter_fill = r.OneIn(10) ? static_cast<Fill>(r.Range(1, 2)) : Fill::kRandom;
  c.skew = r.OneIn(2) ? 4 : 0;
  if (r.OneIn(4)) {
    // Pointwise (ConvS8_1x1 too), often 16n deep (Helium on the M55).
    c.k_h = c.k_w = 1;
    c.stride_h = c.stride_w = 1;
    c.pad = Pad::kValid;
    c.in_c = r.OneIn(2) ? 16 * r.Range(1, 4) : r.Range(1, 70);
  }
  return c;
}

}  // namespace

void KernelBatteryConv(uint32_t seed, int32_t random_cases) {
  Counter n{seed};
  // (a) Random shapes and quantization.
  for (int32_t i = 0; i < random_cases; ++i) {
    Rng r(CaseSeed(seed ^ 0x5eedc0deu, static_cast<uint32_t>(i)));
    n.Run(RandomConv(r));
  }
  const int32_t random_runs = n.runs;

  // (b) Edge battery. 1x1: pixel counts around the 4-pixel tile (1 pixel,
  // odd widths), depths around the 4/8/16 blocks (16n: the Helium path),
  // output channels not multiples of 4.
  const int32_t pixel_counts[] = {1, 2, 3, 4, 5, 7, 9, 13};
  const int32_t depths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 64, 65};
  const int32_t out_cs[] = {1, 3, 4, 5, 8, 13, 16, 17};
  const int32_t out_zps[] = {-128, 127, 0, 5};
  int32_t k = 0;
  for (int32_t pixels : pixel_counts) {
    for (int32_t depth : depths) {
      ConvCase c = Base();
      c.in_h = (k % 5 == 0 && pixels % 3 == 0) ? 3 : 1;
      c.in_w = pixels / c.in_h;
      c.batches = k % 7 == 3 ? 2 : 1;
      c.in_c = depth;
      c.out_c = out_cs[k % 8];
      c.input_zp = k % 2 == 0 ? -128 : 127;
      c.output_zp = out_zps[(k / 2) % 4];
      c.act = kActs[k % 3];
      c.shifts = kShiftKinds[(k / 3) % 4];
      c.bias = kBiases[(k / 4) % 3];
      c.skew = (k / 5) % 2 == 0 ? 0 : 4;
      n.Run(c);
      ++k;
    }
  }
  // The DS-CNN pointwise layer: depth 64, 4-pixel groups, folded stage at
  // the full int8 range (MatMulWhole64Fold, Helium on the M55), and the
  // same with ReLU6 and no bias.
  for (int32_t variant = 0; variant < 3; ++variant) {
    ConvCase c = Base();
    c.in_h = 25;
    c.in_w = 5;
    c.in_c = 64;
    c.out_c = 64;
    c.input_zp = -128;
    c.output_zp = -128;
    c.shifts = Shifts::kFold;
    c.act = variant == 1 ? Act::kRelu6 : Act::kNone;
    c.bias = variant == 2 ? Bias::kNone : Bias::kMedium;
    n.Run(c);
  }
  // General: kernel sizes 1..5 and non-square, strides 1..3, VALID / SAME
  // (odd total padding: asymmetric) / explicit paddings, dilation on some,
  // input zero points at the extremes, filter rows longer than the
  // kernel's 64-byte row buffer (in_c 17).
  const int32_t in_cs[] = {3, 1, 4, 17};
  k = 0;
  for (int32_t kh = 1; kh <= 5; ++kh) {
    for (int32_t kw = 1; kw <= 5; ++kw) {
      for (int32_t stride = 1; stride <= 3; ++stride) {
        for (int32_t pad = 0; pad < 3; ++pad) {
          ConvCase c = Base();
          c.batches = k % 5 == 0 ? 2 : 1;
          c.in_h = 7;
          c.in_w = 6;
          c.in_c = in_cs[k % 4];
          c.out_c = 5;
          c.k_h = kh;
          c.k_w = kw;
          c.stride_h = stride;
          c.stride_w = k % 2 == 0 ? stride : 1 + (stride % 3);
          c.dil_h = c.dil_w = (k % 4 == 1) ? 2 : 1;
          c.pad = static_cast<Pad>(pad);
          c.input_zp = k % 2 == 0 ? -128 : 127;
          c.output_zp = out_zps[(k / 2) % 4];
          c.act = kActs[k % 4];
          c.shifts = kShiftKinds[(k / 4) % 5];
          c.bias = kBiases[(k / 3) % 5];
          c.skew = k % 3 == 0 ? 4 : 0;
          n.Run(c);
          ++k;
        }
      }
    }
  }
  // Filter rows of 64 bytes (the im2col row buffer's size: whole words),
  // 65 and 32, partly padded or dilated so they are gathered; columns of
  // 512 bytes (depth 64, the stack limit) and more.
  k = 0;
  for (int32_t in_c : {16, 13, 32, 8}) {
    for (int32_t kw : {4, 5, 2}) {
      for (int32_t dil : {1, 2}) {
        ConvCase c = Base();
        c.in_h = 4;
        c.in_w = 6;
        c.in_c = in_c;
        c.out_c = 6;
        c.k_h = kw == 2 ? 4 : 1 + k % 2;
        c.k_w = kw;
        c.dil_w = dil;
        c.pad = k % 3 == 2 ? Pad::kExplicit : Pad::kSame;
        c.input_zp = k % 2 == 0 ? -128 : 127;
        c.output_zp = k % 4 < 2 ? -128 : 9;
        c.shifts = kShiftKinds[k % 2];
        c.bias = kBiases[k % 3];
        n.Run(c);
        ++k;
      }
    }
  }
  // Filter rows of one word (in_c * k_w == 4): zero points shifted in for
  // a padded side.
  k = 0;
  for (int32_t in_c : {1, 2, 4}) {
    const int32_t kw = 4 / in_c;
    for (int32_t in_w : {kw, kw + 1, int32_t{7}, int32_t{10}}) {
      for (int32_t stride : {1, 3}) {
        for (Pad pad : {Pad::kValid, Pad::kSame}) {
          ConvCase c = Base();
          c.in_h = 6;
          c.in_w = in_w;
          c.in_c = in_c;
          c.out_c = 9;
          c.k_h = 3;
          c.k_w = kw;
          c.stride_h = c.stride_w = stride;
          c.pad = pad;
          c.input_zp = k % 2 == 0 ? -128 : 127;
          c.output_zp = -128;
          c.act = kActs[k % 3];
          c.shifts = kShiftKinds[k % 2];
          n.Run(c);
          ++k;
        }
      }
    }
  }
  // Every clamp x shift kind x bias kind on one 3x3 SAME layer, with the
  // ReLU-style clamps' zero points at both extremes.
  k = 0;
  for (Act act : kActs) {
    for (Shifts shifts : kShiftKinds) {
      for (Bias bias : kBiases) {
        ConvCase c = Base();
        c.in_h = 5;
        c.in_w = 5;
        c.in_c = 8;
        c.out_c = 6;
        c.k_h = c.k_w = 3;
        c.pad = Pad::kSame;
        c.input_zp = k % 2 == 0 ? 127 : -128;
        c.output_zp = out_zps[k % 4];
        c.act = act;
        c.shifts = shifts;
        c.bias = bias;
        n.Run(c);
        ++k;
      }
    }
  }
  // Extreme data: all inputs and filters at -128 / 127, with the bias at
  // the fast path's limit (accumulators of +-(2^30 - 1) inside the image)
  // and not; 3x3 (im2col) and 1x1 16n deep (Helium on the M55).
  for (int32_t f = 0; f < 32; ++f) {
    ConvCase c = Base();
    c.in_h = 4;
    c.in_w = 5;
    c.in_c = f % 16 < 8 ? 9 : 32;
    c.out_c = 4;
    c.k_h = c.k_w = f % 16 < 8 ? 3 : 1;
    c.pad = c.k_h == 3 ? Pad::kSame : Pad::kValid;
    c.input_zp = f % 2 == 0 ? 127 : -128;
    c.output_zp = f % 8 < 4 ? -128 : 3;
    c.in_fill = f % 4 < 2 ? Fill::kMin : Fill::kMax;
    c.filter_fill = f % 8 < 4 ? Fill::kMin : Fill::kMax;
    c.bias = f < 16 ? Bias::kLimit : Bias::kNone;
    c.shifts = f % 3 == 0 ? Shifts::kTypical : Shifts::kTiny;
    c.act = f % 5 == 0 ? Act::kRelu : Act::kNone;
    n.Run(c);
  }
  // The KWS first layer: 10x4 filter on one channel, stride 2, SAME.
  {
    ConvCase c = Base();
    c.in_h = 49;
    c.in_w = 10;
    c.in_c = 1;
    c.out_c = 64;
    c.k_h = 10;
    c.k_w = 4;
    c.stride_h = c.stride_w = 2;
    c.pad = Pad::kSame;
    c.input_zp = 83;
    c.output_zp = -128;
    c.act = Act::kRelu;
    c.shifts = Shifts::kFold;
    n.Run(c);
  }
  // TC-ResNet's temporal convolutions (the bundled wake-word model): 9x1
  // filters over one-column images of 14 and 28 channels, stride 2 and 1,
  // SAME padding (the filter rows inside the image widened as one run), and
  // its 1x1 stride-2 shortcut; then widths the merged run must not take
  // (k_w < in_w) and a 3x2 filter over two columns (it must).
  for (int32_t v = 0; v < 8; ++v) {
    ConvCase c = Base();
    c.in_h = v < 4 ? 49 : 25;
    c.in_w = 1;
    c.in_c = v % 4 == 3 ? 28 : 14;
    c.out_c = v % 2 == 0 ? 14 : 28;
    c.k_h = v == 6 ? 1 : 9;
    c.stride_h = v % 2 == 0 ? 2 : 1;
    c.pad = v == 6 ? Pad::kValid : Pad::kSame;
    c.input_zp = -128 + 37 * v;
    c.output_zp = v % 3 == 0 ? -128 : 5;
    c.act = v % 2 == 0 ? Act::kRelu : Act::kNone;
    c.shifts = v % 3 == 0 ? Shifts::kFold : Shifts::kTypical;
    if (v == 7) {
      c.in_w = 3;  // k_w 1 < in_w 3: the row-by-row path
      c.k_h = 5;
    }
    n.Run(c);
  }
  {
    ConvCase c = Base();
    c.in_h = 11;
    c.in_w = 2;
    c.in_c = 5;
    c.out_c = 7;
    c.k_h = 3;
    c.k_w = 2;
    c.pad = Pad::kSame;  // height padded; SAME keeps the two columns whole only when x0 == 0
    c.input_zp = 9;
    n.Run(c);
  }
  PrintSummary("conv", n.cases, n.runs);
  Print("conv: random part ");
  PrintInt(random_cases);
  Print(" cases, ");
  PrintInt(random_runs);
  Print(" runs\n");
}

}  // namespace tinyml::device_test
