// Small helpers shared by the test suites (host only).
#ifndef TINYML_TESTS_SUPPORT_TEST_UTIL_H_
#define TINYML_TESTS_SUPPORT_TEST_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace tinyml::testing {

// A byte buffer whose data() is 16-byte aligned (models and arenas need it).
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) { Resize(bytes); }
  void Resize(size_t bytes) {
    storage_.assign(bytes + 16, 0);
    const uintptr_t p = reinterpret_cast<uintptr_t>(storage_.data());
    offset_ = static_cast<size_t>((16 - p % 16) % 16);
    size_ = bytes;
  }
  uint8_t* data() { return storage_.data() + offset_; }
  const uint8_t* data() const { return storage_.data() + offset_; }
  size_t size() const { return size_; }

 private:
  std::vector<uint8_t> storage_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

inline bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

inline bool ReadFileAligned(const std::string& path, AlignedBuffer* out) {
  std::vector<uint8_t> bytes;
  if (!ReadFile(path, &bytes)) return false;
  out->Resize(bytes.size());
  if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  return true;
}

inline AlignedBuffer CopyAligned(const std::vector<uint8_t>& bytes) {
  AlignedBuffer b(bytes.size());
  if (!bytes.empty()) std::memcpy(b.data(), bytes.data(), bytes.size());
  return b;
}

inline std::string SharedDir() {
  if (const char* env = std::getenv("TINYML_SHARED_DIR")) return env;
#ifdef TINYML_SHARED_DIR
  return TINYML_SHARED_DIR;
#else
  return "../shared";
#endif
}

}  // namespace tinyml::testing

#endif  // TINYML_TESTS_SUPPORT_TEST_UTIL_H_
