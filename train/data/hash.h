// FNV-1a, 64 bit: the training code's one hash for cache keys, run keys,
// checksums and the voice split. Not cryptographic; stable across builds
// and machines (the keys it makes are stored in files).
#ifndef TINYML_TRAIN_DATA_HASH_H_
#define TINYML_TRAIN_DATA_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace tinyml::train {

constexpr uint64_t kFnv1aBasis = 0xCBF29CE484222325ULL;

// Continues the hash `h` over `size` bytes.
inline uint64_t Fnv1a(const void* data, size_t size, uint64_t h = kFnv1aBasis) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 0x100000001B3ULL;
  return h;
}
inline uint64_t Fnv1a(const std::string& s, uint64_t h = kFnv1aBasis) { return Fnv1a(s.data(), s.size(), h); }

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_HASH_H_
