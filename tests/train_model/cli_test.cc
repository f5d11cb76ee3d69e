// The tinyml-train binary's command line: bad input is refused up front
// with one clear line and the right exit code, before any data is made.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
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
  EXPECT_EQ(RunTrain("--word marvin --weight-average 1").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --flite-warp 0.2").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --reduced-vowels 0.6").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --near-confusables 0.95").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --near-confusables -0.1").exit_code, 2);
  // Mining settings out of range.
  EXPECT_EQ(RunTrain("--word marvin --mine-minutes -5").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-windows 0").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-min-score 1.5").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-fine-tune -1").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-rounds 0").exit_code, 2);
  EXPECT_EQ(RunTrain("--word marvin --mine-rounds 11").exit_code, 2);
  const Result rounds = RunTrain("--word marvin --mine-rounds 2");  // nothing to mine with
  EXPECT_EQ(rounds.exit_code, 2);
  EXPECT_NE(rounds.output.find("needs --mine-minutes"), std::string::npos) << rounds.output;
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Two mining rounds, fine-tuned, on a tiny configuration; run again, the
// command resumes everything (the mined windows are read back, not mined
// again) and writes the same model.
TEST(TrainCli, MiningRoundsResumeWithoutMiningAgain) {
  const std::filesystem::path out = TempDir("mining");
  std::filesystem::remove_all(out);
  const std::string cmd = "--word marvin --out " + out.string() +
                          " --seed 3 --clips 0.01 --val-clips 0.005 --epochs 4 --threads 2 --workers 2 --eval-minutes 0"
                          " --mine-minutes 0.25 --mine-windows 40 --mine-fine-tune 1 --mine-rounds 2";
  const Result first = RunTrain(cmd + " --quiet");
  if (first.output.find("needs the evaluation library") != std::string::npos)
    GTEST_SKIP() << "this build has no streaming evaluation, so no mining";
  ASSERT_EQ(first.exit_code, 0) << first.output;
  for (const char* f : {"mined.bin", "mined-2.bin", "marvin-before-mining.tflite", "marvin-mining-round-1.tflite",
                        "checkpoints-mined/checkpoint.pt", "checkpoints-mined-2/checkpoint.pt"})
    EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
  const nlohmann::json report = nlohmann::json::parse(ReadAll(out / "report.json"));
  const nlohmann::json& mining = report.at("mining");
  ASSERT_EQ(mining.at("rounds").size(), 2u) << mining.dump();
  size_t windows = 0;
  for (const auto& r : mining.at("rounds")) {
    EXPECT_GT(r.at("windows").get<size_t>(), 0u);
    EXPECT_LE(r.at("windows").get<size_t>(), 40u);
    windows += r.at("windows").get<size_t>();
  }
  EXPECT_EQ(mining.at("windows").get<size_t>(), windows);
  EXPECT_EQ(report.at("final_train_examples").get<size_t>(), report.at("train_examples").get<size_t>() + windows);
  EXPECT_NE(mining["rounds"][0].at("seed"), mining["rounds"][1].at("seed"));  // new audio each round
  const std::string model = ReadAll(out / "marvin.tflite");
  EXPECT_NE(model, ReadAll(out / "marvin-mining-round-1.tflite"));

  const Result again = RunTrain(cmd);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ReadAll(out / "marvin.tflite"), model);
  EXPECT_EQ(Count(again.output, "read back from"), 2u) << again.output;
  EXPECT_EQ(nlohmann::json::parse(ReadAll(out / "report.json")).at("mining"), mining);

  // A damaged mined-window file is not trusted: mined again, same result.
  {
    std::fstream f(out / "mined-2.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x55');
  }
  const Result damaged = RunTrain(cmd);
  ASSERT_EQ(damaged.exit_code, 0) << damaged.output;
  EXPECT_EQ(Count(damaged.output, "read back from"), 1u) << damaged.output;
  EXPECT_EQ(ReadAll(out / "marvin.tflite"), model);
  std::filesystem::remove_all(out);
}

TEST(TrainCli, ListModels) {
  const Result r = RunTrain("--list-models");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("dscnn-w"), std::string::npos);
  EXPECT_NE(r.output.find("tcresnet-w"), std::string::npos);
}

}  // namespace
