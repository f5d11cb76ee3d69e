#include "port.h"

#include "semihost.h"

#ifndef TINYML_PORT_POOL_BYTES
#define TINYML_PORT_POOL_BYTES (3u << 20)
#endif

extern uint32_t __stack_limit__, __stack_top__;

static uint8_t g_pool[TINYML_PORT_POOL_BYTES] __attribute__((section(".bigram"), aligned(16)));
static size_t g_pool_used;

void* PortPoolAlloc(size_t bytes, size_t alignment) {
  const size_t start = (g_pool_used + alignment - 1u) & ~(alignment - 1u);
  if (start > sizeof(g_pool) || bytes > sizeof(g_pool) - start) return NULL;
  g_pool_used = start + bytes;
  return &g_pool[start];
}

size_t PortPoolFree(void) { return sizeof(g_pool) - g_pool_used; }

void PortPoolReset(void) { g_pool_used = 0; }

size_t PortPoolMark(void) { return g_pool_used; }

void PortPoolRewind(size_t mark) {
  if (mark <= g_pool_used) g_pool_used = mark;
}

uint8_t* PortLoadFile(const char* path, size_t* bytes) {
  const int handle = SemihostOpenRead(path);
  if (handle < 0) {
    SemihostWrite("cannot open ");
    SemihostWrite(path);
    SemihostWrite("\n");
    return NULL;
  }
  const long length = SemihostFileLength(handle);
  uint8_t* data = length >= 0 ? (uint8_t*)PortPoolAlloc((size_t)length + 1u, 16) : NULL;
  if (data == NULL) {
    SemihostWrite("does not fit in the memory pool: ");
    SemihostWrite(path);
    SemihostWrite("\n");
    SemihostClose(handle);
    return NULL;
  }
  const long got = length > 0 ? SemihostRead(handle, data, (size_t)length) : 0;
  SemihostClose(handle);
  if (got != length) {
    SemihostWrite("short read: ");
    SemihostWrite(path);
    SemihostWrite("\n");
    return NULL;
  }
  *bytes = (size_t)length;
  return data;
}

/* A value unlikely to be written by real code; checked word by word. */
static const uint32_t kStackPattern = 0xA5C3A5C3u;

/* The compiler may read SP before this function's own prologue pushes
   (shrink-wrapping), so painting stops a margin below the SP it saw. Any
   deeper use by later calls is still seen; the margin only makes the mark
   conservative when nothing goes deeper than it. */
enum { kPaintMarginBytes = 64 };

__attribute__((noinline)) void PortStackPaint(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  volatile uint32_t* const stop = (volatile uint32_t*)(sp - kPaintMarginBytes);
  for (volatile uint32_t* p = &__stack_limit__; p < stop; ++p) *p = kStackPattern;
}

uint32_t PortStackHighWater(void) {
  const uint32_t* p = &__stack_limit__;
  while (p < &__stack_top__ && *p == kStackPattern) ++p;
  return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)p);
}

uint32_t PortStackSize(void) { return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)&__stack_limit__); }
