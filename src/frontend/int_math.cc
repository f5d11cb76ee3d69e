#include "frontend/int_math.h"

namespace tinyml {
namespace frontend {

// CLZ on every Arm core from v7-M up (GCC calls libgcc's __clzsi2 on v6-M).
uint32_t MostSignificantBit32(uint32_t x) { return x == 0 ? 32 : 32 - static_cast<uint32_t>(__builtin_clz(x)); }

uint32_t MostSignificantBit64(uint64_t x) {
  return x == 0 ? 64 : 64 - static_cast<uint32_t>(__builtin_clzll(x));
}

// floor(sqrt(x)) by Newton's iteration r <- (r + x / r) / 2 in integers,
// which falls strictly from any start at or above floor(sqrt(x)) until it
// reaches it (then the next step does not fall). The start is one step from
// 2^k >= sqrt(x), free because x / 2^k is a shift; it is within 25 % of
// sqrt(x), so about four divisions follow. The same root the reference's
// digit-by-digit loop gives (checked over all 2^32 inputs), in about a third
// of the instructions on the Cortex-M (hardware divide).
uint16_t Sqrt32(uint32_t x) {
  if (x == 0) return 0;
  const uint32_t k = (MostSignificantBit32(x) + 1) / 2;  // 2^k > sqrt(x)
  uint32_t root = ((uint32_t{1} << k) + (x >> k)) / 2;   // < 2^17: no overflow below
  for (;;) {
    const uint32_t next = (root + x / root) / 2;
    if (next >= root) break;
    root = next;
  }
  // Round to nearest (x - root^2 > root means sqrt(x) >= root + 1/2),
  // saturating at 0xFFFF as the reference does.
  if (x - root * root > root && root != 0xFFFF) ++root;
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
