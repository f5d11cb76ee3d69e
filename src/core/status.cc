#include "tinyml/status.h"

#include "tinyml/message.h"

namespace tinyml {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk: return "Ok";
    case Status::kInvalidModel: return "InvalidModel";
    case Status::kUnsupportedOp: return "UnsupportedOp";
    case Status::kUnsupportedType: return "UnsupportedType";
    case Status::kInvalidShape: return "InvalidShape";
    case Status::kInvalidArgument: return "InvalidArgument";
    case Status::kArenaTooSmall: return "ArenaTooSmall";
    case Status::kMisaligned: return "Misaligned";
    case Status::kCapacityExceeded: return "CapacityExceeded";
    case Status::kNotPrepared: return "NotPrepared";
    case Status::kInternal: return "Internal";
  }
  return "Unknown";
}

MessageBuilder::MessageBuilder(char* buffer, size_t capacity)
    : buffer_(buffer), capacity_(capacity), length_(0) {
  if (capacity_ > 0) buffer_[0] = '\0';
}

void MessageBuilder::Clear() {
  length_ = 0;
  if (capacity_ > 0) buffer_[0] = '\0';
}

MessageBuilder& MessageBuilder::Add(const char* text) {
  if (capacity_ == 0 || text == nullptr) return *this;
  while (*text != '\0' && length_ + 1 < capacity_) buffer_[length_++] = *text++;
  buffer_[length_] = '\0';
  return *this;
}

MessageBuilder& MessageBuilder::Add(long long value) {
  char digits[24];
  int n = 0;
  // Work on the negative magnitude so INT64_MIN needs no special case.
  long long v = value < 0 ? value : -value;
  do {
    digits[n++] = static_cast<char>('0' - (v % 10));
    v /= 10;
  } while (v != 0);
  char text[26];
  int k = 0;
  if (value < 0) text[k++] = '-';
  while (n > 0) text[k++] = digits[--n];
  text[k] = '\0';
  return Add(text);
}

}  // namespace tinyml
