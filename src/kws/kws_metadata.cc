#include "tinyml/kws_metadata.h"

#include <string.h>

namespace tinyml {
namespace {

constexpr const char kMagic[] = "tinyml-kws";
constexpr const char kDefaultFrontend[] = "micro_speech";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool SpanIs(const char* data, size_t length, const char* text) {
  return strlen(text) == length && memcmp(data, text, length) == 0;
}

KwsName Name(const char* data, size_t length) {
  KwsName n;
  n.data = data;
  n.length = static_cast<int32_t>(length);
  return n;
}

// "D[.D...]" with at most 9 digits on each side, value 0..1, to Q15 rounded
// to nearest. Exact: N / 10^d * 2^15 = N * 2^(15-d) / 5^d for d <= 9 has an
// odd denominator, so it is never halfway between two integers (the host's
// lround(threshold * 32768) gives the same).
bool ParseThreshold(const char* data, size_t length, int32_t* q15) {
  size_t i = 0;
  uint64_t whole = 0;
  size_t whole_digits = 0;
  for (; i < length && data[i] >= '0' && data[i] <= '9'; ++i, ++whole_digits) {
    if (whole_digits == 9) return false;
    whole = whole * 10 + static_cast<uint64_t>(data[i] - '0');
  }
  uint64_t frac = 0, scale = 1;
  size_t frac_digits = 0;
  if (i < length && data[i] == '.') {
    for (++i; i < length && data[i] >= '0' && data[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits == 9) return false;
      frac = frac * 10 + static_cast<uint64_t>(data[i] - '0');
      scale *= 10;
    }
  }
  if (i != length || whole_digits + frac_digits == 0) return false;
  if (whole > 1 || (whole == 1 && frac != 0)) return false;
  const uint64_t numerator = (whole * scale + frac) * 32768u;
  *q15 = static_cast<int32_t>((numerator + scale / 2) / scale);
  return true;
}

}  // namespace

bool IsKwsPlainName(const char* text, size_t length) {
  if (text == nullptr || length == 0) return false;
  for (size_t i = 0; i < length; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == ',' || c == '=' || c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool KwsName::Equals(const char* text) const {
  return data != nullptr && SpanIs(data, static_cast<size_t>(length), text);
}

int32_t KwsMetadataView::WordLabel() const {
  for (int32_t i = 0; i < num_labels; ++i) {
    if (labels[i].length == word.length && memcmp(labels[i].data, word.data, static_cast<size_t>(word.length)) == 0)
      return i;
  }
  return -1;
}

bool ParseKwsMetadata(const char* text, size_t length, KwsMetadataView* out) {
  if (text == nullptr || out == nullptr) return false;
  KwsMetadataView meta;
  meta.frontend = Name(kDefaultFrontend, sizeof(kDefaultFrontend) - 1);
  bool have_word = false, have_labels = false, have_threshold = false, first = true;
  size_t at = 0;
  while (true) {
    while (at < length && IsSpace(text[at])) ++at;
    if (at == length) break;
    const char* token = text + at;
    size_t n = 0;
    while (at + n < length && !IsSpace(text[at + n])) ++n;
    at += n;
    if (first) {
      if (!SpanIs(token, n, kMagic)) return false;
      first = false;
      continue;
    }
    const char* eq = static_cast<const char*>(memchr(token, '=', n));
    if (eq == nullptr) return false;
    const size_t key_length = static_cast<size_t>(eq - token);
    const char* value = eq + 1;
    const size_t value_length = n - key_length - 1;
    if (SpanIs(token, key_length, "word")) {
      if (!IsKwsPlainName(value, value_length)) return false;
      meta.word = Name(value, value_length);
      have_word = true;
    } else if (SpanIs(token, key_length, "labels")) {
      meta.num_labels = 0;
      size_t start = 0;
      for (size_t i = 0; i <= value_length; ++i) {
        if (i < value_length && value[i] != ',') continue;
        if (meta.num_labels == KwsMetadataView::kMaxLabels || !IsKwsPlainName(value + start, i - start)) return false;
        meta.labels[meta.num_labels++] = Name(value + start, i - start);
        start = i + 1;
      }
      have_labels = true;
    } else if (SpanIs(token, key_length, "threshold")) {
      if (!ParseThreshold(value, value_length, &meta.threshold_q15)) return false;
      meta.threshold_text = Name(value, value_length);
      have_threshold = true;
    } else if (SpanIs(token, key_length, "frontend")) {
      if (!IsKwsPlainName(value, value_length)) return false;
      meta.frontend = Name(value, value_length);
    }  // other keys: ignored, for later versions
  }
  if (!have_word || !have_labels || !have_threshold) return false;
  *out = meta;
  return true;
}

bool ReadKwsMetadata(const Model& model, KwsMetadataView* out) {
  if (!model.loaded()) return false;
  const FbString description = model.description();
  if (!description.present || !description.ok) return false;
  return ParseKwsMetadata(description.data, description.length, out);
}

}  // namespace tinyml
