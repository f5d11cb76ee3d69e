#include "tinyml/flatbuffer.h"

namespace tinyml {
namespace {

uint32_t ReadU32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
uint16_t ReadU16(const uint8_t* p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

}  // namespace

FbTable FbTable::At(const uint8_t* base, uint32_t size, uint32_t pos) {
  FbTable t;
  t.base_ = base;
  t.size_ = size;
  t.pos_ = pos;
  if (base == nullptr || pos % 4 != 0 || size < 4 || pos > size - 4) return t;
  int32_t soffset;
  memcpy(&soffset, base + pos, 4);
  const int64_t vtable = static_cast<int64_t>(pos) - soffset;
  if (vtable < 0 || vtable % 2 != 0 || vtable + 4 > static_cast<int64_t>(size)) return t;
  t.vtable_ = static_cast<uint32_t>(vtable);
  t.vtable_bytes_ = ReadU16(base + t.vtable_);
  t.table_bytes_ = ReadU16(base + t.vtable_ + 2);
  if (t.vtable_bytes_ < 4 || t.vtable_bytes_ % 2 != 0 ||
      t.vtable_ + static_cast<uint32_t>(t.vtable_bytes_) > size)
    return t;
  if (t.table_bytes_ < 4 || static_cast<uint64_t>(pos) + t.table_bytes_ > size) return t;
  t.ok_ = true;
  return t;
}

FbTable FbTable::Root(const uint8_t* base, uint32_t size) {
  if (base == nullptr || size < 8) return FbTable();
  return At(base, size, ReadU32(base));
}

uint16_t FbTable::FieldOffset(int field) const {
  if (!ok_ || field < 0) return 0;
  const uint32_t entry = 4 + 2 * static_cast<uint32_t>(field);
  if (entry + 2 > vtable_bytes_) return 0;
  return ReadU16(base_ + vtable_ + entry);
}

bool FbTable::FieldFits(int field, uint32_t width) const {
  const uint16_t off = FieldOffset(field);
  if (off == 0) return true;
  return static_cast<uint32_t>(off) + width <= table_bytes_;
}

uint32_t FbTable::FieldPos(int field, uint32_t width) const {
  const uint16_t off = FieldOffset(field);
  if (off == 0 || static_cast<uint32_t>(off) + width > table_bytes_) return 0;
  return pos_ + off;
}

uint32_t FbTable::Indirect(int field, bool* corrupt) const {
  *corrupt = false;
  if (!Has(field)) return 0;
  const uint32_t p = FieldPos(field, 4);
  if (p == 0) {
    *corrupt = true;
    return 0;
  }
  const uint64_t target = static_cast<uint64_t>(p) + ReadU32(base_ + p);
  if (target + 4 > size_) {
    *corrupt = true;
    return 0;
  }
  return static_cast<uint32_t>(target);
}

FbTable FbTable::Table(int field) const {
  bool corrupt;
  const uint32_t target = Indirect(field, &corrupt);
  if (target == 0) return FbTable();
  return At(base_, size_, target);
}

FbVector FbTable::Vector(int field, uint32_t element_bytes) const {
  FbVector v;
  bool corrupt;
  const uint32_t target = Indirect(field, &corrupt);
  v.present = Has(field);
  if (target == 0) {
    v.ok = !corrupt;
    return v;
  }
  const uint32_t length = ReadU32(base_ + target);
  const uint64_t end = static_cast<uint64_t>(target) + 4 +
                       static_cast<uint64_t>(length) * element_bytes;
  // Vectors are aligned to their length prefix and to their element size.
  const uint32_t align = element_bytes >= 4 ? (element_bytes > 8 ? 8 : element_bytes) : 1;
  if (end > size_ || target % 4 != 0 || (target + 4) % align != 0) {
    v.ok = false;
    return v;
  }
  v.data = base_ + target + 4;
  v.length = length;
  return v;
}

FbString FbTable::String(int field) const {
  FbString s;
  FbVector v = Vector(field, 1);
  s.present = v.present;
  s.ok = v.ok;
  if (!v.ok || v.data == nullptr) return s;
  // A string is a byte vector followed by a NUL.
  if (static_cast<uint64_t>(v.data - base_) + v.length + 1 > size_ || v.data[v.length] != 0) {
    s.ok = false;
    return s;
  }
  s.data = reinterpret_cast<const char*>(v.data);
  s.length = v.length;
  return s;
}

FbTable FbTable::TableAt(const FbVector& v, uint32_t i) const {
  if (v.data == nullptr || i >= v.length) return FbTable();
  const uint32_t p = static_cast<uint32_t>(v.data - base_) + 4 * i;
  const uint64_t target = static_cast<uint64_t>(p) + ReadU32(base_ + p);
  if (target + 4 > size_) return FbTable();
  return At(base_, size_, static_cast<uint32_t>(target));
}

}  // namespace tinyml
