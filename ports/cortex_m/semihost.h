/* Arm semihosting (the host-side I/O a debugger or QEMU provides through
   `bkpt 0xAB`): console output, host file reads, the command line, and the
   exit status. Freestanding C, usable from C and C++. Requires QEMU's
   -semihosting-config enable=on; without it the first call faults. */
#ifndef TINYML_PORTS_CORTEX_M_SEMIHOST_H_
#define TINYML_PORTS_CORTEX_M_SEMIHOST_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a NUL-terminated string to the host console. */
void SemihostWrite(const char* text);
/* Writes `value` in decimal / as 0x-prefixed hex. */
void SemihostWriteInt(int64_t value);
void SemihostWriteHex(uint32_t value);

/* Opens a host file for binary reading; returns a handle >= 0 or -1. */
int SemihostOpenRead(const char* path);
/* Length of an open file in bytes, or -1. */
long SemihostFileLength(int handle);
/* Reads up to `bytes`; returns the bytes read, or -1. */
long SemihostRead(int handle, void* buffer, size_t bytes);
void SemihostClose(int handle);

/* Copies the command line (QEMU: the -kernel path, then the -append text,
   space separated) into `buffer`, NUL-terminated; returns its length or -1. */
int SemihostCommandLine(char* buffer, size_t capacity);

/* Ends the emulation; `code` becomes QEMU's exit status. */
__attribute__((noreturn)) void SemihostExit(int code);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PORTS_CORTEX_M_SEMIHOST_H_ */
