/* newlib's OS hooks. The runtime never needs them: anything that ends up
   here (malloc via _sbrk, printf via _write, abort via _kill, ...) is a
   bug, so each prints which hook was reached and ends the run with
   status 98 instead of failing silently like nosys.specs. */
#include <stddef.h>
#include <stdint.h>

#include "semihost.h"

__attribute__((noreturn)) static void Forbidden(const char* what) {
  SemihostWrite("*** forbidden libc call on device: ");
  SemihostWrite(what);
  SemihostWrite(" (heap, stdio or process functions are not allowed)\n");
  SemihostExit(98);
}

void* _sbrk(ptrdiff_t increment) {
  (void)increment;
  Forbidden("_sbrk (malloc/new)");
}
int _write(int fd, const void* buffer, size_t bytes) {
  (void)fd, (void)buffer, (void)bytes;
  Forbidden("_write (printf/puts)");
}
int _read(int fd, void* buffer, size_t bytes) {
  (void)fd, (void)buffer, (void)bytes;
  Forbidden("_read");
}
int _open(const char* path, int flags, int mode) {
  (void)path, (void)flags, (void)mode;
  Forbidden("_open");
}
int _close(int fd) {
  (void)fd;
  Forbidden("_close");
}
int _lseek(int fd, int offset, int whence) {
  (void)fd, (void)offset, (void)whence;
  Forbidden("_lseek");
}
int _fstat(int fd, void* status) {
  (void)fd, (void)status;
  Forbidden("_fstat");
}
int _isatty(int fd) {
  (void)fd;
  Forbidden("_isatty");
}
int _kill(int pid, int signal) {
  (void)pid, (void)signal;
  Forbidden("_kill (abort/raise)");
}
int _getpid(void) { Forbidden("_getpid"); }
void _exit(int code) {
  (void)code;
  Forbidden("_exit (exit/abort)");
}
/* A pure virtual call means a broken object; never expected. */
void __cxa_pure_virtual(void) { Forbidden("__cxa_pure_virtual"); }
