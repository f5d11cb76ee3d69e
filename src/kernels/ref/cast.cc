#include "kernels/ref/cast.h"

#include "kernels/ref/scale_util.h"

namespace tinyml {
namespace ref {
namespace {

bool IsSource(TensorType t) {
  return t == TensorType::kInt8 || t == TensorType::kInt16 || t == TensorType::kInt32 ||
         t == TensorType::kUInt32 || t == TensorType::kFloat32 || t == TensorType::kBool;
}

bool IsTarget(TensorType t) {
  return t == TensorType::kInt8 || t == TensorType::kInt16 || t == TensorType::kInt32 ||
         t == TensorType::kUInt32 || t == TensorType::kFloat32;
}

// Integer targets: take the low bits of a 64-bit value (modular narrowing).
template <typename To>
To FromInt64(int64_t v) {
  return static_cast<To>(static_cast<uint64_t>(v));
}

template <typename T>
struct IsFloat {
  static constexpr bool kValue = false;
};
template <>
struct IsFloat<float> {
  static constexpr bool kValue = true;
};

template <typename To, typename From>
To ConvertOne(From v) {
  if constexpr (IsFloat<To>::kValue) {
    return static_cast<float>(v);
  } else if constexpr (IsFloat<From>::kValue) {
    return FromInt64<To>(TruncateToInt64(v));
  } else {
    return FromInt64<To>(static_cast<int64_t>(v));
  }
}

template <typename From, typename To>
void CastLoop(const From* in, To* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = ConvertOne<To>(in[i]);
}

template <typename From>
void CastFrom(const From* in, TensorType to, void* out, int64_t count) {
  switch (to) {
    case TensorType::kInt8: CastLoop(in, static_cast<int8_t*>(out), count); break;
    case TensorType::kInt16: CastLoop(in, static_cast<int16_t*>(out), count); break;
    case TensorType::kInt32: CastLoop(in, static_cast<int32_t*>(out), count); break;
    case TensorType::kUInt32: CastLoop(in, static_cast<uint32_t*>(out), count); break;
    case TensorType::kFloat32: CastLoop(in, static_cast<float*>(out), count); break;
    default: break;
  }
}

// A bool is stored as one byte; any non-zero byte reads as true.
void CastFromBool(const uint8_t* in, TensorType to, void* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const int8_t v = in[i] != 0 ? 1 : 0;
    switch (to) {
      case TensorType::kInt8: static_cast<int8_t*>(out)[i] = v; break;
      case TensorType::kInt16: static_cast<int16_t*>(out)[i] = v; break;
      case TensorType::kInt32: static_cast<int32_t*>(out)[i] = v; break;
      case TensorType::kUInt32: static_cast<uint32_t*>(out)[i] = static_cast<uint32_t>(v); break;
      case TensorType::kFloat32: static_cast<float*>(out)[i] = v; break;
      default: return;
    }
  }
}

}  // namespace

bool CastSupported(TensorType from, TensorType to) { return IsSource(from) && IsTarget(to); }

void Cast(TensorType from, const void* in, TensorType to, void* out, int64_t count) {
  switch (from) {
    case TensorType::kInt8: CastFrom(static_cast<const int8_t*>(in), to, out, count); break;
    case TensorType::kInt16: CastFrom(static_cast<const int16_t*>(in), to, out, count); break;
    case TensorType::kInt32: CastFrom(static_cast<const int32_t*>(in), to, out, count); break;
    case TensorType::kUInt32: CastFrom(static_cast<const uint32_t*>(in), to, out, count); break;
    case TensorType::kFloat32: CastFrom(static_cast<const float*>(in), to, out, count); break;
    case TensorType::kBool: CastFromBool(static_cast<const uint8_t*>(in), to, out, count); break;
    default: break;
  }
}

}  // namespace ref
}  // namespace tinyml
