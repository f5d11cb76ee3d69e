# cmake -DFIRMWARE=... -DEMULATOR="qemu-system-arm ... -kernel" -DSOURCE=repo -DWORK=dir [-DMODEL=flash]
#       -P run_marvin_test.cmake
#
# The bundled wake-word model on the device: models/marvin.tflite (its word,
# labels and threshold from its tinyml-kws metadata) listening to the bundled
# demo recording, models/demo_marvin.flac, decoded to raw PCM here with
# `flac` (scripts/install-deps.sh installs it). The firmware's detections
# must be exactly the lines of tests/device/models/demo_marvin.detections,
# which the host test BundledModelTest.DetectUsesItByDefaultOnTheDemoRecording
# checks against `tinyml detect` on the same recording: the device and the
# host find the same words at the same times with the same scores.
# MODEL=flash: the firmware built with the model compiled in
# (wake_word_m4_flash) must say it reads it from flash and find the same.
find_program(FLAC flac)
if(NOT FLAC)
  message(FATAL_ERROR "the 'flac' program is missing (run scripts/install-deps.sh): it decodes models/demo_marvin.flac")
endif()
file(MAKE_DIRECTORY ${WORK})
set(raw ${WORK}/demo_marvin.raw)
file(REMOVE ${raw})
execute_process(COMMAND ${FLAC} -d -s -f --force-raw-format --endian=little --sign=signed -o ${raw}
                        ${SOURCE}/models/demo_marvin.flac
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "flac could not decode models/demo_marvin.flac: ${err}")
endif()

if(NOT MODEL)
  set(MODEL ${SOURCE}/models/marvin.tflite)
endif()
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
execute_process(COMMAND ${emulator} ${FIRMWARE} -append "${MODEL} ${raw}"
                OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc TIMEOUT 600)
message("firmware output:\n${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "firmware exited with ${rc}")
endif()
if(MODEL STREQUAL "flash" AND NOT out MATCHES "model: [0-9]+ bytes in flash")
  message(FATAL_ERROR "the firmware did not report the compiled-in model in flash")
endif()
# The frontend's per-frame scratch shares the model's arena (it fits in
# what the arena leaves idle between invokes): KwsPipeline's RAM figure.
if(NOT out MATCHES "pipeline: [0-9]+ bytes of RAM besides the arena, the frontend's per-frame scratch in the arena")
  message(FATAL_ERROR "the firmware did not put the frontend's scratch in the model's arena")
endif()
string(REGEX MATCHALL "[0-9]+\\.[0-9][0-9][0-9] [^ \n]+ [0-9]\\.[0-9][0-9][0-9]" found "${out}")
file(STRINGS ${SOURCE}/tests/device/models/demo_marvin.detections expected REGEX "^[0-9]")
if(NOT "${found}" STREQUAL "${expected}")
  message(FATAL_ERROR "detections differ from tests/device/models/demo_marvin.detections\n"
                      "  expected: ${expected}\n  got:      ${found}")
endif()
list(LENGTH found n)
message("PASS: ${n} detections, as expected: ${found}")
