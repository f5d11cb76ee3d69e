// Keyword spotting end to end: 16 kHz int16 samples ──► Frontend ──►
// Detector ──► model (tinyml::Interpreter) ──► detection callbacks.
//
// Results do not depend on how the samples are chunked: the frontend is
// streaming and frames reach the detector one at a time in order.
//
// No allocation: Init() takes caller memory of RequiredBytes() bytes
// (8-byte aligned) for the frontend, the detector and one frame; the
// frontend's per-frame scratch goes into the model's arena when it fits
// in what the arena leaves idle between invokes.
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

  // The same for a pipeline around `interpreter` (prepared): when the
  // frontend's per-frame scratch fits in the memory the model's arena
  // leaves idle between invokes (Interpreter::ScratchBetweenInvokes),
  // Init puts it there, and the pipeline needs that much less.
  static Status RequiredBytes(const FrontendConfig& frontend, const FrontendTables* tables,
                              const DetectorConfig& detector, Interpreter& interpreter, size_t* bytes);

  // `interpreter` is prepared and outlives the pipeline. Thresholds and
  // background labels are then set through detector(). The frontend's
  // per-frame scratch goes into the interpreter's arena when it fits
  // there (see above): the model's outputs are then valid only until the
  // next frame, so read them (as the detector does) before pushing more.
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
  // True when Init put the frontend's per-frame scratch in the model's
  // arena.
  bool scratch_in_arena() const { return scratch_in_arena_; }

 private:
  Status Fail(Status status, const char* message);
  Status DrainFrames(const int16_t* samples, size_t count, DetectionFn on_detection, void* context);
  // Where the pipeline's memory goes: the frontend (state, and its
  // scratch unless that is in the arena), the detector, one frame.
  struct MemoryPlan {
    size_t frontend_bytes = 0;
    size_t detector_bytes = 0;
    size_t total = 0;
    void* scratch = nullptr;  // the arena's idle memory, when the scratch fits there
    size_t scratch_bytes = 0;
  };
  // The plan for `frontend` (without backlog) and `detector`; with
  // `interpreter` (may be null) the frontend's scratch goes into its idle
  // arena when it fits.
  static Status PlanMemory(const FrontendConfig& frontend, const FrontendTables* tables,
                           const DetectorConfig& detector, Interpreter* interpreter, MemoryPlan* plan);

  Frontend frontend_;
  Detector detector_;
  Interpreter* interpreter_ = nullptr;
  uint8_t* frame_ = nullptr;
  bool scratch_in_arena_ = false;
  char error_[160] = {};
};

}  // namespace tinyml

#endif  // TINYML_SRC_KWS_PIPELINE_H_
