#include "frontend/flexbuffer.h"

#include <string.h>

namespace tinyml {
namespace flex {
namespace {

bool ValidWidth(uint64_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

}  // namespace

bool Map::ReadUInt(size_t pos, uint32_t width, uint64_t* value) const {
  if (pos > size_ || width > size_ - pos) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < width; ++i) v |= static_cast<uint64_t>(data_[pos + i]) << (8 * i);
  *value = v;
  return true;
}

bool Map::Follow(size_t slot, uint32_t width, size_t* target) const {
  uint64_t offset;
  if (!ReadUInt(slot, width, &offset)) return false;
  if (offset > slot) return false;
  *target = slot - static_cast<size_t>(offset);
  return *target < size_;
}

bool Map::Parse(const uint8_t* data, size_t size) {
  *this = Map();
  data_ = data;
  size_ = size;
  if (size == 0) {
    ok_ = true;
    return true;
  }
  if (data == nullptr || size < 3) return false;
  const uint32_t root_width = data[size - 1];
  const uint8_t packed = data[size - 2];
  if (!ValidWidth(root_width) || size < 2u + root_width) return false;
  if (static_cast<Type>(packed >> 2) != Type::kMap) return false;
  const uint32_t width = 1u << (packed & 3);
  const size_t root_slot = size - 2 - root_width;
  size_t map;
  if (!Follow(root_slot, root_width, &map)) return false;
  if (map < 3u * width) return false;
  uint64_t count, key_width;
  if (!ReadUInt(map - width, width, &count)) return false;
  if (!ReadUInt(map - 2 * width, width, &key_width) || !ValidWidth(key_width)) return false;
  // Values, then one type byte per value, all inside the buffer.
  if (count > size || map + count * (width + 1) > size) return false;
  size_t keys;
  if (!Follow(map - 3 * width, width, &keys)) return false;
  uint64_t key_count;
  if (keys < key_width || !ReadUInt(keys - key_width, static_cast<uint32_t>(key_width), &key_count)) return false;
  if (key_count != count || keys + count * key_width > size) return false;

  values_ = map;
  width_ = width;
  count_ = static_cast<uint32_t>(count);
  types_ = map + count * width;
  keys_ = keys;
  key_width_ = static_cast<uint32_t>(key_width);
  ok_ = true;
  return true;
}

const char* Map::key(uint32_t index) const {
  if (!ok_ || index >= count_) return nullptr;
  size_t at;
  if (!Follow(keys_ + static_cast<size_t>(index) * key_width_, key_width_, &at)) return nullptr;
  if (memchr(data_ + at, 0, size_ - at) == nullptr) return nullptr;
  return reinterpret_cast<const char*>(data_ + at);
}

bool Map::Find(const char* name, uint32_t* index) const {
  for (uint32_t i = 0; i < count_; ++i) {
    const char* k = key(i);
    if (k != nullptr && strcmp(k, name) == 0) {
      *index = i;
      return true;
    }
  }
  return false;
}

Type Map::type(uint32_t index) const {
  if (!ok_ || index >= count_) return Type::kNull;
  return static_cast<Type>(data_[types_ + index] >> 2);
}

bool Map::GetInt(const char* name, int64_t* value) const {
  uint32_t i;
  if (!Find(name, &i)) return false;
  uint64_t raw;
  if (!ReadUInt(values_ + static_cast<size_t>(i) * width_, width_, &raw)) return false;
  switch (type(i)) {
    case Type::kInt:
      if (width_ < 8 && (raw >> (8 * width_ - 1)) != 0) raw |= ~uint64_t{0} << (8 * width_);
      *value = static_cast<int64_t>(raw);
      return true;
    case Type::kUInt:
      if (raw > static_cast<uint64_t>(INT64_MAX)) return false;
      *value = static_cast<int64_t>(raw);
      return true;
    case Type::kBool:
      *value = raw != 0 ? 1 : 0;
      return true;
    default:
      return false;
  }
}

bool Map::GetFloat(const char* name, double* value) const {
  uint32_t i;
  if (!Find(name, &i)) return false;
  if (type(i) != Type::kFloat) {
    int64_t v;
    if (!GetInt(name, &v)) return false;
    *value = static_cast<double>(v);
    return true;
  }
  uint64_t raw;
  if (!ReadUInt(values_ + static_cast<size_t>(i) * width_, width_, &raw)) return false;
  if (width_ == 4) {
    const uint32_t bits = static_cast<uint32_t>(raw);
    float f;
    memcpy(&f, &bits, 4);
    *value = f;
    return true;
  }
  if (width_ == 8) {
    memcpy(value, &raw, 8);
    return true;
  }
  return false;
}

}  // namespace flex
}  // namespace tinyml
