// A minimal check framework for firmware tests under QEMU (no GoogleTest
// on the device). Checks record failures and keep going; the firmware's
// exit status is the number of failed checks (capped), so ctest sees it.
#ifndef TINYML_TESTS_DEVICE_CHECK_H_
#define TINYML_TESTS_DEVICE_CHECK_H_

#include <stdint.h>

namespace tinyml::device_test {

// Counts of the whole run.
struct Tally {
  int32_t checks = 0;
  int32_t failures = 0;
  int32_t skipped = 0;
};
Tally& GetTally();

// Prints "FAIL file:line: expr" plus the two values when given.
void ReportFailure(const char* file, int line, const char* expr);
void ReportFailureValues(const char* file, int line, const char* expr, int64_t actual, int64_t expected);
// Prints "SKIP <what>: <why>" and counts it.
void ReportSkip(const char* what, const char* why);
// Console output through semihosting.
void Print(const char* text);
void PrintInt(int64_t value);

// Runs one named group of checks and prints its result line.
void RunGroup(const char* name, void (*group)());

}  // namespace tinyml::device_test

#define TINYML_CHECK(cond)                                                        \
  do {                                                                            \
    ++::tinyml::device_test::GetTally().checks;                                   \
    if (!(cond)) ::tinyml::device_test::ReportFailure(__FILE__, __LINE__, #cond); \
  } while (0)

#define TINYML_CHECK_EQ(actual, expected)                                                    \
  do {                                                                                       \
    ++::tinyml::device_test::GetTally().checks;                                              \
    const int64_t tinyml_a_ = static_cast<int64_t>(actual);                                  \
    const int64_t tinyml_e_ = static_cast<int64_t>(expected);                                \
    if (tinyml_a_ != tinyml_e_)                                                              \
      ::tinyml::device_test::ReportFailureValues(__FILE__, __LINE__, #actual " == " #expected, \
                                                 tinyml_a_, tinyml_e_);                      \
  } while (0)

#endif  // TINYML_TESTS_DEVICE_CHECK_H_
