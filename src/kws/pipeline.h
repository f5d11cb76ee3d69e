// Keyword spotting end to end: 16 kHz int16 samples ──► Frontend ──►
// Detector ──► model (tinyml::Interpreter) ──► detection callbacks.
//
// Results do not depend on how the samples are chunked: the frontend is
// streaming and frames reach the detector one at a time in order.
//
// No allocation: Init() takes caller memory of RequiredBytes() bytes
// (8-byte aligned) for the frontend, the detector and one frame.
#ifndef TINYML_SRC_KWS_PIPELINE_H_
#define TINYML_SRC_KWS_PIPELINE_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/detector.h"
#include "tinyml/frontend.h"
#include "tinyml/interpreter.h"
#include "tinyml/status.h"

namespace tinyml {

// Derives the detector's window, frame size, timing and score format from a
// prepared interpreter (input 0 = window of frames, output 0 = scores) and
// the frontend that feeds it. Thresholds, stride, smoothing and cooldown
// keep the values already in *config. Fails with a message in `error`
// (at least 128 bytes) when the model does not fit the frontend.
Status DetectorConfigForModel(Interpreter& interpreter, const FrontendConfig& frontend, DetectorConfig* config,
                              char* error, size_t error_bytes);

// Picks the frontend a model expects from its input 0: 49x40 int8
// features (1960 elements, TFLM micro_speech) → kTflmLogMel, 49x10 (490,
// MLPerf KWS) → kMfcc with the input's scale and zero point. Returns
// kInvalidArgument when the shape matches neither.
Status FrontendConfigForModel(Interpreter& interpreter, FrontendConfig* config);

class KwsPipeline {
 public:
  using DetectionFn = void (*)(void* context, const Detection& detection);

  KwsPipeline() = default;
  KwsPipeline(const KwsPipeline&) = delete;
  KwsPipeline& operator=(const KwsPipeline&) = delete;

  // The frontend needs no backlog here (Push feeds it at most a hop at a
  // time), so frontend.backlog_samples is ignored.
  static Status RequiredBytes(const FrontendConfig& frontend, const DetectorConfig& detector, size_t* bytes);
  // The same with the frontend's constant tables given (null: none; see
  // FrontendTables): that much less memory.
  static Status RequiredBytes(const FrontendConfig& frontend, const FrontendTables* tables,
                              const DetectorConfig& detector, size_t* bytes);

  // `interpreter` is prepared and outlives the pipeline. Thresholds and
  // background labels are then set through detector().
  Status Init(const FrontendConfig& frontend, const DetectorConfig& detector, Interpreter* interpreter, void* memory,
              size_t bytes);
  // The same with the frontend's constant tables (null: none), which
  // outlive the pipeline; `bytes` at least RequiredBytes with them.
  Status Init(const FrontendConfig& frontend, const FrontendTables* tables, const DetectorConfig& detector,
              Interpreter* interpreter, void* memory, size_t bytes);

  // Consumes all `count` samples; calls `on_detection` (may be nullptr) for
  // each detection, in order.
  Status Push(const int16_t* samples, size_t count, DetectionFn on_detection, void* context);

  // Clears frontend and detector state and the interpreter's variables.
  void Reset();

  Frontend& frontend() { return frontend_; }
  Detector& detector() { return detector_; }
  const char* error() const { return error_; }

 private:
  Status Fail(Status status, const char* message);
  Status DrainFrames(const int16_t* samples, size_t count, DetectionFn on_detection, void* context);

  Frontend frontend_;
  Detector detector_;
  Interpreter* interpreter_ = nullptr;
  uint8_t* frame_ = nullptr;
  char error_[160] = {};
};

}  // namespace tinyml

#endif  // TINYML_SRC_KWS_PIPELINE_H_
