// Double-precision logarithm, exponential and the float functions TFLM's
// table generators call (log1pf, powf), for building frontend tables at
// Init() only: no libm, so the tables come out the same on every target.
// Never used per frame.
//
// FloatLog1p and FloatPow return the float nearest to the exact result
// (computed in double, accurate to a few ulp of a double), which is what a
// correctly rounded libm gives; tests check the tables built with them
// equal TFLM's bit for bit.
#ifndef TINYML_FRONTEND_INIT_MATH_H_
#define TINYML_FRONTEND_INIT_MATH_H_

#include <stdint.h>

namespace tinyml {
namespace frontend {

// Natural logarithm, x > 0 and finite (else returns -1e300 for x <= 0).
double InitLog(double x);
// e^x for |x| < 700.
double InitExp(double x);

// Square root, x >= 0.
double InitSqrt(double x);

// log1p(x) rounded to float (x > -1).
float FloatLog1p(float x);
// x^y rounded to float (x > 0).
float FloatPow(float x, float y);

// HTK mel scale as TFLM's FreqToMel computes it, in float:
// 1127 * log1pf(freq / 700).
float FreqToMelF(float freq);

// Round half to even (numpy's round) of a double well inside int32.
int32_t RoundHalfEven(double v);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_INIT_MATH_H_
