# cmake -DFIRMWARE=... -DEMULATOR="qemu-system-arm ... -kernel" -DSOURCE=repo -DWORK=dir -P run_refusals_test.cmake
#
# The firmware refuses a model whose tinyml-kws metadata it cannot honour,
# with one clear line and exit status 1, before it listens to anything.
# Each case is the bundled model with a few bytes of its metadata changed
# (same length, so the file stays a valid .tflite): another frontend, a word
# that is not one of its labels, three labels for two scores, and no
# metadata at all (then it must be micro_speech's four scores).
find_program(SED sed)
if(NOT SED)
  message(FATAL_ERROR "the 'sed' program is missing")
endif()
file(MAKE_DIRECTORY ${WORK})
set(model ${SOURCE}/models/marvin.tflite)
file(READ ${model} original HEX)
string(FIND "${original}" "74696e796d6c2d6b7773" at)  # "tinyml-kws"
if(at LESS 0)
  message(FATAL_ERROR "models/marvin.tflite has no tinyml-kws metadata")
endif()

separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
set(cases
  "frontend=micro_speech|frontend=micro_speecX|metadata names a frontend other than micro_speech"
  "word=marvin|word=marvix|metadata: the word is not one of the labels"
  "labels=background,marvin|labels=backgrou,d,marvin|the metadata's labels do not match the model's output scores"
  "tinyml-kws word|tinyml-kwX word|no tinyml-kws metadata, and not 4 scores")
set(n 0)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 from)
  list(GET parts 1 to)
  list(GET parts 2 expected)
  set(patched ${WORK}/refuse_${n}.tflite)
  execute_process(COMMAND ${SED} "s/${from}/${to}/" INPUT_FILE ${model} OUTPUT_FILE ${patched} RESULT_VARIABLE rc)
  file(READ ${patched} changed HEX)
  string(LENGTH "${original}" original_length)
  string(LENGTH "${changed}" changed_length)
  if(NOT rc EQUAL 0 OR NOT changed_length EQUAL original_length OR changed STREQUAL original)
    message(FATAL_ERROR "could not make the model for '${to}'")
  endif()
  # The model file stands in for the audio too: the refusal comes first.
  execute_process(COMMAND ${emulator} ${FIRMWARE} -append "${patched} ${model}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc TIMEOUT 120)
  string(STRIP "${out}" out)
  message("${to}: exit ${rc}: ${out}")
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR "'${to}': the firmware exited with ${rc}, not 1")
  endif()
  string(FIND "${out}" "error: model: ${expected}" found)
  if(found LESS 0)
    message(FATAL_ERROR "'${to}': expected 'error: model: ${expected}'")
  endif()
  math(EXPR n "${n} + 1")
endforeach()
message("PASS: ${n} refusals")
