# Host tools, model writer, tests and benchmarks.
# Debian ships FlatBuffersConfig.cmake (capitalized), which the default name misses.
find_package(flatbuffers REQUIRED NAMES FlatBuffers flatbuffers)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_package(GTest REQUIRED)
find_package(Threads REQUIRED)

# The .tflite writer: our own schema subset compiled by Debian's flatc.
set(TINYML_SCHEMA ${CMAKE_SOURCE_DIR}/tools/writer/tflite_schema.fbs)
set(TINYML_SCHEMA_HEADER ${CMAKE_BINARY_DIR}/generated/tflite_schema_generated.h)
add_custom_command(
  OUTPUT ${TINYML_SCHEMA_HEADER}
  COMMAND flatbuffers::flatc --cpp --scoped-enums -o ${CMAKE_BINARY_DIR}/generated ${TINYML_SCHEMA}
  DEPENDS ${TINYML_SCHEMA}
  COMMENT "flatc: tflite schema subset")
add_custom_target(tinyml_schema DEPENDS ${TINYML_SCHEMA_HEADER})

file(GLOB TINYML_HOST_SOURCES CONFIGURE_DEPENDS tools/common/*.cc tools/writer/*.cc)
add_library(tinyml_host STATIC ${TINYML_HOST_SOURCES})
add_dependencies(tinyml_host tinyml_schema)
target_include_directories(tinyml_host PUBLIC tools ${CMAKE_SOURCE_DIR}/tests ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(tinyml_host PUBLIC tinyml tinyml_internal flatbuffers::flatbuffers nlohmann_json::nlohmann_json)
# Audio in the host tools: files (libsndfile), resampling (libsamplerate),
# the microphone (ALSA).
find_package(PkgConfig REQUIRED)
pkg_check_modules(TINYML_AUDIO REQUIRED IMPORTED_TARGET sndfile samplerate alsa)
target_link_libraries(tinyml_host PUBLIC PkgConfig::TINYML_AUDIO)

file(GLOB TINYML_CLI_SOURCES CONFIGURE_DEPENDS tools/cli/*.cc)
# Until tools/cli has sources the rest of the host build still configures.
set(TINYML_CLI_ENV "TINYML_CLI=")
if(TINYML_CLI_SOURCES)
  add_executable(tinyml_cli ${TINYML_CLI_SOURCES})
  set_target_properties(tinyml_cli PROPERTIES OUTPUT_NAME tinyml)
  target_link_libraries(tinyml_cli PRIVATE tinyml_host)
  if(TARGET CLI11::CLI11)
    target_link_libraries(tinyml_cli PRIVATE CLI11::CLI11)
  endif()
  set(TINYML_CLI_ENV "TINYML_CLI=$<TARGET_FILE:tinyml_cli>")
endif()

# Writes src/frontend/micro_speech_tables.cc (FrontendTables::MicroSpeech()).
add_executable(tinyml_frontend_tables tools/frontend_tables/main.cc)
set_target_properties(tinyml_frontend_tables PROPERTIES OUTPUT_NAME tinyml-frontend-tables)
target_link_libraries(tinyml_frontend_tables PRIVATE tinyml tinyml_internal)

enable_testing()
include(GoogleTest)
foreach(suite unit kernels conformance)
  file(GLOB suite_sources CONFIGURE_DEPENDS tests/${suite}/*.cc)
  if(suite_sources)
    add_executable(tinyml_${suite}_tests ${suite_sources})
    target_link_libraries(tinyml_${suite}_tests PRIVATE tinyml_host GTest::gtest GTest::gtest_main Threads::Threads)
    target_compile_definitions(tinyml_${suite}_tests PRIVATE
      TINYML_SHARED_DIR="${TINYML_SHARED_DIR}" TINYML_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    gtest_discover_tests(tinyml_${suite}_tests DISCOVERY_TIMEOUT 60)
  endif()
endforeach()

# Freestanding proof: the device library, built as for a firmware (no
# sanitizers, -O2), references no heap, exceptions, RTTI, stdio or exit
# symbols and has no global constructors.
add_library(tinyml_freestanding STATIC EXCLUDE_FROM_ALL ${TINYML_DEVICE_SOURCES})
target_include_directories(tinyml_freestanding PRIVATE include src)
set_target_properties(tinyml_freestanding PROPERTIES COMPILE_OPTIONS
  "-O2;-fno-exceptions;-fno-rtti;-fno-threadsafe-statics;-fno-use-cxa-atexit;-Wall;-Wextra;-Wno-unused-parameter")
add_custom_target(tinyml_freestanding_lib ALL DEPENDS tinyml_freestanding)
add_test(NAME freestanding_symbols
  COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:tinyml_freestanding> -DNM=${CMAKE_NM} -DOBJDUMP=${CMAKE_OBJDUMP}
          -P ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.cmake)
# The check itself must be able to fail.
add_library(tinyml_freestanding_violations STATIC tests/freestanding/violations.cc)
set_target_properties(tinyml_freestanding_violations PROPERTIES COMPILE_OPTIONS "-O2")
add_test(NAME freestanding_check_rejects_violations
  COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:tinyml_freestanding_violations> -DNM=${CMAKE_NM}
          -DOBJDUMP=${CMAKE_OBJDUMP} -P ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.cmake)
set_tests_properties(freestanding_check_rejects_violations PROPERTIES WILL_FAIL TRUE)

if(EXISTS ${CMAKE_SOURCE_DIR}/tests/cli/CMakeLists.txt)
  add_subdirectory(tests/cli)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/tests/fuzz/CMakeLists.txt)
  add_subdirectory(tests/fuzz)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/train/CMakeLists.txt)
  add_subdirectory(train)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/CMakeLists.txt)
  add_subdirectory(bench)
endif()

# Streaming evaluation of wake-word models (needs the training data library
# for its streams; used by `tinyml eval` and the trainer).
if(TARGET tinyml_train_data)
  add_library(tinyml_train_eval STATIC ${CMAKE_SOURCE_DIR}/train/eval/evaluate.cc)
  target_include_directories(tinyml_train_eval PUBLIC ${CMAKE_SOURCE_DIR}/train ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(tinyml_train_eval PUBLIC tinyml_train_data tinyml_host)
endif()
if(TARGET tinyml_train_eval AND TARGET tinyml_cli)
  target_link_libraries(tinyml_cli PRIVATE tinyml_train_eval)
endif()
if(TARGET tinyml_train_eval)
  file(GLOB TINYML_EVAL_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/eval/*.cc)
  if(TINYML_EVAL_TEST_SOURCES)
    add_executable(tinyml_eval_tests ${TINYML_EVAL_TEST_SOURCES})
    target_link_libraries(tinyml_eval_tests PRIVATE tinyml_train_eval GTest::gtest GTest::gtest_main)
    gtest_discover_tests(tinyml_eval_tests DISCOVERY_TIMEOUT 60)
  endif()
endif()
