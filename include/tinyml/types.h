// Tensor element types, shapes and quantization views shared by the runtime
// and the kernels.
#ifndef TINYML_TYPES_H_
#define TINYML_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace tinyml {

// Values equal the .tflite schema's TensorType enum.
enum class TensorType : uint8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUInt64 = 12,
  kResource = 13,
  kVariant = 14,
  kUInt32 = 15,
  kUInt16 = 16,
  kInt4 = 17,
};

// "FLOAT32", "INT8", ...; "UNKNOWN" outside the enum.
const char* TensorTypeName(TensorType type);
// Bytes per element, or 0 for types the runtime cannot store as whole
// bytes per element (string, int4...).
size_t TensorTypeBytes(TensorType type);
// Bytes `elements` values of `type` take in a buffer: elements *
// TensorTypeBytes(type), or for int4 (constant weights only) (elements + 1)
// / 2, two values a byte, the first in the low nibble; 0 for types the
// runtime cannot store.
uint64_t TensorDataBytes(TensorType type, uint64_t elements);

// Highest rank any tensor may have. TFLite's broadcasting kernels go to 6.
constexpr int kMaxRank = 6;

// A small, copyable shape. dims[i] >= 0 for i < rank.
struct Shape {
  int32_t rank = 0;
  int32_t dims[kMaxRank] = {};

  int32_t Dim(int i) const { return dims[i]; }
  // Product of all dims (1 for rank 0). Verified models keep this < 2^31.
  int64_t FlatSize() const;
  bool operator==(const Shape& o) const {
    if (rank != o.rank) return false;
    for (int i = 0; i < rank; ++i)
      if (dims[i] != o.dims[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

// Read-only view of a tensor's quantization parameters as stored in the
// model. Values are read with memcpy: the flatbuffer gives no alignment
// guarantee we rely on.
struct QuantView {
  const uint8_t* scales = nullptr;       // count little-endian float32
  const uint8_t* zero_points = nullptr;  // count little-endian int64
  int32_t count = 0;                     // 0 = not quantized
  int32_t zero_point_count = 0;
  int32_t quantized_dimension = 0;

  float scale(int i) const;
  // Missing zero points read as 0 (allowed by the schema for symmetric weights).
  int64_t zero_point(int i) const;
};

}  // namespace tinyml

#endif  // TINYML_TYPES_H_
