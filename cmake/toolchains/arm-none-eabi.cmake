# Cross toolchain for bare-metal Cortex-M with Debian's arm-none-eabi-gcc 12.
#   cmake --preset cortex-m4        (or -DCMAKE_TOOLCHAIN_FILE=... -DTINYML_CORTEX_M_CPU=m4)
# Picks the CPU flags, the QEMU machine that emulates the core, and the
# memory map of that board (ports/cortex_m/ld/mem_<board>.ld). Tests run in
# qemu-system-arm with semihosting through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
# Compiler checks must not try to link a firmware without our startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "arm-none-eabi-size")
# The LTO-aware archiver (cmake/cortex_m.cmake compiles the libraries -flto):
# gcc-ar/gcc-ranlib index the GIMPLE symbols through GCC's linker plugin.
set(CMAKE_AR arm-none-eabi-gcc-ar CACHE FILEPATH "arm-none-eabi-gcc-ar")
set(CMAKE_RANLIB arm-none-eabi-gcc-ranlib CACHE FILEPATH "arm-none-eabi-gcc-ranlib")

set(TINYML_CORTEX_M_CPU m4 CACHE STRING "Cortex-M core: m4 | m7 | m33 | m55")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TINYML_CORTEX_M_CPU)

if(TINYML_CORTEX_M_CPU STREQUAL "m4")
  set(_tinyml_cpu "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
  set(TINYML_QEMU_MACHINE mps2-an386)
  set(TINYML_BOARD an386)
elseif(TINYML_CORTEX_M_CPU STREQUAL "m7")
  set(_tinyml_cpu "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard")
  set(TINYML_QEMU_MACHINE mps2-an500)
  set(TINYML_BOARD an500)
elseif(TINYML_CORTEX_M_CPU STREQUAL "m33")
  # Not mps2-an521: its boot CPU has no FPU/DSP in QEMU.
  set(_tinyml_cpu "-mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard")
  set(TINYML_QEMU_MACHINE mps2-an505)
  set(TINYML_BOARD an505)
elseif(TINYML_CORTEX_M_CPU STREQUAL "m55")
  set(_tinyml_cpu "-mcpu=cortex-m55 -mfloat-abi=hard")
  set(TINYML_QEMU_MACHINE mps3-an547)
  set(TINYML_BOARD an547)
else()
  message(FATAL_ERROR "TINYML_CORTEX_M_CPU must be m4, m7, m33 or m55 (got '${TINYML_CORTEX_M_CPU}')")
endif()
set(TINYML_CORTEX_M_CPU_FLAGS "-mthumb ${_tinyml_cpu}")

set(CMAKE_C_FLAGS_INIT "${TINYML_CORTEX_M_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT
    "${TINYML_CORTEX_M_CPU_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${TINYML_CORTEX_M_CPU_FLAGS}")
# Our own vector table and Reset_Handler (ports/cortex_m); newlib-nano only
# for memcpy/memset/libm; nosys stubs are overridden by ports/cortex_m/syscalls.c.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections")
set(CMAKE_EXECUTABLE_SUFFIX .elf)

# add_test(COMMAND <firmware>) runs "<emulator> <firmware>.elf <args>": the
# ELF lands after -kernel; test arguments must be QEMU options (use -append).
find_program(TINYML_QEMU_SYSTEM_ARM qemu-system-arm)
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${TINYML_QEMU_SYSTEM_ARM} -M ${TINYML_QEMU_MACHINE} -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native -kernel)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
