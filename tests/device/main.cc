// Device test firmware. QEMU passes the command line by semihosting
// (-append "..."; the first word is the firmware's own path):
//   unit SHARED_DIR                               core, planner, frontend table and DSP, interpreter checks
//   conformance MODEL INPUT OUTPUT [STRIDE]       one conformance case
//   conformance_int8 MODEL INPUT OUTPUT [STRIDE]  the same with int8-only registrations
//   kernels GROUP [SEED [CASE]]                   optimized kernels against the reference
//                                                 (cortex_m builds; GROUP: conv, depthwise,
//                                                 fully_connected, pooling, add or all;
//                                                 CASE: only that case index)
// Exit status: 0 pass, 1 fail, 77 skipped (ctest SKIP_RETURN_CODE),
// 98 forbidden libc call, 99 fault.
#include <stdint.h>

#include "check.h"
#include "checks.h"
#if TINYML_DEVICE_KERNEL_BATTERY
#include "kernel_battery.h"
#endif
#include "conformance.h"
#include "semihost.h"

namespace {

constexpr int kMaxWords = 8;

// Splits `line` in place at spaces.
int SplitWords(char* line, char** words) {
  int count = 0;
  char* p = line;
  while (*p != '\0' && count < kMaxWords) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    words[count++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  return count;
}

uint32_t ParseUnsigned(const char* text) {
  uint32_t value = 0;
  for (; *text >= '0' && *text <= '9'; ++text) value = value * 10u + static_cast<uint32_t>(*text - '0');
  return value;
}

bool Equal(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

int Usage() {
  tinyml::device_test::Print(
      "usage (QEMU -append): unit SHARED_DIR | conformance[_int8] MODEL INPUT OUTPUT [STRIDE] | "
      "kernels GROUP [SEED [CASE]]\n");
  return 2;
}

int Summary() {
  using namespace tinyml::device_test;
  const Tally& t = GetTally();
  Print(t.failures == 0 ? "PASSED: " : "FAILED: ");
  PrintInt(t.checks);
  Print(" checks, ");
  PrintInt(t.failures);
  Print(" failed, ");
  PrintInt(t.skipped);
  Print(" skipped\n");
  return t.failures == 0 ? 0 : 1;
}

#if TINYML_DEVICE_KERNEL_BATTERY
// The kernel battery's groups with their random-case counts (chosen so
// each ctest case stays at a few seconds under QEMU; see README.md).
struct BatteryGroup {
  const char* name;
  void (*run)(uint32_t seed, int32_t random_cases);
  int32_t random_cases;
};
constexpr BatteryGroup kBatteryGroups[] = {
    {"conv", tinyml::device_test::KernelBatteryConv, 3000},
    {"depthwise", tinyml::device_test::KernelBatteryDepthwise, 3000},
    {"fully_connected", tinyml::device_test::KernelBatteryFullyConnected, 2000},
    {"pooling", tinyml::device_test::KernelBatteryPooling, 2000},
    {"add", tinyml::device_test::KernelBatteryAdd, 2000},
};
constexpr uint32_t kBatterySeed = 20251126;

int RunBattery(const char* group, uint32_t seed) {
  using namespace tinyml::device_test;
  static const BatteryGroup* current = nullptr;
  static uint32_t current_seed = 0;
  bool found = false;
  Print("kernel battery seed ");
  PrintInt(seed);
  Print("\n");
  for (const BatteryGroup& g : kBatteryGroups) {
    if (!Equal(group, "all") && !Equal(group, g.name)) continue;
    found = true;
    current = &g;
    current_seed = seed;
    RunGroup(g.name, [] { current->run(current_seed, current->random_cases); });
  }
  if (!found) return Usage();
  return Summary();
}
#endif

}  // namespace

int main() {
  using namespace tinyml::device_test;
  static char line[1024];
  char* words[kMaxWords];
  if (SemihostCommandLine(line, sizeof(line)) < 0) return Usage();
  const int n = SplitWords(line, words);
  // words[0] is the firmware path QEMU puts first.
  if (n >= 3 && Equal(words[1], "unit")) {
    RunGroup("fixed_point", FixedPointChecks);
    RunGroup("memory_planner", PlannerChecks);
    RunGroup("frontend_tables", FrontendTableChecks);
    RunGroup("frontend_dsp", FrontendDspChecks);
    static const char* shared_dir = words[2];
    RunGroup("interpreter", [] { InterpreterChecks(shared_dir); });
    return Summary();
  }
  if (n >= 3 && n <= 5 && Equal(words[1], "kernels")) {
#if TINYML_DEVICE_KERNEL_BATTERY
    if (n == 5) tinyml::device_test::battery::SelectCase(static_cast<int32_t>(ParseUnsigned(words[4])));
    return RunBattery(words[2], n >= 4 ? ParseUnsigned(words[3]) : kBatterySeed);
#else
    Print("SKIP kernels: this firmware has the reference kernels only (TINYML_KERNELS=ref)\n");
    return 77;
#endif
  }
  if ((n == 5 || n == 6) && (Equal(words[1], "conformance") || Equal(words[1], "conformance_int8"))) {
    return RunConformanceCase(words[2], words[3], words[4], n == 6 ? ParseUnsigned(words[5]) : 0,
                              Equal(words[1], "conformance_int8"));
  }
  return Usage();
}
