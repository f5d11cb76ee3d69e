// Host-side file handling shared by the tinyml tools: reading a model into
// an aligned buffer, writing outputs atomically, and preparing an
// interpreter on an arena sized exactly to the model's needs.
//
// Every failure is a FileError whose what() is one line of the form
// "<file>: <problem>", ready to be printed after "tinyml: error: ".
#ifndef TINYML_TOOLS_COMMON_MODEL_FILE_H_
#define TINYML_TOOLS_COMMON_MODEL_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml::tools {

class FileError : public std::runtime_error {
 public:
  FileError(const std::string& file, const std::string& problem)
      : std::runtime_error(file + ": " + problem), file_(file), problem_(problem) {}
  const std::string& file() const { return file_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  std::string problem_;
};

// Heap bytes aligned to 16 (the model and arena alignment tinyml wants).
// A zero-size buffer still has a valid, aligned data() pointer.
class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 16;

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes);
  AlignedBuffer(AlignedBuffer&&) noexcept = default;
  AlignedBuffer& operator=(AlignedBuffer&&) noexcept = default;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

struct ReadOptions {
  size_t max_bytes = Model::kMaxBytes;
  bool allow_empty = false;
};

// Reads a whole regular file. Throws FileError when it is missing,
// unreadable, a directory, empty (unless allowed) or larger than max_bytes.
AlignedBuffer ReadFileAligned(const std::string& path, const ReadOptions& options = {});

// Writes `bytes` to `path` so that readers see either the old file or the
// complete new one: data goes to a temporary file in the same directory
// which is then renamed over `path`. On any failure (missing or unwritable
// directory, full disk, ...) the temporary file is removed, `path` is left
// untouched, and FileError is thrown.
void WriteFileAtomic(const std::string& path, const void* bytes, size_t size);

// A verified .tflite file held in memory.
class ModelFile {
 public:
  // Throws FileError for I/O problems and for models Model::Load() rejects.
  static std::unique_ptr<ModelFile> Load(const std::string& path);

  const std::string& path() const { return path_; }
  const Model& model() const { return model_; }
  size_t file_bytes() const { return bytes_.size(); }
  // The file's bytes (what model() points into).
  const uint8_t* file_data() const { return bytes_.data(); }

 private:
  ModelFile() = default;
  std::string path_;
  AlignedBuffer bytes_;
  Model model_;
};

// An Interpreter that owns its arena. Prepare() finds the exact arena size
// (RequiredArenaBytes) by preparing on a growing arena, then prepares again
// on an arena of exactly that size, so tools run with what a device needs.
class ArenaInterpreter {
 public:
  // `model` and `resolver` must outlive this object.
  ArenaInterpreter(const Model& model, const OpResolver& resolver);
  ArenaInterpreter(const ArenaInterpreter&) = delete;
  ArenaInterpreter& operator=(const ArenaInterpreter&) = delete;

  // kOk, or the interpreter's status with error() set.
  Status Prepare();
  // The interpreter's one-line message after a failed Prepare()/Invoke().
  const char* error() const;

  Interpreter& interpreter() { return *interpreter_; }
  const Interpreter& interpreter() const { return *interpreter_; }
  bool has_interpreter() const { return interpreter_ != nullptr; }
  size_t arena_bytes() const { return arena_.size(); }

 private:
  Status PrepareOn(size_t arena_bytes);

  const Model& model_;
  const OpResolver& resolver_;
  AlignedBuffer arena_;
  std::unique_ptr<Interpreter> interpreter_;
  std::string error_;
};

}  // namespace tinyml::tools

#endif  // TINYML_TOOLS_COMMON_MODEL_FILE_H_
