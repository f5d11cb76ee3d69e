/* Board services for firmware (tests, bench) on the QEMU Cortex-M boards:
   a static memory pool for models and arenas, host file loading, and stack
   painting. Not used by the runtime library itself. */
#ifndef TINYML_PORTS_CORTEX_M_PORT_H_
#define TINYML_PORTS_CORTEX_M_PORT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump allocation from one static pool (section .bigram); `alignment` is a
   power of two. Returns NULL when the pool is exhausted. */
void* PortPoolAlloc(size_t bytes, size_t alignment);
/* Bytes still free, and a way to give everything back. */
size_t PortPoolFree(void);
void PortPoolReset(void);
/* Mark the pool and release everything allocated after the mark. */
size_t PortPoolMark(void);
void PortPoolRewind(size_t mark);

/* Reads a whole host file into the pool (16-byte aligned). Returns NULL
   (and prints why) when it cannot be opened, read, or does not fit. */
uint8_t* PortLoadFile(const char* path, size_t* bytes);

/* Fills the unused part of the stack (below the current stack pointer)
   with a pattern; PortStackHighWater() then gives the deepest stack use
   since the top of the stack, in bytes. */
void PortStackPaint(void);
uint32_t PortStackHighWater(void);
uint32_t PortStackSize(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PORTS_CORTEX_M_PORT_H_ */
