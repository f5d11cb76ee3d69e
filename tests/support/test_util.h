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

#include "common/model_file.h"

namespace tinyml::testing {

// A zero-filled byte buffer whose data() is 16-byte aligned (models and
// arenas need it): tools::AlignedBuffer, resizable for tests.
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) { Resize(bytes); }
  void Resize(size_t bytes) {
    buffer_ = tools::AlignedBuffer(bytes);
    if (bytes > 0) std::memset(buffer_.data(), 0, bytes);
  }
  uint8_t* data() { return buffer_.data(); }
  const uint8_t* data() const { return buffer_.data(); }
  size_t size() const { return buffer_.size(); }

 private:
  tools::AlignedBuffer buffer_{0};
};

inline bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

// False (instead of tools::ReadFileAligned's exception) when unreadable.
inline bool ReadFileAligned(const std::string& path, AlignedBuffer* out) {
  try {
    tools::ReadOptions options;
    options.allow_empty = true;
    tools::AlignedBuffer bytes = tools::ReadFileAligned(path, options);
    out->Resize(bytes.size());
    if (bytes.size() > 0) std::memcpy(out->data(), bytes.data(), bytes.size());
    return true;
  } catch (const std::exception&) {
    return false;
  }
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
