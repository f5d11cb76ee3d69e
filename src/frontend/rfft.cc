#include "frontend/rfft.h"

#include "frontend/rfft_internal.h"

// The twiddle tables must round exactly like the reference's double
// expressions; a fused multiply-add would change the last bit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tinyml {
namespace frontend {
namespace {

// pi as the reference writes it; the literal rounds to the nearest double.
constexpr double kPi = 3.14159265358979323846264338327950288;

// pi/2 split into three parts (33 + 33 bits + the rest) so that k * part is
// exact for the small k used here (Cody-Waite argument reduction).
constexpr double kHalfPiHi = 1.5707963267341256;
constexpr double kHalfPiMid = 6.077100506303966e-11;
constexpr double kHalfPiLo = 2.0222662487959506e-21;
constexpr double kTwoOverPi = 0.6366197723675814;

// Taylor series on |r| <= pi/4, to terms below 1e-20.
double SinKernel(double r) {
  const double r2 = r * r;
  double p = -1.0 / 51090942171709440000.0;  // -1/21!
  p = p * r2 + 1.0 / 121645100408832000.0;  // 1/19!
  p = p * r2 - 1.0 / 355687428096000.0;     // 1/17!
  p = p * r2 + 1.0 / 1307674368000.0;       // 1/15!
  p = p * r2 - 1.0 / 6227020800.0;          // 1/13!
  p = p * r2 + 1.0 / 39916800.0;            // 1/11!
  p = p * r2 - 1.0 / 362880.0;              // 1/9!
  p = p * r2 + 1.0 / 5040.0;                // 1/7!
  p = p * r2 - 1.0 / 120.0;                 // 1/5!
  p = p * r2 + 1.0 / 6.0;                   // 1/3!
  return r - r * r2 * p;
}

double CosKernel(double r) {
  const double r2 = r * r;
  double p = 1.0 / 1124000727777607680000.0;  // 1/22!
  p = p * r2 - 1.0 / 2432902008176640000.0;   // 1/20!
  p = p * r2 + 1.0 / 6402373705728000.0;      // 1/18!
  p = p * r2 - 1.0 / 20922789888000.0;        // 1/16!
  p = p * r2 + 1.0 / 87178291200.0;           // 1/14!
  p = p * r2 - 1.0 / 479001600.0;             // 1/12!
  p = p * r2 + 1.0 / 3628800.0;               // 1/10!
  p = p * r2 - 1.0 / 40320.0;                 // 1/8!
  p = p * r2 + 1.0 / 720.0;                   // 1/6!
  p = p * r2 - 1.0 / 24.0;                    // 1/4!
  p = p * r2 + 0.5;
  return 1.0 - r2 * p;
}

// x = k * pi/2 + r with |r| <= pi/4 (slightly more at rounding edges).
double Reduce(double x, int* quadrant) {
  const double q = x * kTwoOverPi;
  const int k = static_cast<int>(q >= 0 ? q + 0.5 : q - 0.5);
  const double kd = k;
  *quadrant = k & 3;  // two's complement: also right for negative k
  return ((x - kd * kHalfPiHi) - kd * kHalfPiMid) - kd * kHalfPiLo;
}

// floor() for values well inside the int32 range.
int32_t Floor(double v) {
  int32_t t = static_cast<int32_t>(v);
  if (static_cast<double>(t) > v) --t;
  return t;
}

int16_t Trunc16(int32_t v) { return static_cast<int16_t>(v); }
// KISS FFT's sround: Q15 product rounded half up, stored to int16.
int16_t RoundQ15(int32_t product) { return Trunc16((product + (1 << 14)) >> 15); }
int16_t MulQ15(int16_t a, int16_t b) { return RoundQ15(static_cast<int32_t>(a) * b); }

Complex16 Mul(Complex16 a, Complex16 b) {
  const int32_t ar = a.real, ai = a.imag;
  return {RoundQ15(ar * b.real - ai * b.imag), RoundQ15(ar * b.imag + ai * b.real)};
}
Complex16 Add(Complex16 a, Complex16 b) { return {Trunc16(a.real + b.real), Trunc16(a.imag + b.imag)}; }
Complex16 Sub(Complex16 a, Complex16 b) { return {Trunc16(a.real - b.real), Trunc16(a.imag - b.imag)}; }
// Division by the radix, as a Q15 multiply by 32767 / radix.
Complex16 FixDiv(Complex16 c, int32_t radix) {
  const int16_t s = static_cast<int16_t>(32767 / radix);
  return {MulQ15(c.real, s), MulQ15(c.imag, s)};
}

void Butterfly2(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m) {
  for (int32_t k = 0; k < m; ++k) {
    const Complex16 a = FixDiv(out[k], 2);
    const Complex16 b = FixDiv(out[k + m], 2);
    const Complex16 t = Mul(b, tw[k * fstride]);
    out[k + m] = Sub(a, t);
    out[k] = Add(a, t);
  }
}

void Butterfly3(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m) {
  const Complex16 epi3 = tw[fstride * m];
  for (int32_t k = 0; k < m; ++k) {
    Complex16 a = FixDiv(out[k], 3);
    const Complex16 b = FixDiv(out[k + m], 3);
    const Complex16 c = FixDiv(out[k + 2 * m], 3);
    const Complex16 s1 = Mul(b, tw[k * fstride]);
    const Complex16 s2 = Mul(c, tw[2 * k * fstride]);
    const Complex16 s3 = Add(s1, s2);
    Complex16 s0 = Sub(s1, s2);
    Complex16 bm = {Trunc16(a.real - (s3.real >> 1)), Trunc16(a.imag - (s3.imag >> 1))};
    s0 = {MulQ15(s0.real, epi3.imag), MulQ15(s0.imag, epi3.imag)};
    a = Add(a, s3);
    const Complex16 cm = {Trunc16(bm.real + s0.imag), Trunc16(bm.imag - s0.real)};
    bm = {Trunc16(bm.real - s0.imag), Trunc16(bm.imag + s0.real)};
    out[k] = a;
    out[k + m] = bm;
    out[k + 2 * m] = cm;
  }
}

void Butterfly4(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m) {
  for (int32_t k = 0; k < m; ++k) {
    Complex16 a = FixDiv(out[k], 4);
    const Complex16 b = FixDiv(out[k + m], 4);
    const Complex16 c = FixDiv(out[k + 2 * m], 4);
    const Complex16 d = FixDiv(out[k + 3 * m], 4);
    const Complex16 s0 = Mul(b, tw[k * fstride]);
    const Complex16 s1 = Mul(c, tw[2 * k * fstride]);
    const Complex16 s2 = Mul(d, tw[3 * k * fstride]);
    const Complex16 s5 = Sub(a, s1);
    a = Add(a, s1);
    const Complex16 s3 = Add(s0, s2);
    const Complex16 s4 = Sub(s0, s2);
    out[k + 2 * m] = Sub(a, s3);
    out[k] = Add(a, s3);
    out[k + m] = {Trunc16(s5.real + s4.imag), Trunc16(s5.imag - s4.real)};
    out[k + 3 * m] = {Trunc16(s5.real - s4.imag), Trunc16(s5.imag + s4.real)};
  }
}

void Butterfly5(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m) {
  const Complex16 ya = tw[fstride * m];
  const Complex16 yb = tw[fstride * 2 * m];
  for (int32_t u = 0; u < m; ++u) {
    Complex16* f0 = out + u;
    Complex16* f1 = f0 + m;
    Complex16* f2 = f0 + 2 * m;
    Complex16* f3 = f0 + 3 * m;
    Complex16* f4 = f0 + 4 * m;
    const Complex16 s0 = FixDiv(*f0, 5);
    const Complex16 s1 = Mul(FixDiv(*f1, 5), tw[u * fstride]);
    const Complex16 s2 = Mul(FixDiv(*f2, 5), tw[2 * u * fstride]);
    const Complex16 s3 = Mul(FixDiv(*f3, 5), tw[3 * u * fstride]);
    const Complex16 s4 = Mul(FixDiv(*f4, 5), tw[4 * u * fstride]);
    const Complex16 s7 = Add(s1, s4);
    const Complex16 s10 = Sub(s1, s4);
    const Complex16 s8 = Add(s2, s3);
    const Complex16 s9 = Sub(s2, s3);
    *f0 = {Trunc16(s0.real + (s7.real + s8.real)), Trunc16(s0.imag + (s7.imag + s8.imag))};
    const Complex16 s5 = {Trunc16(s0.real + MulQ15(s7.real, ya.real) + MulQ15(s8.real, yb.real)),
                          Trunc16(s0.imag + MulQ15(s7.imag, ya.real) + MulQ15(s8.imag, yb.real))};
    const Complex16 s6 = {Trunc16(MulQ15(s10.imag, ya.imag) + MulQ15(s9.imag, yb.imag)),
                          Trunc16(-MulQ15(s10.real, ya.imag) - MulQ15(s9.real, yb.imag))};
    *f1 = Sub(s5, s6);
    *f4 = Add(s5, s6);
    const Complex16 s11 = {Trunc16(s0.real + MulQ15(s7.real, yb.real) + MulQ15(s8.real, ya.real)),
                           Trunc16(s0.imag + MulQ15(s7.imag, yb.real) + MulQ15(s8.imag, ya.real))};
    const Complex16 s12 = {Trunc16(-MulQ15(s10.imag, yb.imag) + MulQ15(s9.imag, ya.imag)),
                           Trunc16(MulQ15(s10.real, yb.imag) - MulQ15(s9.real, ya.imag))};
    *f2 = Add(s11, s12);
    *f3 = Sub(s11, s12);
  }
}

// Any radix: a direct DFT of each group of p, through `scratch` (p entries).
void ButterflyGeneric(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m, int32_t p, int32_t n,
                      Complex16* scratch) {
  for (int32_t u = 0; u < m; ++u) {
    for (int32_t q = 0; q < p; ++q) scratch[q] = FixDiv(out[u + q * m], p);
    for (int32_t q1 = 0; q1 < p; ++q1) {
      const int32_t k = u + q1 * m;
      int32_t index = 0;
      Complex16 acc = scratch[0];
      for (int32_t q = 1; q < p; ++q) {
        index += fstride * k;
        if (index >= n) index -= n;
        acc = Add(acc, Mul(scratch[q], tw[index]));
      }
      out[k] = acc;
    }
  }
}

// Decimation in time, one recursion level per factor. `in` holds complex
// values as interleaved int16 pairs; `stride` is in complex elements.
void Work(const RfftS16& plan, int32_t stage, Complex16* out, const int16_t* in, int32_t stride,
          Complex16* scratch) {
  const int32_t p = plan.radix[stage];
  const int32_t m = plan.stride[stage];
  if (m == 1) {
    for (int32_t q = 0; q < p; ++q) {
      const int16_t* src = in + 2 * static_cast<int64_t>(q) * stride;
      out[q] = {src[0], src[1]};
    }
  } else {
    for (int32_t q = 0; q < p; ++q)
      Work(plan, stage + 1, out + q * m, in + 2 * static_cast<int64_t>(q) * stride, stride * p, scratch);
  }
  RfftS16PortableButterfly(plan, p, out, stride, m, scratch);
}

// Factors n as KISS FFT does: powers of 4 first, then 2, then odd numbers;
// once the trial factor passes sqrt(original n), what is left is taken
// whole. False when there would be more than kMaxStages stages.
bool Factor(int32_t n, int32_t* radix, int32_t* stride, int32_t* num_stages) {
  int32_t rest = n;
  int32_t p = 4;
  int32_t stages = 0;
  do {
    while (rest % p != 0) {
      p = p == 4 ? 2 : (p == 2 ? 3 : p + 2);
      if (static_cast<int64_t>(p) * p > n) p = rest;
    }
    rest /= p;
    if (stages >= RfftS16::kMaxStages) return false;
    radix[stages] = p;
    stride[stages] = rest;
    ++stages;
  } while (rest > 1);
  *num_stages = stages;
  return true;
}

}  // namespace

void RfftS16PortableButterfly(const RfftS16& plan, int32_t p, Complex16* out, int32_t fstride, int32_t m,
                              Complex16* scratch) {
  switch (p) {
    case 2: Butterfly2(out, fstride, plan.twiddles, m); break;
    case 3: Butterfly3(out, fstride, plan.twiddles, m); break;
    case 4: Butterfly4(out, fstride, plan.twiddles, m); break;
    case 5: Butterfly5(out, fstride, plan.twiddles, m); break;
    default: ButterflyGeneric(out, fstride, plan.twiddles, m, p, plan.half, scratch); break;
  }
}

double FrontendCos(double x) {
  int q;
  const double r = Reduce(x, &q);
  switch (q) {
    case 0: return CosKernel(r);
    case 1: return -SinKernel(r);
    case 2: return -CosKernel(r);
    default: return SinKernel(r);
  }
}

double FrontendSin(double x) {
  int q;
  const double r = Reduce(x, &q);
  switch (q) {
    case 0: return SinKernel(r);
    case 1: return CosKernel(r);
    case 2: return -SinKernel(r);
    default: return -CosKernel(r);
  }
}

Complex16 RfftTwiddle(double phase) {
  const double c = 0.5 + 32767.0 * FrontendCos(phase);
  const double s = 0.5 + 32767.0 * FrontendSin(phase);
  return {static_cast<int16_t>(Floor(c)), static_cast<int16_t>(Floor(s))};
}

bool RfftS16LengthSupported(int32_t fft_length) {
  return fft_length >= 2 && fft_length <= kRfftMaxLength && fft_length % 2 == 0;
}

size_t RfftS16TableBytes(int32_t fft_length) {
  if (!RfftS16LengthSupported(fft_length)) return 0;
  const size_t half = static_cast<size_t>(fft_length / 2);
  return (half + half / 2) * sizeof(Complex16);
}

size_t RfftS16ScratchBytes(int32_t fft_length) {
  if (!RfftS16LengthSupported(fft_length)) return 0;
  // The complex FFT's output, plus room for the largest radix the generic
  // butterfly takes (p values: any but 2, 3, 4 and 5, so also the radix 1
  // of fft_length 2; none for other lengths of 2s, 3s and 5s).
  const int32_t n = fft_length / 2;
  int32_t radix[RfftS16::kMaxStages];
  int32_t stride[RfftS16::kMaxStages];
  int32_t stages = 0;
  int32_t generic = 0;
  if (!Factor(n, radix, stride, &stages)) return 0;
  for (int32_t i = 0; i < stages; ++i)
    if ((radix[i] < 2 || radix[i] > 5) && radix[i] > generic) generic = radix[i];
  return static_cast<size_t>(n + generic) * sizeof(Complex16);
}

bool RfftS16Init(int32_t fft_length, void* table, size_t table_bytes, RfftS16* plan) {
  *plan = RfftS16();
  return RfftS16FillTable(fft_length, table, table_bytes) && RfftS16Plan(fft_length, table, plan);
}

bool RfftS16FillTable(int32_t fft_length, void* table, size_t table_bytes) {
  if (!RfftS16LengthSupported(fft_length) || table == nullptr || table_bytes < RfftS16TableBytes(fft_length))
    return false;
  const int32_t n = fft_length / 2;
  Complex16* twiddles = static_cast<Complex16*>(table);
  Complex16* super_twiddles = twiddles + n;
  for (int32_t i = 0; i < n; ++i) twiddles[i] = RfftTwiddle(-2.0 * kPi * i / n);
  for (int32_t i = 0; i < n / 2; ++i)
    super_twiddles[i] = RfftTwiddle(-kPi * (static_cast<double>(i + 1) / n + 0.5));
  return true;
}

bool RfftS16Plan(int32_t fft_length, const void* table, RfftS16* plan) {
  *plan = RfftS16();
  if (!RfftS16LengthSupported(fft_length) || table == nullptr) return false;
  const int32_t n = fft_length / 2;
  const Complex16* twiddles = static_cast<const Complex16*>(table);
  int32_t stages = 0;
  if (!Factor(n, plan->radix, plan->stride, &stages)) return false;
  plan->fft_length = fft_length;
  plan->half = n;
  plan->num_stages = stages;
  plan->twiddles = twiddles;
  plan->super_twiddles = twiddles + n;
  return true;
}

void RfftS16ApplyPortable(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch) {
  const int32_t n = plan.half;
  Complex16* spectrum = static_cast<Complex16*>(scratch);
  Complex16* radix_scratch = spectrum + n;
  // The real input, read as n complex values, transformed in one go; the
  // two interleaved real spectra are then separated.
  Work(plan, 0, spectrum, input, 1, radix_scratch);

  const Complex16 dc = FixDiv(spectrum[0], 2);
  output[0] = Trunc16(dc.real + dc.imag);
  output[1] = 0;
  output[2 * n] = Trunc16(dc.real - dc.imag);
  output[2 * n + 1] = 0;
  for (int32_t k = 1; k <= n / 2; ++k) {
    const Complex16 fpk = FixDiv(spectrum[k], 2);
    const Complex16 fpnk = FixDiv({spectrum[n - k].real, Trunc16(-spectrum[n - k].imag)}, 2);
    const Complex16 f1k = Add(fpk, fpnk);
    const Complex16 f2k = Sub(fpk, fpnk);
    const Complex16 tw = Mul(f2k, plan.super_twiddles[k - 1]);
    output[2 * k] = Trunc16((f1k.real + tw.real) >> 1);
    output[2 * k + 1] = Trunc16((f1k.imag + tw.imag) >> 1);
    output[2 * (n - k)] = Trunc16((f1k.real - tw.real) >> 1);
    output[2 * (n - k) + 1] = Trunc16((tw.imag - f1k.imag) >> 1);
  }
}

void RfftS16Apply(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch) {
#if TINYML_FRONTEND_DSP
  RfftS16ApplyDsp(plan, input, output, scratch);
#else
  RfftS16ApplyPortable(plan, input, output, scratch);
#endif
}

}  // namespace frontend
}  // namespace tinyml
