// One conformance case run on the device (see conformance.cc).
#ifndef TINYML_TESTS_DEVICE_CONFORMANCE_H_
#define TINYML_TESTS_DEVICE_CONFORMANCE_H_

#include <stdint.h>

namespace tinyml::device_test {

// ctest's SKIP_RETURN_CODE for the device tests.
constexpr int kSkipExitCode = 77;

// Returns 0 on a match, 1 on a mismatch or error, kSkipExitCode when files
// are missing or the model uses an op outside the implemented set.
// `int8_only`: register the int8-only variants of the model's all-int8 ops
// (PortAddInt8Kernels) instead of the generic registrations.
int RunConformanceCase(const char* model_path, const char* input_path, const char* output_path, uint32_t stride,
                       bool int8_only = false);

}  // namespace tinyml::device_test

#endif  // TINYML_TESTS_DEVICE_CONFORMANCE_H_
