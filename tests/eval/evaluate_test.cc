// Streaming evaluation: hit matching, and the replayed detector equals the
// real KwsPipeline (what `tinyml detect` runs) detection for detection.
#include "eval/evaluate.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/model_file.h"
#include "kws/pipeline.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml::train {
namespace {

// A 2-class classifier over 49x40 int8 features: reshape, FC, softmax, with
// seeded random weights (its scores move with the audio, which is all the
// consistency check needs).
std::vector<uint8_t> RandomClassifier(uint32_t seed) {
  using namespace writer;
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 49, 40}, QuantParams::PerTensor(0.1f, -128));
  const int flat = b.AddTensor(TensorType::kInt8, {1, 1960}, QuantParams::PerTensor(0.1f, -128));
  std::mt19937 rng(seed);
  std::vector<int8_t> w(2 * 1960);
  for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  const int wt = b.AddConst<int8_t>(TensorType::kInt8, {2, 1960}, w, QuantParams::PerTensor(0.0005f, 0));
  std::vector<int32_t> bias = {0, 0};
  const int bt = b.AddConst<int32_t>(TensorType::kInt32, {2}, bias, QuantParams::PerTensor(0.00005f, 0));
  const int logits = b.AddTensor(TensorType::kInt8, {1, 2}, QuantParams::PerTensor(0.05f, 0));
  const int out = b.AddTensor(TensorType::kInt8, {1, 2}, QuantParams::PerTensor(1.0f / 256, -128));
  b.AddOperator(BuiltinOp::kReshape, {in}, {flat}, ReshapeOptions{{1, 1960}});
  b.AddOperator(BuiltinOp::kFullyConnected, {flat, wt, bt}, {logits}, FullyConnectedOptions{});
  b.AddOperator(BuiltinOp::kSoftmax, {logits}, {out}, SoftmaxOptions{1.0f});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

// Audio whose loudness and spectrum change every 300 ms.
std::vector<int16_t> ChangingAudio(size_t samples) {
  std::vector<int16_t> audio(samples);
  std::mt19937 rng(5);
  double freq = 300, amp = 2000;
  for (size_t i = 0; i < samples; ++i) {
    if (i % 4800 == 0) {
      freq = 100 + rng() % 3000;
      amp = 100 + rng() % 12000;
    }
    const double noise = static_cast<double>(static_cast<int>(rng() % 2001) - 1000);
    audio[i] = static_cast<int16_t>(std::lround(amp * std::sin(2 * M_PI * freq * i / 16000.0) + noise));
  }
  return audio;
}

TEST(CountHits, MatchesEachWordOnceAndCountsTheRestAsFalseAccepts) {
  const std::vector<WordEvent> events = {{1.0, 1.5}, {5.0, 5.4}, {9.0, 9.5}};
  int64_t fa = 0;
  // Hit during word 1, hit 0.9 s after word 2, a duplicate for word 2, a
  // detection long before word 3 and one 1.2 s after it (outside 1 s).
  EXPECT_EQ(CountHits({1.2, 6.3, 6.35, 7.0, 10.7}, events, 1.0, &fa), 2);
  EXPECT_EQ(fa, 3);
  EXPECT_EQ(CountHits({}, events, 1.0, &fa), 0);
  EXPECT_EQ(fa, 0);
  EXPECT_EQ(CountHits({0.5}, {}, 1.0, &fa), 0);
  EXPECT_EQ(fa, 1);
}

TEST(DetectionTimes, EqualTheKwsPipelinesDetections) {
  const std::vector<uint8_t> model = RandomClassifier(3);
  const std::vector<int16_t> audio = ChangingAudio(16000 * 20);
  EvalConfig config;
  config.smoothing = 3;
  config.cooldown_ms = 500;
  int compared_with_detections = 0;
  for (double threshold : {0.2, 0.4, 0.5, 0.6, 0.8, 0.95}) {
    const std::vector<double> replayed = DetectionTimes(model, 1, config, audio, threshold);

    tools::AlignedBuffer bytes(model.size());
    std::copy(model.begin(), model.end(), bytes.data());
    Model m;
    ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk);
    StaticOpResolver<64> resolver;
    ASSERT_EQ(AddAllBuiltins(resolver), Status::kOk);
    tools::ArenaInterpreter runner(m, resolver);
    ASSERT_EQ(runner.Prepare(), Status::kOk) << runner.error();
    FrontendConfig fc;
    ASSERT_EQ(FrontendConfigForModel(runner.interpreter(), &fc), Status::kOk);
    DetectorConfig dc;
    dc.smoothing_invokes = config.smoothing;
    char error[160] = {};
    ASSERT_EQ(DetectorConfigForModel(runner.interpreter(), fc, &dc, error, sizeof(error)), Status::kOk) << error;
    dc.cooldown_frames = config.cooldown_ms / dc.hop_ms;
    dc.default_threshold = static_cast<int32_t>(std::lround(threshold * kScoreOne));
    size_t need = 0;
    ASSERT_EQ(KwsPipeline::RequiredBytes(fc, dc, &need), Status::kOk);
    tools::AlignedBuffer memory(need);
    KwsPipeline pipeline;
    ASSERT_EQ(pipeline.Init(fc, dc, &runner.interpreter(), memory.data(), memory.size()), Status::kOk);
    ASSERT_EQ(pipeline.detector().SetBackground(0, true), Status::kOk);
    std::vector<double> real;
    auto on_detection = [](void* context, const Detection& d) {
      static_cast<std::vector<double>*>(context)->push_back(static_cast<double>(d.time_ms) / 1000.0);
    };
    for (size_t pos = 0; pos < audio.size(); pos += 1000) {
      ASSERT_EQ(pipeline.Push(audio.data() + pos, std::min<size_t>(1000, audio.size() - pos), on_detection, &real),
                Status::kOk);
    }
    EXPECT_EQ(replayed, real) << "threshold " << threshold;
    if (!real.empty()) ++compared_with_detections;
  }
  // The comparison must have covered thresholds that fire.
  EXPECT_GE(compared_with_detections, 2);
}

TEST(RenderDetSvg, IsAnSvgWithTheOperatingPoint) {
  EvalReport r;
  r.curve = {{0.5, 0.01, 10.0}, {0.9, 0.04, 0.5}, {0.99, 0.3, 0.0}};
  r.chosen_threshold = 0.9;
  r.frr = 0.04;
  r.fa_per_hour = 0.5;
  r.hours = 2.0;
  r.words = 360;
  const std::string svg = RenderDetSvg(r, "DET <marvin>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("threshold 0.9000: FRR 4.00 %, 0.50 FA/h"), std::string::npos);
  EXPECT_NE(svg.find("DET &lt;marvin&gt;"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
}

}  // namespace
}  // namespace tinyml::train

namespace tinyml::train {
namespace {

TEST(ChooseOperatingPoint, LowestFrrWithinTargetNeverAThresholdThatNeverFires) {
  const std::vector<DetPoint> curve = {
      {0.5, 0.02, 40.0}, {0.8, 0.05, 2.0}, {0.9, 0.05, 0.5}, {0.95, 0.10, 0.0}, {0.999, 1.0, 0.0}};
  bool met = false;
  DetPoint p = ChooseOperatingPoint(curve, 1.0, &met);
  EXPECT_TRUE(met);
  EXPECT_DOUBLE_EQ(p.threshold, 0.9);  // FRR 5 % at 0.5 FA/h
  p = ChooseOperatingPoint(curve, 5.0, &met);
  EXPECT_TRUE(met);
  EXPECT_DOUBLE_EQ(p.threshold, 0.9);  // ties on FRR: the higher threshold
  // Only the never-firing threshold has no false accepts: not met, and the
  // fewest false accepts among thresholds that detect.
  const std::vector<DetPoint> bad = {{0.5, 0.02, 40.0}, {0.9, 0.3, 8.0}, {0.99, 0.3, 8.0}, {0.999, 1.0, 0.0}};
  p = ChooseOperatingPoint(bad, 1.0, &met);
  EXPECT_FALSE(met);
  EXPECT_DOUBLE_EQ(p.threshold, 0.99);
}

}  // namespace
}  // namespace tinyml::train

namespace tinyml::train {
namespace {

TEST(EvaluateModel, ListsTheFalseAcceptsAndMissesOfTheChosenPointWithWhatWasSaid) {
  // Half a minute of held-out stream (about 6 words) and a random model:
  // whatever it detects, the incident lists must agree with the figures.
  EvalConfig config;
  config.seed = 77;
  config.stream_minutes = 0.5;
  config.words_per_minute = 12.0;
  config.target_fa_per_hour = 1000.0;
  config.workers = 2;
  const EvalReport r = EvaluateModel(RandomClassifier(3), 1, config);
  ASSERT_GT(r.words, 0u);
  EXPECT_EQ(static_cast<double>(r.false_accepts.size()), std::round(r.fa_per_hour * r.hours));
  EXPECT_EQ(static_cast<double>(r.misses.size()), std::round(r.frr * static_cast<double>(r.words)));
  for (const EvalIncident& x : r.misses) {
    EXPECT_NE(x.text.find("marvin"), std::string::npos) << x.text;
    // Who said it: a held-out voice in brackets.
    EXPECT_TRUE(x.text.find(" [espeak-ng ") != std::string::npos || x.text.find(" [flite ") != std::string::npos)
        << x.text;
    EXPECT_GE(x.time_s, 0.0);
  }
  for (const EvalIncident& x : r.false_accepts) EXPECT_FALSE(x.text.empty());
  // Every spoken word is tallied under its speaker (voice without variant),
  // and the speakers' misses are the misses.
  size_t words = 0, misses = 0;
  for (size_t i = 0; i < r.by_voice.size(); ++i) {
    const VoiceTally& t = r.by_voice[i];
    EXPECT_TRUE(t.voice.rfind("espeak-ng ", 0) == 0 || t.voice.rfind("flite ", 0) == 0) << t.voice;
    EXPECT_EQ(t.voice.find('+'), std::string::npos) << t.voice;
    EXPECT_LE(t.misses, t.words);
    if (i > 0) EXPECT_LT(r.by_voice[i - 1].voice, t.voice);
    words += t.words;
    misses += t.misses;
  }
  EXPECT_EQ(words, r.words);
  EXPECT_EQ(misses, r.misses.size());
  const nlohmann::json j = EvalReportJson(r);
  EXPECT_EQ(j["false_accepts"].size(), r.false_accepts.size());
  EXPECT_EQ(j["misses"].size(), r.misses.size());
  EXPECT_EQ(j["by_voice"].size(), r.by_voice.size());
}

// The voices in brackets in an incident's text ("... [espeak-ng en-us+f3] / ...").
std::vector<std::string> BracketedVoices(const std::string& text) {
  std::vector<std::string> voices;
  for (size_t at = text.find('['); at != std::string::npos; at = text.find('[', at + 1)) {
    const size_t end = text.find(']', at);
    if (end == std::string::npos) break;
    voices.push_back(text.substr(at + 1, end - at - 1));
  }
  return voices;
}

TEST(EvaluateModel, TrainingVoicesSpeakTheStreamsWhenAsked) {
  // The same stream seed twice: held-out voices (the default), then the
  // training voices. The flite voices split cleanly (awb is the held-out
  // one), and every speaker named in an incident belongs to its split.
  const VoiceSplit split = SplitVoices();
  auto labels = [](const std::vector<Voice>& voices) {
    std::vector<std::string> out;
    for (const Voice& v : voices) out.push_back(VoiceLabel(v));
    return out;
  };
  for (const bool training : {false, true}) {
    SCOPED_TRACE(training ? "training voices" : "held-out voices");
    EvalConfig config;
    config.seed = 78;
    config.stream_minutes = 1.0;
    config.words_per_minute = 15.0;
    config.target_fa_per_hour = 1000.0;
    config.training_voices = training;
    config.workers = 2;
    const EvalReport r = EvaluateModel(RandomClassifier(3), 1, config);
    ASSERT_GT(r.words, 8u);
    std::vector<std::string> flite;
    for (const VoiceTally& t : r.by_voice) {
      if (t.voice.rfind("flite ", 0) == 0) flite.push_back(t.voice);
    }
    ASSERT_FALSE(flite.empty()) << "no flite voice spoke the word on this seed";
    for (const std::string& v : flite) EXPECT_EQ(v == "flite awb", !training) << v;
    const std::vector<std::string> own = labels(training ? split.train : split.held_out);
    size_t named = 0;
    for (const auto* incidents : {&r.misses, &r.false_accepts}) {
      for (const EvalIncident& x : *incidents) {
        for (const std::string& v : BracketedVoices(x.text)) {
          EXPECT_NE(std::find(own.begin(), own.end(), v), own.end()) << v << " in " << x.text;
          ++named;
        }
      }
    }
    EXPECT_GT(named, 0u);
  }
}

TEST(MineHardNegatives, KeepsTheHighestPeaksAsNegativeWindowsTheModelScoresAsRecorded) {
  const std::vector<uint8_t> bytes = RandomClassifier(3);
  MineConfig config;
  config.seed = 5;
  config.stream_minutes = 0.5;
  config.max_windows = 12;
  config.workers = 2;
  const MinedNegatives mined = MineHardNegatives(bytes, 1, config);
  EXPECT_EQ(mined.minutes, 0.5);
  ASSERT_GE(mined.peaks, 12u);  // 30 s of audio has far more than 12 half-second peaks
  const Dataset& d = mined.data;
  ASSERT_EQ(d.size(), 12u);
  ASSERT_EQ(mined.scores.size(), 12u);
  EXPECT_EQ(d.frames, 49);
  EXPECT_EQ(d.features, 40);
  ASSERT_EQ(d.x.size(), 12u * 49 * 40);
  for (size_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(d.labels[i], 0);
    EXPECT_EQ(d.kinds[i], static_cast<uint8_t>(ClipKind::kSpeechStream));
    if (i > 0) EXPECT_LE(mined.scores[i], mined.scores[i - 1]) << i;
  }
  // Each window, run through the model alone, gives the score it was mined
  // with: the windows are the frames the model saw at those moments.
  Model model;
  tools::AlignedBuffer copy(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.data());
  ASSERT_EQ(model.Load(copy.data(), copy.size()), Status::kOk);
  StaticOpResolver<64> resolver;
  ASSERT_EQ(AddAllBuiltins(resolver), Status::kOk);
  tools::ArenaInterpreter runner(model, resolver);
  ASSERT_EQ(runner.Prepare(), Status::kOk) << runner.error();
  Interpreter& interp = runner.interpreter();
  for (size_t i = 0; i < d.size(); ++i) {
    std::memcpy(interp.input(0)->data, d.example(i), 49 * 40);
    ASSERT_EQ(interp.Invoke(), Status::kOk);
    const int q = static_cast<const int8_t*>(interp.output(0)->data)[1];
    EXPECT_EQ(mined.scores[i], (q + 128) / 256.0) << i;
  }
  // Deterministic; a score floor above every peak keeps nothing.
  const MinedNegatives again = MineHardNegatives(bytes, 1, config);
  EXPECT_EQ(again.data.x, d.x);
  config.min_score = mined.scores.front() + 0.001;
  EXPECT_EQ(MineHardNegatives(bytes, 1, config).data.size(), 0u);
  config.min_score = 0.0;
  config.stream_minutes = 0.0;
  EXPECT_THROW(MineHardNegatives(bytes, 1, config), std::invalid_argument);
}

TEST(MinedFile, RoundTripsAndRejectsAnotherKeyOrDamagedBytes) {
  MinedNegatives m;
  m.data.frames = 3;
  m.data.features = 4;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 12; ++j) m.data.x.push_back(static_cast<int8_t>(i * 31 - j * 7));
    m.data.labels.push_back(0);
    m.data.kinds.push_back(static_cast<uint8_t>(ClipKind::kSpeechStream));
    m.scores.push_back(0.9 - 0.1 * i);
  }
  m.peaks = 17;
  m.minutes = 2.5;
  const std::string bytes = EncodeMined(m, 42);
  ASSERT_EQ(bytes.size(), 64u + 5 * 12 + 5 * 8);
  MinedNegatives back;
  ASSERT_TRUE(DecodeMined(bytes, 42, &back));
  EXPECT_EQ(back.data.x, m.data.x);
  EXPECT_EQ(back.data.labels, m.data.labels);
  EXPECT_EQ(back.data.kinds, m.data.kinds);
  EXPECT_EQ(back.data.frames, 3);
  EXPECT_EQ(back.data.features, 4);
  EXPECT_EQ(back.scores, m.scores);
  EXPECT_EQ(back.peaks, 17u);
  EXPECT_EQ(back.minutes, 2.5);

  // Another key, any truncation or extension, any changed byte: refused,
  // and the output is left alone.
  MinedNegatives untouched;
  untouched.peaks = 99;
  EXPECT_FALSE(DecodeMined(bytes, 43, &untouched));
  EXPECT_FALSE(DecodeMined("", 42, &untouched));
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(DecodeMined(bytes.substr(0, n), 42, &untouched)) << n;
  EXPECT_FALSE(DecodeMined(bytes + '\0', 42, &untouched));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_FALSE(DecodeMined(bad, 42, &untouched)) << i;
  }
  EXPECT_EQ(untouched.peaks, 99u);
  EXPECT_TRUE(untouched.data.x.empty());

  // Header fields that lie, under a valid checksum (FNV-1a of the first 56
  // bytes, then of the payload, stored at 56): refused without allocating.
  auto resealed = [&](size_t at, const void* value, size_t n) {
    std::string b = bytes;
    std::memcpy(&b[at], value, n);
    uint64_t h = 0xCBF29CE484222325ULL;
    for (size_t i = 0; i < b.size(); ++i) {
      if (i >= 56 && i < 64) continue;
      h = (h ^ static_cast<uint8_t>(b[i])) * 0x100000001B3ULL;
    }
    std::memcpy(&b[56], &h, 8);
    return b;
  };
  const uint64_t same_key = 42;
  ASSERT_TRUE(DecodeMined(resealed(16, &same_key, 8), 42, &back));  // the checksum rule is as stated
  const uint64_t huge = uint64_t{1} << 62, six = 6, four = 4;
  const int32_t zero = 0, big = 1 << 20, two = 2;
  EXPECT_FALSE(DecodeMined(resealed(24, &huge, 8), 42, &untouched));   // count
  EXPECT_FALSE(DecodeMined(resealed(24, &six, 8), 42, &untouched));    // one window more than there is
  EXPECT_FALSE(DecodeMined(resealed(32, &zero, 4), 42, &untouched));   // frames
  EXPECT_FALSE(DecodeMined(resealed(32, &big, 4), 42, &untouched));
  EXPECT_FALSE(DecodeMined(resealed(36, &two, 4), 42, &untouched));    // features
  EXPECT_FALSE(DecodeMined(resealed(40, &four, 8), 42, &untouched));   // fewer peaks than windows
  EXPECT_EQ(untouched.peaks, 99u);

  // Nothing mined is a valid file too.
  MinedNegatives none;
  none.data.frames = 49;
  none.data.features = 40;
  none.peaks = 0;
  none.minutes = 1.0;
  ASSERT_TRUE(DecodeMined(EncodeMined(none, 7), 7, &back));
  EXPECT_EQ(back.data.size(), 0u);
  EXPECT_EQ(back.minutes, 1.0);
  m.scores.pop_back();
  EXPECT_THROW(EncodeMined(m, 1), std::invalid_argument);
}

TEST(MiningKey, ChangesWithTheModelAndEveryResultField) {
  const std::vector<uint8_t> model = RandomClassifier(3);
  const MineConfig base;
  const uint64_t key = MiningKey(model, 1, base);
  MineConfig c = base;
  c.workers = 7;  // how many processes do the work is not in the key
  EXPECT_EQ(MiningKey(model, 1, c), key);
  std::vector<uint8_t> other = model;
  other[other.size() / 2] ^= 1;
  EXPECT_NE(MiningKey(other, 1, base), key);
  EXPECT_NE(MiningKey(model, 0, base), key);
  std::vector<MineConfig> changed(6, base);
  changed[0].word = "sheila";
  changed[1].seed += 1;
  changed[2].stream_minutes += 0.5;
  changed[3].max_windows += 1;
  changed[4].min_score = 0.25;
  changed[5].min_gap_frames += 1;
  for (size_t i = 0; i < changed.size(); ++i) EXPECT_NE(MiningKey(model, 1, changed[i]), key) << i;
}

TEST(MiningKey, ChangesWithTheStreamsWordListAndNoise) {
  const std::vector<uint8_t> model = RandomClassifier(3);
  const std::string dir = ::testing::TempDir() + "mining_key_inputs";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/noise");
  const std::string words = dir + "/words.txt";
  auto write_words = [&](const char* text) {
    std::ofstream out(words, std::ios::binary | std::ios::trunc);
    out << text;
  };
  write_words("table\nchair\nwindow\n");
  MineConfig base;
  base.word_list = words;
  base.noise_dirs = {dir + "/noise"};
  const uint64_t key = MiningKey(model, 1, base);
  EXPECT_EQ(MiningKey(model, 1, base), key);
  // The same path with other words in it.
  write_words("table\nchair\nwindows\n");
  const uint64_t other_words = MiningKey(model, 1, base);
  EXPECT_NE(other_words, key);
  // A noise file appears in the directory.
  std::vector<float> hum(16000);
  for (size_t i = 0; i < hum.size(); ++i) hum[i] = 0.2f * std::sin(0.05f * static_cast<float>(i));
  SF_INFO info{};
  info.samplerate = 16000;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* f = sf_open((dir + "/noise/hum.wav").c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  sf_writef_float(f, hum.data(), static_cast<sf_count_t>(hum.size()));
  sf_close(f);
  EXPECT_NE(MiningKey(model, 1, base), other_words);
  // Another noise directory or word list path.
  MineConfig c = base;
  c.noise_dirs = {};
  EXPECT_NE(MiningKey(model, 1, c), MiningKey(model, 1, base));
  std::filesystem::copy_file(words, dir + "/words2.txt");
  c = base;
  c.word_list = dir + "/words2.txt";
  EXPECT_NE(MiningKey(model, 1, c), MiningKey(model, 1, base));
  // A word list that cannot be read is an error, not a key.
  c.word_list = dir + "/missing.txt";
  EXPECT_THROW(MiningKey(model, 1, c), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(EvalReportJson, HoldsEveryFigure) {
  EvalReport r;
  r.curve = {{0.5, 0.02, 40.0}, {0.9, 0.05, 0.5}};
  r.chosen_threshold = 0.9;
  r.frr = 0.05;
  r.fa_per_hour = 0.5;
  r.hours = 2.0;
  r.words = 360;
  r.target_met = true;
  const nlohmann::json j = EvalReportJson(r);
  EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(j["frr"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(j["fa_per_hour"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["hours"].get<double>(), 2.0);
  EXPECT_EQ(j["words"].get<size_t>(), 360u);
  EXPECT_TRUE(j["target_met"].get<bool>());
  ASSERT_EQ(j["curve"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["curve"][0]["fa_per_hour"].get<double>(), 40.0);
}

}  // namespace
}  // namespace tinyml::train
