// Streaming audio frontend: 16-bit PCM in (any chunk size), feature frames
// out. The same fixed-point code serves the device, the host CLI and
// training, so features never differ between them.
//
// Two frontends:
//  - kTflmLogMel: TFLite Micro's audio preprocessor (micro_speech): window,
//    FFT, filter bank, square root, spectral subtraction (noise reduction),
//    PCAN gain control, log, then the preprocessor model's final integer
//    scaling to int8. With FrontendConfig::MicroSpeech() it produces the
//    bytes audio_preprocessor_int8.tflite produces, frame for frame.
//  - kMfcc: MFCC as MLPerf Tiny / Hello Edge KWS (FrontendConfig::MlperfKws():
//    30 ms window, 20 ms hop, 40 mel bands, 10 coefficients), quantized to
//    the model's input scale and zero point.
//
// No allocation: the caller gives Init() a buffer of RequiredBytes(config)
// bytes that must outlive the Frontend. Not thread-safe.
#ifndef TINYML_FRONTEND_H_
#define TINYML_FRONTEND_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/status.h"
#include "tinyml/types.h"

namespace tinyml {

enum class FrontendKind : uint8_t { kTflmLogMel = 0, kMfcc = 1 };

struct FrontendConfig {
  FrontendKind kind = FrontendKind::kTflmLogMel;
  int32_t sample_rate = 16000;     // Hz
  int32_t window_samples = 480;    // 30 ms at 16 kHz
  int32_t hop_samples = 320;       // 20 ms at 16 kHz
  int32_t num_bands = 40;          // mel / filter-bank channels
  float lower_band_hz = 125.0f;    // filter bank edges
  float upper_band_hz = 7500.0f;
  bool noise_reduction = true;     // kTflmLogMel: spectral subtraction
  bool pcan = true;                // kTflmLogMel: PCAN gain control
  int32_t num_coefficients = 10;   // kMfcc: DCT coefficients kept
  // Output features: kInt8 (quantized with output_scale/output_zero_point for
  // kMfcc; the preprocessor's fixed mapping for kTflmLogMel), kInt16, or
  // kFloat32.
  TensorType output_type = TensorType::kInt8;
  float output_scale = 1.0f;
  int32_t output_zero_point = 0;
  // Room for samples Push() must keep when max_frames stops it early (see
  // Push). A push whose leftover would not fit fails, consuming nothing.
  int32_t backlog_samples = 1024;

  // TFLM micro_speech preprocessor: 40 int8 features per 20 ms.
  static FrontendConfig MicroSpeech();
  // MLPerf Tiny KWS DS-CNN input: 10 int8 MFCCs per 20 ms (scale 0.5847029,
  // zero point 83, as kws_ref_model.tflite).
  static FrontendConfig MlperfKws();
};

// The constant tables of a kTflmLogMel frontend: the Hann window, the FFT's
// twiddles, the filter bank and the PCAN gain table (about 4 KB for
// micro_speech). Init() without tables computes them into the caller's
// memory; given tables made ahead of time it points at them instead, and
// needs that much less memory. FrontendTables::MicroSpeech() holds
// FrontendConfig::MicroSpeech()'s as constant data (flash on a device; a
// test checks they equal what Init() computes). Tables fit one
// configuration: Init() refuses them for another.
struct FrontendTables {
  // What they were made for: the configuration's fields that shape them.
  int32_t sample_rate;
  int32_t window_samples;
  int32_t num_bands;
  float lower_band_hz;
  float upper_band_hz;
  // Their sizes.
  int32_t fft_length;
  int32_t num_weights;
  int32_t start_index;  // first spectrum bin the bank reads
  int32_t end_index;    // one past its last
  const int16_t* window;            // window_samples entries, Q12
  const void* fft_twiddles;         // fft_length * 3 / 4 (real, imag) int16 pairs
  const int16_t* weights;           // num_weights entries, Q12
  const int16_t* unweights;         // num_weights entries
  const int16_t* frequency_starts;  // num_bands + 1 entries
  const int16_t* weight_starts;     // num_bands + 1 entries
  const int16_t* widths;            // num_bands + 1 entries
  const int16_t* pcan_lut;          // 125 entries

  // Bytes of table data (what Init() no longer needs in caller memory).
  size_t bytes() const;

  // FrontendConfig::MicroSpeech()'s tables, constant.
  static const FrontendTables& MicroSpeech();
  // The constant tables made for `config` (MicroSpeech()'s when they fit
  // it), or null when there are none: Init() then builds them.
  static const FrontendTables* For(const FrontendConfig& config);
};

class Frontend {
 public:
  Frontend() = default;
  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // Bytes of caller memory Init() needs for `config` (tables, state,
  // buffers). Fails on a configuration that cannot work; CheckConfig() and
  // Init() say why.
  static Status RequiredBytes(const FrontendConfig& config, size_t* bytes);
  // The same with `tables` (may be null: none) made for `config`; fails
  // with kInvalidArgument when they were made for another configuration.
  static Status RequiredBytes(const FrontendConfig& config, const FrontendTables* tables, size_t* bytes);
  // The part of RequiredBytes(config, tables) that is per-frame scratch:
  // memory Push() uses while it computes a frame and that holds nothing
  // between calls (for micro_speech 2,056 bytes: the FFT's buffers). Init
  // can take it apart from the state, e.g. in memory the caller uses for
  // something else between pushes, such as a model's activations.
  static Status ScratchBytes(const FrontendConfig& config, const FrontendTables* tables, size_t* bytes);
  // Checks `config` alone; on failure writes the reason (NUL-terminated)
  // to message when given.
  static Status CheckConfig(const FrontendConfig& config, char* message, size_t capacity);

  // `memory` is 8-byte aligned, at least RequiredBytes(config) bytes.
  Status Init(const FrontendConfig& config, void* memory, size_t bytes);
  // The same reading the constant tables from `tables` (null: none), which
  // must outlive the Frontend; `memory` at least RequiredBytes(config,
  // tables) bytes.
  Status Init(const FrontendConfig& config, const FrontendTables* tables, void* memory, size_t bytes);
  // The same with the per-frame scratch apart (null: inside `memory`):
  // `scratch` (8-byte aligned) has at least ScratchBytes() bytes, `memory`
  // then at least RequiredBytes() - ScratchBytes(). The frontend writes
  // the scratch only inside Push() and never reads what it held before
  // the call, so between pushes the caller may use it for anything.
  Status Init(const FrontendConfig& config, const FrontendTables* tables, void* memory, size_t bytes, void* scratch,
              size_t scratch_bytes);

  // Consumes `count` samples and writes each completed frame (frame_bytes()
  // bytes) to `frames`, at most `max_frames` of them; *frames_written says
  // how many. Samples that complete more frames than max_frames are kept and
  // their frames come out on the next call (pass count 0 to drain); a push
  // whose kept samples would exceed config.backlog_samples fails with
  // kCapacityExceeded and consumes nothing. kNotPrepared before Init().
  //
  // kMfcc takes samples as x / 32768. MLPerf's training scales each 1 s
  // clip by its peak first; to mirror that on a whole clip, scale the clip
  // to full range before pushing it.
  Status Push(const int16_t* samples, size_t count, void* frames, size_t max_frames, size_t* frames_written);

  // Forgets buffered samples and adaptive state (noise estimate, PCAN).
  void Reset();

  int32_t features_per_frame() const;
  size_t frame_bytes() const;
  const FrontendConfig& config() const { return config_; }
  const char* error() const { return error_; }

 private:
  FrontendConfig config_;
  void* state_ = nullptr;  // implementation state inside the caller's memory
  char error_[128] = {};
};

}  // namespace tinyml

#endif  // TINYML_FRONTEND_H_
