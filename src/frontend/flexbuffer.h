// Read-only, bounds-checked view of a FlexBuffers map: the format TFLite
// custom operators use for their options (custom_options in the .tflite).
//
// Only what op options need is supported: a root map whose values are inline
// scalars (int, uint, bool; float for completeness). Every offset, width and
// count is checked against the buffer before it is used, so a hostile model
// gets a clean failure, never an out-of-bounds read. The view borrows the
// bytes (normally the model in flash); they must outlive it.
//
// Format facts (FlexBuffers spec): the last byte is the root slot's byte
// width, the byte before it the root's packed type (type << 2 | log2 of the
// child width); offsets are unsigned and point backwards from the slot that
// holds them. A map is a vector of values (count stored just before it, one
// type byte per value after it) preceded by its keys vector's offset and
// byte width.
#ifndef TINYML_FRONTEND_FLEXBUFFER_H_
#define TINYML_FRONTEND_FLEXBUFFER_H_

#include <stddef.h>
#include <stdint.h>

namespace tinyml {
namespace flex {

// FlexBuffers value types used here (values from the spec).
enum class Type : uint8_t {
  kNull = 0,
  kInt = 1,
  kUInt = 2,
  kFloat = 3,
  kKey = 4,
  kMap = 9,
  kVectorKey = 14,
  kBool = 26,
};

class Map {
 public:
  Map() = default;

  // Views `data` (size bytes) as a FlexBuffers map. Returns false, leaving
  // the view empty, if the root is not a well-formed map. An empty buffer
  // (no options at all) is accepted as an empty map.
  bool Parse(const uint8_t* data, size_t size);

  bool ok() const { return ok_; }
  uint32_t size() const { return count_; }

  // Looks up `key` (NUL-terminated). True if present; *index is its slot.
  bool Find(const char* key, uint32_t* index) const;
  Type type(uint32_t index) const;

  // The value of `key` as an integer: inline int, uint (must fit int64) or
  // bool. False when absent or of another type.
  bool GetInt(const char* key, int64_t* value) const;
  // The value of `key` as a float (inline float, or an integer converted).
  bool GetFloat(const char* key, double* value) const;

  // Key of slot `index` (NUL-terminated inside the buffer), or nullptr.
  const char* key(uint32_t index) const;

 private:
  // Reads an unsigned little-endian value of `width` bytes at `pos`;
  // false if it does not lie inside the buffer.
  bool ReadUInt(size_t pos, uint32_t width, uint64_t* value) const;
  // Follows the offset stored at `slot` (width bytes); false if the target
  // is outside the buffer.
  bool Follow(size_t slot, uint32_t width, size_t* target) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t values_ = 0;      // first value slot
  uint32_t width_ = 0;     // value slot width
  uint32_t count_ = 0;
  size_t types_ = 0;       // first type byte
  size_t keys_ = 0;        // first key slot
  uint32_t key_width_ = 0;
  bool ok_ = false;
};

}  // namespace flex
}  // namespace tinyml

#endif  // TINYML_FRONTEND_FLEXBUFFER_H_
