// Detector unit tests with hand-made frames and scores (no model); the run
// through a real interpreter is in tests/conformance/kws_pipeline_test.cc.
#include "tinyml/detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace tinyml {
namespace {

// Caller memory for a detector, 8-byte aligned.
struct Mem {
  explicit Mem(size_t bytes) : words((bytes + 7) / 8 + 1) {}
  void* data() { return words.data(); }
  std::vector<uint64_t> words;
};

struct Harness {
  explicit Harness(const DetectorConfig& c) {
    size_t bytes = 0;
    EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kOk);
    mem = std::make_unique<Mem>(bytes);
    EXPECT_EQ(detector.Init(c, mem->data(), bytes), Status::kOk) << detector.error();
  }
  // Pushes one frame; when an invoke is due, gives `scores` (int8).
  bool Step(const std::vector<int8_t>& frame, const std::vector<int8_t>& scores, Detection* event, bool* invoked = nullptr) {
    bool invoke = false;
    EXPECT_EQ(detector.PushFrame(frame.data(), &invoke), Status::kOk);
    if (invoked) *invoked = invoke;
    if (!invoke) return false;
    bool detected = false;
    EXPECT_EQ(detector.PushScores(scores.data(), event, &detected), Status::kOk);
    return detected;
  }
  std::unique_ptr<Mem> mem;
  Detector detector;
};

// int8 softmax quantization (scale 1/256, zero point -128): probability p
// in 1/256 steps is q = p*256 - 128.
int8_t Q(int p256) { return static_cast<int8_t>(p256 - 128); }

DetectorConfig SmallConfig() {
  DetectorConfig c;
  c.num_labels = 4;
  c.window_frames = 3;
  c.frame_bytes = 2;
  c.stride_frames = 1;
  c.smoothing_invokes = 1;
  c.cooldown_frames = 0;
  c.default_threshold = kScoreOne / 2;
  c.hop_ms = 20;
  c.window_ms = 30;
  return c;
}

TEST(DetectorTest, RejectsBadConfigs) {
  size_t bytes = 1;
  DetectorConfig c = SmallConfig();
  c.num_labels = 0;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);
  EXPECT_EQ(bytes, 0u);
  c = SmallConfig();
  c.stride_frames = 0;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);
  c = SmallConfig();
  c.smoothing_invokes = 0;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);
  c = SmallConfig();
  c.score_type = TensorType::kInt32;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);
  c = SmallConfig();
  c.score_scale = NAN;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);
  c = SmallConfig();
  c.score_scale = 0.0f;
  EXPECT_EQ(Detector::RequiredBytes(c, &bytes), Status::kInvalidArgument);

  // Too little or misaligned memory.
  c = SmallConfig();
  ASSERT_EQ(Detector::RequiredBytes(c, &bytes), Status::kOk);
  Mem mem(bytes + 16);
  Detector d;
  EXPECT_EQ(d.Init(c, mem.data(), bytes - 1), Status::kArenaTooSmall);
  EXPECT_NE(std::string(d.error()), "");
  EXPECT_EQ(d.Init(c, static_cast<uint8_t*>(mem.data()) + 1, bytes), Status::kMisaligned);
  EXPECT_EQ(d.Init(c, mem.data(), bytes), Status::kOk);
  EXPECT_EQ(d.SetThreshold(4, 0), Status::kInvalidArgument);
  EXPECT_EQ(d.SetBackground(-1, true), Status::kInvalidArgument);
}

TEST(DetectorTest, NotInitializedFails) {
  Detector d;
  bool invoke = true;
  const int8_t frame[2] = {};
  EXPECT_EQ(d.PushFrame(frame, &invoke), Status::kNotPrepared);
  EXPECT_FALSE(invoke);
}

TEST(DetectorTest, RingBufferWrapsAndKeepsOrder) {
  // Window of 3 frames, 2 bytes each; frames carry their index.
  DetectorConfig c = SmallConfig();
  Harness h(c);
  std::vector<int8_t> window(6);
  for (int k = 0; k < 11; ++k) {
    const std::vector<int8_t> frame = {static_cast<int8_t>(k), static_cast<int8_t>(-k)};
    bool invoke = false;
    ASSERT_EQ(h.detector.PushFrame(frame.data(), &invoke), Status::kOk);
    // Invoked only once the ring is full (frame 2), then every frame.
    EXPECT_EQ(invoke, k >= 2) << k;
    h.detector.CopyWindow(window.data());
    for (int j = 0; j < 3; ++j) {
      const int want = k - 2 + j;  // oldest first
      if (want < 0) continue;      // not yet written: zeros
      EXPECT_EQ(window[2 * j], want) << "frame " << k << " slot " << j;
      EXPECT_EQ(window[2 * j + 1], -want);
    }
    if (invoke) {
      const std::vector<int8_t> scores = {Q(256), Q(0), Q(0), Q(0)};
      Detection e;
      bool detected = false;
      ASSERT_EQ(h.detector.PushScores(scores.data(), &e, &detected), Status::kOk);
    }
  }
  EXPECT_EQ(h.detector.frames_seen(), 11);
  EXPECT_EQ(h.detector.invokes(), 9);
}

TEST(DetectorTest, StrideInvokesEveryNFrames) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 4;
  c.stride_frames = 3;
  Harness h(c);
  std::vector<int> invoked_at;
  const std::vector<int8_t> frame(2, 0), scores(4, Q(0));
  for (int k = 0; k < 20; ++k) {
    Detection e;
    bool invoked = false;
    h.Step(frame, scores, &e, &invoked);
    if (invoked) invoked_at.push_back(k);
  }
  EXPECT_EQ(invoked_at, (std::vector<int>{3, 6, 9, 12, 15, 18}));
}

TEST(DetectorTest, SmoothingIsTruncatedIntegerMeanOverWindow) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 1;
  c.smoothing_invokes = 3;
  c.default_threshold = kScoreOne + 1;  // never fires: test the averages only
  Harness h(c);
  const std::vector<int8_t> frame(2, 0);
  // Label 0 probability steps (1/256): 10, 20, 31, 100, 0.
  const int p[] = {10, 20, 31, 100, 0};
  // Q15 of p/256 is p*128; means over the last min(n,3) values, truncated.
  const int32_t want[] = {10 * 128, (10 + 20) * 128 / 2, (10 + 20 + 31) * 128 / 3, (20 + 31 + 100) * 128 / 3,
                          (31 + 100 + 0) * 128 / 3};
  for (int k = 0; k < 5; ++k) {
    Detection e;
    EXPECT_FALSE(h.Step(frame, {Q(p[k]), Q(1), Q(255 - p[k]), Q(0)}, &e));
    EXPECT_EQ(h.detector.smoothed_scores()[0], want[k]) << k;
    EXPECT_EQ(h.detector.last_scores()[0], p[k] * 128) << k;
    EXPECT_EQ(h.detector.smoothed_scores()[1], 128) << k;
  }
  // A non-multiple of 128 average: (31+100+0)*128/3 = 5589.33 → 5589.
  EXPECT_EQ(h.detector.smoothed_scores()[0], 5589);
}

TEST(DetectorTest, ThresholdsArePerLabelAndInclusive) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 1;
  Harness h(c);
  ASSERT_EQ(h.detector.SetThreshold(2, 200 * 128), Status::kOk);
  ASSERT_EQ(h.detector.SetThreshold(3, 100 * 128), Status::kOk);
  EXPECT_EQ(h.detector.threshold(2), 200 * 128);
  EXPECT_EQ(h.detector.threshold(0), kScoreOne / 2);
  const std::vector<int8_t> frame(2, 0);
  Detection e;
  // Label 2 at 199/256: below its threshold; label 3 at 56: below too.
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(1), Q(199), Q(56)}, &e));
  // Exactly at the threshold fires.
  ASSERT_TRUE(h.Step(frame, {Q(0), Q(0), Q(200), Q(56)}, &e));
  EXPECT_EQ(e.label, 2);
  EXPECT_EQ(e.score, 200 * 128);
  // Label 3 over its lower threshold while label 2 (higher score) is under its own.
  ASSERT_TRUE(h.Step(frame, {Q(0), Q(0), Q(150), Q(106)}, &e));
  EXPECT_EQ(e.label, 3);
  EXPECT_EQ(e.score, 106 * 128);
  // Both above: the higher smoothed score wins.
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(0), Q(101), Q(99)}, &e));  // 2 below 200, 3 below 100
  ASSERT_EQ(h.detector.SetThreshold(2, 100 * 128), Status::kOk);
  ASSERT_TRUE(h.Step(frame, {Q(0), Q(0), Q(128), Q(127)}, &e));
  EXPECT_EQ(e.label, 2);
  // Ties go to the lower index.
  ASSERT_TRUE(h.Step(frame, {Q(0), Q(0), Q(128), Q(128)}, &e));
  EXPECT_EQ(e.label, 2);
  // Above kScoreOne: never.
  ASSERT_EQ(h.detector.SetThreshold(2, kScoreOne + 1), Status::kOk);
  ASSERT_EQ(h.detector.SetThreshold(3, kScoreOne + 1), Status::kOk);
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(0), Q(255), Q(0)}, &e));
}

TEST(DetectorTest, BackgroundLabelsNeverFire) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 1;
  Harness h(c);
  ASSERT_EQ(h.detector.SetBackground(0, true), Status::kOk);
  ASSERT_EQ(h.detector.SetBackground(1, true), Status::kOk);
  EXPECT_TRUE(h.detector.background(0));
  EXPECT_FALSE(h.detector.background(2));
  const std::vector<int8_t> frame(2, 0);
  Detection e;
  EXPECT_FALSE(h.Step(frame, {Q(255), Q(0), Q(0), Q(0)}, &e));
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(255), Q(0), Q(0)}, &e));
  // Background scores do not block a keyword that passes its threshold.
  ASSERT_TRUE(h.Step(frame, {Q(100), Q(5), Q(150), Q(0)}, &e));
  EXPECT_EQ(e.label, 2);
  ASSERT_EQ(h.detector.SetBackground(0, false), Status::kOk);
  ASSERT_TRUE(h.Step(frame, {Q(255), Q(0), Q(0), Q(0)}, &e));
  EXPECT_EQ(e.label, 0);
}

TEST(DetectorTest, CooldownSuppressesThenAllows) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 2;
  c.cooldown_frames = 5;
  Harness h(c);
  const std::vector<int8_t> frame(2, 0);
  std::vector<int64_t> fired;
  for (int k = 0; k < 20; ++k) {
    Detection e;
    if (h.Step(frame, {Q(0), Q(0), Q(255), Q(0)}, &e)) {
      fired.push_back(e.frame_index);
      EXPECT_EQ(e.time_ms, e.frame_index * 20 + 30);
    }
  }
  // First invoke at frame 1; then at least 5 frames apart.
  EXPECT_EQ(fired, (std::vector<int64_t>{1, 6, 11, 16}));

  // Cooldown applies across labels, and Reset() clears it.
  h.detector.Reset();
  Detection e;
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(0), Q(0), Q(255)}, &e));  // ring not full yet
  ASSERT_TRUE(h.Step(frame, {Q(0), Q(0), Q(0), Q(255)}, &e));
  EXPECT_EQ(e.frame_index, 1);
  EXPECT_EQ(e.label, 3);
  EXPECT_FALSE(h.Step(frame, {Q(0), Q(0), Q(255), Q(0)}, &e));
}

TEST(DetectorTest, ScoreConversionIntegerExact) {
  // Q15 of every int8/uint8/int16 code for several quantizations equals
  // round((q - zp) * scale * 32768) clamped to [0, 32768], computed in
  // double here.
  struct Case {
    TensorType type;
    float scale;
    int32_t zp;
  };
  const Case cases[] = {
      {TensorType::kInt8, 1.0f / 256, -128}, {TensorType::kInt8, 0.00390625f, 0}, {TensorType::kInt8, 0.0123f, -5},
      {TensorType::kUInt8, 1.0f / 255, 0},   {TensorType::kUInt8, 1.0f / 256, 0}, {TensorType::kInt16, 1.0f / 32768, 0},
      {TensorType::kInt16, 3.1e-5f, -100},   {TensorType::kInt8, 1e-7f, 0},       {TensorType::kInt8, 0.9f, 0},
  };
  for (const Case& k : cases) {
    DetectorConfig c;
    c.num_labels = 1;
    c.window_frames = 1;
    c.frame_bytes = 1;
    c.smoothing_invokes = 1;
    c.score_type = k.type;
    c.score_scale = k.scale;
    c.score_zero_point = k.zp;
    c.default_threshold = kScoreOne + 1;
    Harness h(c);
    const int lo = k.type == TensorType::kInt8 ? -128 : (k.type == TensorType::kUInt8 ? 0 : -32768);
    const int hi = k.type == TensorType::kInt8 ? 127 : (k.type == TensorType::kUInt8 ? 255 : 32767);
    for (int q = lo; q <= hi; ++q) {
      uint8_t raw[2];
      if (k.type == TensorType::kInt16) {
        const int16_t v = static_cast<int16_t>(q);
        std::memcpy(raw, &v, 2);
      } else {
        raw[0] = static_cast<uint8_t>(q);
      }
      bool invoke = false;
      const uint8_t frame = 0;
      ASSERT_EQ(h.detector.PushFrame(&frame, &invoke), Status::kOk);
      ASSERT_TRUE(invoke);
      Detection e;
      bool detected = false;
      ASSERT_EQ(h.detector.PushScores(raw, &e, &detected), Status::kOk);
      const double exact = (q - k.zp) * static_cast<double>(k.scale) * 32768.0;
      const double want = std::min(32768.0, std::max(0.0, exact));
      // The quantized multiplier has 31 bits: within 1 of the exact value,
      // and equal whenever scale * 32768 is a power of two.
      EXPECT_NEAR(h.detector.last_scores()[0], want, 1.0) << "scale " << k.scale << " zp " << k.zp << " q " << q;
      if (k.scale == 1.0f / 256 || k.scale == 1.0f / 32768 || k.scale == 0.00390625f) {
        EXPECT_EQ(h.detector.last_scores()[0], static_cast<int32_t>(want)) << q;
      }
    }
  }
}

TEST(DetectorTest, FloatScores) {
  DetectorConfig c = SmallConfig();
  c.window_frames = 1;
  c.score_type = TensorType::kFloat32;
  Harness h(c);
  const float scores[4] = {0.1f, -0.5f, 0.75f, NAN};
  bool invoke = false;
  const int8_t frame[2] = {};
  ASSERT_EQ(h.detector.PushFrame(frame, &invoke), Status::kOk);
  Detection e;
  bool detected = false;
  ASSERT_EQ(h.detector.PushScores(scores, &e, &detected), Status::kOk);
  EXPECT_EQ(h.detector.last_scores()[0], 3277);
  EXPECT_EQ(h.detector.last_scores()[1], 0);
  EXPECT_EQ(h.detector.last_scores()[2], 24576);
  EXPECT_EQ(h.detector.last_scores()[3], 0);
  ASSERT_TRUE(detected);
  EXPECT_EQ(e.label, 2);
}

// A random sequence checked against a straightforward model of the rules
// (vectors, no ring, no running sums), seed printed.
TEST(DetectorTest, MatchesSimpleModelOnRandomScores) {
  const uint32_t seed = 20240611;
  std::printf("DetectorTest seed %u\n", seed);
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 20; ++trial) {
    DetectorConfig c;
    c.num_labels = 1 + rng() % 6;
    c.window_frames = 1 + rng() % 5;
    c.frame_bytes = 1 + rng() % 3;
    c.stride_frames = 1 + rng() % 4;
    c.smoothing_invokes = 1 + rng() % 5;
    c.cooldown_frames = rng() % 8;
    c.default_threshold = static_cast<int32_t>(rng() % 32768);
    Harness h(c);
    std::vector<int32_t> thresholds(c.num_labels, c.default_threshold);
    std::vector<bool> bg(c.num_labels, false);
    for (int i = 0; i < c.num_labels; ++i) {
      if (rng() % 3 == 0) {
        thresholds[i] = static_cast<int32_t>(rng() % 32768);
        ASSERT_EQ(h.detector.SetThreshold(i, thresholds[i]), Status::kOk);
      }
      if (rng() % 4 == 0) {
        bg[i] = true;
        ASSERT_EQ(h.detector.SetBackground(i, true), Status::kOk);
      }
    }
    std::vector<std::vector<int32_t>> history;
    std::vector<std::vector<uint8_t>> frames;
    int64_t last_fire = -1;
    for (int k = 0; k < 200; ++k) {
      std::vector<uint8_t> frame(c.frame_bytes);
      for (auto& b : frame) b = static_cast<uint8_t>(rng());
      frames.push_back(frame);
      bool invoke = false;
      ASSERT_EQ(h.detector.PushFrame(frame.data(), &invoke), Status::kOk);
      const bool want_invoke = k >= c.window_frames - 1 && (k - (c.window_frames - 1)) % c.stride_frames == 0;
      ASSERT_EQ(invoke, want_invoke) << k;
      if (!invoke) continue;
      std::vector<uint8_t> window(static_cast<size_t>(c.window_frames) * c.frame_bytes);
      h.detector.CopyWindow(window.data());
      for (int j = 0; j < c.window_frames; ++j) {
        ASSERT_EQ(0, std::memcmp(window.data() + j * c.frame_bytes, frames[k - c.window_frames + 1 + j].data(),
                                 c.frame_bytes));
      }
      std::vector<int8_t> scores(c.num_labels);
      std::vector<int32_t> q15(c.num_labels);
      for (int i = 0; i < c.num_labels; ++i) {
        scores[i] = static_cast<int8_t>(rng());
        q15[i] = (scores[i] + 128) * 128;
      }
      history.push_back(q15);
      const size_t n = std::min<size_t>(history.size(), c.smoothing_invokes);
      int best = -1;
      std::vector<int32_t> mean(c.num_labels);
      for (int i = 0; i < c.num_labels; ++i) {
        int64_t sum = 0;
        for (size_t r = history.size() - n; r < history.size(); ++r) sum += history[r][i];
        mean[i] = static_cast<int32_t>(sum / static_cast<int64_t>(n));
        if (!bg[i] && mean[i] >= thresholds[i] && (best < 0 || mean[i] > mean[best])) best = i;
      }
      bool want_fire = best >= 0 && (last_fire < 0 || k - last_fire >= c.cooldown_frames);
      if (want_fire) last_fire = k;
      Detection e;
      bool detected = false;
      ASSERT_EQ(h.detector.PushScores(scores.data(), &e, &detected), Status::kOk);
      for (int i = 0; i < c.num_labels; ++i) ASSERT_EQ(h.detector.smoothed_scores()[i], mean[i]);
      ASSERT_EQ(detected, want_fire) << "trial " << trial << " frame " << k;
      if (detected) {
        EXPECT_EQ(e.label, best);
        EXPECT_EQ(e.score, mean[best]);
        EXPECT_EQ(e.frame_index, k);
      }
    }
  }
}

}  // namespace
}  // namespace tinyml
