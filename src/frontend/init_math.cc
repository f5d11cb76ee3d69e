#include "frontend/init_math.h"

#include <string.h>

// Table values depend on the last bit of these float expressions; keep each
// operation rounded on its own as the reference's are.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tinyml {
namespace frontend {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

uint64_t Bits(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof(b));
  return b;
}

double FromBits(uint64_t b) {
  double v;
  memcpy(&v, &b, sizeof(v));
  return v;
}

// 2^k for normal exponents.
double Pow2(int k) { return FromBits(static_cast<uint64_t>(k + 1023) << 52); }

}  // namespace

double InitLog(double x) {
  if (!(x > 0)) return -1e300;
  // x = m * 2^e, m in [sqrt(1/2), sqrt(2)).
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range
    x *= 18014398509481984.0;         // 2^54
    e -= 54;
  }
  const uint64_t b = Bits(x);
  e += static_cast<int>((b >> 52) & 0x7ff) - 1023;
  double m = FromBits((b & 0x000fffffffffffffull) | (uint64_t{1023} << 52));
  if (m > 2 * kSqrtHalf) {
    m *= 0.5;
    ++e;
  }
  // ln(m) = 2 atanh(z), z = (m - 1) / (m + 1), |z| < 0.172: the odd series
  // converges by a factor z^2 < 0.03 per term.
  const double z = (m - 1.0) / (m + 1.0);
  const double z2 = z * z;
  double sum = 0;
  for (int k = 27; k >= 3; k -= 2) sum = (sum + 1.0 / k) * z2;
  const double ln_m = 2.0 * z + 2.0 * z * sum;
  return (e * kLn2Hi + ln_m) + e * kLn2Lo;
}

double InitExp(double x) {
  // x = k ln2 + r, |r| <= ln2 / 2; e^r by its Taylor series.
  const double kd = x >= 0 ? static_cast<double>(static_cast<int>(x / 0.6931471805599453 + 0.5))
                           : static_cast<double>(static_cast<int>(x / 0.6931471805599453 - 0.5));
  const int k = static_cast<int>(kd);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  double sum = 1.0;
  for (int n = 22; n >= 1; --n) sum = 1.0 + sum * r / n;
  // Split the scaling so that neither factor overflows.
  const int k1 = k / 2;
  return sum * Pow2(k1) * Pow2(k - k1);
}

double InitSqrt(double x) {
  if (!(x > 0)) return 0;
  // Newton from exp(ln(x) / 2), already within a few ulp; two steps polish.
  double r = InitExp(0.5 * InitLog(x));
  r = 0.5 * (r + x / r);
  return 0.5 * (r + x / r);
}

float FloatLog1p(float x) { return static_cast<float>(InitLog(1.0 + static_cast<double>(x))); }

float FloatPow(float x, float y) {
  return static_cast<float>(InitExp(static_cast<double>(y) * InitLog(static_cast<double>(x))));
}

float FreqToMelF(float freq) { return 1127.0f * FloatLog1p(freq / 700.0f); }

int32_t RoundHalfEven(double v) {
  const double floor_v = v >= 0 ? static_cast<double>(static_cast<int64_t>(v))
                                : -static_cast<double>(static_cast<int64_t>(-v));
  double f = floor_v > v ? floor_v - 1 : floor_v;
  const double diff = v - f;
  if (diff > 0.5 || (diff == 0.5 && (static_cast<int64_t>(f) & 1) != 0)) f += 1;
  return static_cast<int32_t>(f);
}

}  // namespace frontend
}  // namespace tinyml
