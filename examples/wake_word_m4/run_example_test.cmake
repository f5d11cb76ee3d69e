# cmake -DFIRMWARE=... -DEMULATOR="qemu-system-arm ... -kernel" -DSHARED=... -DWORK=dir -P run_example_test.cmake
#
# Generates two inputs from ../shared/models/micro_speech and checks the
# firmware's detections on both:
#   clip.raw  raw s16le: silence_1000ms + yes_1000ms + silence_1000ms (3 s);
#             expect exactly one line "T yes S" with 1.0 <= T <= 2.5
#   yes_1000ms.wav (the WAV path): expect one "yes"
set(dir ${SHARED}/models/micro_speech)
foreach(f micro_speech_quantized.tflite silence_1000ms_pcm16.bin yes_1000ms_pcm16.bin yes_1000ms.wav)
  if(NOT EXISTS ${dir}/${f})
    # ctest reports the test as skipped on this line (SKIP_REGULAR_EXPRESSION).
    message(FATAL_ERROR "SKIP: ${dir}/${f} not found (../shared absent): wake-word example not tested")
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK})
set(clip ${WORK}/clip.raw)
execute_process(COMMAND ${CMAKE_COMMAND} -E cat ${dir}/silence_1000ms_pcm16.bin ${dir}/yes_1000ms_pcm16.bin
                        ${dir}/silence_1000ms_pcm16.bin
                OUTPUT_FILE ${clip} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot write ${clip}")
endif()
file(SIZE ${clip} clip_bytes)
if(NOT clip_bytes EQUAL 96000)
  message(FATAL_ERROR "${clip}: ${clip_bytes} bytes, expected 96000 (3 x 1 s of 16 kHz s16le)")
endif()

separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")

function(run_firmware audio out_var)
  execute_process(COMMAND ${emulator} ${FIRMWARE} -append "${dir}/micro_speech_quantized.tflite ${audio}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc TIMEOUT 240)
  message("${audio}:\n${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "firmware exited with ${rc}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Detection lines: "<seconds> <label> <score>".
function(detections text out_var)
  string(REGEX MATCHALL "[0-9]+\\.[0-9][0-9][0-9] [a-z]+ [0-9]\\.[0-9][0-9][0-9]" found "${text}")
  set(${out_var} "${found}" PARENT_SCOPE)
endfunction()

run_firmware(${clip} out)
detections("${out}" found)
list(LENGTH found n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "clip.raw: expected exactly one detection, got ${n}: ${found}")
endif()
string(REPLACE " " ";" fields "${found}")
list(GET fields 0 time_s)
list(GET fields 1 label)
list(GET fields 2 score)
string(REPLACE "." "" time_ms "${time_s}")
math(EXPR time_ms "${time_ms}")
if(NOT label STREQUAL "yes" OR time_ms LESS 1000 OR time_ms GREATER 2500)
  message(FATAL_ERROR "clip.raw: expected 'yes' between 1.0 s and 2.5 s, got '${found}'")
endif()

run_firmware(${dir}/yes_1000ms.wav out)
detections("${out}" found)
if(NOT found MATCHES "^[0-9.]+ yes [0-9.]+$")
  message(FATAL_ERROR "yes_1000ms.wav: expected one 'yes' detection, got '${found}'")
endif()
message("PASS: yes at ${time_s} s (score ${score}) in the generated clip; yes in yes_1000ms.wav")
