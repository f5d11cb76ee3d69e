#include "common/kws_metadata.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "tinyml/flatbuffer.h"

namespace tinyml::tools {
namespace {

constexpr const char* kMagic = "tinyml-kws";
constexpr int kModelDescriptionField = 3;  // Model.description in schema.fbs

bool IsPlainName(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '=' || c == '\t' || c == '\n' || static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) parts.push_back(item);
  if (!s.empty() && s.back() == sep) parts.emplace_back();
  return parts;
}

}  // namespace

std::string FormatKwsMetadata(const KwsMetadata& meta) {
  if (!IsPlainName(meta.word)) throw std::invalid_argument("wake word '" + meta.word + "' is not a plain name");
  if (meta.labels.empty()) throw std::invalid_argument("no labels");
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
  std::istringstream in(description);
  std::string token;
  if (!(in >> token) || token != kMagic) return std::nullopt;
  KwsMetadata meta;
  bool have_word = false, have_labels = false, have_threshold = false;
  while (in >> token) {
    const size_t eq = token.find('=');
    if (eq == std::string::npos) return std::nullopt;
    const std::string key = token.substr(0, eq), value = token.substr(eq + 1);
    if (key == "word") {
      if (!IsPlainName(value)) return std::nullopt;
      meta.word = value;
      have_word = true;
    } else if (key == "labels") {
      meta.labels = Split(value, ',');
      for (const std::string& l : meta.labels) {
        if (!IsPlainName(l)) return std::nullopt;
      }
      have_labels = !meta.labels.empty();
    } else if (key == "threshold") {
      char* end = nullptr;
      meta.threshold = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(meta.threshold >= 0.0 && meta.threshold <= 1.0)) return std::nullopt;
      have_threshold = true;
    } else if (key == "frontend") {
      if (!IsPlainName(value)) return std::nullopt;
      meta.frontend = value;
    }  // unknown keys: ignored, for later versions
  }
  if (!have_word || !have_labels || !have_threshold) return std::nullopt;
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
