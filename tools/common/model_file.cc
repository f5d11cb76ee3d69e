#include "common/model_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <new>
#include <string>

namespace tinyml::tools {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Closes a descriptor on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Why a directory cannot take new files, or "" if it looks fine.
std::string DirectoryProblem(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    return "output directory '" + dir + "' is not usable: " + ErrnoText(err);
  }
  if (!S_ISDIR(st.st_mode)) return "'" + dir + "' is not a directory";
  return "";
}

}  // namespace

void AlignedBuffer::Free::operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(kAlignment)); }

AlignedBuffer::AlignedBuffer(size_t bytes)
    : data_(static_cast<uint8_t*>(::operator new[](bytes == 0 ? kAlignment : bytes, std::align_val_t(kAlignment)))),
      size_(bytes) {}

AlignedBuffer ReadFileAligned(const std::string& path, const ReadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw FileError(path, "no such file");
    throw FileError(path, "cannot open: " + ErrnoText(err));
  }
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) throw FileError(path, "cannot stat: " + ErrnoText(errno));
  if (S_ISDIR(st.st_mode)) throw FileError(path, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) throw FileError(path, "is not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0 && !options.allow_empty) throw FileError(path, "file is empty");
  if (size > options.max_bytes) {
    throw FileError(path, "file is too large (" + std::to_string(size) + " bytes; the limit is " +
                              std::to_string(options.max_bytes) + ")");
  }
  AlignedBuffer buffer(static_cast<size_t>(size));
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, buffer.data() + done, static_cast<size_t>(size) - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FileError(path, "read failed: " + ErrnoText(errno));
    }
    if (n == 0) throw FileError(path, "file shrank while being read");
    done += static_cast<size_t>(n);
  }
  return buffer;
}

void WriteFileAtomic(const std::string& path, const void* bytes, size_t size) {
  if (path.empty()) throw FileError("(empty path)", "no output file name given");
  struct stat existing;
  if (::stat(path.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode))
    throw FileError(path, "is a directory, not a file");

  const std::string dir = DirectoryOf(path);
  static std::atomic<unsigned> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp =
        dir + "/." + BaseName(path) + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    // 0666 lets the umask decide, as for any newly created file.
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) {
      const int err = errno;
      const std::string why = DirectoryProblem(dir);
      throw FileError(path, "cannot create output file: " + (why.empty() ? ErrnoText(err) : why));
    }
  }
  if (fd < 0) throw FileError(path, "cannot create a temporary file next to it");

  auto fail = [&](const std::string& problem) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw FileError(path, problem);
  };
  const uint8_t* p = static_cast<const uint8_t*>(bytes);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, p + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      fail("write failed after " + std::to_string(done) + " of " + std::to_string(size) + " bytes: " + ErrnoText(err) +
           (err == ENOSPC || err == EFBIG ? " (disk full or file size limit)" : ""));
    }
    done += static_cast<size_t>(n);
  }
  // Some filesystems report a full disk only when the data is flushed.
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) fail("write failed: " + ErrnoText(errno));
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail("write failed: " + ErrnoText(errno));
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot replace the file: " + ErrnoText(errno));
}

std::unique_ptr<ModelFile> ModelFile::Load(const std::string& path) {
  std::unique_ptr<ModelFile> file(new ModelFile());
  file->path_ = path;
  file->bytes_ = ReadFileAligned(path);
  if (file->model_.Load(file->bytes_.data(), file->bytes_.size()) != Status::kOk) {
    std::string why = file->model_.error();
    if (why.empty()) why = "not a valid .tflite model";
    throw FileError(path, "invalid model: " + why);
  }
  return file;
}

ArenaInterpreter::ArenaInterpreter(const Model& model, const OpResolver& resolver)
    : model_(model), resolver_(resolver) {}

const char* ArenaInterpreter::error() const {
  if (!error_.empty()) return error_.c_str();
  return interpreter_ != nullptr ? interpreter_->error() : "";
}

Status ArenaInterpreter::PrepareOn(size_t arena_bytes) {
  interpreter_.reset();
  arena_ = AlignedBuffer(arena_bytes);
  interpreter_ = std::make_unique<Interpreter>(model_, resolver_, arena_.data(), arena_.size());
  return interpreter_->Prepare();
}

Status ArenaInterpreter::Prepare() {
  error_.clear();
  // Start generous: most tiny models fit, so one probing Prepare() suffices.
  size_t size = 256 * 1024;
  constexpr size_t kLimit = size_t{1} << 31;
  Status status = Status::kArenaTooSmall;
  while (true) {
    status = PrepareOn(size);
    if (status != Status::kArenaTooSmall) break;
    const size_t need = interpreter_->RequiredArenaBytes();
    const size_t next = need > size ? need : size * 2;
    if (next > kLimit) {
      error_ = std::string("model needs more than ") + std::to_string(kLimit) + " arena bytes";
      return status;
    }
    size = next;
  }
  if (status != Status::kOk) return status;
  const size_t required = interpreter_->RequiredArenaBytes();
  if (required == size) return status;
  status = PrepareOn(required);
  if (status != Status::kOk) {
    error_ = std::string("Prepare() failed on an arena of exactly RequiredArenaBytes() = ") + std::to_string(required) +
             ": " + interpreter_->error();
    if (status == Status::kOk) status = Status::kInternal;
  }
  return status;
}

}  // namespace tinyml::tools
