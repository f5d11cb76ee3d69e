// The two implementations behind RfftS16Apply (rfft.h), exposed so tests
// can run both on the same input and compare bytes.
//
// RfftS16ApplyPortable (rfft.cc) is the reference arithmetic in plain C++.
// RfftS16ApplyDsp (rfft_dsp.cc) computes the same bytes with the Armv7E-M
// DSP extension: a Complex16 is one 32-bit word, the radix-2 and radix-4
// butterflies and the real split run on packed halfword lanes, and complex
// products use SMLSD / SMLADX, which form the same exact 32-bit sums the
// reference rounds. Without __ARM_FEATURE_DSP it is compiled over the
// portable emulation of kernels/cortex_m/dsp.h (so the host tests it too);
// RfftS16Apply calls it where TINYML_FRONTEND_DSP is 1.
#ifndef TINYML_FRONTEND_RFFT_INTERNAL_H_
#define TINYML_FRONTEND_RFFT_INTERNAL_H_

#include <stdint.h>

#include "frontend/dsp_variants.h"  // TINYML_FRONTEND_DSP
#include "frontend/rfft.h"

namespace tinyml {
namespace frontend {

// Same contract as RfftS16Apply.
void RfftS16ApplyPortable(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch);
void RfftS16ApplyDsp(const RfftS16& plan, const int16_t* input, int16_t* output, void* scratch);

// The reference butterfly of radix p over out[0 .. p * m) (decimation in
// time, twiddle stride fstride); `scratch` holds p values for radices other
// than 2, 3, 4 and 5. For the DSP path's radices 3, 5 and others.
void RfftS16PortableButterfly(const RfftS16& plan, int32_t p, Complex16* out, int32_t fstride, int32_t m,
                              Complex16* scratch);

}  // namespace frontend
}  // namespace tinyml

#endif  // TINYML_FRONTEND_RFFT_INTERNAL_H_
