// 32-bit fixed-point real FFT for the MFCC path. The int16 KISS FFT (rfft.h)
// keeps about 80 dB between a loud tone's peak bin and its rounding floor,
// too little for MFCCs, whose log weighs quiet bands as much as loud ones;
// this one keeps about 160 dB. Radix-2, Q30 twiddles, products in 64 bits,
// a halving per stage (rounded half up) so nothing overflows: the output is
// the DFT divided by fft_length.
#ifndef TINYML_FRONTEND_RFFT32_H_
#define TINYML_FRONTEND_RFFT32_H_

#include <stddef.h>
#include <stdint.h>

namespace tinyml {
namespace frontend {

struct RfftS32 {
  int32_t fft_length = 0;  // power of two, 4 .. 2^16
  int32_t log2_half = 0;   // log2(fft_length / 2)
  const int32_t* twiddles = nullptr;  // (cos, -sin)(2 pi k / fft_length) in Q30, k = 0 .. fft_length / 2
};

bool RfftS32LengthSupported(int32_t fft_length);
size_t RfftS32TableBytes(int32_t fft_length);
// Fills `table` (RfftS32TableBytes, 4-byte aligned). Init time only.
bool RfftS32Init(int32_t fft_length, void* table, size_t table_bytes, RfftS32* plan);

// input: fft_length values with |v| <= 2^30. output: fft_length / 2 + 1
// complex bins, interleaved (re, im): fft_length + 2 values. The buffers
// must not overlap.
void RfftS32Apply(const RfftS32& plan, const int32_t* input, int32_t* output);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_RFFT32_H_
