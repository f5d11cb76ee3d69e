// The tinyml-train binary's command line: bad input is refused up front
// with one clear line and the right exit code, before any data is made.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct Result {
  int exit_code = -1;
  std::string output;  // stdout + stderr
};

Result RunTrain(const std::string& args) {
  const std::string cmd = std::string(TINYML_TRAIN_PATH) + " " + args + " 2>&1";
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

std::filesystem::path TempDir(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("tinyml_train_cli_" + name + "_" + std::to_string(getpid()));
}

TEST(TrainCli, HelpReadsAsTinymlTrain) {
  const Result r = RunTrain("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("tinyml train"), std::string::npos);
  EXPECT_NE(r.output.find("--size-budget"), std::string::npos);
}

TEST(TrainCli, EmptyWord) {
  const Result r = RunTrain("--word '' --out " + TempDir("empty").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(Lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("--word"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(TempDir("empty")));
}

TEST(TrainCli, UnknownCharacters) {
  const Result r = RunTrain("--word 'marv1n@' --out " + TempDir("chars").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(Lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("error"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(TempDir("chars")));
}

TEST(TrainCli, BudgetTooSmall) {
  const Result r = RunTrain("--word marvin --size-budget 2000 --out " + TempDir("budget").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(Lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("size budget of 2000 bytes"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(TempDir("budget")));
  const Result arena = RunTrain("--word marvin --arena-budget 512 --out " + TempDir("budget").string());
  EXPECT_EQ(arena.exit_code, 2) << arena.output;
  EXPECT_NE(arena.output.find("arena budget of 512 bytes"), std::string::npos) << arena.output;
}

TEST(TrainCli, UnknownArch) {
  const Result r = RunTrain("--word marvin --arch resnet50 --out " + TempDir("arch").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown architecture"), std::string::npos) << r.output;
}

TEST(TrainCli, UnwritableOutputDirectory) {
  // A path below a regular file can never be created, even as root.
  const std::filesystem::path file = TempDir("file");
  { FILE* f = fopen(file.c_str(), "w"); ASSERT_NE(f, nullptr); fclose(f); }
  const Result r = RunTrain("--word marvin --out " + (file / "out").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(Lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("output directory"), std::string::npos) << r.output;
  std::filesystem::remove(file);
}

TEST(TrainCli, UsageErrors) {
  EXPECT_EQ(RunTrain("").exit_code, 2);  // --word is required
  EXPECT_EQ(RunTrain("--word marvin --clips -1").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --val-clips 0").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --bogus").exit_code, 2);
  // Loss and threshold settings out of range.
  EXPECT_EQ(RunTrain("--word marvin --negative-weight 0").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --label-smoothing 0.9").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --target-fa-per-hour -1").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --focal-gamma -1").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --speaker-warp 0.5").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --flite-warp 0.2").exit_code, 2);
  // Mining settings out of range.
  EXPECT_EQ(RunTrain("--word marvin --mine-minutes -5").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-windows 0").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-min-score 1.5").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-fine-tune -1").exit_code, 2);
}

TEST(TrainCli, ListModels) {
  const Result r = RunTrain("--list-models");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("dscnn-w"), std::string::npos);
  EXPECT_NE(r.output.find("tcresnet-w"), std::string::npos);
}

}  // namespace
