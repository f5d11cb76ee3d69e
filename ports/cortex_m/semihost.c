#include "semihost.h"

/* Operation numbers from Arm's semihosting specification. */
enum {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite0 = 0x04,
  kSysRead = 0x06,
  kSysFlen = 0x0C,
  kSysExit = 0x18,
  kSysGetCmdline = 0x15,
  kSysExitExtended = 0x20,
};
/* Reason code of a normal application exit (ADP_Stopped_ApplicationExit). */
static const uint32_t kApplicationExit = 0x20026u;
/* SYS_OPEN mode "rb". */
static const uint32_t kModeReadBinary = 1;

static int Call(int op, const void* arg) {
  register int r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void SemihostWrite(const char* text) { Call(kSysWrite0, text); }

void SemihostWriteInt(int64_t value) {
  char digits[24];
  int n = sizeof(digits) - 1;
  digits[n] = '\0';
  /* Negate in unsigned arithmetic so INT64_MIN prints correctly. */
  uint64_t magnitude = value < 0 ? 0u - (uint64_t)value : (uint64_t)value;
  do {
    digits[--n] = (char)('0' + magnitude % 10u);
    magnitude /= 10u;
  } while (magnitude != 0u);
  if (value < 0) digits[--n] = '-';
  SemihostWrite(&digits[n]);
}

void SemihostWriteHex(uint32_t value) {
  char text[11] = "0x";
  for (int i = 0; i < 8; ++i) {
    const uint32_t nibble = (value >> (28 - 4 * i)) & 0xFu;
    text[2 + i] = (char)(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u);
  }
  text[10] = '\0';
  SemihostWrite(text);
}

int SemihostOpenRead(const char* path) {
  size_t length = 0;
  while (path[length] != '\0') ++length;
  const uint32_t block[3] = {(uint32_t)(uintptr_t)path, kModeReadBinary, (uint32_t)length};
  return Call(kSysOpen, block);
}

long SemihostFileLength(int handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  return Call(kSysFlen, block);
}

long SemihostRead(int handle, void* buffer, size_t bytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, (uint32_t)bytes};
  /* SYS_READ returns the number of bytes NOT read. */
  const int left = Call(kSysRead, block);
  if (left < 0 || (size_t)left > bytes) return -1;
  return (long)(bytes - (size_t)left);
}

void SemihostClose(int handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  Call(kSysClose, block);
}

int SemihostCommandLine(char* buffer, size_t capacity) {
  if (capacity == 0) return -1;
  uint32_t block[2] = {(uint32_t)(uintptr_t)buffer, (uint32_t)capacity};
  if (Call(kSysGetCmdline, block) != 0) {
    buffer[0] = '\0';
    return -1;
  }
  const size_t length = block[1] < capacity ? block[1] : capacity - 1;
  buffer[length] = '\0';
  return (int)length;
}

void SemihostExit(int code) {
  /* SYS_EXIT_EXTENDED carries the status on AArch32; plain SYS_EXIT cannot. */
  const uint32_t block[2] = {kApplicationExit, (uint32_t)code};
  Call(kSysExitExtended, block);
  Call(kSysExit, (const void*)(uintptr_t)kApplicationExit);
  for (;;) {
  }
}
