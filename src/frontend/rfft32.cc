#include "frontend/rfft32.h"

#include "frontend/rfft.h"

namespace tinyml {
namespace frontend {
namespace {

constexpr double kPi = 3.141592653589793;
constexpr int kTwiddleBits = 30;
constexpr int64_t kTwiddleHalf = int64_t{1} << (kTwiddleBits - 1);

int32_t RoundQ30(double v) {
  const double s = v * static_cast<double>(int64_t{1} << kTwiddleBits);
  return static_cast<int32_t>(s >= 0 ? s + 0.5 : s - 0.5);
}

uint32_t BitReverse(uint32_t v, int bits) {
  uint32_t r = 0;
  for (int i = 0; i < bits; ++i) {
    r = (r << 1) | (v & 1);
    v >>= 1;
  }
  return r;
}

// (a * w) for complex a and Q30 complex w, rounded, in 64 bits.
inline void MulQ30(int64_t ar, int64_t ai, int64_t wr, int64_t wi, int64_t* re, int64_t* im) {
  *re = (ar * wr - ai * wi + kTwiddleHalf) >> kTwiddleBits;
  *im = (ar * wi + ai * wr + kTwiddleHalf) >> kTwiddleBits;
}

}  // namespace

bool RfftS32LengthSupported(int32_t n) { return n >= 4 && n <= (1 << 16) && (n & (n - 1)) == 0; }

size_t RfftS32TableBytes(int32_t n) { return sizeof(int32_t) * 2 * static_cast<size_t>(n / 2 + 1); }

bool RfftS32Init(int32_t n, void* table, size_t table_bytes, RfftS32* plan) {
  if (!RfftS32LengthSupported(n) || table == nullptr || table_bytes < RfftS32TableBytes(n)) return false;
  int32_t* t = static_cast<int32_t*>(table);
  for (int32_t k = 0; k <= n / 2; ++k) {
    const double phase = 2 * kPi * k / n;
    t[2 * k] = RoundQ30(FrontendCos(phase));
    t[2 * k + 1] = RoundQ30(-FrontendSin(phase));
  }
  int32_t log2_half = 0;
  while ((1 << (log2_half + 1)) < n) ++log2_half;
  plan->fft_length = n;
  plan->log2_half = log2_half;
  plan->twiddles = t;
  return true;
}

void RfftS32Apply(const RfftS32& plan, const int32_t* input, int32_t* z) {
  const int32_t n = plan.fft_length;
  const int32_t m = n / 2;  // complex FFT size: pairs (x[2j], x[2j + 1])
  const int32_t* tw = plan.twiddles;
  for (int32_t j = 0; j < m; ++j) {
    const uint32_t r = BitReverse(static_cast<uint32_t>(j), plan.log2_half);
    z[2 * r] = input[2 * j];
    z[2 * r + 1] = input[2 * j + 1];
  }
  // Radix-2 decimation in time; W_len^j = W_n^(j n / len).
  for (int32_t len = 2; len <= m; len <<= 1) {
    const int32_t half = len / 2;
    const int32_t step = n / len;
    for (int32_t i = 0; i < m; i += len) {
      for (int32_t j = 0; j < half; ++j) {
        int32_t* a = z + 2 * (i + j);
        int32_t* b = z + 2 * (i + j + half);
        int64_t tr, ti;
        MulQ30(b[0], b[1], tw[2 * j * step], tw[2 * j * step + 1], &tr, &ti);
        const int64_t ar = a[0], ai = a[1];
        a[0] = static_cast<int32_t>((ar + tr + 1) >> 1);
        a[1] = static_cast<int32_t>((ai + ti + 1) >> 1);
        b[0] = static_cast<int32_t>((ar - tr + 1) >> 1);
        b[1] = static_cast<int32_t>((ai - ti + 1) >> 1);
      }
    }
  }
  // Real split: X[k] = (E + W_n^k (-i O)) / 4 with E = Z[k] + conj(Z[m-k]),
  // O = Z[k] - conj(Z[m-k]); k and m - k together, in place (Z[m] = Z[0]).
  for (int32_t k = 0; k <= m / 2; ++k) {
    const int32_t k2 = m - k;
    const int64_t fr = z[2 * k], fi = z[2 * k + 1];
    const int64_t gr = z[2 * (k2 % m)], gi = z[2 * (k2 % m) + 1];
    // X[k].
    int64_t er = fr + gr, ei = fi - gi;  // Z[k] + conj(Z[m-k])
    int64_t orr = fr - gr, oi = fi + gi;  // Z[k] - conj(Z[m-k])
    int64_t pr, pi;
    MulQ30(oi, -orr, tw[2 * k], tw[2 * k + 1], &pr, &pi);
    const int32_t xr = static_cast<int32_t>((er + pr + 2) >> 2);
    const int32_t xi = static_cast<int32_t>((ei + pi + 2) >> 2);
    // X[m - k]: the same with the roles of Z[k] and Z[m-k] swapped.
    er = gr + fr;
    ei = gi - fi;
    orr = gr - fr;
    oi = gi + fi;
    MulQ30(oi, -orr, tw[2 * k2], tw[2 * k2 + 1], &pr, &pi);
    z[2 * k2] = static_cast<int32_t>((er + pr + 2) >> 2);
    z[2 * k2 + 1] = static_cast<int32_t>((ei + pi + 2) >> 2);
    z[2 * k] = xr;
    z[2 * k + 1] = xi;
  }
}

}  // namespace frontend
}  // namespace tinyml
