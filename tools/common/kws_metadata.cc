#include "common/kws_metadata.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "tinyml/flatbuffer.h"
#include "tinyml/kws_metadata.h"

namespace tinyml::tools {
namespace {

constexpr const char* kMagic = "tinyml-kws";
constexpr int kModelDescriptionField = 3;  // Model.description in schema.fbs

bool IsPlainName(const std::string& s) { return IsKwsPlainName(s.data(), s.size()); }

}  // namespace

std::string FormatKwsMetadata(const KwsMetadata& meta) {
  if (!IsPlainName(meta.word)) throw std::invalid_argument("wake word '" + meta.word + "' is not a plain name");
  if (meta.labels.empty()) throw std::invalid_argument("no labels");
  if (meta.labels.size() > static_cast<size_t>(KwsMetadataView::kMaxLabels))
    throw std::invalid_argument("more than " + std::to_string(KwsMetadataView::kMaxLabels) + " labels");
  std::string labels;
  for (size_t i = 0; i < meta.labels.size(); ++i) {
    if (!IsPlainName(meta.labels[i])) throw std::invalid_argument("label '" + meta.labels[i] + "' is not a plain name");
    labels += (i > 0 ? "," : "") + meta.labels[i];
  }
  if (!(meta.threshold >= 0.0 && meta.threshold <= 1.0)) throw std::invalid_argument("threshold outside 0..1");
  if (!IsPlainName(meta.frontend)) throw std::invalid_argument("frontend '" + meta.frontend + "' is not a plain name");
  char threshold[32];
  std::snprintf(threshold, sizeof(threshold), "%.4f", meta.threshold);
  return std::string(kMagic) + " word=" + meta.word + " labels=" + labels + " threshold=" + threshold +
         " frontend=" + meta.frontend;
}

std::optional<KwsMetadata> ParseKwsMetadata(const std::string& description) {
  // The device parser decides (the same grammar on the device and here).
  KwsMetadataView view;
  if (!tinyml::ParseKwsMetadata(description.data(), description.size(), &view)) return std::nullopt;
  auto text = [](const KwsName& n) { return std::string(n.data, static_cast<size_t>(n.length)); };
  KwsMetadata meta;
  meta.word = text(view.word);
  for (int32_t i = 0; i < view.num_labels; ++i) meta.labels.push_back(text(view.labels[i]));
  meta.threshold = std::strtod(text(view.threshold_text).c_str(), nullptr);
  meta.frontend = text(view.frontend);
  return meta;
}

std::string ReadModelDescription(const uint8_t* data, size_t size) {
  if (data == nullptr || size < 8 || size > 0xFFFFFFFFu) return "";
  const FbTable root = FbTable::Root(data, static_cast<uint32_t>(size));
  if (!root.ok()) return "";
  const FbString s = root.String(kModelDescriptionField);
  if (!s.present || !s.ok) return "";
  return std::string(s.data, s.length);
}

}  // namespace tinyml::tools
