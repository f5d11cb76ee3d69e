// Shared pieces of the on-device kernel battery (kernel_battery.h).
#include "kernel_battery.h"

#include "check.h"

namespace tinyml::device_test::battery {
namespace {

// Full failure reports per run; later failures are only counted.
constexpr int32_t kMaxReports = 8;
int32_t g_reports = 0;
int32_t g_selected = -1;

// Large buffers live in .bigram (DDR on the M55, whose DTCM is small).
Buffers g_buffers __attribute__((section(".bigram")));

void PrintPosition(const Shape& shape, int32_t index) {
  if (shape.rank == 4) {
    const int32_t c = index % shape.dims[3];
    const int32_t x = (index / shape.dims[3]) % shape.dims[2];
    const int32_t y = (index / (shape.dims[3] * shape.dims[2])) % shape.dims[1];
    const int32_t b = index / (shape.dims[3] * shape.dims[2] * shape.dims[1]);
    Print(" (b ");
    PrintInt(b);
    Print(" y ");
    PrintInt(y);
    Print(" x ");
    PrintInt(x);
    Print(" c ");
    PrintInt(c);
    Print(")");
  }
}

void PrintCaseHeader(const CaseInfo& info, const char* kernel, const char* mode) {
  Print("FAIL ");
  Print(info.group);
  Print(" ");
  Print(kernel);
  if (mode != nullptr) {
    Print(" mode ");
    Print(mode);
  }
  Print(" seed ");
  PrintInt(info.seed);
  Print(":");
  info.describe(info.c);
  Print("\n");
}

}  // namespace

uint32_t CaseSeed(uint32_t seed, uint32_t index) { return Mix(Mix(0x811c9dc5u, seed), index); }

void SelectCase(int32_t index) { g_selected = index; }
bool Selected(int32_t index) { return g_selected < 0 || g_selected == index; }
bool AllCasesSelected() { return g_selected < 0; }

Buffers& GetBuffers() { return g_buffers; }

void FillBytes(Rng& rng, int8_t* data, int32_t n, Fill fill) {
  for (int32_t i = 0; i < n; ++i) {
    data[i] = fill == Fill::kMin ? static_cast<int8_t>(-128) : fill == Fill::kMax ? static_cast<int8_t>(127) : rng.Byte();
  }
}

void MakeClamp(Rng& rng, Act act, int32_t output_zp, int32_t* act_min, int32_t* act_max) {
  switch (act) {
    case Act::kNone:
      *act_min = -128;
      *act_max = 127;
      return;
    case Act::kRelu:
      *act_min = output_zp;
      *act_max = 127;
      return;
    case Act::kRelu6: {
      const int32_t six = rng.Range(1, 255);  // 6 / output scale, quantized
      *act_min = output_zp;
      *act_max = output_zp + six > 127 ? 127 : output_zp + six;
      return;
    }
    case Act::kRange: {
      const int32_t lo = rng.Range(-128, 127);
      *act_min = lo;
      *act_max = rng.Range(lo, 127);
      return;
    }
  }
}

const char* ActName(Act act) {
  switch (act) {
    case Act::kNone:
      return "none";
    case Act::kRelu:
      return "relu";
    case Act::kRelu6:
      return "relu6";
    case Act::kRange:
      return "range";
  }
  return "?";
}

void MakeQuant(Rng& rng, Shifts kind, int32_t n, int32_t* multiplier, int32_t* shift, int8_t* shift8) {
  for (int32_t c = 0; c < n; ++c) {
    const uint32_t m_kind = rng.Next() % 16u;
    multiplier[c] = m_kind == 0 ? (1 << 30)
                    : m_kind == 1 ? INT32_MAX
                                  : static_cast<int32_t>((1u << 30) + (rng.Next() & 0x3fffffffu));
    int32_t s = 0;
    switch (kind) {
      case Shifts::kTypical:
        s = rng.Range(-12, -1);
        break;
      case Shifts::kFold:
        s = rng.Range(-10, -5);
        break;
      case Shifts::kTiny:
        s = rng.Range(-31, -20);
        break;
      case Shifts::kLeft:
        s = rng.Range(0, 4);
        break;
      case Shifts::kMixed:
        s = rng.Range(-4, 4);
        break;
    }
    shift[c] = s;
    shift8[c] = static_cast<int8_t>(s);
  }
}

const char* ShiftsName(Shifts kind) {
  switch (kind) {
    case Shifts::kTypical:
      return "typical[-12,-1]";
    case Shifts::kFold:
      return "fold[-10,-5]";
    case Shifts::kTiny:
      return "tiny[-31,-20]";
    case Shifts::kLeft:
      return "left[0,4]";
    case Shifts::kMixed:
      return "mixed[-4,4]";
  }
  return "?";
}

void MakeBias(Rng& rng, Bias kind, int32_t n, int32_t* bias) {
  const int32_t range = kind == Bias::kSmall ? 1000 : kind == Bias::kMedium ? 100000 : 2000000000;
  for (int32_t c = 0; c < n; ++c) {
    bias[c] = kind == Bias::kNone || kind == Bias::kLimit ? 0 : static_cast<int32_t>(static_cast<int64_t>(rng.Next() % (2u * range + 1u)) - range);
  }
}

const char* BiasName(Bias kind) {
  switch (kind) {
    case Bias::kNone:
      return "none";
    case Bias::kSmall:
      return "small";
    case Bias::kMedium:
      return "medium";
    case Bias::kHuge:
      return "huge";
    case Bias::kLimit:
      return "limit";
  }
  return "?";
}

int32_t LimitBias(int32_t oc, int64_t filter_bound) {
  const int64_t b = (static_cast<int64_t>(1) << 30) - 1 - filter_bound;
  const int32_t magnitude = b > 0 ? static_cast<int32_t>(b) : 0;
  return oc % 2 == 0 ? magnitude : -magnitude;
}

bool Geometry(Rng& rng, Pad pad, int32_t in, int32_t k, int32_t stride, int32_t dilation, int32_t* lead,
              int32_t* out) {
  const int32_t eff = (k - 1) * dilation + 1;
  switch (pad) {
    case Pad::kValid:
      *lead = 0;
      *out = in >= eff ? (in - eff) / stride + 1 : 0;
      break;
    case Pad::kSame: {
      *out = (in + stride - 1) / stride;
      const int32_t total = (*out - 1) * stride + eff - in;
      *lead = total > 0 ? total / 2 : 0;
      break;
    }
    case Pad::kExplicit: {
      *lead = rng.Range(0, eff - 1);
      const int32_t trail = rng.Range(0, eff - 1);
      const int32_t span = in + *lead + trail;
      *out = span >= eff ? (span - eff) / stride + 1 : 0;
      break;
    }
  }
  return *out > 0;
}

const char* PadName(Pad pad) {
  switch (pad) {
    case Pad::kValid:
      return "VALID";
    case Pad::kSame:
      return "SAME";
    case Pad::kExplicit:
      return "explicit";
  }
  return "?";
}

void PrefillOutput(int8_t* got, int32_t n) {
  for (int32_t i = 0; i < n + kCanaryBytes; ++i) got[i] = 0x55;
}

void PrefillScratch(uint8_t* scratch, int32_t bytes) {
  for (int32_t i = 0; i < bytes + kCanaryBytes; ++i) scratch[i] = 0xa5;
}

bool CompareRun(const CaseInfo& info, const char* kernel, const char* mode, const Shape& shape, const int8_t* want,
                const int8_t* got, int32_t n, const uint8_t* scratch, int32_t scratch_bytes) {
  ++GetTally().checks;
  int32_t first = -1;
  for (int32_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      first = i;
      break;
    }
  }
  int32_t overrun = -1;
  for (int32_t i = 0; i < kCanaryBytes && first < 0; ++i) {
    if (got[n + i] != 0x55) overrun = i;
  }
  int32_t scratch_overrun = -1;
  for (int32_t i = 0; scratch != nullptr && i < kCanaryBytes && first < 0; ++i) {
    if (scratch[scratch_bytes + i] != 0xa5) scratch_overrun = i;
  }
  if (first < 0 && overrun < 0 && scratch_overrun < 0) return true;
  ++GetTally().failures;
  if (g_reports++ >= kMaxReports) return false;
  PrintCaseHeader(info, kernel, mode);
  if (first >= 0) {
    int32_t count = 0;
    for (int32_t i = first; i < n; ++i) count += got[i] != want[i];
    Print("  first mismatch at byte ");
    PrintInt(first);
    PrintPosition(shape, first);
    Print(" of ");
    PrintInt(n);
    Print(": got ");
    PrintInt(got[first]);
    Print(", want ");
    PrintInt(want[first]);
    Print(" (");
    PrintInt(count);
    Print(" bytes differ)\n");
  } else if (overrun >= 0) {
    Print("  wrote past the output (canary byte ");
    PrintInt(overrun);
    Print(")\n");
  } else {
    Print("  wrote past the planned scratch of ");
    PrintInt(scratch_bytes);
    Print(" bytes\n");
  }
  return false;
}

void FailCase(const CaseInfo& info, const char* what) {
  ++GetTally().checks;
  ++GetTally().failures;
  if (g_reports++ >= kMaxReports) return;
  PrintCaseHeader(info, what, nullptr);
}

void Put(const char* key, int64_t value) {
  Print(" ");
  Print(key);
  Print(" ");
  PrintInt(value);
}

void PutDims(const char* key, int32_t a, int32_t b, int32_t c, int32_t d) {
  Print(" ");
  Print(key);
  Print(" ");
  PrintInt(a);
  Print("x");
  PrintInt(b);
  if (c >= 0) {
    Print("x");
    PrintInt(c);
  }
  if (d >= 0) {
    Print("x");
    PrintInt(d);
  }
}

void PutText(const char* key, const char* value) {
  Print(" ");
  Print(key);
  Print(" ");
  Print(value);
}

Shape Make4(int32_t n, int32_t h, int32_t w, int32_t c) {
  Shape s;
  s.rank = 4;
  s.dims[0] = n;
  s.dims[1] = h;
  s.dims[2] = w;
  s.dims[3] = c;
  return s;
}

void PrintSummary(const char* group, int32_t cases, int32_t runs) {
  Print(group);
  Print(": ");
  PrintInt(cases);
  Print(" cases, ");
  PrintInt(runs);
  Print(" kernel runs compared\n");
}

}  // namespace tinyml::device_test::battery
