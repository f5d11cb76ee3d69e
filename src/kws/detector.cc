#include "tinyml/detector.h"

#include <string.h>

#include "core/fixed_point.h"

namespace tinyml {
namespace {

constexpr size_t kAlign = 8;
// Keeps the history sums far from int32 overflow: rows * kScoreOne < 2^31.
constexpr int32_t kMaxSmoothing = 1024;
constexpr int32_t kMaxLabels = 4096;

size_t AlignUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

struct Layout {
  size_t ring = 0;
  size_t history = 0;
  size_t sums = 0;
  size_t smoothed = 0;
  size_t thresholds = 0;
  size_t background = 0;
  size_t total = 0;
};

Layout ComputeLayout(const DetectorConfig& c) {
  Layout l;
  size_t offset = 0;
  l.ring = offset;
  offset += AlignUp(static_cast<size_t>(c.window_frames) * static_cast<size_t>(c.frame_bytes));
  const size_t labels = static_cast<size_t>(c.num_labels);
  l.history = offset;
  offset += AlignUp(static_cast<size_t>(c.smoothing_invokes) * labels * sizeof(int32_t));
  l.sums = offset;
  offset += AlignUp(labels * sizeof(int32_t));
  l.smoothed = offset;
  offset += AlignUp(labels * sizeof(int32_t));
  l.thresholds = offset;
  offset += AlignUp(labels * sizeof(int32_t));
  l.background = offset;
  offset += AlignUp(labels);
  l.total = offset;
  return l;
}

const char* CheckConfig(const DetectorConfig& c) {
  if (c.num_labels < 1 || c.num_labels > kMaxLabels) return TINYML_MSG("num_labels must be 1..4096");
  if (c.window_frames < 1 || c.window_frames > (1 << 16)) return TINYML_MSG("window_frames must be 1..65536");
  if (c.frame_bytes < 1 || c.frame_bytes > (1 << 16)) return TINYML_MSG("frame_bytes must be 1..65536");
  if (c.stride_frames < 1 || c.stride_frames > (1 << 16)) return TINYML_MSG("stride_frames must be 1..65536");
  if (c.smoothing_invokes < 1 || c.smoothing_invokes > kMaxSmoothing) {
    return TINYML_MSG("smoothing_invokes must be 1..1024");
  }
  if (c.cooldown_frames < 0) return TINYML_MSG("cooldown_frames must be >= 0");
  if (c.default_threshold < 0) return TINYML_MSG("default_threshold must be >= 0 (Q15)");
  if (c.hop_ms < 0 || c.window_ms < 0) return TINYML_MSG("hop_ms and window_ms must be >= 0");
  switch (c.score_type) {
    case TensorType::kInt8:
    case TensorType::kUInt8:
    case TensorType::kInt16:
      // Written as a negated test so that NaN is rejected too.
      if (!(c.score_scale > 0.0f && c.score_scale <= 1.0f)) return TINYML_MSG("score_scale must be in (0, 1]");
      if (c.score_zero_point < -32768 || c.score_zero_point > 65535) return TINYML_MSG("score_zero_point out of range");
      break;
    case TensorType::kFloat32:
      break;
    default:
      return TINYML_MSG("scores must be int8, uint8, int16 or float32");
  }
  return nullptr;
}

}  // namespace

Status Detector::RequiredBytes(const DetectorConfig& config, size_t* bytes) {
  *bytes = 0;
  if (CheckConfig(config) != nullptr) return Status::kInvalidArgument;
  *bytes = ComputeLayout(config).total;
  return Status::kOk;
}

Status Detector::Fail(Status status, const char* message) {
  size_t n = strlen(message);
  if (n >= sizeof(error_)) n = sizeof(error_) - 1;
  memcpy(error_, message, n);
  error_[n] = '\0';
  return status;
}

Status Detector::Init(const DetectorConfig& config, void* memory, size_t bytes) {
  initialized_ = false;
  error_[0] = '\0';
  if (const char* problem = CheckConfig(config)) return Fail(Status::kInvalidArgument, problem);
  const Layout layout = ComputeLayout(config);
  if (memory == nullptr || bytes < layout.total) {
    return Fail(Status::kArenaTooSmall, TINYML_MSG("detector memory smaller than RequiredBytes()"));
  }
  if (reinterpret_cast<uintptr_t>(memory) % kAlign != 0) {
    return Fail(Status::kMisaligned, TINYML_MSG("detector memory must be 8-byte aligned"));
  }
  config_ = config;
  uint8_t* base = static_cast<uint8_t*>(memory);
  ring_ = base + layout.ring;
  history_ = reinterpret_cast<int32_t*>(base + layout.history);
  sums_ = reinterpret_cast<int32_t*>(base + layout.sums);
  smoothed_ = reinterpret_cast<int32_t*>(base + layout.smoothed);
  thresholds_ = reinterpret_cast<int32_t*>(base + layout.thresholds);
  background_ = base + layout.background;
  for (int32_t i = 0; i < config.num_labels; ++i) {
    thresholds_[i] = config.default_threshold;
    background_[i] = 0;
  }
  if (config.score_type != TensorType::kFloat32) {
    // Init-time float, like an op's prepare(): the per-frame path is integer.
    QuantizeMultiplier(static_cast<double>(config.score_scale) * kScoreOne, &score_multiplier_, &score_shift_);
  }
  initialized_ = true;
  Reset();
  return Status::kOk;
}

void Detector::Reset() {
  if (!initialized_) return;
  memset(ring_, 0, static_cast<size_t>(config_.window_frames) * static_cast<size_t>(config_.frame_bytes));
  memset(history_, 0, static_cast<size_t>(config_.smoothing_invokes) * config_.num_labels * sizeof(int32_t));
  memset(sums_, 0, static_cast<size_t>(config_.num_labels) * sizeof(int32_t));
  memset(smoothed_, 0, static_cast<size_t>(config_.num_labels) * sizeof(int32_t));
  ring_head_ = 0;
  last_row_ = 0;
  rows_used_ = 0;
  frames_seen_ = 0;
  invokes_ = 0;
  last_detection_frame_ = -1;
  frames_until_invoke_ = config_.window_frames;
}

Status Detector::SetThreshold(int32_t label, int32_t threshold_q15) {
  if (!initialized_) return Fail(Status::kNotPrepared, TINYML_MSG("detector not initialized"));
  if (label < 0 || label >= config_.num_labels) return Fail(Status::kInvalidArgument, TINYML_MSG("label out of range"));
  if (threshold_q15 < 0) return Fail(Status::kInvalidArgument, TINYML_MSG("threshold must be >= 0 (Q15)"));
  thresholds_[label] = threshold_q15;
  return Status::kOk;
}

Status Detector::SetBackground(int32_t label, bool is_background) {
  if (!initialized_) return Fail(Status::kNotPrepared, TINYML_MSG("detector not initialized"));
  if (label < 0 || label >= config_.num_labels) return Fail(Status::kInvalidArgument, TINYML_MSG("label out of range"));
  background_[label] = is_background ? 1 : 0;
  return Status::kOk;
}

int32_t Detector::threshold(int32_t label) const {
  return (initialized_ && label >= 0 && label < config_.num_labels) ? thresholds_[label] : 0;
}

bool Detector::background(int32_t label) const {
  return initialized_ && label >= 0 && label < config_.num_labels && background_[label] != 0;
}

Status Detector::PushFrame(const void* frame, bool* invoke_now) {
  *invoke_now = false;
  if (!initialized_) return Fail(Status::kNotPrepared, TINYML_MSG("detector not initialized"));
  const size_t frame_bytes = static_cast<size_t>(config_.frame_bytes);
  memcpy(ring_ + static_cast<size_t>(ring_head_) * frame_bytes, frame, frame_bytes);
  ring_head_ = (ring_head_ + 1 == config_.window_frames) ? 0 : ring_head_ + 1;
  ++frames_seen_;
  if (--frames_until_invoke_ == 0) {
    *invoke_now = true;
    frames_until_invoke_ = config_.stride_frames;
  }
  return Status::kOk;
}

void Detector::CopyWindow(void* dst) const {
  if (!initialized_) return;
  // The ring's head is the oldest frame: copy head..end, then 0..head.
  const size_t frame_bytes = static_cast<size_t>(config_.frame_bytes);
  const size_t older = static_cast<size_t>(config_.window_frames - ring_head_) * frame_bytes;
  const size_t newer = static_cast<size_t>(ring_head_) * frame_bytes;
  uint8_t* out = static_cast<uint8_t*>(dst);
  memcpy(out, ring_ + newer, older);
  memcpy(out + older, ring_, newer);
}

int32_t Detector::ToQ15(const void* scores, int32_t i) const {
  int32_t q = 0;
  switch (config_.score_type) {
    case TensorType::kFloat32: {
      float v;
      memcpy(&v, static_cast<const uint8_t*>(scores) + 4 * static_cast<size_t>(i), 4);
      // Negated so NaN maps to 0.
      if (!(v > 0.0f)) return 0;
      if (v >= 1.0f) return kScoreOne;
      return static_cast<int32_t>(v * static_cast<float>(kScoreOne) + 0.5f);
    }
    case TensorType::kInt8:
      q = static_cast<const int8_t*>(scores)[i];
      break;
    case TensorType::kUInt8:
      q = static_cast<const uint8_t*>(scores)[i];
      break;
    case TensorType::kInt16: {
      int16_t v;
      memcpy(&v, static_cast<const uint8_t*>(scores) + 2 * static_cast<size_t>(i), 2);
      q = v;
      break;
    }
    default:
      return 0;
  }
  // (q - zero_point) * multiplier * 2^(shift - 31), rounded half up, in 64
  // bits: |q - zero_point| < 2^17 so the product stays below 2^48.
  const int64_t product = static_cast<int64_t>(q - config_.score_zero_point) * score_multiplier_;
  const int right_shift = 31 - score_shift_;
  int64_t value;
  if (right_shift <= 0) {
    value = product << -right_shift;
  } else if (right_shift > 62) {
    value = 0;
  } else {
    value = (product + (static_cast<int64_t>(1) << (right_shift - 1))) >> right_shift;
  }
  if (value < 0) return 0;
  if (value > kScoreOne) return kScoreOne;
  return static_cast<int32_t>(value);
}

Status Detector::PushScores(const void* scores, Detection* event, bool* detected) {
  *detected = false;
  if (!initialized_) return Fail(Status::kNotPrepared, TINYML_MSG("detector not initialized"));
  const int32_t labels = config_.num_labels;
  // The row written now replaces the oldest one once the history is full.
  const int32_t row = (invokes_ == 0) ? 0 : (last_row_ + 1 == config_.smoothing_invokes ? 0 : last_row_ + 1);
  int32_t* values = history_ + static_cast<size_t>(row) * labels;
  const bool replacing = rows_used_ == config_.smoothing_invokes;
  for (int32_t i = 0; i < labels; ++i) {
    const int32_t q15 = ToQ15(scores, i);
    if (replacing) sums_[i] -= values[i];
    values[i] = q15;
    sums_[i] += q15;
  }
  if (!replacing) ++rows_used_;
  last_row_ = row;
  ++invokes_;

  int32_t best = -1;
  for (int32_t i = 0; i < labels; ++i) {
    smoothed_[i] = sums_[i] / rows_used_;
    if (background_[i] || smoothed_[i] < thresholds_[i]) continue;
    if (best < 0 || smoothed_[i] > smoothed_[best]) best = i;
  }
  if (best < 0) return Status::kOk;
  const int64_t frame = frames_seen_ - 1;
  if (last_detection_frame_ >= 0 && frame - last_detection_frame_ < config_.cooldown_frames) return Status::kOk;
  last_detection_frame_ = frame;
  event->frame_index = frame;
  event->time_ms = frame * config_.hop_ms + config_.window_ms;
  event->label = best;
  event->score = smoothed_[best];
  *detected = true;
  return Status::kOk;
}

Status Detector::ProcessFrame(Interpreter& interpreter, const void* frame, Detection* event, bool* detected) {
  *detected = false;
  bool invoke_now = false;
  TINYML_RETURN_IF_ERROR(PushFrame(frame, &invoke_now));
  if (!invoke_now) return Status::kOk;
  if (!interpreter.prepared() || interpreter.inputs_size() < 1 || interpreter.outputs_size() < 1) {
    return Fail(Status::kNotPrepared, TINYML_MSG("interpreter not prepared"));
  }
  const size_t window_bytes = static_cast<size_t>(config_.window_frames) * static_cast<size_t>(config_.frame_bytes);
  if (interpreter.input_bytes(0) != window_bytes) {
    return Fail(Status::kInvalidShape, TINYML_MSG("model input 0 is not window_frames * frame_bytes bytes"));
  }
  const size_t score_bytes = static_cast<size_t>(config_.num_labels) * TensorTypeBytes(config_.score_type);
  if (interpreter.output_bytes(0) != score_bytes || interpreter.output(0)->type != config_.score_type) {
    return Fail(Status::kInvalidShape, TINYML_MSG("model output 0 is not num_labels scores of score_type"));
  }
  CopyWindow(interpreter.input(0)->data);
  if (interpreter.Invoke() != Status::kOk) return Fail(Status::kInternal, interpreter.error());
  return PushScores(interpreter.output(0)->data, event, detected);
}

}  // namespace tinyml
