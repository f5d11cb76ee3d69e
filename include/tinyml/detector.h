// Streaming keyword detector: feature frames in, detection events out.
//
//   frames ──► ring buffer (the model's input window) ──► model every
//   stride frames ──► scores ──► moving average ──► per-label threshold,
//   background labels, cooldown ──► Detection
//
// It works with any classifier whose output is one score per label (a
// softmax, usually int8 with scale 1/256 and zero point -128).
//
// Scores are Q15 probabilities: 32768 means 1.0. A quantized output q
// becomes (q - zero_point) * scale * 32768 through a fixed-point multiplier
// computed once in Init(), so the per-frame path is integer only (a float32
// output model is converted with one float multiply per score, as its own
// arithmetic is float anyway). Q15 keeps softmax outputs exact: scale 1/256
// maps each step to 128.
//
// Smoothing: the smoothed score of a label is the integer mean (truncated)
// of its last `smoothing_invokes` scores; right after Init()/Reset() the
// mean is over the invokes seen so far.
//
// Decision after each invoke: among the labels that are not background and
// whose smoothed score is >= their threshold, the one with the highest
// smoothed score fires (ties: lowest index), unless a detection happened
// less than `cooldown_frames` frames ago. Background labels (silence,
// unknown, ...) never fire; they matter only through the probability mass
// they take from the others.
//
// Timing: frame k is the audio [k*hop_ms, k*hop_ms + window_ms). The model
// first runs when the ring is full (frame window_frames-1) and then every
// stride_frames frames. A detection reports the newest frame of the window
// it fired on and that frame's end time.
//
// No allocation: Init() takes caller memory of RequiredBytes(config) bytes
// (8-byte aligned) that must outlive the Detector. Not thread-safe.
#ifndef TINYML_DETECTOR_H_
#define TINYML_DETECTOR_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/interpreter.h"
#include "tinyml/status.h"
#include "tinyml/types.h"

namespace tinyml {

// Q15 probability of 1.0.
constexpr int32_t kScoreOne = 32768;

struct DetectorConfig {
  int32_t num_labels = 0;      // scores per invoke (model output elements)
  int32_t window_frames = 49;  // frames in the model input
  int32_t frame_bytes = 40;    // bytes per feature frame
  int32_t stride_frames = 1;   // invoke every N frames once the ring is full
  int32_t smoothing_invokes = 3;
  int32_t cooldown_frames = 50;  // 1 s at 20 ms per frame
  int32_t default_threshold = 26214;  // Q15, 0.8
  int32_t hop_ms = 20;         // frame timing, for Detection::time_ms
  int32_t window_ms = 30;
  // How the model writes its scores.
  TensorType score_type = TensorType::kInt8;  // kInt8, kUInt8, kInt16 or kFloat32
  float score_scale = 1.0f / 256.0f;
  int32_t score_zero_point = -128;
};

struct Detection {
  int64_t frame_index = 0;  // newest frame of the window that fired
  int64_t time_ms = 0;      // end of that frame's audio
  int32_t label = 0;
  int32_t score = 0;        // smoothed, Q15
};

class Detector {
 public:
  Detector() = default;
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Bytes of caller memory Init() needs. Fails (kInvalidArgument) on a
  // configuration that cannot work; *bytes is then 0.
  static Status RequiredBytes(const DetectorConfig& config, size_t* bytes);

  // Every label starts with config.default_threshold, none is background.
  Status Init(const DetectorConfig& config, void* memory, size_t bytes);

  // Threshold in Q15 (0..kScoreOne; above kScoreOne the label never fires).
  Status SetThreshold(int32_t label, int32_t threshold_q15);
  Status SetBackground(int32_t label, bool background);
  int32_t threshold(int32_t label) const;
  bool background(int32_t label) const;

  // Forgets frames, scores, cooldown and the frame count; keeps thresholds
  // and background labels.
  void Reset();

  // Step 1: appends one frame (frame_bytes bytes). *invoke_now says the
  // model must run on the current window and its scores be given to
  // PushScores() before the next frame.
  Status PushFrame(const void* frame, bool* invoke_now);
  // Writes the window, oldest frame first (window_frames * frame_bytes).
  void CopyWindow(void* dst) const;
  // Step 2: the model's scores for the window (num_labels values of
  // score_type). *detected says whether *event was filled.
  Status PushScores(const void* scores, Detection* event, bool* detected);

  // Both steps with a prepared interpreter whose input 0 is the window and
  // output 0 the scores (checked: byte sizes must match the config).
  Status ProcessFrame(Interpreter& interpreter, const void* frame, Detection* event, bool* detected);

  // Smoothed Q15 scores after the last PushScores() (num_labels values).
  const int32_t* smoothed_scores() const { return smoothed_; }
  // Raw scores of the last invoke, converted to Q15.
  const int32_t* last_scores() const { return history_ ? history_ + last_row_ * config_.num_labels : nullptr; }
  int64_t frames_seen() const { return frames_seen_; }
  int64_t invokes() const { return invokes_; }
  const DetectorConfig& config() const { return config_; }
  const char* error() const { return error_; }

 private:
  Status Fail(Status status, const char* message);
  int32_t ToQ15(const void* scores, int32_t i) const;

  DetectorConfig config_;
  uint8_t* ring_ = nullptr;      // window_frames * frame_bytes
  int32_t* history_ = nullptr;   // smoothing_invokes rows of num_labels Q15 scores
  int32_t* sums_ = nullptr;      // per-label sum over the history rows in use
  int32_t* smoothed_ = nullptr;  // per-label mean
  int32_t* thresholds_ = nullptr;
  uint8_t* background_ = nullptr;
  int32_t ring_head_ = 0;        // slot the next frame goes to (= oldest frame when full)
  int32_t last_row_ = 0;
  int32_t rows_used_ = 0;
  int64_t frames_seen_ = 0;
  int64_t invokes_ = 0;
  int64_t last_detection_frame_ = -1;
  int32_t frames_until_invoke_ = 0;
  int32_t score_multiplier_ = 0;
  int score_shift_ = 0;
  bool initialized_ = false;
  char error_[128] = {};
};

}  // namespace tinyml

#endif  // TINYML_DETECTOR_H_
