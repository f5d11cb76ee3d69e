// What a wake-word model tells the tools about itself. A .tflite file made
// by `tinyml train` carries, in the model's standard `description` string,
// one line of the form
//
//   tinyml-kws word=marvin labels=background,marvin threshold=0.62 frontend=micro_speech
//
// so `tinyml detect` / `listen` / `eval` know its labels, its tuned
// threshold and its features without extra flags. Other models' descriptions
// simply do not parse as this.
#ifndef TINYML_TOOLS_COMMON_KWS_METADATA_H_
#define TINYML_TOOLS_COMMON_KWS_METADATA_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyml::tools {

struct KwsMetadata {
  std::string word;                 // the wake word, e.g. "marvin"
  std::vector<std::string> labels;  // in output order, e.g. {"background", "marvin"}
  double threshold = 0.5;           // smoothed score that fires, 0..1
  std::string frontend = "micro_speech";
};

// The one-line description string for `meta` (labels and word must be
// non-empty and free of spaces, commas and '=', threshold in 0..1; throws
// std::invalid_argument otherwise).
std::string FormatKwsMetadata(const KwsMetadata& meta);
// Parses a description written by FormatKwsMetadata; nullopt for anything
// else. The grammar is the device's (tinyml/kws_metadata.h, which this calls),
// so a firmware reads a model's metadata exactly as the tools do.
// FormatKwsMetadata refuses more than KwsMetadataView::kMaxLabels labels.
std::optional<KwsMetadata> ParseKwsMetadata(const std::string& description);

// The model's `description` string from .tflite bytes (bounds-checked);
// empty when absent or unreadable.
std::string ReadModelDescription(const uint8_t* data, size_t size);

}  // namespace tinyml::tools

#endif  // TINYML_TOOLS_COMMON_KWS_METADATA_H_
