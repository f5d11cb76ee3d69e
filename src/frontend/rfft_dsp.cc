// RfftS16Apply's arithmetic (rfft.cc) on packed halfword lanes: a Complex16
// is one 32-bit word (real in bits 0..15, imaginary in 16..31). Every step
// below gives the reference's bytes:
// - FixDiv (x * (32767 / p), rounded, per part): SMLABB forms the real
//   part's x * s + 2^14 exactly; SMLATT forms the imaginary part's doubled
//   (x * 2s + 2^15), so its rounded Q15 value is already in the top half,
//   and PKHTB takes that top half and the real sum shifted right by 15.
// - Complex product: SMLSD / SMLADX form ar*br - ai*bi + 2^14 and
//   ar*bi + ai*br + 2^14, the same exact 32-bit sums the reference rounds
//   (no operand here is -32768 on both sides, so no sum wraps: FFT data is
//   FixDiv's output, |x| <= 16384, and the split's f2k is within +-32767).
// - Adds and subtracts wrap per 16-bit lane, as the reference's int16
//   stores do; SHADD16 / SHSUB16 halve the exact 17-bit sum.
// - Twiddle 0 is (32767, 0) in every table RfftS16FillTable makes, and
//   multiplying by it returns any part in [-16383, 16384] unchanged; from
//   radix 3 up, FixDiv's output is within that, so the radix-4 butterfly
//   skips those products (only when the table's first twiddle is that).
#include "frontend/rfft_internal.h"
#include "kernels/cortex_m/dsp.h"

namespace tinyml {
namespace frontend {
namespace {

using cortex_m::Load32;
using cortex_m::PackHiLoAsr15;
using cortex_m::PackLoHi;
using cortex_m::Sadd16;
using cortex_m::Sasx;
using cortex_m::Shadd16;
using cortex_m::Shsub16;
using cortex_m::Smladx;
using cortex_m::Smlabb;
using cortex_m::Smlatt;
using cortex_m::Smlsd;
using cortex_m::Ssax;
using cortex_m::Ssub16;
using cortex_m::Store32;

constexpr uint32_t kUnitTwiddle = 0x00007fffu;  // (32767, 0)

// The FixDiv multiplier for radix p: s = 32767 / p in the low half, 2s in
// the high half (2s <= 32766 fits).
uint32_t FixDivConstant(int32_t p) {
  const uint32_t s = static_cast<uint32_t>(32767 / p);
  return s | (s << 17);
}

inline uint32_t FixDiv(uint32_t x, uint32_t k) {
  const int32_t re = Smlabb(x, k, 1 << 14);  // x.re * s + 2^14
  const int32_t im = Smlatt(x, k, 1 << 15);  // 2 * (x.im * s + 2^14)
  return PackHiLoAsr15(static_cast<uint32_t>(im), static_cast<uint32_t>(re));
}

// a * b, each part rounded as the reference's sround.
inline uint32_t Mul(uint32_t a, uint32_t b) {
  const int32_t re = Smlsd(a, b, 1 << 14);
  const int32_t im = Smladx(a, b, 1 << 14);
  return PackHiLoAsr15(static_cast<uint32_t>(im) << 1, static_cast<uint32_t>(re));
}

void Butterfly2(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m) {
  const uint32_t k2 = FixDivConstant(2);
  for (int32_t k = 0; k < m; ++k) {
    const uint32_t a = FixDiv(Load32(out + k), k2);
    const uint32_t b = FixDiv(Load32(out + k + m), k2);
    const uint32_t t = Mul(b, Load32(tw + k * fstride));
    Store32(out + k + m, Ssub16(a, t));
    Store32(out + k, Sadd16(a, t));
  }
}

// The radix-4 butterfly on FixDiv'ed inputs and twiddle products s0..s2,
// storing to out[0], out[m], out[2m], out[3m].
inline void Radix4Combine(Complex16* out, int32_t m, uint32_t a, uint32_t s0, uint32_t s1, uint32_t s2) {
  const uint32_t s5 = Ssub16(a, s1);
  const uint32_t a1 = Sadd16(a, s1);
  const uint32_t s3 = Sadd16(s0, s2);
  const uint32_t s4 = Ssub16(s0, s2);
  Store32(out + 2 * m, Ssub16(a1, s3));
  Store32(out, Sadd16(a1, s3));
  Store32(out + m, Ssax(s5, s4));      // (s5.re + s4.im, s5.im - s4.re)
  Store32(out + 3 * m, Sasx(s5, s4));  // (s5.re - s4.im, s5.im + s4.re)
}

// k from `first` on; with first == 1 the caller did k = 0.
#if TINYML_FRONTEND_DSP
// The C loop below (the #else) as one asm block: the same instructions its
// helpers give (FixDiv, Mul, Radix4Combine), scheduled by hand, because
// GCC 12 kept the offsets of out[k + m], out[k + 2m], out[k + 3m] and the
// twiddle pointers on the stack (56 -> 50 instructions per k on the M4).
// The twiddles come from one byte offset t (t, 2t by the address shift,
// 3t by one add); the twiddle stride is reloaded from the stack, the one
// value left without a register.
void Butterfly4(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m, int32_t first) {
  if (first >= m) return;
  const uint32_t k4 = FixDivConstant(4);
  Complex16* const end = out + m;
  Complex16* o = out + first;
  uint32_t t = static_cast<uint32_t>(first * fstride) * 4;  // twiddle byte offset
  const uint32_t step = static_cast<uint32_t>(fstride) * 4;
  const uint32_t m4 = static_cast<uint32_t>(m) * 4;
  uint32_t a, b, c, d, x, y;
  __asm__ volatile(
      "1:\n\t"
      "ldr    %[a], [%[o]]\n\t"
      "ldr    %[b], [%[o], %[m4]]\n\t"
      "smlabb %[x], %[a], %[k], %[r14]\n\t"
      "smlatt %[a], %[a], %[k], %[r15]\n\t"
      "pkhtb  %[a], %[a], %[x], asr #15\n\t"
      "smlabb %[x], %[b], %[k], %[r14]\n\t"
      "smlatt %[b], %[b], %[k], %[r15]\n\t"
      "pkhtb  %[b], %[b], %[x], asr #15\n\t"
      "ldr    %[y], [%[tw], %[t]]\n\t"
      "smlsd  %[x], %[b], %[y], %[r14]\n\t"
      "smladx %[b], %[b], %[y], %[r14]\n\t"
      "lsl    %[b], %[b], #1\n\t"
      "pkhtb  %[b], %[b], %[x], asr #15\n\t"
      "ldr    %[c], [%[o], %[m4], lsl #1]\n\t"
      "smlabb %[x], %[c], %[k], %[r14]\n\t"
      "smlatt %[c], %[c], %[k], %[r15]\n\t"
      "pkhtb  %[c], %[c], %[x], asr #15\n\t"
      "ldr    %[y], [%[tw], %[t], lsl #1]\n\t"
      "smlsd  %[x], %[c], %[y], %[r14]\n\t"
      "smladx %[c], %[c], %[y], %[r14]\n\t"
      "lsl    %[c], %[c], #1\n\t"
      "pkhtb  %[c], %[c], %[x], asr #15\n\t"
      "ssub16 %[x], %[a], %[c]\n\t"
      "sadd16 %[a], %[a], %[c]\n\t"
      "add    %[c], %[m4], %[m4], lsl #1\n\t"
      "ldr    %[d], [%[o], %[c]]\n\t"
      "smlabb %[c], %[d], %[k], %[r14]\n\t"
      "smlatt %[d], %[d], %[k], %[r15]\n\t"
      "pkhtb  %[d], %[d], %[c], asr #15\n\t"
      "add    %[c], %[t], %[t], lsl #1\n\t"
      "ldr    %[y], [%[tw], %[c]]\n\t"
      "smlsd  %[c], %[d], %[y], %[r14]\n\t"
      "smladx %[d], %[d], %[y], %[r14]\n\t"
      "lsl    %[d], %[d], #1\n\t"
      "pkhtb  %[d], %[d], %[c], asr #15\n\t"
      "sadd16 %[c], %[b], %[d]\n\t"
      "ssub16 %[b], %[b], %[d]\n\t"
      "ssub16 %[y], %[a], %[c]\n\t"
      "str    %[y], [%[o], %[m4], lsl #1]\n\t"
      "ssax   %[y], %[x], %[b]\n\t"
      "str    %[y], [%[o], %[m4]]\n\t"
      "sasx   %[y], %[x], %[b]\n\t"
      "add    %[d], %[m4], %[m4], lsl #1\n\t"
      "str    %[y], [%[o], %[d]]\n\t"
      "sadd16 %[a], %[a], %[c]\n\t"
      "str    %[a], [%[o]], #4\n\t"
      "ldr    %[y], %[step]\n\t"
      "add    %[t], %[t], %[y]\n\t"
      "cmp    %[o], %[end]\n\t"
      "bne    1b"
      : [o] "+&r"(o), [t] "+&r"(t), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d), [x] "=&r"(x),
        [y] "=&r"(y)
      : [m4] "r"(m4), [tw] "r"(tw), [k] "r"(k4), [r14] "r"(1 << 14), [r15] "r"(1 << 15), [end] "r"(end),
        [step] "m"(step)
      : "cc", "memory");
}
#else
void Butterfly4(Complex16* out, int32_t fstride, const Complex16* tw, int32_t m, int32_t first) {
  const uint32_t k4 = FixDivConstant(4);
  Complex16* const end = out + m;
  int32_t t = first * fstride;  // twiddle index of the first product
  for (Complex16* o = out + first; o != end; ++o, t += fstride) {
    const uint32_t a = FixDiv(Load32(o), k4);
    const uint32_t s0 = Mul(FixDiv(Load32(o + m), k4), Load32(tw + t));
    const uint32_t s1 = Mul(FixDiv(Load32(o + 2 * m), k4), Load32(tw + 2 * t));
    const uint32_t s2 = Mul(FixDiv(Load32(o + 3 * m), k4), Load32(tw + 3 * t));
    Radix4Combine(o, m, a, s0, s1, s2);
  }
}
#endif

// k = 0 of a radix-4 butterfly whose twiddle 0 is kUnitTwiddle: no products.
inline void Butterfly4First(Complex16* out, int32_t m, uint32_t in0, uint32_t in1, uint32_t in2, uint32_t in3) {
  const uint32_t k4 = FixDivConstant(4);
  Radix4Combine(out, m, FixDiv(in0, k4), FixDiv(in1, k4), FixDiv(in2, k4), FixDiv(in3, k4));
}

// One stage's butterfly over out[0 .. p * m).
void Butterfly(const RfftS16& plan, int32_t p, Complex16* out, int32_t fstride, int32_t m, Complex16* scratch,
               bool unit) {
  if (p == 4) {
    int32_t first = 0;
    if (unit) {
      Butterfly4First(out, m, Load32(out), Load32(out + m), Load32(out + 2 * m), Load32(out + 3 * m));
      first = 1;
    }
    Butterfly4(out, fstride, plan.twiddles, m, first);
  } else if (p == 2) {
    Butterfly2(out, fstride, plan.twiddles, m);
  } else {
    RfftS16PortableButterfly(plan, p, out, fstride, m, scratch);
  }
}

// Moves the odometer to the next last-stage group: `offset` is the input
// offset (in complex values) of the group whose earlier-stage digits are
// digit[0 .. last).
inline void NextLeaf(const RfftS16& plan, const int32_t* fstride, int32_t last, int32_t* digit, int32_t* offset) {
  for (int32_t s = last - 1; s >= 0; --s) {
    *offset += fstride[s];
    if (++digit[s] < plan.radix[s]) return;
    digit[s] = 0;
    *offset -= plan.radix[s] * fstride[s];
  }
}

// The last stage when it is radix 4 and twiddle 0 is kUnitTwiddle: each
// group's butterfly straight from the input, without products. Its own
// function, so its loop keeps the constants in registers.
__attribute__((noinline)) void Radix4Leaves(const RfftS16& plan, const int32_t* fstride, Complex16* out,
                                            const int16_t* in) {
  const int32_t last = plan.num_stages - 1;
  const int32_t step = 2 * fstride[last];
  const uint32_t k4 = FixDivConstant(4);
  // The odometer's fastest digit (stage last - 1) kept in registers; the
  // others move once per its turn.
  const int32_t inner = last - 1;
  const int32_t inner_stride = inner >= 0 ? fstride[inner] : 0;
  const int32_t inner_radix = inner >= 0 ? plan.radix[inner] : 1;
  int32_t inner_digit = 0;
  int32_t digit[RfftS16::kMaxStages] = {};
  int32_t offset = 0;
  Complex16* const end = out + plan.half;
  for (Complex16* group = out; group != end; group += 4) {
    const int16_t* src = in + 2 * offset;
    Radix4Combine(group, 1, FixDiv(Load32(src), k4), FixDiv(Load32(src + step), k4),
                  FixDiv(Load32(src + 2 * step), k4), FixDiv(Load32(src + 3 * step), k4));
    offset += inner_stride;
    if (++inner_digit < inner_radix) continue;
    inner_digit = 0;
    offset -= inner_radix * inner_stride;
    NextLeaf(plan, fstride, inner, digit, &offset);
  }
}

// rfft.cc's recursive decimation in time, unrolled: the same butterflies
// on the same data (each group of a stage needs only its own sub-results),
// the last stage's groups first, in output order, then every group of each
// earlier stage.
void Transform(const RfftS16& plan, Complex16* out, const int16_t* in, Complex16* scratch, bool unit) {
  const int32_t n = plan.half;
  const int32_t last = plan.num_stages - 1;
  // fstride[s]: the product of the radices before stage s, the twiddle
  // stride of its butterflies and its input stride in the recursion.
  int32_t fstride[RfftS16::kMaxStages];
  fstride[0] = 1;
  for (int32_t s = 1; s <= last; ++s) fstride[s] = fstride[s - 1] * plan.radix[s - 1];

  // Last stage (m == 1): group g reads the input at the digit-reversed
  // offset of g, kept by an odometer over the earlier stages' digits.
  const int32_t p = plan.radix[last];
  if (p == 4 && unit) {
    Radix4Leaves(plan, fstride, out, in);
  } else {
    const int32_t step = 2 * fstride[last];  // int16 values between its inputs
    int32_t digit[RfftS16::kMaxStages] = {};
    int32_t offset = 0;
    for (Complex16* group = out; group != out + n; group += p) {
      const int16_t* src = in + 2 * offset;
      for (int32_t q = 0; q < p; ++q) Store32(group + q, Load32(src + q * step));
      Butterfly(plan, p, group, fstride[last], 1, scratch, unit);
      NextLeaf(plan, fstride, last, digit, &offset);
    }
  }
  for (int32_t s = last - 1; s >= 0; --s) {
    const int32_t m = plan.stride[s];
    const int32_t size = plan.radix[s] * m;
    for (Complex16* group = out; group != out + n; group += size)
      Butterfly(plan, plan.radix[s], group, fstride[s], m, scratch, unit);
  }
}

}  // namespace

void RfftS16ApplyDsp(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch) {
  const int32_t n = plan.half;
  Complex16* spectrum = static_cast<Complex16*>(scratch);
  Complex16* radix_scratch = spectrum + n;
  const bool unit = Load32(plan.twiddles) == kUnitTwiddle;
  Transform(plan, spectrum, input, radix_scratch, unit);

  const uint32_t k2 = FixDivConstant(2);
  const uint32_t dc = FixDiv(Load32(spectrum), k2);
  const int32_t dc_re = static_cast<int16_t>(dc & 0xffffu);
  const int32_t dc_im = static_cast<int16_t>(dc >> 16);
  output[0] = static_cast<int16_t>(dc_re + dc_im);
  output[1] = 0;
  output[2 * n] = static_cast<int16_t>(dc_re - dc_im);
  output[2 * n + 1] = 0;
  // Bins k (rising from 1) and n - k (falling from n - 1) together.
  const Complex16* super = plan.super_twiddles;
  const Complex16* low = spectrum + 1;
  const Complex16* high = spectrum + n - 1;
  int16_t* out_low = output + 2;
  int16_t* out_high = output + 2 * (n - 1);
  for (const Complex16* const end = spectrum + n / 2 + 1; low != end; ++low, --high, ++super) {
    const uint32_t fpk = FixDiv(Load32(low), k2);
    // conj(spectrum[n - k]) before FixDiv: the imaginary part negated with
    // int16 wrap-around (-(-32768) stays -32768), as the reference does.
    const uint32_t nk = Load32(high);
    const uint32_t fpnk = PackHiLoAsr15(static_cast<uint32_t>(Smlatt(Ssub16(0, nk), k2, 1 << 15)),
                                        static_cast<uint32_t>(Smlabb(nk, k2, 1 << 14)));
    const uint32_t f1k = Sadd16(fpk, fpnk);
    const uint32_t tw = Mul(Ssub16(fpk, fpnk), Load32(super));
    Store32(out_low, Shadd16(f1k, tw));
    // ((f1k.re - tw.re) >> 1, (tw.im - f1k.im) >> 1); at k = n / 2 the
    // same bin as out_low, written second, as the reference does.
    Store32(out_high, Shsub16(PackLoHi(f1k, tw), PackLoHi(tw, f1k)));
    out_low += 2;
    out_high -= 2;
  }
}

}  // namespace frontend
}  // namespace tinyml
