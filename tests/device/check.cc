#include "check.h"

#include "semihost.h"

namespace tinyml::device_test {

Tally& GetTally() {
  static Tally tally;
  return tally;
}

void Print(const char* text) { SemihostWrite(text); }
void PrintInt(int64_t value) { SemihostWriteInt(value); }

void ReportFailure(const char* file, int line, const char* expr) {
  ++GetTally().failures;
  Print("FAIL ");
  Print(file);
  Print(":");
  PrintInt(line);
  Print(": ");
  Print(expr);
  Print("\n");
}

void ReportFailureValues(const char* file, int line, const char* expr, int64_t actual, int64_t expected) {
  ++GetTally().failures;
  Print("FAIL ");
  Print(file);
  Print(":");
  PrintInt(line);
  Print(": ");
  Print(expr);
  Print(" (got ");
  PrintInt(actual);
  Print(", want ");
  PrintInt(expected);
  Print(")\n");
}

void ReportSkip(const char* what, const char* why) {
  ++GetTally().skipped;
  Print("SKIP ");
  Print(what);
  Print(": ");
  Print(why);
  Print("\n");
}

void RunGroup(const char* name, void (*group)()) {
  const Tally before = GetTally();
  group();
  const Tally& after = GetTally();
  Print(after.failures == before.failures ? "[  OK  ] " : "[ FAIL ] ");
  Print(name);
  Print(" (");
  PrintInt(after.checks - before.checks);
  Print(" checks, ");
  PrintInt(after.failures - before.failures);
  Print(" failed)\n");
}

}  // namespace tinyml::device_test
