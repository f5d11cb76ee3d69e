// The wake-word metadata line `tinyml train` writes into a model's standard
// `description` string, read without allocation (device code):
//
//   tinyml-kws word=marvin labels=background,marvin threshold=0.6860 frontend=micro_speech
//
// Grammar: whitespace-separated tokens; the first is "tinyml-kws", each
// other is key=value. word, labels (comma-separated) and threshold (decimal
// digits with an optional fraction, 0..1) are required; frontend defaults
// to micro_speech; unknown keys are ignored (later versions may add some);
// a repeated key keeps its last value. Names are non-empty and hold no ',',
// '=', space or control character. Anything else is not this line.
//
// The host tools (tools/common/kws_metadata.h) parse with this function, so
// a firmware and `tinyml detect` read the same model the same way.
#ifndef TINYML_KWS_METADATA_H_
#define TINYML_KWS_METADATA_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/model.h"

namespace tinyml {

// A text span inside the parsed string (not NUL-terminated).
struct KwsName {
  const char* data = nullptr;
  int32_t length = 0;
  bool Equals(const char* text) const;
};

struct KwsMetadataView {
  static constexpr int32_t kMaxLabels = 16;
  KwsName word;
  KwsName labels[kMaxLabels];  // in output order
  int32_t num_labels = 0;
  KwsName threshold_text;     // as written, e.g. "0.6860"
  int32_t threshold_q15 = 0;  // the threshold as a Q15 score, rounded to nearest
  KwsName frontend;           // "micro_speech" when absent
  // Index of `word` among the labels, -1 if it is not one.
  int32_t WordLabel() const;
};

// True for a name the line can hold: non-empty, no ',', '=', space or
// control character.
bool IsKwsPlainName(const char* text, size_t length);

// Parses `length` bytes of `text`; false (and *out unspecified) for anything
// that is not a valid tinyml-kws line, including more than kMaxLabels labels.
bool ParseKwsMetadata(const char* text, size_t length, KwsMetadataView* out);

// The metadata in a loaded model's description; false when it has none.
// The spans point into the model's bytes.
bool ReadKwsMetadata(const Model& model, KwsMetadataView* out);

}  // namespace tinyml

#endif  // TINYML_KWS_METADATA_H_
