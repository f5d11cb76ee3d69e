#include "data/dataset.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "data/phonemes.h"
#include "data/resample.h"
#include "data/workers.h"

namespace tinyml::train {
namespace {

namespace fs = std::filesystem;

// A small word list (a few confusables of "marvin" among ordinary words) and
// a noise folder with one long and one short sound, so the tests depend on
// nothing outside the build.
constexpr const char* kWords[] = {
    "marlin", "martin", "margin", "marvel", "carving", "garden", "darwin", "kevin",  "melvin", "merlin",
    "apple",  "table",  "river",  "window", "yellow",  "happy",  "music",  "number", "paper",  "silver",
    "thunder", "orange", "pencil", "basket", "candle", "doctor", "engine", "forest", "guitar", "hammer",
    "island", "jacket", "kitten", "ladder", "monkey",  "napkin", "ocean",  "pepper", "rabbit", "saddle",
    "tunnel", "velvet", "wallet", "zipper", "hay",     "tidy",   "tinny",  "shiny",  "morning", "evening"};

class TempDir {
 public:
  TempDir() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    path_ = (fs::temp_directory_path() /
             ("tinyml_dataset_" + std::string(info->name()) + "_" + std::to_string(getpid())))
                .string();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteWav(const std::string& path, const std::vector<float>& samples, int rate) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << path;
  sf_writef_float(f, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_close(f);
}

DatasetConfig SmallConfig(const std::string& dir) {
  {
    std::ofstream words(dir + "/words.txt");
    for (const char* w : kWords) words << w << "\n";
  }
  fs::create_directories(dir + "/noise");
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  std::vector<float> hum(3 * 16000), hit(4410);
  for (size_t i = 0; i < hum.size(); ++i) hum[i] = 0.2f * std::sin(2 * 3.14159265f * 120 * i / 16000) + 0.3f * u(gen);
  for (size_t i = 0; i < hit.size(); ++i) hit[i] = u(gen) * std::exp(-static_cast<float>(i) / 800);
  WriteWav(dir + "/noise/hum.wav", hum, 16000);
  WriteWav(dir + "/noise/hit.wav", hit, 44100);

  DatasetConfig c;
  c.clips_per_kind = {3, 2, 2, 1, 2, 2, 1, 2, 2};
  c.word_list = dir + "/words.txt";
  c.noise_dirs = {dir + "/noise"};
  c.workers = 2;
  return c;
}

size_t CountKind(const Dataset& d, ClipKind kind) {
  return static_cast<size_t>(std::count(d.kinds.begin(), d.kinds.end(), static_cast<uint8_t>(kind)));
}

// Mean feature value of each frame of example i.
std::vector<double> FrameMeans(const Dataset& d, size_t i) {
  std::vector<double> means(static_cast<size_t>(d.frames));
  for (int32_t f = 0; f < d.frames; ++f) {
    double sum = 0;
    for (int32_t k = 0; k < d.features; ++k) sum += d.example(i)[f * d.features + k];
    means[f] = sum / d.features;
  }
  return means;
}

TEST(TrainDataset, SameSeedSameBytesWhateverTheWorkerCount) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.workers = 1;
  const Dataset one = BuildDataset(c, "");
  c.workers = 3;
  const Dataset three = BuildDataset(c, "");
  ASSERT_EQ(one.size(), 17u);
  EXPECT_EQ(one.x, three.x);
  EXPECT_EQ(one.labels, three.labels);
  EXPECT_EQ(one.kinds, three.kinds);
  EXPECT_FALSE(one.from_cache);

  c.seed = 2;
  c.clips_per_kind = {1, 1, 0, 0, 0, 0, 0, 0, 0};
  const Dataset other = BuildDataset(c, "");
  ASSERT_EQ(other.size(), 2u);
  const size_t bytes = static_cast<size_t>(one.frames) * one.features;
  EXPECT_NE(std::vector<int8_t>(one.x.begin(), one.x.begin() + bytes),
            std::vector<int8_t>(other.x.begin(), other.x.begin() + bytes));
}

// How many examples of `variant` (`plain` generated with one option on:
// same size and labels) came out byte for byte as in `plain`.
size_t UnchangedExamples(const Dataset& plain, const Dataset& variant) {
  EXPECT_EQ(variant.size(), plain.size());
  EXPECT_EQ(variant.labels, plain.labels);
  if (variant.size() != plain.size()) return 0;
  const size_t bytes = static_cast<size_t>(plain.frames) * plain.features;
  size_t same = 0;
  for (size_t i = 0; i < plain.size(); ++i) same += std::equal(plain.example(i), plain.example(i) + bytes, variant.example(i));
  return same;
}

TEST(TrainDataset, FliteWarpChangesTheFliteClipsOnly) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {10, 5, 5, 0, 0, 0, 0, 0, 0};
  const Dataset plain = BuildDataset(c, "");
  const std::string plain_cache = DatasetCachePath(c, dir.path());
  c.flite_warp = 0.08;
  const size_t same = UnchangedExamples(plain, BuildDataset(c, ""));
  // flite speaks 30 % of the clips, its clustergen voices half of those; the
  // others (espeak-ng, flite's diphone voices) come out as before, because
  // the warp draws from a generator of its own.
  EXPECT_LT(same, plain.size()) << "no clip changed";
  EXPECT_GE(same, plain.size() / 2) << "the warp changed clips no clustergen voice spoke";
  // Its own cache file; without the warp the name is what it always was.
  EXPECT_NE(DatasetCachePath(c, dir.path()), plain_cache);
  c.flite_warp = 0.2;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
  c.flite_warp = -0.01;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
}

// `variant` is `plain` generated with one option on: same size, labels and
// kinds; returns how many of the examples `touched` selects changed, and
// fails for any other example that changed.
template <typename Touched>
size_t ChangedExamples(const Dataset& plain, const Dataset& variant, Touched touched) {
  EXPECT_EQ(variant.size(), plain.size());
  EXPECT_EQ(variant.labels, plain.labels);
  EXPECT_EQ(variant.kinds, plain.kinds);
  if (variant.size() != plain.size()) return 0;
  const size_t bytes = static_cast<size_t>(plain.frames) * plain.features;
  size_t changed = 0;
  for (size_t i = 0; i < plain.size(); ++i) {
    const bool same = std::equal(plain.example(i), plain.example(i) + bytes, variant.example(i));
    if (touched(i)) {
      changed += !same;
    } else {
      EXPECT_TRUE(same) << "example " << i << " (" << ClipKindName(static_cast<ClipKind>(plain.kinds[i]))
                        << ") changed";
    }
  }
  return changed;
}

TEST(TrainDataset, EspeakSpeakersChangeEspeakClipsOnly) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {10, 5, 5, 0, 0, 0, 0, 0, 0};
  const Dataset plain = BuildDataset(c, "");
  const std::string plain_cache = DatasetCachePath(c, dir.path());
  c.espeak_speakers = 1.0;
  const size_t same = UnchangedExamples(plain, BuildDataset(c, ""));
  // espeak-ng speaks about 70 % of the clips, each now with a speaker of its
  // own; flite's clips come out as before (the choice draws from a
  // generator of its own, so no other draw moves).
  EXPECT_LT(same, plain.size() * 8 / 10) << "too few clips changed";
  EXPECT_GT(same, 0u) << "every clip changed, flite's too";
  EXPECT_NE(DatasetCachePath(c, dir.path()), plain_cache);
  c.espeak_speakers = 1.5;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
  c.espeak_speakers = -0.1;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
}

TEST(TrainDataset, ReducedVowelsChangeThePositivesOnly) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {6, 3, 3, 0, 0, 0, 0, 4, 0};
  const Dataset plain = BuildDataset(c, "");
  const std::string plain_cache = DatasetCachePath(c, dir.path());
  c.reduced_vowels = 0.5;
  const Dataset reduced = BuildDataset(c, "");
  const size_t positives_changed = ChangedExamples(plain, reduced, [&](size_t i) { return plain.labels[i] == 1; });
  // Each positive draws whether to say a reduced form, which moves its
  // random stream; so every one of them comes out differently.
  EXPECT_EQ(positives_changed, 10u);
  EXPECT_NE(DatasetCachePath(c, dir.path()), plain_cache);
  // A reduced form that is also a confusable stays a negative only. (This
  // small list has so few words near "marvin" that spelling edits of it
  // fill the confusables, "marven" among them.)
  const auto confusables = ConfusablesFor("marvin", c.word_list);
  ASSERT_NE(std::find(confusables.begin(), confusables.end(), "marven"), confusables.end());
  EXPECT_EQ(ReducedFormsFor("marvin", c.word_list), (std::vector<std::string>{"marvun"}));
  // Debian's dictionary has enough words near "marvin": no spelling edits
  // among its confusables, so both forms are positives.
  if (fs::exists(kDefaultWordList)) {
    EXPECT_EQ(ReducedFormsFor("marvin"), (std::vector<std::string>{"marven", "marvun"}));
  } else {
    std::printf("note: %s missing (install wamerican); the dictionary case was not checked\n", kDefaultWordList);
  }
  c.reduced_vowels = 0.6;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
  c.reduced_vowels = -0.1;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
}

TEST(TrainDataset, NearConfusablesChangeTheConfusableClipsOnly) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {3, 6, 3, 0, 0, 0, 0, 2, 0};
  const Dataset plain = BuildDataset(c, "");
  const std::string plain_cache = DatasetCachePath(c, dir.path());
  c.near_confusables = 0.5;
  const Dataset near = BuildDataset(c, "");
  const size_t confusables_changed = ChangedExamples(
      plain, near, [&](size_t i) { return plain.kinds[i] == static_cast<uint8_t>(ClipKind::kConfusable); });
  // Each confusable clip draws whether to say a nearest one, which moves its
  // random stream; so every one of them comes out differently.
  EXPECT_EQ(confusables_changed, 6u);
  EXPECT_NE(DatasetCachePath(c, dir.path()), plain_cache);

  // The nearest are the confusables at the smallest phoneme distance.
  auto check_nearest = [](const std::string& list) {
    const std::vector<std::string> all = ConfusablesFor("marvin", list);
    const std::vector<std::string> nearest = NearestConfusablesFor("marvin", list);
    ASSERT_FALSE(nearest.empty());
    const std::vector<std::string> target = Phonemize("marvin");
    int least = 1000;
    for (const auto& w : all) least = std::min(least, PhonemeDistance(target, Phonemize(w)));
    size_t at_least = 0;
    for (const auto& w : all) at_least += PhonemeDistance(target, Phonemize(w)) == least;
    EXPECT_EQ(nearest.size(), at_least);
    for (const auto& w : nearest) {
      EXPECT_NE(std::find(all.begin(), all.end(), w), all.end()) << w;
      EXPECT_EQ(PhonemeDistance(target, Phonemize(w)), least) << w;
    }
    EXPECT_LT(nearest.size(), all.size());
  };
  check_nearest(c.word_list);
  if (fs::exists(kDefaultWordList)) {
    check_nearest(kDefaultWordList);
    EXPECT_EQ(NearestConfusablesFor("marvin"),
              (std::vector<std::string>{"Marlin", "Martin", "Mervin", "margin", "mavin"}));
  } else {
    std::printf("note: %s missing (install wamerican); the dictionary case was not checked\n", kDefaultWordList);
  }
  c.near_confusables = 0.95;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
  c.near_confusables = -0.1;
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
}

TEST(TrainDataset, KindsLabelsAndShape) {
  TempDir dir;
  const DatasetConfig c = SmallConfig(dir.path());
  size_t calls = 0, last = 0;
  const Dataset d = BuildDataset(c, "", [&](size_t done, size_t total) {
    EXPECT_EQ(total, 17u);
    EXPECT_GE(done, last);
    last = done;
    ++calls;
  });
  EXPECT_EQ(last, 17u);
  EXPECT_GE(calls, 1u);
  EXPECT_EQ(d.frames, 49);
  EXPECT_EQ(d.features, 40);
  ASSERT_EQ(d.size(), 17u);
  EXPECT_EQ(d.x.size(), 17u * 49 * 40);
  for (int k = 0; k < kNumClipKinds; ++k) {
    EXPECT_EQ(CountKind(d, static_cast<ClipKind>(k)), c.clips_per_kind[k]) << ClipKindName(static_cast<ClipKind>(k));
  }
  for (size_t i = 0; i < d.size(); ++i) {
    const bool wake = d.kinds[i] == static_cast<uint8_t>(ClipKind::kWakeWord) ||
                      d.kinds[i] == static_cast<uint8_t>(ClipKind::kWakeInContext);
    EXPECT_EQ(d.labels[i], wake ? 1 : 0) << i;
  }
}

TEST(TrainDataset, WakeWordExamplesHoldSpeechNearTheWindowEnd) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {4, 0, 0, 0, 0, 0, 2, 3, 0};
  c.noise_probability = 0.0;
  const Dataset d = BuildDataset(c, "");
  ASSERT_EQ(d.size(), 9u);
  std::vector<size_t> wake = {0, 1, 2, 3, 6, 7, 8};  // kWakeWord, then kWakeInContext
  // Silence: flat, low features everywhere.
  double silence_peak = -1e9;
  for (size_t i = 4; i < 6; ++i) {
    for (double m : FrameMeans(d, i)) silence_peak = std::max(silence_peak, m);
  }
  for (size_t i : wake) {
    EXPECT_EQ(d.labels[i], 1) << i;
    const std::vector<double> means = FrameMeans(d, i);
    // The word (at least 0.3 s) ends in the last 40 % of the window, so
    // frames from 40 % on hold some of it, well above silence.
    const double loudest = *std::max_element(means.begin() + d.frames * 2 / 5, means.end());
    EXPECT_GT(loudest, silence_peak + 40) << "example " << i;
  }
}

TEST(TrainDataset, TempFilesOfKilledGenerationsAreRemoved) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {1, 1, 0, 0, 0, 0, 0, 0, 0};
  const std::string cache = dir.path() + "/cache";
  fs::create_directories(cache);
  const std::string name = fs::path(DatasetCachePath(c, cache)).filename().string();
  // A process id that is not running: a killed generation's leftover.
  pid_t dead = 4000000;
  while (kill(dead, 0) == 0 || errno != ESRCH) --dead;
  const std::string stale = cache + "/." + name + ".tmp." + std::to_string(dead);
  const std::string live = cache + "/." + name + ".tmp." + std::to_string(getppid());
  const std::string other = cache + "/unrelated.tmp." + std::to_string(dead);
  for (const std::string& f : {stale, live, other}) std::ofstream(f) << "x";
  BuildDataset(c, cache);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));   // its process still runs
  EXPECT_TRUE(fs::exists(other));  // not this cache's file
  EXPECT_TRUE(fs::exists(cache + "/" + name));
}

TEST(TrainDataset, CacheHitLoadsTheSameBytesWithoutRewriting) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {2, 1, 1, 1, 1, 1, 1, 1, 1};
  const std::string cache = dir.path() + "/cache";
  const Dataset first = BuildDataset(c, cache);
  EXPECT_FALSE(first.from_cache);
  const std::string path = DatasetCachePath(c, cache);
  struct stat before {};
  ASSERT_EQ(stat(path.c_str(), &before), 0) << path;

  size_t progress_calls = 0;
  const Dataset second = BuildDataset(c, cache, [&](size_t, size_t) { ++progress_calls; });
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(progress_calls, 0u);
  EXPECT_EQ(first.x, second.x);
  EXPECT_EQ(first.labels, second.labels);
  EXPECT_EQ(first.kinds, second.kinds);
  struct stat after {};
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  // Only the cache file is left in the directory (no temp files).
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(cache)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);

  // Another configuration is another file.
  c.seed = 9;
  EXPECT_NE(DatasetCachePath(c, cache), path);
}

TEST(TrainDataset, CorruptOrTruncatedCacheIsRegenerated) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.clips_per_kind = {2, 1, 1, 0, 1, 1, 1, 1, 1};
  const std::string cache = dir.path() + "/cache";
  const Dataset original = BuildDataset(c, cache);
  const std::string path = DatasetCachePath(c, cache);
  const auto size = fs::file_size(path);

  {  // one flipped feature byte: same size, checksum differs
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    char b = 0;
    f.read(&b, 1);
    f.seekp(static_cast<std::streamoff>(size / 2));
    b = static_cast<char>(b ^ 0x5a);
    f.write(&b, 1);
  }
  testing::internal::CaptureStderr();
  const Dataset again = BuildDataset(c, cache);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(again.from_cache);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
  EXPECT_NE(err.find(path.substr(path.rfind('/') + 1)), std::string::npos) << err;
  EXPECT_EQ(again.x, original.x);
  EXPECT_EQ(fs::file_size(path), size);

  fs::resize_file(path, size - 100);
  testing::internal::CaptureStderr();
  const Dataset truncated = BuildDataset(c, cache);
  err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(truncated.from_cache);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
  EXPECT_EQ(truncated.x, original.x);
  EXPECT_TRUE(BuildDataset(c, cache).from_cache);
}

TEST(TrainDataset, UnwritableCacheDirectoryIsAOneLineError) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  // A path below a regular file cannot be a directory, even for root.
  std::ofstream(dir.path() + "/file") << "x";
  const std::string cache = dir.path() + "/file/cache";
  try {
    BuildDataset(c, cache);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(cache), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(TrainDataset, EmptyOrInvalidWordIsRejectedBeforeAnyWork) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  for (const char* word : {"", "marvin2", "h\xc3\xa9llo", "<marvin>"}) {
    c.word = word;
    EXPECT_THROW(BuildDataset(c, dir.path() + "/cache"), TtsError) << word;
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/cache"));
  c.word = "marvin";
  c.clips_per_kind = {1, 2, 3};
  EXPECT_THROW(BuildDataset(c, ""), std::invalid_argument);
}

TEST(TrainDataset, MultiWordWakePhrase) {
  TempDir dir;
  DatasetConfig c = SmallConfig(dir.path());
  c.word = "hey tiny";
  c.clips_per_kind = {2, 2, 0, 0, 2, 0, 0, 0, 0};
  const Dataset d = BuildDataset(c, "");
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(CountKind(d, ClipKind::kWakeWord), 2u);
}

TEST(TrainDataset, VoiceSplitIsDisjointAndCoversBothEngines) {
  const VoiceSplit split = SplitVoices();
  ASSERT_FALSE(split.train.empty());
  ASSERT_FALSE(split.held_out.empty());
  for (const auto& h : split.held_out) {
    for (const auto& t : split.train) EXPECT_FALSE(h.engine == t.engine && h.name == t.name) << h.name;
  }
  for (const auto* part : {&split.train, &split.held_out}) {
    EXPECT_TRUE(std::any_of(part->begin(), part->end(), [](const Voice& v) { return v.engine == TtsEngine::kFlite; }));
    EXPECT_TRUE(std::any_of(part->begin(), part->end(), [](const Voice& v) { return v.engine == TtsEngine::kEspeak; }));
  }
}

// The generator relies on this: espeak-ng once gave a different (sometimes
// almost empty) result for the same request after enough voice and
// parameter changes in the process.
TEST(TrainDataset, SpeechRepeatsExactlyAfterManyEngineCalls) {
  const Voice voice{TtsEngine::kEspeak, "en-gb+m1"};
  const std::vector<int16_t> reference = Synthesize("marvin", voice);
  ASSERT_GT(reference.size(), 4000u);
  for (int i = 0; i < 40; ++i) {  // the old behaviour diverged at call 33
    SynthesisParams p;
    p.pitch = 30 + i % 40;
    p.rate = 0.8f + 0.01f * (i % 50);
    const Voice other{TtsEngine::kEspeak, i % 2 ? "en-us" : "en-gb-scotland+f3"};
    Synthesize("hello", other, p);
    ASSERT_EQ(Synthesize("marvin", voice), reference) << "call " << i;
  }
}

TEST(TrainWorkers, ResultsArriveOnceEachWhateverTheWorkerCount) {
  for (int workers : {1, 2, 5}) {
    std::vector<std::string> got(20);
    RunInWorkers(
        20, workers, [](size_t i) { return std::string(i, static_cast<char>('a' + i)); },
        [&](size_t i, std::string&& s) {
          EXPECT_TRUE(got[i].empty()) << i;
          got[i] = s;
        });
    for (size_t i = 0; i < 20; ++i) EXPECT_EQ(got[i], std::string(i, static_cast<char>('a' + i))) << workers;
  }
}

TEST(TrainWorkers, FailuresAreClearErrorsNotHangs) {
  auto consume = [](size_t, std::string&&) {};
  try {
    RunInWorkers(
        10, 2,
        [](size_t i) -> std::string {
          if (i == 5) throw std::runtime_error("example 5 is broken");
          return "ok";
        },
        consume);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("example 5 is broken"), std::string::npos) << e.what();
  }
  try {
    RunInWorkers(
        10, 3,
        [](size_t i) -> std::string {
          if (i == 4) _exit(7);
          return "ok";
        },
        consume);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exit status 7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RunInWorkers(
                   4, 2, [](size_t) { return std::string("x"); },
                   [](size_t, std::string&&) { throw std::runtime_error("consumer failed"); }),
               std::runtime_error);
  // A worker that hangs (a speech engine that never returns) is killed after
  // the stall limit instead of blocking the whole generation.
  const auto t0 = std::chrono::steady_clock::now();
  try {
    RunInWorkers(
        6, 2,
        [](size_t i) -> std::string {
          if (i == 3) pause();
          return "ok";
        },
        consume, 1.0);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stalled"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
}


StreamConfig SmallStream(const std::string& dir) {
  const DatasetConfig d = SmallConfig(dir);
  StreamConfig c;
  c.word_list = d.word_list;
  c.noise_dirs = d.noise_dirs;
  c.workers = 2;
  return c;
}

double Rms(const std::vector<int16_t>& audio, double from_s, double to_s) {
  const size_t b = static_cast<size_t>(std::max(0.0, from_s) * kSampleRate);
  const size_t e = std::min(audio.size(), static_cast<size_t>(to_s * kSampleRate));
  double sum = 0;
  for (size_t i = b; i < e; ++i) sum += static_cast<double>(audio[i]) * audio[i];
  return e > b ? std::sqrt(sum / static_cast<double>(e - b)) : 0.0;
}

TEST(TrainStream, EventsAreSpokenWakeWordsInsideTheAudio) {
  TempDir dir;
  StreamConfig c = SmallStream(dir.path());
  c.duration_s = 15;
  c.words_per_minute = 8;  // 2 words
  c.noise_probability = 0;
  const Stream s = GenerateStream(c);
  EXPECT_NEAR(s.duration_s(), 15.0, 1e-3);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_GE(s.events[1].start_s - s.events[0].start_s, 3.0);
  // Pauses: everything outside the speech segments (a margin for reverb).
  double pause_energy = 0, pause_seconds = 0;
  double t = 0;
  for (const auto& sp : s.speech) {
    if (sp.start_s - 0.1 > t + 0.6) {
      const double r = Rms(s.audio, t + 0.6, sp.start_s - 0.1);
      pause_energy += r * r * (sp.start_s - 0.1 - t - 0.6);
      pause_seconds += sp.start_s - 0.1 - t - 0.6;
    }
    t = std::max(t, sp.end_s);
  }
  ASSERT_GT(pause_seconds, 1.0);
  const double pause_rms = std::sqrt(pause_energy / pause_seconds);
  for (const auto& e : s.events) {
    EXPECT_GE(e.start_s, 0.0);
    EXPECT_LE(e.end_s, s.duration_s());
    EXPECT_GT(e.end_s - e.start_s, 0.15);
    EXPECT_LT(e.end_s - e.start_s, 2.0);
    EXPECT_GT(Rms(s.audio, e.start_s, e.end_s), 10 * pause_rms + 30) << e.start_s;
    // Each event lies in a speech segment.
    EXPECT_TRUE(std::any_of(s.speech.begin(), s.speech.end(), [&](const WordEvent& sp) {
      return sp.start_s <= e.start_s + 0.02 && e.end_s <= sp.end_s + 0.02;
    })) << e.start_s;
  }
  // Deterministic, whatever the worker count.
  c.workers = 1;
  const Stream again = GenerateStream(c);
  EXPECT_EQ(again.audio, s.audio);
  ASSERT_EQ(again.events.size(), s.events.size());
  for (size_t i = 0; i < s.events.size(); ++i) EXPECT_EQ(again.events[i].start_s, s.events[i].start_s);
}

// The share of other speech ending in a confusable follows confusable_share
// (the small word list's other words are often confusables too, hence the
// loose bounds), and every spoken segment names its held-out voice.
TEST(TrainStream, ConfusableShareAndVoicesOfTheOtherSpeech) {
  TempDir dir;
  StreamConfig c = SmallStream(dir.path());
  c.duration_s = 60;
  c.words_per_minute = 0;
  c.noise_probability = 0;
  const std::vector<std::string> confusables = ConfusablesFor(c.word, c.word_list);
  ASSERT_FALSE(confusables.empty());
  std::set<std::string> held_out;
  for (const Voice& v : SplitVoices().held_out) held_out.insert(VoiceLabel(v));
  auto ending_in_confusable = [&](double share) {
    c.confusable_share = share;
    const Stream s = GenerateStream(c);
    EXPECT_GE(s.speech.size(), 10u);
    size_t n = 0;
    for (const WordEvent& sp : s.speech) {
      const std::string last = sp.text.substr(sp.text.rfind(' ') + 1);
      n += std::find(confusables.begin(), confusables.end(), last) != confusables.end();
      EXPECT_EQ(held_out.count(sp.voice), 1u) << sp.voice;
    }
    return static_cast<double>(n) / static_cast<double>(std::max<size_t>(1, s.speech.size()));
  };
  const double none = ending_in_confusable(0.0);
  const double most = ending_in_confusable(0.75);
  EXPECT_LT(none, 0.45);
  EXPECT_GT(most, 0.6);
  c.confusable_share = 0.8;
  EXPECT_THROW(GenerateStream(c), std::invalid_argument);
}

TEST(TrainStream, ScriptPutsTheWordWhereTheTextSaysIt) {
  TempDir dir;
  StreamConfig c = SmallStream(dir.path());
  c.script = {"Marvin, wake up.", "this is only a test", "please wake up now marvin"};
  c.noise_probability = 0;
  const Stream s = GenerateStream(c);
  ASSERT_EQ(s.speech.size(), 3u);
  ASSERT_EQ(s.events.size(), 2u);
  // First sentence: the word opens it.
  EXPECT_NEAR(s.events[0].start_s, s.speech[0].start_s, 0.05);
  EXPECT_LT(s.events[0].end_s, s.speech[0].end_s);
  // Third sentence: the word closes it.
  const WordEvent& last = s.speech[2];
  EXPECT_GT(s.events[1].start_s, (last.start_s + last.end_s) / 2);
  EXPECT_LE(s.events[1].end_s, last.end_s + 0.02);
  EXPECT_GT(s.events[1].start_s, s.speech[1].end_s);
  // Each span says what was spoken (for evaluation reports).
  EXPECT_EQ(s.speech[0].text, "marvin wake up.");
  EXPECT_EQ(s.speech[1].text, "this is only a test");
  EXPECT_EQ(s.speech[2].text, "please wake up now marvin");
  EXPECT_EQ(s.events[0].text, "marvin");

  c.script = {"hello", "marvin 2"};
  EXPECT_THROW(GenerateStream(c), TtsError);
}

}  // namespace
}  // namespace tinyml::train
