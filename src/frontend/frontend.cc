// The streaming frontend: configuration checks, the layout of the caller's
// memory, sample buffering, and the two per-frame pipelines built from the
// frontend blocks (the same blocks the Signal ops run).
#include "tinyml/frontend.h"

#include <float.h>
#include <string.h>

#include "frontend/energy.h"
#include "frontend/fft_auto_scale.h"
#include "frontend/filter_bank.h"
#include "frontend/log.h"
#include "frontend/mel.h"
#include "frontend/mfcc.h"
#include "frontend/pcan.h"
#include "frontend/rfft.h"
#include "frontend/rfft32.h"
#include "frontend/spectral_subtraction.h"
#include "frontend/tflm_tables.h"
#include "frontend/window.h"
#include "tinyml/message.h"

namespace tinyml {
namespace {

constexpr int32_t kMinSampleRate = 1000;
constexpr int32_t kMaxSampleRate = 192000;
constexpr int32_t kMaxWindow = frontend::kTflmMaxFftLength;
constexpr int32_t kMaxHop = 1 << 20;
constexpr int32_t kMaxBands = 256;
constexpr int32_t kMaxBacklog = 1 << 24;

// The micro_speech preprocessor's final mapping of log features to int8:
// ((log * 256 + 333) / 666) - 128, clamped (the model's MUL, ADD, DIV, ADD,
// MINIMUM, MAXIMUM in int32), and its float variant's log * (1 / 25.6).
constexpr int32_t kTflmValueScale = 256;
constexpr int32_t kTflmValueDiv = 666;  // int(25.6 * 26 + 0.5)
constexpr int32_t kTflmValueOffset = -128;
constexpr float kTflmFloatScale = 0.0390625f;  // 1 / 25.6, as the model stores it

size_t Align8(size_t v) { return (v + 7) & ~size_t{7}; }

// Quantities derived from a valid configuration.
struct Derived {
  int32_t fft_length = 0;
  int32_t fft_log2 = 0;
  int32_t features = 0;
  frontend::TflmFilterBankTables bank;  // counts only (kTflmLogMel)
  frontend::MelBank mel;                // counts only (kMfcc)
};

struct LogMelState {
  frontend::RfftS16 fft;
  frontend::FilterBankConfig bank;
  frontend::SpectralSubtractionConfig subtraction;
  int32_t start_index;
  int32_t end_index;
  int32_t correction_bits;
  const int16_t* window;
  const int16_t* pcan_lut;
  uint32_t* noise;  // state: noise estimate per channel
  // Per-frame scratch, two buffers each used in turn: `frame` holds the
  // windowed samples, then the FFT's output in place, then the energies in
  // place (a bin's uint32 over its int16 pair); `fft_scratch` holds the
  // FFT's work, then the bank's outputs, channels, cleaned and log values.
  int16_t* frame;  // fft_length + 2 values
  uint64_t* bank_out;
  uint32_t* channels;
  uint32_t* cleaned;
  int16_t* log;
  void* fft_scratch;
};

struct MfccState {
  frontend::Mfcc mfcc;
  void* scratch;
  int64_t* coefficients;
};

struct State {
  FrontendKind kind;
  TensorType output_type;
  int32_t window;
  int32_t hop;
  int32_t features;
  size_t frame_bytes;
  bool noise_reduction;
  bool pcan;
  int32_t output_zero_point;
  int16_t* pending;  // samples of the frame being filled
  int32_t pending_count;
  int32_t skip;      // samples to drop before the next frame (hop > window)
  void* fft_table;   // twiddles, filled by RfftS16Init
  int16_t* backlog;  // samples kept by a push that ran out of frame room
  int32_t backlog_count;
  int32_t backlog_capacity;
  LogMelState log_mel;
  MfccState mfcc;
};

// Hands out 8-byte aligned pieces of the caller's memory; with a null base
// it only counts.
class Carver {
 public:
  explicit Carver(void* base) : base_(static_cast<uint8_t*>(base)) {}
  template <typename T>
  T* Take(size_t count) {
    return static_cast<T*>(TakeBytes(sizeof(T) * count));
  }
  void* TakeBytes(size_t bytes) {
    const size_t at = offset_;
    offset_ = Align8(offset_ + bytes);
    return base_ != nullptr ? base_ + at : nullptr;
  }
  size_t used() const { return offset_; }

 private:
  uint8_t* base_;
  size_t offset_ = 0;
};

Status Reject(char* message, size_t capacity, Status status, const char* what, long long value, bool show_value) {
  if (message != nullptr && capacity > 0) {
    MessageBuilder m(message, capacity);
    m.Add(what);
    if (show_value) m.Add(" ").Add(value);
  }
  return status;
}

bool Finite(float v) { return v == v && v <= FLT_MAX && v >= -FLT_MAX; }

Status Validate(const FrontendConfig& c, Derived* d, char* msg, size_t cap) {
  const Status bad = Status::kInvalidArgument;
  if (c.kind != FrontendKind::kTflmLogMel && c.kind != FrontendKind::kMfcc)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: unknown kind"), static_cast<int>(c.kind), true);
  if (c.sample_rate < kMinSampleRate || c.sample_rate > kMaxSampleRate)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: sample_rate must be 1000..192000 Hz; got"), c.sample_rate,
                  true);
  if (c.window_samples < 2 || c.window_samples > kMaxWindow)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: window_samples must be 2..2048 (largest FFT 2048); got"),
                  c.window_samples, true);
  if (c.hop_samples < 1 || c.hop_samples > kMaxHop)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: hop_samples must be 1..2^20; got"), c.hop_samples, true);
  if (c.num_bands < 1 || c.num_bands > kMaxBands)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: num_bands must be 1..256; got"), c.num_bands, true);
  if (!Finite(c.lower_band_hz) || c.lower_band_hz < 0)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: lower_band_hz must be >= 0"), 0, false);
  if (!Finite(c.upper_band_hz) || !(c.upper_band_hz > c.lower_band_hz))
    return Reject(msg, cap, bad, TINYML_MSG("frontend: upper_band_hz must be above lower_band_hz"), 0, false);
  if (static_cast<double>(c.upper_band_hz) > c.sample_rate / 2.0)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: upper_band_hz is above Nyquist (sample_rate / 2 =)"),
                  c.sample_rate / 2, true);
  if (c.output_type != TensorType::kInt8 && c.output_type != TensorType::kInt16 &&
      c.output_type != TensorType::kFloat32)
    return Reject(msg, cap, Status::kUnsupportedType,
                  TINYML_MSG("frontend: output_type must be int8, int16 or float32; got type"),
                  static_cast<int>(c.output_type), true);
  if (c.backlog_samples < 0 || c.backlog_samples > kMaxBacklog)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: backlog_samples must be 0..2^24; got"), c.backlog_samples,
                  true);

  if (c.kind == FrontendKind::kTflmLogMel) {
    d->fft_length = frontend::TflmLogMelFftLength(c.window_samples, &d->fft_log2);
    d->bank = frontend::TflmFilterBankTables();
    if (!frontend::TflmFilterBank(d->fft_length / 2 + 1, c.sample_rate, c.num_bands, c.lower_band_hz,
                                  c.upper_band_hz, &d->bank))
      return Reject(msg, cap, bad,
                    TINYML_MSG("frontend: filter bank does not fit the spectrum (upper band edge too close to "
                               "Nyquist for this window)"),
                    0, false);
    d->features = c.num_bands;
    return Status::kOk;
  }

  d->fft_length = frontend::TflmFftLength(c.window_samples, &d->fft_log2);
  if (d->fft_length < 4) {
    d->fft_length = 4;
    d->fft_log2 = 2;
  }
  if (c.num_coefficients < 1 || c.num_coefficients > c.num_bands)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: num_coefficients must be 1..num_bands; got"),
                  c.num_coefficients, true);
  if (c.output_type != TensorType::kFloat32) {
    if (!Finite(c.output_scale) || !(c.output_scale > 1e-9f))
      return Reject(msg, cap, bad, TINYML_MSG("frontend: output_scale must be a finite value above 1e-9"), 0, false);
    const int32_t lo = c.output_type == TensorType::kInt8 ? -128 : -32768;
    const int32_t hi = c.output_type == TensorType::kInt8 ? 127 : 32767;
    if (c.output_zero_point < lo || c.output_zero_point > hi)
      return Reject(msg, cap, bad, TINYML_MSG("frontend: output_zero_point outside the output type's range:"),
                    c.output_zero_point, true);
  }
  d->mel = frontend::MelBank();
  if (!frontend::BuildMelBank(d->fft_length / 2 + 1, c.sample_rate, c.num_bands, c.lower_band_hz, c.upper_band_hz,
                              &d->mel))
    return Reject(msg, cap, bad,
                  TINYML_MSG("frontend: a mel band gets no FFT bin (too many bands for this window)"), 0, false);
  d->features = c.num_coefficients;
  return Status::kOk;
}

// Given tables must have been made for this configuration (the fields
// that shape them, and the sizes they imply).
Status CheckTables(const FrontendConfig& c, const Derived& d, const FrontendTables* t, char* msg, size_t cap) {
  if (t == nullptr) return Status::kOk;
  const Status bad = Status::kInvalidArgument;
  if (c.kind != FrontendKind::kTflmLogMel)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: tables are for the kTflmLogMel frontend only"), 0, false);
  if (t->window == nullptr || t->fft_twiddles == nullptr || t->weights == nullptr || t->unweights == nullptr ||
      t->frequency_starts == nullptr || t->weight_starts == nullptr || t->widths == nullptr ||
      t->pcan_lut == nullptr || reinterpret_cast<uintptr_t>(t->fft_twiddles) % 4 != 0)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: tables incomplete or twiddles not 4-byte aligned"), 0, false);
  if (t->sample_rate != c.sample_rate || t->window_samples != c.window_samples || t->num_bands != c.num_bands ||
      !(t->lower_band_hz == c.lower_band_hz) || !(t->upper_band_hz == c.upper_band_hz) ||
      t->fft_length != d.fft_length || t->num_weights != d.bank.num_weights ||
      t->start_index != d.bank.start_index || t->end_index != d.bank.end_index)
    return Reject(msg, cap, bad, TINYML_MSG("frontend: tables were made for another configuration"), 0, false);
  return Status::kOk;
}

size_t OutputBytes(TensorType type) {
  return type == TensorType::kInt8 ? 1 : type == TensorType::kInt16 ? 2 : 4;
}

// Lays out everything after State; fills the pointers when s is given.
// Without own_tables (kTflmLogMel given FrontendTables) the constant
// tables get no room: the state points at the given ones. What holds
// nothing between frames comes from `frame_carver` (which may be
// `carver` itself).
void Layout(const FrontendConfig& c, const Derived& d, bool own_tables, Carver* carver, Carver* frame_carver,
            State* s) {
  const size_t fft = static_cast<size_t>(d.fft_length);
  const size_t bands = static_cast<size_t>(c.num_bands);
  int16_t* pending = carver->Take<int16_t>(static_cast<size_t>(c.window_samples));
  int16_t* backlog = carver->Take<int16_t>(static_cast<size_t>(c.backlog_samples));
  void* fft_table = nullptr;
  if (own_tables) {
    fft_table = carver->TakeBytes(c.kind == FrontendKind::kMfcc ? frontend::RfftS32TableBytes(d.fft_length)
                                                               : frontend::RfftS16TableBytes(d.fft_length));
  }
  if (s != nullptr) {
    s->pending = pending;
    s->backlog = backlog;
    s->fft_table = fft_table;
  }
  if (c.kind == FrontendKind::kTflmLogMel) {
    const size_t weights = static_cast<size_t>(d.bank.num_weights);
    LogMelState tmp;
    LogMelState* m = s != nullptr ? &s->log_mel : &tmp;
    if (own_tables) {
      m->window = carver->Take<int16_t>(static_cast<size_t>(c.window_samples));
      m->bank.weights = carver->Take<int16_t>(weights);
      m->bank.unweights = carver->Take<int16_t>(weights);
      m->bank.frequency_starts = carver->Take<int16_t>(bands + 1);
      m->bank.weight_starts = carver->Take<int16_t>(bands + 1);
      m->bank.widths = carver->Take<int16_t>(bands + 1);
      m->pcan_lut = carver->Take<int16_t>(frontend::kPcanGainLutSize);
    }
    m->noise = carver->Take<uint32_t>(bands);
    m->frame = frame_carver->Take<int16_t>(fft + 2);
    // After the FFT its scratch is free: the per-band values go there.
    const size_t fft_scratch = frontend::RfftS16ScratchBytes(d.fft_length);
    const size_t bank_out = Align8(sizeof(uint64_t) * bands);
    const size_t per_band = Align8(sizeof(uint32_t) * bands);
    const size_t band_values = bank_out + 2 * per_band + sizeof(int16_t) * bands;
    uint8_t* shared =
        static_cast<uint8_t*>(frame_carver->TakeBytes(fft_scratch > band_values ? fft_scratch : band_values));
    m->fft_scratch = shared;
    if (shared != nullptr) {
      m->bank_out = reinterpret_cast<uint64_t*>(shared);
      m->channels = reinterpret_cast<uint32_t*>(shared + bank_out);
      m->cleaned = reinterpret_cast<uint32_t*>(shared + bank_out + per_band);
      m->log = reinterpret_cast<int16_t*>(shared + bank_out + 2 * per_band);
    }
    return;
  }
  MfccState tmp;
  MfccState* m = s != nullptr ? &s->mfcc : &tmp;
  frontend::Mfcc& f = m->mfcc;
  f.window = carver->Take<int32_t>(static_cast<size_t>(c.window_samples));
  f.mel.first_bin = carver->Take<int16_t>(bands);
  f.mel.num_bins = carver->Take<int16_t>(bands);
  f.mel.offset = carver->Take<int32_t>(bands);
  f.mel.weights = carver->Take<uint16_t>(static_cast<size_t>(d.mel.total_weights));
  f.dct = carver->Take<int32_t>(static_cast<size_t>(c.num_coefficients) * bands);
  f.log_floor = carver->Take<uint64_t>(16);
  m->coefficients = frame_carver->Take<int64_t>(static_cast<size_t>(c.num_coefficients));
  // The scratch size depends only on the FFT length and bands.
  frontend::Mfcc sizing;
  sizing.fft.fft_length = d.fft_length;
  sizing.mel.num_bands = c.num_bands;
  m->scratch = frame_carver->TakeBytes(frontend::MfccScratchBytes(sizing));
}

void LogMelFrame(State* s, void* out) {
  LogMelState& m = s->log_mel;
  const int32_t bands = m.bank.num_channels;
  const int32_t fft_length = m.fft.fft_length;
  frontend::ApplyWindowS16(s->pending, m.window, s->window, frontend::kTflmWindowScalingBits, m.frame);
  // Zero padding up to the FFT length (the buffer held last frame's
  // energies).
  memset(m.frame + s->window, 0, sizeof(int16_t) * static_cast<size_t>(fft_length - s->window));
  const int32_t scale = frontend::FftAutoScaleS16(m.frame, s->window, m.frame);
  frontend::RfftS16Apply(m.fft, m.frame, m.frame, m.fft_scratch);
  uint32_t* energy = reinterpret_cast<uint32_t*>(m.frame);
  frontend::SpectrumToEnergy(m.frame, m.start_index, m.end_index, energy);
  // The model zeroes the energies outside [start, end) before the bank.
  const int32_t bins = fft_length / 2 + 1;
  memset(energy, 0, sizeof(uint32_t) * static_cast<size_t>(m.start_index));
  memset(energy + m.end_index, 0, sizeof(uint32_t) * static_cast<size_t>(bins - m.end_index));
  frontend::FilterBankAccumulate(m.bank, energy, m.bank_out);
  frontend::FilterBankSqrt(m.bank_out, bands, scale, m.channels);
  uint32_t* signal = m.channels;
  if (s->noise_reduction || s->pcan) {
    // PCAN divides by the noise estimate, so it is tracked even when the
    // subtraction itself is off.
    frontend::SpectralSubtraction(m.subtraction, m.channels, m.cleaned, m.noise);
    if (s->noise_reduction) signal = m.cleaned;
  }
  if (s->pcan) frontend::PcanAutoGainControl(m.pcan_lut, frontend::kTflmPcanSnrShift, m.noise, signal, bands);
  frontend::FilterBankLog(signal, bands, 1 << frontend::kTflmPostScalingBits, m.correction_bits, m.log);
  switch (s->output_type) {
    case TensorType::kInt8: {
      int8_t* o = static_cast<int8_t*>(out);
      for (int32_t i = 0; i < bands; ++i) {
        int32_t v = (m.log[i] * kTflmValueScale + kTflmValueDiv / 2) / kTflmValueDiv + kTflmValueOffset;
        v = v < -128 ? -128 : v > 127 ? 127 : v;
        o[i] = static_cast<int8_t>(v);
      }
      break;
    }
    case TensorType::kInt16:
      memcpy(out, m.log, sizeof(int16_t) * static_cast<size_t>(bands));
      break;
    default: {
      float* o = static_cast<float*>(out);
      for (int32_t i = 0; i < bands; ++i) o[i] = static_cast<float>(m.log[i]) * kTflmFloatScale;
      break;
    }
  }
}

void MfccFrameOut(State* s, void* out) {
  MfccState& m = s->mfcc;
  const frontend::Mfcc& f = m.mfcc;
  frontend::MfccFrame(f, s->pending, m.scratch, m.coefficients);
  const int32_t bits = 16 + f.dct_bits;
  const int32_t n = f.num_coefficients;
  if (s->output_type == TensorType::kFloat32) {
    // Exact power of two: the coefficients are in units of 2^-bits.
    const float unit = 1.0f / static_cast<float>(int64_t{1} << bits);
    float* o = static_cast<float*>(out);
    for (int32_t k = 0; k < n; ++k) o[k] = static_cast<float>(m.coefficients[k]) * unit;
    return;
  }
  const int64_t half = int64_t{1} << (bits - 1);
  const bool int8 = s->output_type == TensorType::kInt8;
  const int64_t lo = int8 ? -128 : -32768;
  const int64_t hi = int8 ? 127 : 32767;
  for (int32_t k = 0; k < n; ++k) {
    int64_t q = ((m.coefficients[k] + half) >> bits) + s->output_zero_point;
    q = q < lo ? lo : q > hi ? hi : q;
    if (int8) {
      static_cast<int8_t*>(out)[k] = static_cast<int8_t>(q);
    } else {
      static_cast<int16_t*>(out)[k] = static_cast<int16_t>(q);
    }
  }
}

void ComputeFrame(State* s, void* out) {
  if (s->kind == FrontendKind::kTflmLogMel) {
    LogMelFrame(s, out);
  } else {
    MfccFrameOut(s, out);
  }
}

// Feeds samples into the frame buffer, computing frames into `out` while
// room remains; stops before the sample that would complete a frame once
// `written` reaches `max_frames`. Returns the samples consumed.
size_t Feed(State* s, const int16_t* src, size_t n, uint8_t* out, size_t max_frames, size_t* written) {
  size_t i = 0;
  while (i < n) {
    if (s->skip > 0) {
      const size_t take = static_cast<size_t>(s->skip) < n - i ? static_cast<size_t>(s->skip) : n - i;
      s->skip -= static_cast<int32_t>(take);
      i += take;
      continue;
    }
    const size_t need = static_cast<size_t>(s->window - s->pending_count);
    size_t take = need < n - i ? need : n - i;
    if (take == need && *written == max_frames) take = need - 1;
    if (take == 0) break;
    memcpy(s->pending + s->pending_count, src + i, sizeof(int16_t) * take);
    s->pending_count += static_cast<int32_t>(take);
    i += take;
    if (s->pending_count < s->window) continue;
    ComputeFrame(s, out + *written * s->frame_bytes);
    ++*written;
    if (s->hop < s->window) {
      memmove(s->pending, s->pending + s->hop, sizeof(int16_t) * static_cast<size_t>(s->window - s->hop));
      s->pending_count = s->window - s->hop;
    } else {
      s->pending_count = 0;
      s->skip = s->hop - s->window;
    }
  }
  return i;
}

}  // namespace

FrontendConfig FrontendConfig::MicroSpeech() { return FrontendConfig(); }

FrontendConfig FrontendConfig::MlperfKws() {
  FrontendConfig c;
  c.kind = FrontendKind::kMfcc;
  c.sample_rate = 16000;
  c.window_samples = 480;
  c.hop_samples = 320;
  c.num_bands = 40;
  c.lower_band_hz = 20.0f;
  c.upper_band_hz = 4000.0f;
  c.noise_reduction = false;
  c.pcan = false;
  c.num_coefficients = 10;
  c.output_type = TensorType::kInt8;
  c.output_scale = 0.584703028f;  // kws_ref_model.tflite input: 0x3f15af19
  c.output_zero_point = 83;
  return c;
}

Status Frontend::CheckConfig(const FrontendConfig& config, char* message, size_t capacity) {
  Derived d;
  return Validate(config, &d, message, capacity);
}

size_t FrontendTables::bytes() const {
  const size_t bands = static_cast<size_t>(num_bands);
  const size_t entries = static_cast<size_t>(window_samples) + 2 * static_cast<size_t>(num_weights) +
                         3 * (bands + 1) + frontend::kPcanGainLutSize;
  return entries * sizeof(int16_t) + frontend::RfftS16TableBytes(fft_length);
}

const FrontendTables* FrontendTables::For(const FrontendConfig& config) {
  const FrontendTables& micro_speech = MicroSpeech();
  Derived d;
  if (Validate(config, &d, nullptr, 0) != Status::kOk) return nullptr;
  return CheckTables(config, d, &micro_speech, nullptr, 0) == Status::kOk ? &micro_speech : nullptr;
}

Status Frontend::RequiredBytes(const FrontendConfig& config, size_t* bytes) {
  return RequiredBytes(config, nullptr, bytes);
}

namespace {

// The bytes of state (with the constant tables unless given) and of
// per-frame scratch, for a configuration Validate() derived `d` from.
void LayoutBytes(const FrontendConfig& config, const Derived& d, const FrontendTables* tables, size_t* state_bytes,
                 size_t* scratch_bytes) {
  Carver carver(nullptr);
  Carver frame_carver(nullptr);
  carver.Take<State>(1);
  Layout(config, d, tables == nullptr, &carver, &frame_carver, nullptr);
  *state_bytes = carver.used();
  *scratch_bytes = frame_carver.used();
}

// The same after checking the configuration and tables.
Status Sizes(const FrontendConfig& config, const FrontendTables* tables, size_t* state_bytes, size_t* scratch_bytes) {
  Derived d;
  TINYML_RETURN_IF_ERROR(Validate(config, &d, nullptr, 0));
  TINYML_RETURN_IF_ERROR(CheckTables(config, d, tables, nullptr, 0));
  LayoutBytes(config, d, tables, state_bytes, scratch_bytes);
  return Status::kOk;
}

}  // namespace

Status Frontend::RequiredBytes(const FrontendConfig& config, const FrontendTables* tables, size_t* bytes) {
  if (bytes == nullptr) return Status::kInvalidArgument;
  *bytes = 0;
  size_t state = 0;
  size_t scratch = 0;
  TINYML_RETURN_IF_ERROR(Sizes(config, tables, &state, &scratch));
  *bytes = state + scratch;
  return Status::kOk;
}

Status Frontend::ScratchBytes(const FrontendConfig& config, const FrontendTables* tables, size_t* bytes) {
  if (bytes == nullptr) return Status::kInvalidArgument;
  *bytes = 0;
  size_t state = 0;
  TINYML_RETURN_IF_ERROR(Sizes(config, tables, &state, bytes));
  return Status::kOk;
}

Status Frontend::Init(const FrontendConfig& config, void* memory, size_t bytes) {
  return Init(config, nullptr, memory, bytes);
}

Status Frontend::Init(const FrontendConfig& config, const FrontendTables* tables, void* memory, size_t bytes) {
  return Init(config, tables, memory, bytes, nullptr, 0);
}

Status Frontend::Init(const FrontendConfig& config, const FrontendTables* tables, void* memory, size_t bytes,
                      void* scratch, size_t scratch_bytes) {
  state_ = nullptr;
  error_[0] = '\0';
  Derived d;
  TINYML_RETURN_IF_ERROR(Validate(config, &d, error_, sizeof(error_)));
  TINYML_RETURN_IF_ERROR(CheckTables(config, d, tables, error_, sizeof(error_)));
  size_t state_needed = 0;
  size_t scratch_needed = 0;
  LayoutBytes(config, d, tables, &state_needed, &scratch_needed);
  const size_t needed = scratch != nullptr ? state_needed : state_needed + scratch_needed;
  if (memory == nullptr || bytes < needed) {
    MessageBuilder(error_, sizeof(error_)).Add(TINYML_MSG("frontend: memory too small; needs ")).Add(needed).Add(" bytes");
    return Status::kArenaTooSmall;
  }
  if (scratch != nullptr && scratch_bytes < scratch_needed) {
    MessageBuilder(error_, sizeof(error_))
        .Add(TINYML_MSG("frontend: scratch too small; needs "))
        .Add(scratch_needed)
        .Add(" bytes");
    return Status::kArenaTooSmall;
  }
  if (reinterpret_cast<uintptr_t>(memory) % 8 != 0 || reinterpret_cast<uintptr_t>(scratch) % 8 != 0) {
    MessageBuilder(error_, sizeof(error_)).Add(TINYML_MSG("frontend: memory and scratch must be 8-byte aligned"));
    return Status::kMisaligned;
  }
  config_ = config;
  Carver carver(memory);
  State* s = carver.Take<State>(1);
  memset(static_cast<void*>(s), 0, sizeof(State));
  Carver frame_carver(scratch);
  Layout(config, d, tables == nullptr, &carver, scratch != nullptr ? &frame_carver : &carver, s);
  s->kind = config.kind;
  s->output_type = config.output_type;
  s->window = config.window_samples;
  s->hop = config.hop_samples;
  s->features = d.features;
  s->frame_bytes = OutputBytes(config.output_type) * static_cast<size_t>(d.features);
  s->noise_reduction = config.noise_reduction;
  s->pcan = config.pcan;
  s->output_zero_point = config.output_zero_point;
  s->backlog_capacity = config.backlog_samples;

  const Status tables_failed = Status::kInternal;
  if (config.kind == FrontendKind::kTflmLogMel) {
    LogMelState& m = s->log_mel;
    if (tables != nullptr) {
      if (!frontend::RfftS16Plan(d.fft_length, tables->fft_twiddles, &m.fft)) return tables_failed;
      m.window = tables->window;
      m.bank.weights = tables->weights;
      m.bank.unweights = tables->unweights;
      m.bank.frequency_starts = tables->frequency_starts;
      m.bank.weight_starts = tables->weight_starts;
      m.bank.widths = tables->widths;
      m.start_index = tables->start_index;
      m.end_index = tables->end_index;
      m.pcan_lut = tables->pcan_lut;
    } else {
      frontend::TflmFilterBankTables t;
      t.num_weights = d.bank.num_weights;
      t.weights = const_cast<int16_t*>(m.bank.weights);
      t.unweights = const_cast<int16_t*>(m.bank.unweights);
      t.frequency_starts = const_cast<int16_t*>(m.bank.frequency_starts);
      t.weight_starts = const_cast<int16_t*>(m.bank.weight_starts);
      t.widths = const_cast<int16_t*>(m.bank.widths);
      if (!frontend::TflmLogMelTables(config.sample_rate, config.window_samples, config.num_bands,
                                      config.lower_band_hz, config.upper_band_hz, d.fft_length, d.fft_log2,
                                      const_cast<int16_t*>(m.window), s->fft_table,
                                      frontend::RfftS16TableBytes(d.fft_length), &t,
                                      const_cast<int16_t*>(m.pcan_lut)) ||
          !frontend::RfftS16Plan(d.fft_length, s->fft_table, &m.fft))
        return tables_failed;
      m.start_index = t.start_index;
      m.end_index = t.end_index;
    }
    m.bank.num_channels = config.num_bands;
    const int32_t bins = d.fft_length / 2 + 1;
    if (!frontend::FilterBankConfigValid(m.bank, bins, d.bank.num_weights) || m.start_index < 0 ||
        m.start_index > m.end_index || m.end_index > bins) {
      if (tables == nullptr) return tables_failed;
      MessageBuilder(error_, sizeof(error_))
          .Add(TINYML_MSG("frontend: the tables' filter bank reads past the spectrum or its weights"));
      return Status::kInvalidArgument;
    }
    frontend::FilterBankNoteWeightSigns(&m.bank, d.bank.num_weights);
    m.subtraction = frontend::TflmSpectralSubtraction(config.num_bands);
    m.correction_bits = frontend::TflmCorrectionBits(d.fft_log2);
  } else {
    frontend::Mfcc& f = s->mfcc.mfcc;
    if (!frontend::RfftS32Init(d.fft_length, s->fft_table, frontend::RfftS32TableBytes(d.fft_length), &f.fft))
      return tables_failed;
    f.window_samples = config.window_samples;
    f.fft_log2 = d.fft_log2;
    f.num_coefficients = config.num_coefficients;
    if (!frontend::BuildMelBank(d.fft_length / 2 + 1, config.sample_rate, config.num_bands, config.lower_band_hz,
                                config.upper_band_hz, &f.mel))
      return tables_failed;
    const double fold =
        config.output_type == TensorType::kFloat32 ? 1.0 : 1.0 / static_cast<double>(config.output_scale);
    if (!frontend::MfccInitTables(config.window_samples, d.fft_log2, config.num_bands, config.num_coefficients,
                                  fold, const_cast<int32_t*>(f.window), const_cast<int32_t*>(f.dct),
                                  const_cast<uint64_t*>(f.log_floor), &f.dct_bits)) {
      MessageBuilder(error_, sizeof(error_)).Add(TINYML_MSG("frontend: output_scale too small for the DCT table"));
      return Status::kInvalidArgument;
    }
  }
  state_ = s;
  Reset();
  return Status::kOk;
}

void Frontend::Reset() {
  State* s = static_cast<State*>(state_);
  if (s == nullptr) return;
  s->pending_count = 0;
  s->skip = 0;
  s->backlog_count = 0;
  if (s->kind == FrontendKind::kTflmLogMel)
    memset(s->log_mel.noise, 0, sizeof(uint32_t) * static_cast<size_t>(s->log_mel.bank.num_channels));
}

Status Frontend::Push(const int16_t* samples, size_t count, void* frames, size_t max_frames, size_t* frames_written) {
  if (frames_written != nullptr) *frames_written = 0;
  State* s = static_cast<State*>(state_);
  if (s == nullptr) {
    MessageBuilder(error_, sizeof(error_)).Add(TINYML_MSG("frontend: Push() before a successful Init()"));
    return Status::kNotPrepared;
  }
  if (frames_written == nullptr || (count > 0 && samples == nullptr) || (max_frames > 0 && frames == nullptr)) {
    MessageBuilder(error_, sizeof(error_)).Add(TINYML_MSG("frontend: Push() given a null pointer"));
    return Status::kInvalidArgument;
  }
  // How many samples would be left over, before touching any state: the
  // push is all or nothing.
  const uint64_t total = static_cast<uint64_t>(s->backlog_count) + count;
  const uint64_t first = static_cast<uint64_t>(s->skip) + static_cast<uint64_t>(s->window - s->pending_count);
  const uint64_t completable = total >= first ? 1 + (total - first) / static_cast<uint64_t>(s->hop) : 0;
  if (completable > max_frames) {
    // Consumed: everything up to one sample short of frame max_frames + 1.
    const uint64_t consumed = first + static_cast<uint64_t>(max_frames) * static_cast<uint64_t>(s->hop) - 1;
    const uint64_t leftover = total - consumed;
    if (leftover > static_cast<uint64_t>(s->backlog_capacity)) {
      MessageBuilder(error_, sizeof(error_))
          .Add(TINYML_MSG("frontend: max_frames too small; "))
          .Add(static_cast<long long>(leftover))
          .Add(TINYML_MSG(" samples would be left, backlog_samples is "))
          .Add(s->backlog_capacity);
      return Status::kCapacityExceeded;
    }
  }
  uint8_t* out = static_cast<uint8_t*>(frames);
  size_t written = 0;
  const size_t from_backlog = Feed(s, s->backlog, static_cast<size_t>(s->backlog_count), out, max_frames, &written);
  const size_t backlog_left = static_cast<size_t>(s->backlog_count) - from_backlog;
  if (backlog_left > 0) memmove(s->backlog, s->backlog + from_backlog, sizeof(int16_t) * backlog_left);
  s->backlog_count = static_cast<int32_t>(backlog_left);
  size_t used = 0;
  if (backlog_left == 0) used = Feed(s, samples, count, out, max_frames, &written);
  if (used < count) {
    memcpy(s->backlog + s->backlog_count, samples + used, sizeof(int16_t) * (count - used));
    s->backlog_count += static_cast<int32_t>(count - used);
  }
  *frames_written = written;
  return Status::kOk;
}

int32_t Frontend::features_per_frame() const {
  const State* s = static_cast<const State*>(state_);
  return s != nullptr ? s->features : 0;
}

size_t Frontend::frame_bytes() const {
  const State* s = static_cast<const State*>(state_);
  return s != nullptr ? s->frame_bytes : 0;
}

}  // namespace tinyml
