// Check groups of the device test firmware (tests/device/main.cc runs them).
#ifndef TINYML_TESTS_DEVICE_CHECKS_H_
#define TINYML_TESTS_DEVICE_CHECKS_H_

#include <stdint.h>

namespace tinyml::device_test {

void FixedPointChecks();
void PlannerChecks();
// FrontendTables::MicroSpeech() against the tables computed on the device.
void FrontendTableChecks();
// The frontend's DSP-instruction paths (RfftS16ApplyDsp, ...) against their
// portable code on random and extreme inputs, byte for byte.
void FrontendDspChecks();
// Load/prepare/invoke behaviour on small shared models; skips, saying so,
// when `shared_dir` has no models.
void InterpreterChecks(const char* shared_dir);

// The kernel battery (kernel_battery.h; TINYML_KERNELS=cortex_m builds
// only): `random_cases` seeded random cases, then the group's edge battery.
void KernelBatteryConv(uint32_t seed, int32_t random_cases);
void KernelBatteryDepthwise(uint32_t seed, int32_t random_cases);
void KernelBatteryFullyConnected(uint32_t seed, int32_t random_cases);
void KernelBatteryPooling(uint32_t seed, int32_t random_cases);
void KernelBatteryAdd(uint32_t seed, int32_t random_cases);

// Deterministic helpers shared by the groups.
uint32_t Mix(uint32_t h, uint32_t v);
uint32_t NextRandom(uint32_t* state);
uint32_t FixedPointIntegerDigest();
uint32_t FixedPointMultiplierDigest();

}  // namespace tinyml::device_test

#endif  // TINYML_TESTS_DEVICE_CHECKS_H_
