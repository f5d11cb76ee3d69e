// Status codes returned by every fallible tinyml call.
//
// Device code never throws and never aborts: a failure is a Status, and the
// object that failed (Model, Interpreter) keeps a one-line message saying what
// was wrong. Host tools turn that into a readable error and a non-zero exit.
#ifndef TINYML_STATUS_H_
#define TINYML_STATUS_H_

#include <stdint.h>

namespace tinyml {

enum class [[nodiscard]] Status : uint8_t {
  kOk = 0,
  kInvalidModel,      // structural problem in the .tflite file
  kUnsupportedOp,     // op not registered, or variant not implemented
  kUnsupportedType,   // tensor type an op does not handle
  kInvalidShape,      // shapes inconsistent for an op
  kInvalidArgument,   // bad argument from the caller
  kArenaTooSmall,     // arena smaller than RequiredArenaBytes()
  kMisaligned,        // model or arena pointer not suitably aligned
  kCapacityExceeded,  // a fixed capacity (resolver, rank, ...) was exceeded
  kNotPrepared,       // Invoke() before a successful Prepare()
  kInternal,
};

// Short stable name, e.g. "InvalidModel".
const char* StatusName(Status status);

inline bool Ok(Status s) { return s == Status::kOk; }

}  // namespace tinyml

// Propagates a non-OK status to the caller.
#define TINYML_RETURN_IF_ERROR(expr)                     \
  do {                                                   \
    const ::tinyml::Status tinyml_status_ = (expr);      \
    if (tinyml_status_ != ::tinyml::Status::kOk) return tinyml_status_; \
  } while (0)

// Error messages. TINYML_ERROR_MESSAGES=0 compiles them out of the runtime
// and the kernels (flash): Model::error() and Interpreter::error() are then
// empty and only the Status codes remain. Default 1. It must be defined the
// same way for the library and the code that includes its headers (the
// Cortex-M build's cmake option TINYML_ERROR_MESSAGES does that); the older
// TINYML_STRIP_ERROR_STRINGS means TINYML_ERROR_MESSAGES=0.
#ifndef TINYML_ERROR_MESSAGES
#ifdef TINYML_STRIP_ERROR_STRINGS
#define TINYML_ERROR_MESSAGES 0
#else
#define TINYML_ERROR_MESSAGES 1
#endif
#endif

#if TINYML_ERROR_MESSAGES
#define TINYML_MSG(text) text
#else
#define TINYML_MSG(text) ""
#endif

#endif  // TINYML_STATUS_H_
