// Fixed-point real FFT with exactly the arithmetic of KISS FFT 1.3.0 built
// with FIXED_POINT=16 (kiss_fftr over a mixed-radix kiss_fft), which is what
// TFLite Micro's SignalRfft uses for int16. Reproducing it bit for bit means
// the same factorization (4s first, then 2, 3, 5, other primes), the same
// butterflies with a divide by the radix at every stage (so the output is
// the DFT divided by fft_length), the same Q15 rounding and int16
// wrap-around, and twiddles computed the same way: round(32767 * cos/sin)
// of the same double-precision phases. The sine/cosine here are our own
// (no libm), accurate to about one ulp; tests check the resulting twiddle
// tables equal the ones glibc's cos/sin give.
//
// Memory is caller-owned: a table (twiddles, computed once by Init) and a
// scratch area for each Apply.
#ifndef TINYML_FRONTEND_RFFT_H_
#define TINYML_FRONTEND_RFFT_H_

#include <stddef.h>
#include <stdint.h>

namespace tinyml {
namespace frontend {

struct Complex16 {
  int16_t real;
  int16_t imag;
};

// A prepared real FFT. Points into the table given to Init.
struct RfftS16 {
  static constexpr int kMaxStages = 32;
  int32_t fft_length = 0;  // real input samples (even)
  int32_t half = 0;        // fft_length / 2: the complex FFT size
  int32_t num_stages = 0;
  int32_t radix[kMaxStages] = {};   // stage radix p
  int32_t stride[kMaxStages] = {};  // stage sub-length m (n = p * m)
  const Complex16* twiddles = nullptr;        // half entries
  const Complex16* super_twiddles = nullptr;  // half / 2 entries
};

// Largest fft_length accepted (keeps every index and size in 32 bits).
constexpr int32_t kRfftMaxLength = 1 << 20;

// True for the lengths RfftS16 supports: even, 2 .. kRfftMaxLength.
bool RfftS16LengthSupported(int32_t fft_length);
// Bytes of the table Init fills (twiddles + super twiddles).
size_t RfftS16TableBytes(int32_t fft_length);
// Bytes of scratch one Apply needs: the complex spectrum (fft_length / 2
// values) and, for a length with a prime factor above 5 (or 2), that many
// more.
size_t RfftS16ScratchBytes(int32_t fft_length);

// Prepares `plan` for fft_length, filling `table` (RfftS16TableBytes bytes,
// 4-byte aligned). False if the length is unsupported or the table small.
// The same as RfftS16FillTable then RfftS16Plan.
bool RfftS16Init(int32_t fft_length, void* table, size_t table_bytes, RfftS16* plan);
// Fills `table` (RfftS16TableBytes bytes, 4-byte aligned) with fft_length's
// twiddles and super twiddles. False as RfftS16Init.
bool RfftS16FillTable(int32_t fft_length, void* table, size_t table_bytes);
// Prepares `plan` for fft_length over a table RfftS16FillTable filled, which
// the caller keeps (e.g. constant data in flash). False if the length is
// unsupported or the table null.
bool RfftS16Plan(int32_t fft_length, const void* table, RfftS16* plan);

// input: fft_length int16 samples. output: fft_length / 2 + 1 complex bins
// as interleaved int16 (real, imag), i.e. fft_length + 2 values; it may be
// the input's own buffer (then fft_length + 2 values long): the input is
// read in full before the first output is written. scratch:
// RfftS16ScratchBytes bytes, 4-byte aligned, overlapping neither.
void RfftS16Apply(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch);

// One twiddle as KISS FFT computes it: (floor(0.5 + 32767 cos(phase)),
// floor(0.5 + 32767 sin(phase))). Exposed for tests.
Complex16 RfftTwiddle(double phase);
// Our double-precision sine and cosine (|x| <= 16), exposed for tests.
double FrontendCos(double x);
double FrontendSin(double x);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_RFFT_H_
