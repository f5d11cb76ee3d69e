// Armv7E-M DSP-extension primitives used by the Cortex-M kernels and the
// frontend's DSP variants (frontend/dsp_variants.h).
//
// This header is the only place the kernels split by target: with
// __ARM_FEATURE_DSP each function is one instruction (inline asm), elsewhere
// a portable C emulation with the same bit-exact result, so the same kernel
// source is compiled and tested on the host. Halfword lanes: "lo" is bits
// 0..15, "hi" bits 16..31, both signed.
#ifndef TINYML_KERNELS_CORTEX_M_DSP_H_
#define TINYML_KERNELS_CORTEX_M_DSP_H_

#include <stdint.h>
#include <string.h>

namespace tinyml {
namespace cortex_m {

// Unaligned-safe 32-bit load / store (one LDR/STR on Cortex-M, which allows
// unaligned word access for LDR/STR).
inline uint32_t Load32(const void* p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
inline void Store32(void* p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

// Bytes 0 and 2 sign-extended into (lo, hi).
inline uint32_t Sxtb16(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
  return r;
}
// Bytes 1 and 3 sign-extended into (lo, hi).
inline uint32_t Sxtb16Ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
// acc + lo(a)*lo(b) + hi(a)*hi(b), wrapping (the Q flag is ignored).
inline int32_t Smlad(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
inline int32_t Smlabb(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
// acc + lo(a)*hi(b).
inline int32_t Smlabt(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlabt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
inline int32_t Smlatt(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
// (a * b + 2^31) >> 32, the rounded high word of the 64-bit product.
inline int32_t Smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// lo(a) in lo, lo(b) in hi.
inline uint32_t PackLoLo(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Two consecutive words from p, then p += 2 (one LDRD with writeback).
inline void Load2Advance(const uint32_t*& p, uint32_t* a, uint32_t* b) {
  uint32_t lo, hi;
  __asm__("ldrd %0, %1, [%2], #8" : "=&r"(lo), "=&r"(hi), "+r"(p) : "m"(*reinterpret_cast<const uint64_t*>(p)));
  *a = lo;
  *b = hi;
}
// Lane-wise 16-bit add (wrapping per lane).
inline uint32_t Sadd16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("sadd16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Saturating 32-bit add.
inline int32_t Qadd(int32_t a, int32_t b) {
  int32_t r;
  __asm__("qadd %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Clamp to a signed 8-bit value.
inline int32_t Ssat8(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(x));
  return r;
}
// offset + bytes 0 and 2 sign-extended, per halfword lane (wrapping).
inline uint32_t Sxtab16(uint32_t offset, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(offset), "r"(x));
  return r;
}
// offset + bytes 1 and 3 sign-extended, per halfword lane (wrapping).
inline uint32_t Sxtab16Ror8(uint32_t offset, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(offset), "r"(x));
  return r;
}
// Clamp (x >> 1) (arithmetic) to a signed 8-bit value: SSAT with its shift.
inline int32_t Ssat8Asr1(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #8, %1, asr #1" : "=r"(r) : "r"(x));
  return r;
}
// Arithmetic right shift by the low byte of s (0..31 here), as ASR by register.
inline int32_t AsrReg(int32_t x, uint32_t s) {
  int32_t r;
  __asm__("asr %0, %1, %2" : "=r"(r) : "r"(x), "r"(s));
  return r;
}
// acc + the rounded high word of a * b: (acc * 2^32 + a * b + 2^31) >> 32.
inline int32_t Smmlar(int32_t a, int32_t b, int32_t acc) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
// Left shift by the low byte of s (0..31 here), as LSL by register.
inline int32_t LslReg(int32_t x, uint32_t s) {
  int32_t r;
  __asm__("lsl %0, %1, %2" : "=r"(r) : "r"(x), "r"(s));
  return r;
}
inline int32_t Smulbb(uint32_t a, uint32_t b) {
  int32_t r;
  __asm__("smulbb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
inline int32_t Smultt(uint32_t a, uint32_t b) {
  int32_t r;
  __asm__("smultt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// hi(a)*lo(b).
inline int32_t Smultb(uint32_t a, uint32_t b) {
  int32_t r;
  __asm__("smultb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Clamp (x >> kShift) (arithmetic) to a signed 16-bit value: SSAT with its shift.
template <int kShift>
inline int32_t Ssat16Asr(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #16, %1, asr %2" : "=r"(r) : "r"(x), "I"(kShift));
  return r;
}
// |lo(x)|, |hi(x)| per lane (SSUB16 from 0, then SEL on its GE flags, in
// one asm so nothing can come between); -32768 stays 0x8000.
inline uint32_t Abs16(uint32_t x) {
  uint32_t r;
  __asm__("ssub16 %0, %1, %2\n\tsel %0, %0, %2" : "=&r"(r) : "r"(0u), "r"(x) : "cc");
  return r;
}
// acc + lo(a)*lo(b) - hi(a)*hi(b), wrapping: a complex product's real part.
inline int32_t Smlsd(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlsd %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
// acc + lo(a)*hi(b) + hi(a)*lo(b), wrapping: a complex product's imaginary part.
inline int32_t Smladx(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smladx %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
// lo(a)*lo(b) + hi(a)*hi(b), wrapping (2 * (-32768)^2 becomes 0x80000000).
inline uint32_t Smuad(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("smuad %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Lane-wise 16-bit subtract (wrapping per lane).
inline uint32_t Ssub16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// (lo(a) - hi(b), hi(a) + lo(b)), wrapping per lane: a - i*b for complex lanes (re, im).
inline uint32_t Sasx(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("sasx %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// (lo(a) + hi(b), hi(a) - lo(b)), wrapping per lane: a + i*b for complex lanes (re, im).
inline uint32_t Ssax(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssax %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Lane-wise (a + b) >> 1 on the exact 17-bit sum (arithmetic shift).
inline uint32_t Shadd16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("shadd16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// Lane-wise (a - b) >> 1 on the exact 17-bit difference (arithmetic shift).
inline uint32_t Shsub16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("shsub16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// lo(a) in lo, hi(b) in hi.
inline uint32_t PackLoHi(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
// hi(a) in hi, bits 15..30 of b (lo(b >> 15)) in lo.
inline uint32_t PackHiLoAsr15(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #15" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

#else  // Portable emulation with identical results.

inline int32_t Lo16(uint32_t x) { return static_cast<int16_t>(static_cast<uint16_t>(x)); }
inline int32_t Hi16(uint32_t x) { return static_cast<int16_t>(static_cast<uint16_t>(x >> 16)); }
inline uint32_t Halves(int32_t lo, int32_t hi) {
  return (static_cast<uint32_t>(lo) & 0xffffu) | (static_cast<uint32_t>(hi) << 16);
}

inline uint32_t Sxtb16(uint32_t x) {
  return Halves(static_cast<int8_t>(static_cast<uint8_t>(x)), static_cast<int8_t>(static_cast<uint8_t>(x >> 16)));
}
inline uint32_t Sxtb16Ror8(uint32_t x) { return Sxtb16((x >> 8) | (x << 24)); }
inline int32_t Smlad(uint32_t a, uint32_t b, int32_t acc) {
  const uint32_t sum = static_cast<uint32_t>(acc) + static_cast<uint32_t>(Lo16(a) * Lo16(b)) +
                       static_cast<uint32_t>(Hi16(a) * Hi16(b));
  return static_cast<int32_t>(sum);
}
inline int32_t Smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(Lo16(a) * Lo16(b)));
}
inline int32_t Smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(Lo16(a) * Hi16(b)));
}
inline int32_t Smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(Hi16(a) * Hi16(b)));
}
inline int32_t Smmulr(int32_t a, int32_t b) {
  const int64_t p = static_cast<int64_t>(a) * b + (static_cast<int64_t>(1) << 31);
  // Arithmetic shift of a negative int64 is implementation-defined before
  // C++20; dividing by 2^32 after biasing keeps it a floor.
  return static_cast<int32_t>(static_cast<uint64_t>(p) >> 32);
}
inline uint32_t PackLoLo(uint32_t a, uint32_t b) { return (a & 0xffffu) | (b << 16); }
inline void Load2Advance(const uint32_t*& p, uint32_t* a, uint32_t* b) {
  *a = p[0];
  *b = p[1];
  p += 2;
}
inline uint32_t Sadd16(uint32_t a, uint32_t b) { return Halves(Lo16(a) + Lo16(b), Hi16(a) + Hi16(b)); }
inline int32_t Qadd(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) + b;
  return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : static_cast<int32_t>(s));
}
inline int32_t Ssat8(int32_t x) { return x > 127 ? 127 : (x < -128 ? -128 : x); }

inline uint32_t Sxtab16(uint32_t offset, uint32_t x) {
  return Halves(Lo16(offset) + static_cast<int8_t>(static_cast<uint8_t>(x)),
                Hi16(offset) + static_cast<int8_t>(static_cast<uint8_t>(x >> 16)));
}
inline uint32_t Sxtab16Ror8(uint32_t offset, uint32_t x) { return Sxtab16(offset, (x >> 8) | (x << 24)); }
inline int32_t Ssat8Asr1(int32_t x) { return Ssat8(x >> 1); }
inline int32_t AsrReg(int32_t x, uint32_t s) { return x >> (s & 0xffu); }

inline int32_t Smmlar(int32_t a, int32_t b, int32_t acc) {
  const int64_t p = static_cast<int64_t>(a) * b + (static_cast<int64_t>(1) << 31);
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(static_cast<uint64_t>(p) >> 32));
}
inline int32_t LslReg(int32_t x, uint32_t s) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << (s & 0xffu));
}
inline int32_t Smulbb(uint32_t a, uint32_t b) { return Lo16(a) * Lo16(b); }
inline int32_t Smultt(uint32_t a, uint32_t b) { return Hi16(a) * Hi16(b); }
inline int32_t Smultb(uint32_t a, uint32_t b) { return Hi16(a) * Lo16(b); }
template <int kShift>
inline int32_t Ssat16Asr(int32_t x) {
  const int32_t v = x >> kShift;
  return v > 32767 ? 32767 : (v < -32768 ? -32768 : v);
}
inline uint32_t Abs16(uint32_t x) {
  const int32_t lo = Lo16(x), hi = Hi16(x);
  return Halves(lo < 0 ? -lo : lo, hi < 0 ? -hi : hi);
}
inline int32_t Smlsd(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(Lo16(a) * Lo16(b)) -
                              static_cast<uint32_t>(Hi16(a) * Hi16(b)));
}
inline int32_t Smladx(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(Lo16(a) * Hi16(b)) +
                              static_cast<uint32_t>(Hi16(a) * Lo16(b)));
}
inline uint32_t Smuad(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>(Lo16(a) * Lo16(b)) + static_cast<uint32_t>(Hi16(a) * Hi16(b));
}
inline uint32_t Ssub16(uint32_t a, uint32_t b) { return Halves(Lo16(a) - Lo16(b), Hi16(a) - Hi16(b)); }
inline uint32_t Sasx(uint32_t a, uint32_t b) { return Halves(Lo16(a) - Hi16(b), Hi16(a) + Lo16(b)); }
inline uint32_t Ssax(uint32_t a, uint32_t b) { return Halves(Lo16(a) + Hi16(b), Hi16(a) - Lo16(b)); }
inline uint32_t Shadd16(uint32_t a, uint32_t b) { return Halves((Lo16(a) + Lo16(b)) >> 1, (Hi16(a) + Hi16(b)) >> 1); }
inline uint32_t Shsub16(uint32_t a, uint32_t b) { return Halves((Lo16(a) - Lo16(b)) >> 1, (Hi16(a) - Hi16(b)) >> 1); }
inline uint32_t PackLoHi(uint32_t a, uint32_t b) { return (a & 0xffffu) | (b & 0xffff0000u); }
inline uint32_t PackHiLoAsr15(uint32_t a, uint32_t b) {
  return (a & 0xffff0000u) | ((b >> 15) & 0xffffu);
}

#endif

}  // namespace cortex_m
}  // namespace tinyml

#endif  // TINYML_KERNELS_CORTEX_M_DSP_H_
