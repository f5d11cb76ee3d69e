# Cortex-M cross build pieces, included by the top-level CMakeLists.txt when
# the arm-none-eabi toolchain file is in use.
option(TINYML_BUILD_DEVICE_TESTS "Build the device tests and run them in QEMU" ON)
set(TINYML_KERNELS ref CACHE STRING "Kernel set for firmware: ref | cortex_m (src/kernels/cortex_m)")
set_property(CACHE TINYML_KERNELS PROPERTY STRINGS ref cortex_m)
# OFF compiles the error messages out of the device library (Status codes
# stay; Model/Interpreter::error() are empty). Users of the library see the
# definition through its interface, so headers agree.
option(TINYML_ERROR_MESSAGES "Error messages in the device library (OFF saves flash)" ON)
if(NOT TINYML_ERROR_MESSAGES)
  target_compile_definitions(tinyml PUBLIC TINYML_ERROR_MESSAGES=0)
endif()

# Link-time optimization (TINYML_LTO): the device library and the size
# libraries are compiled -flto -ffat-lto-objects (the regular code stays in
# the archives for nm and the freestanding check), and every firmware linking
# tinyml links -flto in one partition, so the bench firmware whose
# instructions are counted, the device tests, the example and the size probe
# (tools/cli/bench_cortex_m.cc) are all link-time optimized. GCC keeps each
# function's compile-time optimization level (-O2 compute kernels, -Os glue
# in the size libraries) through the link. Default ON with the optimized
# kernels only: under LTO the reference kernels' code changes too and several
# models ran slower (ref AD +41 %, SWW +9 %, IC +4 %; ports/cortex_m/README.md),
# so the reference build stays as it was.
if(TINYML_KERNELS STREQUAL "cortex_m")
  set(tinyml_lto_default ON)
else()
  set(tinyml_lto_default OFF)
endif()
option(TINYML_LTO "Link-time optimization of the device library and firmware" ${tinyml_lto_default})
set(TINYML_LTO_COMPILE_OPTIONS "")
set(TINYML_LTO_LINK_OPTIONS "")
if(TINYML_LTO)
  set(TINYML_LTO_COMPILE_OPTIONS -flto -ffat-lto-objects)
  set(TINYML_LTO_LINK_OPTIONS -flto -flto-partition=one)
  target_compile_options(tinyml PRIVATE ${TINYML_LTO_COMPILE_OPTIONS})
  target_link_options(tinyml INTERFACE ${TINYML_LTO_LINK_OPTIONS})
endif()

# Optimized kernels: their sources join the device library; firmware adds
# their registrations before the reference ones (ports/cortex_m/kernels.cc).
set(TINYML_EXTRA_KERNEL_SOURCES "")
if(TINYML_KERNELS STREQUAL "cortex_m")
  file(GLOB TINYML_EXTRA_KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/kernels/cortex_m/*.cc
       ${CMAKE_SOURCE_DIR}/src/kernels/cortex_m/ops/*.cc)
  if(NOT TINYML_EXTRA_KERNEL_SOURCES)
    message(FATAL_ERROR "TINYML_KERNELS=cortex_m but src/kernels/cortex_m has no sources")
  endif()
  target_sources(tinyml PRIVATE ${TINYML_EXTRA_KERNEL_SOURCES})
  # Optimization per kernel file, the same in the device library and the -Os
  # size libraries (ports/cortex_m/CMakeLists.txt applies it there too), so
  # the flash the bench reports is that of the code it counts: the compute
  # kernels -O2; the op glue (prepare-time code) and the kernels' rarely
  # run paths (*_cold.cc) -Os.
  set(TINYML_CORTEX_M_O2_OPTIONS -O2 CACHE STRING "Compile options of the optimized compute kernels (list)")
  file(GLOB TINYML_CORTEX_M_O2_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/kernels/cortex_m/*.cc)
  list(FILTER TINYML_CORTEX_M_O2_SOURCES EXCLUDE REGEX "_cold\\.cc$")
  set(TINYML_CORTEX_M_OS_SOURCES ${TINYML_EXTRA_KERNEL_SOURCES})
  list(REMOVE_ITEM TINYML_CORTEX_M_OS_SOURCES ${TINYML_CORTEX_M_O2_SOURCES})
  set_source_files_properties(${TINYML_CORTEX_M_OS_SOURCES} PROPERTIES COMPILE_OPTIONS -Os)
  set_source_files_properties(${TINYML_CORTEX_M_O2_SOURCES} PROPERTIES COMPILE_OPTIONS "${TINYML_CORTEX_M_O2_OPTIONS}")
  # Kernel files kept out of link-time optimization: LTO re-optimizes the
  # depthwise pixel loops (an IPA-SRA clone of DepthwiseConvS8Rest, other
  # register allocation) and made micro_speech 1.5 % slower for 8 B less
  # flash (ports/cortex_m/README.md).
  set(TINYML_CORTEX_M_NO_LTO_SOURCES ${CMAKE_SOURCE_DIR}/src/kernels/cortex_m/depthwise_conv_s8.cc)
  if(TINYML_LTO)
    set_source_files_properties(${TINYML_CORTEX_M_NO_LTO_SOURCES} PROPERTIES
                                COMPILE_OPTIONS "${TINYML_CORTEX_M_O2_OPTIONS};-fno-lto")
  endif()
elseif(NOT TINYML_KERNELS STREQUAL "ref")
  message(FATAL_ERROR "TINYML_KERNELS must be ref or cortex_m")
endif()

set(TINYML_PORT_DIR ${CMAKE_SOURCE_DIR}/ports/cortex_m)
set(TINYML_LINKER_SCRIPTS ${TINYML_PORT_DIR}/ld/mem_${TINYML_BOARD}.ld ${TINYML_PORT_DIR}/ld/sections.ld)

enable_testing()
add_subdirectory(tools/qemu_plugin)
add_subdirectory(ports/cortex_m)

# Freestanding proof on the target archives: the build fails (and a ctest
# test reports) if the runtime references a heap, exceptions, RTTI, stdio
# or exit. Checked on the -O2 library firmware links and on the -Os size libraries.
set(freestanding_stamps "")
foreach(lib tinyml tinyml_size_runtime tinyml_size_kernels tinyml_size_runtime_nomsg tinyml_size_kernels_nomsg)
  set(stamp ${CMAKE_BINARY_DIR}/freestanding_${lib}.stamp)
  set(check_command ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:${lib}> -DNM=${CMAKE_NM} -DOBJDUMP=${CMAKE_OBJDUMP}
                    -P ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.cmake)
  add_custom_command(OUTPUT ${stamp} COMMAND ${check_command} COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
                     DEPENDS ${lib} ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.cmake
                     COMMENT "freestanding check: ${lib} (arm-none-eabi-nm)" VERBATIM)
  list(APPEND freestanding_stamps ${stamp})
  add_test(NAME freestanding_symbols_${lib} COMMAND ${check_command})
endforeach()
add_custom_target(tinyml_freestanding_check ALL DEPENDS ${freestanding_stamps})
# The check must be able to fail on this target too.
add_library(tinyml_freestanding_violations STATIC EXCLUDE_FROM_ALL tests/freestanding/violations.cc)
add_test(NAME freestanding_check_rejects_violations
  COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target tinyml_freestanding_violations)
add_test(NAME freestanding_check_rejects_violations_nm
  COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:tinyml_freestanding_violations> -DNM=${CMAKE_NM}
          -DOBJDUMP=${CMAKE_OBJDUMP} -P ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.cmake)
set_tests_properties(freestanding_check_rejects_violations PROPERTIES FIXTURES_SETUP violations_lib)
set_tests_properties(freestanding_check_rejects_violations_nm PROPERTIES WILL_FAIL TRUE FIXTURES_REQUIRED violations_lib)

if(TINYML_BUILD_DEVICE_TESTS)
  add_subdirectory(tests/device)
endif()

# Example firmware (examples/README.md) and its QEMU test.
if(EXISTS ${CMAKE_SOURCE_DIR}/examples/CMakeLists.txt)
  add_subdirectory(examples)
endif()
