// Wake-word datasets and evaluation streams generated from text.
//
// A Dataset is a set of labelled feature windows: each example is the
// tinyml frontend's output (the same code as on the device) for one window of
// audio, `frames` x `features` int8 values, label 1 for the wake word and 0
// for anything else. A Stream is long audio with the wake word spoken at
// known times among other speech, noise and music, for streaming
// evaluation and the demo recording.
//
// Everything is deterministic from the seed (and independent of the number
// of workers), generated in parallel worker processes (the speech engines
// keep global state), and datasets are cached on disk.
//
// Data policy (DESIGN.md): speech from espeak-ng and flite only; noise and
// music from generated noise and the Debian packages sonic-pi-samples,
// lmms-common and freepats only.
#ifndef TINYML_TRAIN_DATA_DATASET_H_
#define TINYML_TRAIN_DATA_DATASET_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/phonemes.h"
#include "data/tts.h"
#include "tinyml/frontend.h"

namespace tinyml::train {

// What a clip holds. Only kWakeWord is labelled 1.
enum class ClipKind : uint8_t {
  kWakeWord = 0,     // the wake word, whole, inside the window
  kConfusable = 1,   // a word that sounds like it (FindConfusables)
  kOtherWord = 2,    // a random word from the word list
  kSentence = 3,     // several random words spoken as a phrase
  kPartialWord = 4,  // the wake word cut short (its first 30..65 %) or only its end
  kNoise = 5,        // generated noise or a policy noise/music sample, no speech
  kSilence = 6,      // near silence (very low noise)
};
constexpr int kNumClipKinds = 7;
const char* ClipKindName(ClipKind kind);

// The voices used for training and the ones held out for validation,
// evaluation and the demo; the two never overlap. Deterministic.
struct VoiceSplit {
  std::vector<Voice> train;
  std::vector<Voice> held_out;
};
VoiceSplit SplitVoices();

// Called from the generating (parent) process; `done` of `total` items.
using ProgressFn = std::function<void(size_t done, size_t total)>;

struct DatasetConfig {
  std::string word = "marvin";
  uint64_t seed = 1;
  // false: training voices; true: held-out voices (validation / test sets).
  bool held_out = false;
  // Number of clips of each ClipKind (index = ClipKind value).
  std::vector<size_t> clips_per_kind = {6000, 2500, 2500, 1500, 1000, 1500, 300};
  // Background noise/music mixed into a clip with this probability, at an
  // SNR drawn uniformly from [snr_db_min, snr_db_max].
  double noise_probability = 0.8;
  double snr_db_min = 0.0;
  double snr_db_max = 30.0;
  // Model input: `window_frames` frames of `frontend` features. The frontend
  // first runs over `lead_in_s` seconds of the clip's background so its
  // adaptive state (noise estimate, PCAN) is settled as in a stream.
  FrontendConfig frontend = FrontendConfig::MicroSpeech();
  int32_t window_frames = 49;
  double lead_in_s = 1.0;
  // Worker processes; 0 = one per core.
  int workers = 0;
  // Other words, sentences and confusables come from this word list (one
  // word a line, Debian's wamerican format).
  std::string word_list = kDefaultWordList;
  // Noise and music files (wav, flac, ogg that libsndfile reads) are searched
  // here; empty = generated noise only.
  std::vector<std::string> noise_dirs = PolicyNoiseDirectories();
};

struct Dataset {
  int32_t frames = 0;
  int32_t features = 0;
  std::vector<int8_t> x;        // size() * frames * features, example-major
  std::vector<uint8_t> labels;  // 1 = wake word
  std::vector<uint8_t> kinds;   // ClipKind values
  bool from_cache = false;      // loaded from a cache file rather than generated
  size_t size() const { return labels.size(); }
  const int8_t* example(size_t i) const { return x.data() + i * static_cast<size_t>(frames) * features; }
};

// Generates the dataset, or loads it from `cache_dir` when a cache file for
// exactly this configuration (and generator version) exists. The cache file
// is written atomically. Empty cache_dir: no cache. Throws TtsError for a
// word the speech engines cannot say (empty, unknown characters) and
// std::runtime_error (one line, naming the file) for cache I/O problems.
Dataset BuildDataset(const DatasetConfig& config, const std::string& cache_dir, const ProgressFn& progress = {});

// The file BuildDataset reads and writes in `cache_dir` for `config`.
std::string DatasetCachePath(const DatasetConfig& config, const std::string& cache_dir);

struct StreamConfig {
  std::string word = "marvin";
  uint64_t seed = 1;
  double duration_s = 600.0;
  // Mean number of wake-word occurrences per minute (spaced at least 3 s apart).
  double words_per_minute = 3.0;
  // The rest is other speech (words, sentences, confusables) and pauses.
  bool held_out = true;
  // Background noise/music under the whole stream, at an SNR (relative to
  // the speech) drawn per segment from [snr_db_min, snr_db_max].
  double noise_probability = 0.7;
  double snr_db_min = 5.0;
  double snr_db_max = 30.0;
  // Optional script: when non-empty, these sentences are spoken in order
  // (the wake word appears wherever the text contains it), with pauses and
  // noise between them, and duration_s / words_per_minute are ignored.
  std::vector<std::string> script;
  int workers = 0;
  // As in DatasetConfig.
  std::string word_list = kDefaultWordList;
  std::vector<std::string> noise_dirs = PolicyNoiseDirectories();
};

// One spoken wake word in a stream: the span of its audio, in seconds.
struct WordEvent {
  double start_s = 0.0;
  double end_s = 0.0;
};

struct Stream {
  std::vector<int16_t> audio;  // 16 kHz mono
  std::vector<WordEvent> events;  // in time order
  // Every spoken segment (wake-word segments included, carrier words and
  // all): outside these spans the stream holds only pauses and background.
  std::vector<WordEvent> speech;
  double duration_s() const { return static_cast<double>(audio.size()) / kSampleRate; }
};

Stream GenerateStream(const StreamConfig& config, const ProgressFn& progress = {});

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_DATASET_H_
