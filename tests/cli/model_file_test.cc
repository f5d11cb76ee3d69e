#include "common/model_file.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "fake_ops.h"
#include "writer/model_builder.h"

namespace tinyml::tools {
namespace {

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/tinyml_model_file_XXXXXX";
    const char* p = mkdtemp(templ);
    EXPECT_NE(p, nullptr);
    path_ = p != nullptr ? p : "/tmp";
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    DIR* d = opendir(path_.c_str());
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    return names;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteRaw(const std::string& path, const std::string& content) { std::ofstream(path, std::ios::binary) << content; }

std::string ReadRaw(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string ProblemOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e.problem();
  }
  return "(no error)";
}

TEST(ReadFileAligned, ReadsAlignedBytes) {
  TempDir dir;
  WriteRaw(dir.File("a.bin"), std::string("\x01\x02\x03\x04\x05", 5));
  const AlignedBuffer b = ReadFileAligned(dir.File("a.bin"));
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 16, 0u);
  EXPECT_EQ(b.data()[4], 5);
}

TEST(ReadFileAligned, ClearErrors) {
  TempDir dir;
  EXPECT_EQ(ProblemOf([&] { ReadFileAligned(dir.File("missing.tflite")); }), "no such file");
  EXPECT_EQ(ProblemOf([&] { ReadFileAligned(dir.path()); }), "is a directory, not a file");
  WriteRaw(dir.File("empty"), "");
  EXPECT_EQ(ProblemOf([&] { ReadFileAligned(dir.File("empty")); }), "file is empty");
  ReadOptions allow;
  allow.allow_empty = true;
  EXPECT_EQ(ReadFileAligned(dir.File("empty"), allow).size(), 0u);
  WriteRaw(dir.File("big"), "0123456789");
  ReadOptions small;
  small.max_bytes = 4;
  EXPECT_EQ(ProblemOf([&] { ReadFileAligned(dir.File("big"), small); }),
            "file is too large (10 bytes; the limit is 4)");
  try {
    ReadFileAligned(dir.File("missing.tflite"));
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), dir.File("missing.tflite") + ": no such file");
  }
}

TEST(WriteFileAtomic, WritesAndReplaces) {
  TempDir dir;
  const std::string out = dir.File("out.bin");
  WriteFileAtomic(out, "hello", 5);
  EXPECT_EQ(ReadRaw(out), "hello");
  WriteFileAtomic(out, "hi", 2);
  EXPECT_EQ(ReadRaw(out), "hi");
  WriteFileAtomic(dir.File("zero.bin"), "", 0);
  EXPECT_EQ(ReadRaw(dir.File("zero.bin")), "");
  EXPECT_EQ(dir.Entries().size(), 2u);  // no temporary files left
}

TEST(WriteFileAtomic, FailsCleanlyOnBadDirectories) {
  TempDir dir;
  WriteRaw(dir.File("plain"), "x");
  EXPECT_NE(ProblemOf([&] { WriteFileAtomic(dir.File("nodir/out.bin"), "abc", 3); }).find("cannot create"),
            std::string::npos);
  EXPECT_NE(ProblemOf([&] { WriteFileAtomic(dir.File("plain/out.bin"), "abc", 3); }).find("not a directory"),
            std::string::npos);
  EXPECT_EQ(ProblemOf([&] { WriteFileAtomic(dir.path(), "abc", 3); }), "is a directory, not a file");
  const std::vector<std::string> entries = dir.Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0], "plain");
}

// A file-size limit makes write() fail like a full disk would.
TEST(WriteFileAtomic, FullDiskLeavesOldFileAndNoTemporary) {
  TempDir dir;
  const std::string out = dir.File("out.bin");
  WriteFileAtomic(out, "old", 3);
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto old_handler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit tiny = saved;
  tiny.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  const std::vector<uint8_t> big(64 * 1024, 0x5a);
  const std::string problem = ProblemOf([&] { WriteFileAtomic(out, big.data(), big.size()); });
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);
  EXPECT_NE(problem.find("write failed"), std::string::npos) << problem;
  EXPECT_EQ(ReadRaw(out), "old");
  EXPECT_EQ(dir.Entries().size(), 1u);
}

TEST(ModelFile, RejectsCorruptModels) {
  TempDir dir;
  WriteRaw(dir.File("junk.tflite"), std::string(64, '\x7f'));
  const std::string problem = ProblemOf([&] { ModelFile::Load(dir.File("junk.tflite")); });
  EXPECT_EQ(problem.rfind("invalid model: ", 0), 0u) << problem;
  EXPECT_EQ(problem.find('\n'), std::string::npos);
}

std::vector<uint8_t> ReshapeModel(int32_t elements) {
  writer::ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, elements}, {}, "in");
  const int mid = b.AddTensor(TensorType::kInt8, {elements}, {}, "mid");
  const int out = b.AddTensor(TensorType::kInt8, {1, elements}, {}, "out");
  writer::ReshapeOptions a;
  a.new_shape = {elements};
  b.AddOperator(BuiltinOp::kReshape, {in}, {mid}, a);
  // A conv stand-in keeps the two buffers apart (it does not alias).
  b.AddOperator(BuiltinOp::kFullyConnected, {mid, -1, -1}, {out}, writer::FullyConnectedOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(ArenaInterpreter, ArenaIsExactlyRequiredBytes) {
  StaticOpResolver<16> resolver;
  fake::AddFakeOps(resolver);
  // Small (fits the first probe) and large (needs the arena to grow).
  for (const int32_t elements : {16, 600 * 1024}) {
    TempDir dir;
    const std::vector<uint8_t> file = ReshapeModel(elements);
    WriteFileAtomic(dir.File("m.tflite"), file.data(), file.size());
    const auto model = ModelFile::Load(dir.File("m.tflite"));
    ArenaInterpreter runner(model->model(), resolver);
    ASSERT_EQ(runner.Prepare(), Status::kOk) << runner.error();
    EXPECT_EQ(runner.arena_bytes(), runner.interpreter().RequiredArenaBytes());
    EXPECT_GE(runner.arena_bytes(), 2u * static_cast<size_t>(elements));
    EXPECT_EQ(runner.interpreter().Invoke(), Status::kOk);
  }
}

}  // namespace
}  // namespace tinyml::tools
