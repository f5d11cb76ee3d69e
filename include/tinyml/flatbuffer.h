// A bounds-checked, zero-copy reader for FlatBuffers tables, as used by the
// .tflite format. Every accessor checks offsets against the buffer, so a
// corrupt file can only produce "absent" or "corrupt" answers, never an
// out-of-bounds read. Scalars are read with memcpy (little-endian targets).
#ifndef TINYML_FLATBUFFER_H_
#define TINYML_FLATBUFFER_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace tinyml {

// A vector field: `length` elements of `element_bytes` each at `data`.
struct FbVector {
  const uint8_t* data = nullptr;
  uint32_t length = 0;
  bool present = false;  // false when the field is absent
  bool ok = true;        // false when the field is present but corrupt

  template <typename T>
  T Get(uint32_t i) const {
    T v;
    memcpy(&v, data + sizeof(T) * i, sizeof(T));
    return v;
  }
};

// A string field (not NUL-terminated in general; length excludes the NUL).
struct FbString {
  const char* data = nullptr;
  uint32_t length = 0;
  bool present = false;
  bool ok = true;
};

class FbTable {
 public:
  FbTable() = default;
  // A table at absolute position `pos`; ok() is false if its header or
  // vtable does not fit in the buffer.
  static FbTable At(const uint8_t* base, uint32_t size, uint32_t pos);
  // The root table of a buffer (the first uoffset).
  static FbTable Root(const uint8_t* base, uint32_t size);

  bool ok() const { return ok_; }
  const uint8_t* base() const { return base_; }
  uint32_t size() const { return size_; }
  uint32_t pos() const { return pos_; }

  // True if the field is stored in this table.
  bool Has(int field) const { return FieldOffset(field) != 0; }
  // False if the field is present but does not fit in the table.
  bool FieldFits(int field, uint32_t width) const;

  template <typename T>
  T Scalar(int field, T default_value) const {
    const uint32_t p = FieldPos(field, sizeof(T));
    if (p == 0) return default_value;
    T v;
    memcpy(&v, base_ + p, sizeof(T));
    return v;
  }
  // Nested table; !ok() when absent or corrupt (see Has()).
  FbTable Table(int field) const;
  FbVector Vector(int field, uint32_t element_bytes) const;
  FbString String(int field) const;
  // Element i of a vector of tables.
  FbTable TableAt(const FbVector& v, uint32_t i) const;

 private:
  uint16_t FieldOffset(int field) const;
  // Absolute position of a field of `width` bytes, 0 if absent or not fitting.
  uint32_t FieldPos(int field, uint32_t width) const;
  // Follows the uoffset stored at field; 0 if absent/corrupt.
  uint32_t Indirect(int field, bool* corrupt) const;

  const uint8_t* base_ = nullptr;
  uint32_t size_ = 0;
  uint32_t pos_ = 0;
  uint32_t vtable_ = 0;
  uint16_t vtable_bytes_ = 0;
  uint16_t table_bytes_ = 0;
  bool ok_ = false;
};

}  // namespace tinyml

#endif  // TINYML_FLATBUFFER_H_
