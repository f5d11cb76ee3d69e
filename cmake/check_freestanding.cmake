# Fails if the device library references symbols that need a heap,
# exceptions, RTTI, thread-safe statics, atexit or stdio.
execute_process(COMMAND ${NM} -u -C ${LIB} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
# Also the un-demangled names, for the C ABI runtime symbols.
execute_process(COMMAND ${NM} -u ${LIB} OUTPUT_VARIABLE raw)
set(forbidden
  "malloc" "calloc" "realloc" "free" "operator new" "operator delete"
  "__cxa_" "_Unwind_" "__gxx_personality" "typeinfo" "printf" "puts" "fwrite" "fputs"
  "std::" "atexit" "__dso_handle" "abort" "exit")
set(bad "")
string(REPLACE "\n" ";" lines "${undefined}\n${raw}")
foreach(line IN LISTS lines)
  foreach(word IN LISTS forbidden)
    string(FIND "${line}" "${word}" pos)
    if(NOT pos EQUAL -1)
      # memcpy/memset/memmove/strlen/memcmp are freestanding.
      list(APPEND bad "${line}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES bad)
# Sanitizer builds add their own runtime symbols; only judge plain names.
list(FILTER bad EXCLUDE REGEX "__asan|__ubsan|__sanitizer")
if(bad)
  string(REPLACE ";" "\n  " shown "${bad}")
  message(FATAL_ERROR "device library is not freestanding; it references:\n  ${shown}")
endif()
# Global constructors would live in .init_array / .ctors sections.
if(OBJDUMP)
  execute_process(COMMAND ${OBJDUMP} -h ${LIB} OUTPUT_VARIABLE sections)
  if(sections MATCHES "\\.init_array|\\.ctors")
    message(FATAL_ERROR "device library has global constructors (.init_array/.ctors sections)")
  endif()
endif()
string(REGEX MATCHALL "[^\n]+" all "${raw}")
list(LENGTH all n)
message(STATUS "freestanding: ${LIB}: ${n} undefined symbol lines, none forbidden")
