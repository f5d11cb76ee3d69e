// A fixed-capacity, freestanding message builder (no printf, no heap).
#ifndef TINYML_MESSAGE_H_
#define TINYML_MESSAGE_H_

#include <stddef.h>
#include <stdint.h>

namespace tinyml {

// Appends text and integers to a caller-owned char buffer, always keeping it
// NUL-terminated; text beyond the capacity is dropped.
class MessageBuilder {
 public:
  MessageBuilder(char* buffer, size_t capacity);
  MessageBuilder& Add(const char* text);
  MessageBuilder& Add(long long value);
  MessageBuilder& Add(int value) { return Add(static_cast<long long>(value)); }
  MessageBuilder& Add(unsigned value) { return Add(static_cast<long long>(value)); }
  MessageBuilder& Add(long value) { return Add(static_cast<long long>(value)); }
  MessageBuilder& Add(unsigned long value) { return Add(static_cast<long long>(value)); }
  MessageBuilder& Add(unsigned long long value) { return Add(static_cast<long long>(value)); }
  void Clear();
  const char* c_str() const { return buffer_; }
  size_t size() const { return length_; }

 private:
  char* buffer_;
  size_t capacity_;
  size_t length_;
};

}  // namespace tinyml

#endif  // TINYML_MESSAGE_H_
