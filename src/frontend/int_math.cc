#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {

uint32_t MostSignificantBit32(uint32_t x) {
  if (x == 0) return 32;
  uint32_t bits = 0;
  while (x != 0) {
    x >>= 1;
    ++bits;
  }
  return bits;
}

uint32_t MostSignificantBit64(uint64_t x) {
  if (x == 0) return 64;
  uint32_t bits = 0;
  while (x != 0) {
    x >>= 1;
    ++bits;
  }
  return bits;
}

// Digit-by-digit (base 4) square root: each step decides one result bit.
// The first bit tried is the highest even-position bit at or below x's top
// bit; the remainder left at the end decides the rounding.
uint16_t Sqrt32(uint32_t x) {
  if (x == 0) return 0;
  const int first = (32 - static_cast<int>(MostSignificantBit32(x))) | 1;
  uint32_t bit = uint32_t{1} << (31 - first);
  int steps = (31 - first) / 2 + 1;
  uint32_t root = 0;
  uint32_t rest = x;
  while (steps-- > 0) {
    if (rest >= root + bit) {
      rest -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  if (rest > root && root != 0xFFFF) ++root;
  return static_cast<uint16_t>(root);
}

uint32_t Sqrt64(uint64_t x) {
  if ((x >> 32) == 0) return Sqrt32(static_cast<uint32_t>(x));
  const int first = (64 - static_cast<int>(MostSignificantBit64(x))) | 1;
  uint64_t bit = uint64_t{1} << (63 - first);
  int steps = (63 - first) / 2 + 1;
  uint64_t root = 0;
  uint64_t rest = x;
  while (steps-- > 0) {
    if (rest >= root + bit) {
      rest -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  if (rest > root && root != 0xFFFFFFFFu) ++root;
  return static_cast<uint32_t>(root);
}

}  // namespace frontend
}  // namespace tinyml
