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

// Error strings can be stripped from flash: with TINYML_STRIP_ERROR_STRINGS
// defined every message becomes empty; the Status codes stay.
#ifdef TINYML_STRIP_ERROR_STRINGS
#define TINYML_MSG(text) ""
#else
#define TINYML_MSG(text) text
#endif

#endif  // TINYML_STATUS_H_
