// Wake-word firmware for a Cortex-M4 (QEMU mps2-an386; builds for every
// Cortex-M preset): 16 kHz audio ──► frontend (TFLM micro_speech log-mel)
// ──► detector ──► micro_speech model, with detections printed on the
// semihosting console as "time_s label score".
//
// Command line (QEMU -append): MODEL AUDIO [--stride N] [--measure]
//   MODEL    a model whose input is 49x40 int8 micro_speech features, read by
//            semihosting: one made by `tinyml train` (models/marvin.tflite;
//            labels, wake word and threshold come from its tinyml-kws
//            metadata) or TFLM's micro_speech_quantized.tflite (no metadata:
//            silence/unknown/yes/no, threshold 0.8); or `flash`: the model
//            compiled into the firmware, as a product would have it (built
//            with WAKE_WORD_MODEL_HEADER, a header from `tinyml embed ...
//            --name wake_word_model`; the CMake target wake_word_m4_flash)
//   AUDIO    16 kHz mono 16-bit PCM: a WAV file, or raw s16le samples
//   --stride run the model every N frames (default 1, every 20 ms hop)
//   --measure  put the instruction-counting markers around each hop: per
//            hop, region 2k is the frontend's work and region 2k+1 the
//            detector + model (tools/cli/bench_cortex_m.cc sums them)
// Exit status: 0 done, 1 error (message on the console).
//
// Audio is fed one 20 ms hop at a time, as a microphone driver would hand
// it over. A real product would replace the file with a DMA buffer.
#include <string.h>

#include "bench_markers.h"
#include "kernels.h"
#include "kws/pipeline.h"
#include "port.h"
#include "prepare.h"
#include "semihost.h"
#include "tinyml/detector.h"
#include "tinyml/frontend.h"
#include "tinyml/interpreter.h"
#include "tinyml/kws_metadata.h"
#include "tinyml/model.h"

#ifdef WAKE_WORD_MODEL_HEADER
#include WAKE_WORD_MODEL_HEADER  // wake_word_model[], wake_word_model_size
#endif

// The end of the read-only sections in flash: .data's initial values follow
// them there (ports/cortex_m/ld/sections.ld).
extern "C" const char __data_load__[];

namespace tinyml {
namespace {

// micro_speech_quantized.tflite's output order; silence and unknown never fire.
const char* const kMicroSpeechLabels[] = {"silence", "unknown", "yes", "no"};
constexpr int32_t kMicroSpeechNumLabels = 4;

// The label names printed with detections: the model's metadata, or
// micro_speech's.
KwsMetadataView g_metadata;
bool g_has_metadata = false;

// The label's name: from the model's metadata, or micro_speech's.
KwsName LabelName(int32_t label) {
  KwsName n;
  if (g_has_metadata && label >= 0 && label < g_metadata.num_labels) return g_metadata.labels[label];
  n.data = !g_has_metadata && label >= 0 && label < kMicroSpeechNumLabels ? kMicroSpeechLabels[label] : "?";
  n.length = static_cast<int32_t>(strlen(n.data));
  return n;
}

int Fail(const char* what, const char* detail) {
  SemihostWrite("error: ");
  SemihostWrite(what);
  SemihostWrite(": ");
  SemihostWrite(detail != nullptr ? detail : "");
  SemihostWrite("\n");
  return 1;
}

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// Finds the samples of a 16 kHz mono PCM16 WAV; a file that does not start
// with "RIFF" is taken as raw s16le. Returns an error text or nullptr.
const char* FindSamples(const uint8_t* file, size_t bytes, const uint8_t** samples, size_t* count) {
  if (bytes < 12 || memcmp(file, "RIFF", 4) != 0) {
    *samples = file;
    *count = bytes / 2;
    return nullptr;
  }
  if (memcmp(file + 8, "WAVE", 4) != 0) return "RIFF file is not WAVE";
  bool format_ok = false;
  for (size_t at = 12; at + 8 <= bytes;) {
    const uint32_t chunk = Le32(file + at + 4);
    const uint8_t* body = file + at + 8;
    const size_t room = bytes - (at + 8);
    if (memcmp(file + at, "fmt ", 4) == 0) {
      if (chunk < 16 || room < 16) return "short fmt chunk";
      if (Le16(body) != 1 || Le16(body + 2) != 1 || Le32(body + 4) != 16000 || Le16(body + 14) != 16)
        return "need 16 kHz mono 16-bit PCM";
      format_ok = true;
    } else if (memcmp(file + at, "data", 4) == 0) {
      if (!format_ok) return "data chunk before fmt chunk";
      *samples = body;
      *count = (chunk < room ? chunk : room) / 2;
      return nullptr;
    }
    if (chunk > room) break;
    at += 8 + chunk + (chunk & 1u);
  }
  return "no data chunk";
}

// "1.840 yes 0.912": seconds and Q15 score with three decimals, no printf.
void PrintDetection(const Detection& d) {
  char line[128];
  char* p = line;
  auto put_fixed3 = [&p](int64_t thousandths) {
    char digits[24];
    int n = 0;
    int64_t whole = thousandths / 1000;
    do {
      digits[n++] = static_cast<char>('0' + whole % 10);
      whole /= 10;
    } while (whole > 0);
    while (n > 0) *p++ = digits[--n];
    const int64_t frac = thousandths % 1000;
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 100);
    *p++ = static_cast<char>('0' + frac / 10 % 10);
    *p++ = static_cast<char>('0' + frac % 10);
  };
  put_fixed3(d.time_ms);
  *p++ = ' ';
  const KwsName label = LabelName(d.label);
  for (int32_t i = 0; i < label.length && i < 64; ++i) *p++ = label.data[i];
  *p++ = ' ';
  put_fixed3((static_cast<int64_t>(d.score) * 1000 + kScoreOne / 2) / kScoreOne);
  *p++ = '\n';
  *p = '\0';
  SemihostWrite(line);
}

void OnDetection(void* /*context*/, const Detection& d) { PrintDetection(d); }

int32_t ParseInt(const char* text) {
  int32_t v = 0;
  for (; *text >= '0' && *text <= '9'; ++text) v = v * 10 + (*text - '0');
  return v;
}

int Run() {
  static char line[512];
  if (SemihostCommandLine(line, sizeof(line)) < 0) return Fail("command line", "none (use -append \"MODEL AUDIO\")");
  // Words: firmware path, model, audio, options.
  const char* words[8] = {};
  int num_words = 0;
  for (char* p = line; *p != '\0' && num_words < 8;) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    words[num_words++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  if (num_words < 3) return Fail("usage", "MODEL AUDIO [--stride N] [--measure]");
  int32_t stride = 1;
  bool measure = false;
  for (int i = 3; i < num_words; ++i) {
    if (strcmp(words[i], "--measure") == 0) {
      measure = true;
    } else if (strcmp(words[i], "--stride") == 0 && i + 1 < num_words) {
      stride = ParseInt(words[++i]);
      if (stride < 1) return Fail("--stride", "must be a positive integer");
    } else {
      return Fail("unknown option", words[i]);
    }
  }

  size_t model_size = 0;
  const uint8_t* model_bytes = nullptr;
  if (strcmp(words[1], "flash") == 0) {
#ifdef WAKE_WORD_MODEL_HEADER
    // Read in place from flash: nothing is copied to RAM.
    model_bytes = wake_word_model;
    model_size = wake_word_model_size;
    if (reinterpret_cast<uintptr_t>(model_bytes) >= reinterpret_cast<uintptr_t>(__data_load__))
      return Fail("model", "the compiled-in model is not in flash");
    SemihostWrite("model: ");
    SemihostWriteInt(static_cast<int64_t>(model_size));
    SemihostWrite(" bytes in flash\n");
#else
    return Fail("model", "no model compiled in (build wake_word_m4_flash, or pass a model file)");
#endif
  } else {
    model_bytes = PortLoadFile(words[1], &model_size);
    if (model_bytes == nullptr) return Fail("model", words[1]);
  }
  size_t audio_size = 0;
  const uint8_t* audio = PortLoadFile(words[2], &audio_size);
  if (audio == nullptr) return Fail("audio", words[2]);
  const uint8_t* sample_bytes = nullptr;
  size_t num_samples = 0;
  if (const char* why = FindSamples(audio, audio_size, &sample_bytes, &num_samples)) return Fail(words[2], why);
  // PortLoadFile aligns to 16 and a WAV header is 44 bytes, but a WAV with
  // odd-sized chunks could misalign the samples: copy them then.
  const int16_t* samples = reinterpret_cast<const int16_t*>(sample_bytes);
  if ((reinterpret_cast<uintptr_t>(sample_bytes) & 1u) != 0) {
    int16_t* aligned = static_cast<int16_t*>(PortPoolAlloc(num_samples * 2, 4));
    if (aligned == nullptr) return Fail("audio", "does not fit in the memory pool");
    memcpy(aligned, sample_bytes, num_samples * 2);
    samples = aligned;
  }

  static PortResolver resolver;
  if (PortAddAllKernels(resolver) != Status::kOk) return Fail("resolver", "cannot add kernels");
  static Model model;
  if (model.Load(model_bytes, model_size) != Status::kOk) return Fail("model", model.error());
  const PreparedModel prepared = PortPrepareExact(model, resolver);
  if (prepared.interpreter == nullptr) return Fail("arena", "does not fit in the memory pool");
  if (prepared.status != Status::kOk) return Fail("prepare", prepared.interpreter->error());
  Interpreter& interpreter = *prepared.interpreter;

  FrontendConfig frontend;
  if (FrontendConfigForModel(interpreter, &frontend) != Status::kOk || frontend.kind != FrontendKind::kTflmLogMel)
    return Fail("model", "input 0 is not 49x40 int8 micro_speech features");
  DetectorConfig detector;
  detector.stride_frames = stride;
  detector.smoothing_invokes = 3;
  detector.cooldown_frames = 75;  // 1.5 s: one detection per word
  detector.default_threshold = kScoreOne * 8 / 10;
  // A model from `tinyml train` says what it detects: its word fires at its
  // tuned threshold, every other label is background (what `tinyml detect`
  // does with it). Without metadata: micro_speech's labels.
  g_has_metadata = ReadKwsMetadata(model, &g_metadata);
  const int32_t word_label = g_has_metadata ? g_metadata.WordLabel() : -1;
  if (g_has_metadata) {
    if (!g_metadata.frontend.Equals("micro_speech"))
      return Fail("model", "metadata names a frontend other than micro_speech");
    if (word_label < 0) return Fail("model", "metadata: the word is not one of the labels");
    detector.default_threshold = g_metadata.threshold_q15;
  }
  static char error[160];
  if (DetectorConfigForModel(interpreter, frontend, &detector, error, sizeof(error)) != Status::kOk)
    return Fail("model", error);
  if (g_has_metadata && detector.num_labels != g_metadata.num_labels)
    return Fail("model", "the metadata's labels do not match the model's output scores");
  if (!g_has_metadata && detector.num_labels != kMicroSpeechNumLabels)
    return Fail("model", "no tinyml-kws metadata, and not 4 scores (micro_speech: silence, unknown, yes, no)");

  // The frontend's constant tables stay in flash (FrontendTables) when the
  // model's frontend is micro_speech's; another one builds them in RAM.
  // Its per-frame scratch shares the model's arena when it fits there.
  const FrontendTables* tables = FrontendTables::For(frontend);
  size_t bytes = 0;
  if (KwsPipeline::RequiredBytes(frontend, tables, detector, interpreter, &bytes) != Status::kOk)
    return Fail("pipeline", "config");
  void* memory = PortPoolAlloc(bytes, 8);
  if (memory == nullptr) return Fail("pipeline", "does not fit in the memory pool");
  static KwsPipeline pipeline;
  if (pipeline.Init(frontend, tables, detector, &interpreter, memory, bytes) != Status::kOk)
    return Fail("pipeline", pipeline.error());
  SemihostWrite("pipeline: ");
  SemihostWriteInt(static_cast<int64_t>(bytes));
  SemihostWrite(" bytes of RAM besides the arena");
  if (pipeline.scratch_in_arena()) SemihostWrite(", the frontend's per-frame scratch in the arena");
  SemihostWrite("\n");
  for (int32_t label = 0; label < detector.num_labels; ++label) {
    const bool background = g_has_metadata ? label != word_label : label < 2;
    if (pipeline.detector().SetBackground(label, background) != Status::kOk)
      return Fail("detector", pipeline.detector().error());
  }

  const size_t hop = static_cast<size_t>(frontend.hop_samples);
  if (!measure) {
    for (size_t at = 0; at < num_samples; at += hop) {
      const size_t n = num_samples - at < hop ? num_samples - at : hop;
      if (pipeline.Push(samples + at, n, OnDetection, nullptr) != Status::kOk)
        return Fail("pipeline", pipeline.error());
    }
    return 0;
  }

  // Measured run: the same work as KwsPipeline::Push, split at the frontend
  // so the counter sees it alone. An empty marker pair first gives the
  // marker overhead. Each hop completes exactly one frame (hop-sized pushes).
  Frontend& fe = pipeline.frontend();
  Detector& det = pipeline.detector();
  static uint8_t frame[64];
  if (fe.frame_bytes() > sizeof(frame)) return Fail("frontend", "frame larger than expected");
  BenchBegin();
  BenchEnd();
  int64_t hops = 0;
  int64_t invokes_before = det.invokes();
  int64_t first_full_hop = -1;
  for (size_t at = 0; at + hop <= num_samples; at += hop, ++hops) {
    size_t written = 0;
    BenchBegin();
    const Status fs = fe.Push(samples + at, hop, frame, 1, &written);
    BenchEnd();
    if (fs != Status::kOk) return Fail("frontend", fe.error());
    Detection event;
    bool detected = false;
    BenchBegin();
    const Status ds = written == 1 ? det.ProcessFrame(interpreter, frame, &event, &detected) : Status::kOk;
    BenchEnd();
    if (ds != Status::kOk) return Fail("detector", det.error());
    if (first_full_hop < 0 && det.invokes() > invokes_before) first_full_hop = hops;
    if (detected) PrintDetection(event);
  }
  SemihostWrite("measure hops ");
  SemihostWriteInt(hops);
  SemihostWrite("\nmeasure first_invoke_hop ");
  SemihostWriteInt(first_full_hop);
  SemihostWrite("\nmeasure invokes ");
  SemihostWriteInt(det.invokes());
  SemihostWrite("\nmeasure stride ");
  SemihostWriteInt(stride);
  SemihostWrite("\nmeasure arena_bytes ");
  SemihostWriteInt(static_cast<int64_t>(prepared.arena_bytes));
  SemihostWrite("\nmeasure pipeline_bytes ");
  SemihostWriteInt(static_cast<int64_t>(bytes));
  SemihostWrite("\nmeasure frontend_scratch_in_arena ");
  SemihostWriteInt(pipeline.scratch_in_arena() ? 1 : 0);
  SemihostWrite("\nmeasure frontend_tables_flash_bytes ");
  SemihostWriteInt(tables != nullptr ? static_cast<int64_t>(tables->bytes()) : 0);
  SemihostWrite("\nmeasure kernels ");
  SemihostWrite(PortKernelSet());
  SemihostWrite("\n");
  return 0;
}

}  // namespace
}  // namespace tinyml

int main() { return tinyml::Run(); }
