// Integer helpers shared by the frontend blocks: bit length and rounded
// integer square roots, with exactly the results TFLite Micro's signal
// library gives (so features match it bit for bit).
#ifndef TINYML_FRONTEND_INT_MATH_H_
#define TINYML_FRONTEND_INT_MATH_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// Number of bits needed to hold x (1 for 1, 32 for 0x80000000). For x == 0
// this returns 32, as TFLM's library does when built with GCC or Clang (the
// reference goldens come from such a build).
uint32_t MostSignificantBit32(uint32_t x);
// As above for 64 bits; 64 for x == 0.
uint32_t MostSignificantBit64(uint64_t x);

// Square root rounded to nearest, saturating at 0xFFFF.
uint16_t Sqrt32(uint32_t x);
// Square root rounded to nearest, saturating at 0xFFFFFFFF. Values below
// 2^32 take the 32-bit path (so the result is at most 0xFFFF there), as the
// reference does.
uint32_t Sqrt64(uint64_t x);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_INT_MATH_H_
