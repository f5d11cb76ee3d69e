/* Vector table and reset handler for the QEMU MPS2/MPS3 boards. Built with
   -fno-tree-loop-distribute-patterns so the copy loops stay loops (no
   memcpy before .data exists). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t __stack_top__, __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
extern void __libc_init_array(void);
extern int main(void);

void Reset_Handler(void);

/* Any fault ends the run with status 99, so a crash fails its test. */
static void FaultHandler(void) {
  SemihostWrite("*** fault: the firmware crashed (HardFault/MemManage/BusFault/UsageFault)\n");
  SemihostExit(99);
}

/* newlib's __libc_init_array calls these; crti.o is gone with -nostartfiles. */
void _init(void) {}
void _fini(void) {}

typedef void (*Vector)(void);
/* No IRQ entries: nothing here enables an interrupt. */
__attribute__((section(".isr_vector"), used)) const Vector kVectors[16] = {
    (Vector)&__stack_top__, Reset_Handler,
    FaultHandler,  /* NMI */
    FaultHandler,  /* HardFault */
    FaultHandler,  /* MemManage */
    FaultHandler,  /* BusFault */
    FaultHandler,  /* UsageFault */
    FaultHandler,  /* SecureFault (v8-M) */
    0, 0, 0,
    FaultHandler,  /* SVCall */
    FaultHandler,  /* DebugMonitor */
    0,
    FaultHandler,  /* PendSV */
    FaultHandler,  /* SysTick */
};

__attribute__((noreturn)) void Reset_Handler(void) {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  /* With -mfloat-abi=hard the first FP/MVE instruction faults unless CP10/CP11 are enabled. */
  *(volatile uint32_t*)0xE000ED88u |= (0xFu << 20);
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (uint32_t *src = &__data_load__, *dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
  /* Firmware may have C++ static constructors; the runtime library has none. */
  __libc_init_array();
  SemihostExit(main());
}
