#include "kws/pipeline.h"

#include <string.h>

namespace tinyml {
namespace {

constexpr size_t kAlign = 8;

size_t AlignUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

void CopyMessage(char* dst, size_t dst_bytes, const char* message) {
  if (dst == nullptr || dst_bytes == 0) return;
  size_t n = strlen(message);
  if (n >= dst_bytes) n = dst_bytes - 1;
  memcpy(dst, message, n);
  dst[n] = '\0';
}

// Frontend frame bytes without building a frontend.
size_t FrameBytes(const FrontendConfig& frontend) {
  const int32_t features = frontend.kind == FrontendKind::kMfcc ? frontend.num_coefficients : frontend.num_bands;
  return static_cast<size_t>(features) * TensorTypeBytes(frontend.output_type);
}

int32_t Ms(int32_t samples, int32_t rate) {
  return rate > 0 ? static_cast<int32_t>(static_cast<int64_t>(samples) * 1000 / rate) : 0;
}

// Push hands the frontend at most a hop at a time and drains each frame
// before the next piece, so no piece completes a second frame: the
// samples after a frame fit in the frontend's pending window and its
// backlog stays empty.
FrontendConfig WithoutBacklog(FrontendConfig config) {
  config.backlog_samples = 0;
  return config;
}

}  // namespace

Status FrontendConfigForModel(Interpreter& interpreter, FrontendConfig* config) {
  if (!interpreter.prepared() || interpreter.inputs_size() < 1) return Status::kNotPrepared;
  const Tensor* input = interpreter.input(0);
  const int64_t elements = input->FlatSize();
  if (input->type != TensorType::kInt8) return Status::kInvalidArgument;
  if (elements == 49 * 40) {
    *config = FrontendConfig::MicroSpeech();
    return Status::kOk;
  }
  if (elements == 49 * 10) {
    *config = FrontendConfig::MlperfKws();
    const TensorMeta meta = interpreter.model().tensor(interpreter.model().input_tensor(0));
    if (meta.quant.count >= 1) {
      config->output_scale = meta.quant.scale(0);
      config->output_zero_point = static_cast<int32_t>(meta.quant.zero_point(0));
    }
    return Status::kOk;
  }
  return Status::kInvalidArgument;
}

Status DetectorConfigForModel(Interpreter& interpreter, const FrontendConfig& frontend, DetectorConfig* config,
                              char* error, size_t error_bytes) {
  if (!interpreter.prepared() || interpreter.inputs_size() < 1 || interpreter.outputs_size() < 1) {
    CopyMessage(error, error_bytes, TINYML_MSG("interpreter not prepared"));
    return Status::kNotPrepared;
  }
  const Tensor* input = interpreter.input(0);
  if (input->type != frontend.output_type) {
    CopyMessage(error, error_bytes, TINYML_MSG("model input 0 type differs from the frontend's output type"));
    return Status::kInvalidArgument;
  }
  const size_t frame_bytes = FrameBytes(frontend);
  const size_t input_bytes = interpreter.input_bytes(0);
  if (frame_bytes == 0 || input_bytes == 0 || input_bytes % frame_bytes != 0) {
    CopyMessage(error, error_bytes, TINYML_MSG("model input 0 is not a whole number of frontend frames"));
    return Status::kInvalidShape;
  }
  const Tensor* output = interpreter.output(0);
  const TensorMeta out_meta = interpreter.model().tensor(interpreter.model().output_tensor(0));
  config->window_frames = static_cast<int32_t>(input_bytes / frame_bytes);
  config->frame_bytes = static_cast<int32_t>(frame_bytes);
  config->num_labels = static_cast<int32_t>(output->FlatSize());
  config->score_type = output->type;
  if (output->type != TensorType::kFloat32) {
    if (out_meta.quant.count < 1) {
      CopyMessage(error, error_bytes, TINYML_MSG("model output 0 is quantized but has no scale"));
      return Status::kInvalidArgument;
    }
    config->score_scale = out_meta.quant.scale(0);
    config->score_zero_point = static_cast<int32_t>(out_meta.quant.zero_point(0));
  }
  config->hop_ms = Ms(frontend.hop_samples, frontend.sample_rate);
  config->window_ms = Ms(frontend.window_samples, frontend.sample_rate);
  size_t bytes = 0;
  if (Detector::RequiredBytes(*config, &bytes) != Status::kOk) {
    CopyMessage(error, error_bytes,
                TINYML_MSG("model output 0 cannot be detector scores (1..4096 int8, uint8, int16 or float32 values)"));
    return Status::kInvalidArgument;
  }
  return Status::kOk;
}

Status KwsPipeline::RequiredBytes(const FrontendConfig& frontend, const DetectorConfig& detector, size_t* bytes) {
  return RequiredBytes(frontend, nullptr, detector, bytes);
}

Status KwsPipeline::PlanMemory(const FrontendConfig& frontend, const FrontendTables* tables,
                               const DetectorConfig& detector, Interpreter* interpreter, MemoryPlan* plan) {
  *plan = MemoryPlan();
  size_t scratch_bytes = 0;
  TINYML_RETURN_IF_ERROR(Frontend::RequiredBytes(frontend, tables, &plan->frontend_bytes));
  TINYML_RETURN_IF_ERROR(Frontend::ScratchBytes(frontend, tables, &scratch_bytes));
  TINYML_RETURN_IF_ERROR(Detector::RequiredBytes(detector, &plan->detector_bytes));
  // The frontend never runs during an invoke, so its per-frame scratch can
  // live in the arena's idle memory.
  size_t idle = 0;
  void* arena = interpreter != nullptr ? interpreter->ScratchBetweenInvokes(&idle) : nullptr;
  if (arena != nullptr && idle >= scratch_bytes) {
    plan->scratch = arena;
    plan->scratch_bytes = idle;
    plan->frontend_bytes -= scratch_bytes;
  }
  plan->total = AlignUp(plan->frontend_bytes) + AlignUp(plan->detector_bytes) + AlignUp(FrameBytes(frontend));
  return Status::kOk;
}

Status KwsPipeline::RequiredBytes(const FrontendConfig& frontend, const FrontendTables* tables,
                                  const DetectorConfig& detector, size_t* bytes) {
  MemoryPlan plan;
  const Status status = PlanMemory(WithoutBacklog(frontend), tables, detector, nullptr, &plan);
  *bytes = plan.total;
  return status;
}

Status KwsPipeline::RequiredBytes(const FrontendConfig& frontend, const FrontendTables* tables,
                                  const DetectorConfig& detector, Interpreter& interpreter, size_t* bytes) {
  *bytes = 0;
  if (!interpreter.prepared()) return Status::kNotPrepared;
  MemoryPlan plan;
  const Status status = PlanMemory(WithoutBacklog(frontend), tables, detector, &interpreter, &plan);
  *bytes = plan.total;
  return status;
}

Status KwsPipeline::Fail(Status status, const char* message) {
  CopyMessage(error_, sizeof(error_), message);
  return status;
}

Status KwsPipeline::Init(const FrontendConfig& frontend, const DetectorConfig& detector, Interpreter* interpreter,
                         void* memory, size_t bytes) {
  return Init(frontend, nullptr, detector, interpreter, memory, bytes);
}

Status KwsPipeline::Init(const FrontendConfig& frontend_config, const FrontendTables* tables,
                         const DetectorConfig& detector, Interpreter* interpreter, void* memory, size_t bytes) {
  const FrontendConfig frontend = WithoutBacklog(frontend_config);
  interpreter_ = nullptr;
  scratch_in_arena_ = false;
  error_[0] = '\0';
  if (interpreter == nullptr || !interpreter->prepared()) {
    return Fail(Status::kNotPrepared, TINYML_MSG("interpreter not prepared"));
  }
  if (static_cast<size_t>(detector.frame_bytes) != FrameBytes(frontend)) {
    return Fail(Status::kInvalidArgument, TINYML_MSG("detector frame_bytes differs from the frontend's frame bytes"));
  }
  MemoryPlan plan;
  if (PlanMemory(frontend, tables, detector, interpreter, &plan) != Status::kOk) {
    // The frontend's Init checks its configuration and tables before the
    // memory: if it gets that far, they are fine and the detector's was
    // refused.
    if (frontend_.Init(frontend, tables, nullptr, 0) != Status::kArenaTooSmall)
      return Fail(Status::kInvalidArgument, frontend_.error());
    return Fail(Status::kInvalidArgument, TINYML_MSG("detector configuration rejected"));
  }
  if (memory == nullptr || bytes < plan.total) return Fail(Status::kArenaTooSmall, TINYML_MSG("pipeline memory too small"));
  uint8_t* base = static_cast<uint8_t*>(memory);
  if (frontend_.Init(frontend, tables, base, plan.frontend_bytes, plan.scratch, plan.scratch_bytes) != Status::kOk)
    return Fail(Status::kInvalidArgument, frontend_.error());
  base += AlignUp(plan.frontend_bytes);
  if (detector_.Init(detector, base, plan.detector_bytes) != Status::kOk)
    return Fail(Status::kInvalidArgument, detector_.error());
  base += AlignUp(plan.detector_bytes);
  frame_ = base;
  interpreter_ = interpreter;
  scratch_in_arena_ = plan.scratch != nullptr;
  return Status::kOk;
}

void KwsPipeline::Reset() {
  frontend_.Reset();
  detector_.Reset();
  if (interpreter_) interpreter_->Reset();
}

Status KwsPipeline::DrainFrames(const int16_t* samples, size_t count, DetectionFn on_detection, void* context) {
  // Frames reach the detector one at a time (a piece of at most a hop
  // completes at most one); the call with count 0 confirms none is left.
  size_t written = 0;
  if (frontend_.Push(samples, count, frame_, 1, &written) != Status::kOk) {
    return Fail(Status::kInternal, frontend_.error());
  }
  while (written == 1) {
    Detection event;
    bool detected = false;
    if (detector_.ProcessFrame(*interpreter_, frame_, &event, &detected) != Status::kOk) {
      return Fail(Status::kInternal, detector_.error());
    }
    if (detected && on_detection) on_detection(context, event);
    if (frontend_.Push(samples, 0, frame_, 1, &written) != Status::kOk) {
      return Fail(Status::kInternal, frontend_.error());
    }
  }
  return Status::kOk;
}

Status KwsPipeline::Push(const int16_t* samples, size_t count, DetectionFn on_detection, void* context) {
  if (interpreter_ == nullptr) return Fail(Status::kNotPrepared, TINYML_MSG("pipeline not initialized"));
  // Pieces of at most a hop complete at most one frame each, whatever the
  // caller's chunk size (see WithoutBacklog).
  const size_t piece = static_cast<size_t>(frontend_.config().hop_samples);
  for (size_t done = 0; done < count;) {
    const size_t n = count - done < piece ? count - done : piece;
    TINYML_RETURN_IF_ERROR(DrainFrames(samples + done, n, on_detection, context));
    done += n;
  }
  return Status::kOk;
}

}  // namespace tinyml
