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
// of workers): example i draws all its random choices from (seed, held_out,
// i) alone. Work runs in forked worker processes (RunInWorkers, workers.h;
// the speech engines keep global state, so threads would not help), and
// datasets are cached on disk.
//
// Data policy (DESIGN.md): speech from espeak-ng and flite only; noise and
// music from generated white/pink/brown noise and the files libsndfile reads
// in the Debian packages sonic-pi-samples (flac) and lmms-common (wav, ogg,
// flac); freepats holds only .pat patches, which are not sound files and are
// not used.
//
// Speech recipe (both datasets and streams): a voice from the split (flite
// 30 % of the time when the split has flite voices, otherwise one of espeak's
// voice+variant pairs), rate 0.7..1.4, pitch 25..75, pitch range 20..90,
// emphasis 15 % of the time; each synthesized piece trimmed to its speech
// (10 ms frames within 35 dB of the loudest); then speed +-10 % (half the
// time), pitch +-2 semitones (40 %), a synthetic room (RT60 0.15..0.6 s),
// the telephone band, and a level.
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

// What a clip holds. Only kWakeWord and kWakeInContext are labelled 1. Speech in the negative
// kinds has its middle anywhere in the window, so it may straddle either edge.
enum class ClipKind : uint8_t {
  // The wake word, whole, inside the window, ending in its last 40 %; 30 % of
  // the time in a carrier ("hey marvin", "ok marvin", "marvin please"; the
  // carrier word may fall outside the window).
  kWakeWord = 0,
  // A word that sounds like it: FindConfusables over the word list (words
  // starting with the wake word, like "Marvin's", left out); when that finds
  // fewer than 30, also one-letter spelling edits of the wake word that
  // espeak pronounces 1-2 phonemes away ("marvon", "marvik"). Sometimes in a
  // carrier.
  kConfusable = 1,
  kOtherWord = 2,    // a random lowercase word from the word list
  kSentence = 3,     // 3..8 random words spoken as one phrase
  kPartialWord = 4,  // the wake word cut short (its first 30..65 %) or only its last 40..60 %
  // Background only, -50..-12 dBFS: 65 % of the time a policy noise/music
  // file (a random stretch of a long one; a short one, like a drum hit,
  // repeated at random gaps), otherwise white, pink or brown noise. The same
  // backgrounds go under speech clips.
  kNoise = 5,
  kSilence = 6,      // a microphone's noise floor only (white, RMS 0.3..30 of 32768)
  // The wake word inside running speech, as streams have it: one voice says
  // 1..4 other words then the word (70 %), and/or 1..4 words after it (70 %;
  // at least one side), the word ending in the window's last 40 % as for
  // kWakeWord, so the words after it may enter the window. Labelled 1.
  kWakeInContext = 7,
  // A stretch of a stream without the wake word: 2..4 segments (a word, a
  // confusable, a sentence ending in a confusable, or a sentence: the mix of
  // GenerateStream's other speech), each in its own voice and level, 0.1..1.5 s
  // apart, the window anywhere over them.
  kSpeechStream = 8,
};
constexpr int kNumClipKinds = 9;

// Whether examples of `kind` are labelled 1 (the wake word).
bool IsWakeKind(ClipKind kind);
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
  std::vector<size_t> clips_per_kind = {4500, 2500, 2000, 1500, 1000, 2500, 300, 2500, 4000};
  // Background noise/music mixed over a speech clip (lead-in included) with
  // this probability, at an SNR drawn uniformly from [snr_db_min, snr_db_max]
  // relative to the RMS of the clip's speech span. Speech level: -20.8 dBFS
  // RMS + a gain of -20..+6 dB. Every clip also gets a faint noise floor.
  double noise_probability = 0.8;
  double snr_db_min = 0.0;
  double snr_db_max = 30.0;
  // Model input: `window_frames` frames of `frontend` features (int8 output
  // only). A clip is lead_in_s (rounded to whole hops) + the window's span
  // (window_samples + (window_frames - 1) hops: 0.99 s for 49 MicroSpeech
  // frames); the frontend runs over all of it from a Reset state, so its
  // adaptive state (noise estimate, PCAN) is settled as in a stream, and
  // the last window_frames frames are the example.
  FrontendConfig frontend = FrontendConfig::MicroSpeech();
  int32_t window_frames = 49;
  double lead_in_s = 1.0;
  // More flite speakers: every clip a flite clustergen voice (slt, rms; and
  // awb in held-out sets) speaks gets its own vocoder constants, the
  // frequency warp alpha shifted by U(-w, w) (0.04 ~ formants 10 % up or
  // down) and the postfilter beta by U(-2.5 w, 2.5 w) (SynthesisParams).
  // 0 = the voices as recorded. Range 0..0.15.
  double flite_warp = 0.0;
  // More espeak-ng speakers: this share of the clips an espeak-ng voice
  // speaks get a speaker of their own instead of the voice's variant: pitch,
  // each formant's frequency, height and width, voicing, breath, flutter,
  // roughness, spectral tone and (sometimes) the Klatt source drawn at
  // random (SynthesisParams::espeak_speaker, RandomEspeakSpeaker). The
  // ranges are espeak-ng's parameter scales, not fitted to any variant.
  // 0 = the voices' own variants only. Range 0..1.
  double espeak_speakers = 0.0;
  // Reduced pronunciations: this share of the wake-word examples (kWakeWord,
  // kWakeInContext) say a ReducedVowelSpellings form of the word instead
  // ("marven", "marvun" for "marvin": the unstressed vowel as a schwa, as
  // people say it), one picked at random; a form that is one of the
  // confusables stays a negative only. 0 = the word as spelled; no effect
  // when espeak has no such form. Range 0..0.5.
  double reduced_vowels = 0.0;
  // Harder confusables: this share of the confusable clips (kConfusable)
  // say one of NearestConfusablesFor(word) (the confusables at the smallest
  // phoneme distance, e.g. "mavin", "mervin" for "marvin"), the rest any
  // confusable. 0 = every confusable equally often, as the streams have
  // them (streams are unaffected). Range 0..0.9.
  double near_confusables = 0.0;
  // Worker processes; 0 = one per core.
  int workers = 0;
  // Other words, sentences and confusables come from this word list (one
  // word a line, Debian's wamerican format).
  std::string word_list = kDefaultWordList;
  // Noise and music files (wav, flac, ogg that libsndfile reads) are searched
  // here; empty = generated noise only.
  std::vector<std::string> noise_dirs = PolicyNoiseDirectories();
};

// Examples are in blocks by kind, in ClipKind order (all wake-word examples
// first); shuffle before training.
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
// exactly this configuration exists. Empty cache_dir: no cache.
//
// The cache file (DatasetCachePath: "<word>-<hash>.tmlds") is named by a hash
// of every input that affects the bytes: the generator version, every config
// field except `workers`, the word list's content, the noise files found
// (paths, lengths, rates), the voice split and the espeak-ng version. It holds
// a 48-byte header (magic, version, key hash, count, frames, features,
// checksum of the arrays) then x, labels, kinds, and is written to a temp
// file in cache_dir and renamed into place (temp files that killed
// generations left behind are removed when the next one starts). A file of the wrong size, with a
// bad header or checksum, or with kinds/labels that do not match the config
// is never trusted: a warning goes to stderr and the data is regenerated.
//
// Throws TtsError before any work for a word ValidateText rejects (empty,
// unknown characters), std::invalid_argument for a bad config, and
// std::runtime_error with one line for a cache directory that cannot be
// created or written (checked before generating), a word list that cannot be
// read, or a failed worker. `progress` counts generated examples (at least
// every 0.5 % or 0.5 s); it is not called on a cache hit. Call before
// starting threads if possible (workers are forked).
Dataset BuildDataset(const DatasetConfig& config, const std::string& cache_dir, const ProgressFn& progress = {});

// The confusables kConfusable clips (and streams) say for `word`, from
// `word_list` (computed once per word and list in a process).
std::vector<std::string> ConfusablesFor(const std::string& word, const std::string& word_list = kDefaultWordList);

// The confusables at the smallest phoneme distance to `word` (a subset of
// ConfusablesFor), what DatasetConfig::near_confusables draws from.
std::vector<std::string> NearestConfusablesFor(const std::string& word, const std::string& word_list = kDefaultWordList);

// The reduced forms positives say with DatasetConfig::reduced_vowels:
// ReducedVowelSpellings(word) without the ones that are among its
// confusables (a dictionary word said that way stays a negative).
std::vector<std::string> ReducedFormsFor(const std::string& word, const std::string& word_list = kDefaultWordList);

// The file BuildDataset reads and writes in `cache_dir` for `config`.
std::string DatasetCachePath(const DatasetConfig& config, const std::string& cache_dir);

// A stream: segments of speech (one voice each) with pauses of 0.3..2 s (15 %
// of them 3..8 s). Wake-word segments are the word alone (50 %), in a carrier
// (20 %) or inside random words (30 %); the others are a word (25 %), a
// confusable (60 % of confusable_share: 15 % by default), a sentence ending
// in a confusable (40 % of it: 10 %) or a sentence of 3..8 random words.
// Speech level: -20.8 dBFS RMS + -6..+3 dB.
struct StreamConfig {
  std::string word = "marvin";
  uint64_t seed = 1;
  double duration_s = 600.0;  // 1..86400
  // Mean number of wake-word occurrences per minute (0..15); their segments
  // start at least max(3 s, longest segment + 1 s) apart.
  double words_per_minute = 3.0;
  // The rest is other speech (words, sentences, confusables) and pauses.
  // The share of other-speech segments that say a confusable (0..0.75): the
  // default 0.25 is about 250 near-homophones an hour, far above ordinary
  // speech; 0 leaves only the dictionary's own words and sentences.
  double confusable_share = 0.25;
  bool held_out = true;
  // Background noise/music in chunks of 5..30 s: each chunk has background
  // with this probability, at an SNR relative to the nominal speech level
  // (-20.8 dBFS) drawn per chunk from [snr_db_min, snr_db_max].
  double noise_probability = 0.7;
  double snr_db_min = 5.0;
  double snr_db_max = 30.0;
  // Optional script: when non-empty, these sentences are spoken in order,
  // each in one voice, 0.6..1.5 s apart, and duration_s / words_per_minute
  // are ignored. Wherever a sentence contains the wake word (whole words,
  // case and punctuation ignored) it is synthesized in pieces around it, so
  // the word's span is known exactly. Every sentence must pass ValidateText.
  std::vector<std::string> script;
  int workers = 0;
  // As in DatasetConfig.
  std::string word_list = kDefaultWordList;
  std::vector<std::string> noise_dirs = PolicyNoiseDirectories();
};

// What GenerateStream reads besides `config`'s numbers and can change
// between runs: the generator version, the word list (path and content),
// the noise files found in noise_dirs (paths, lengths, rates), the voices
// of the split it speaks with and the espeak-ng version. For keys of files
// derived from streams (mined windows). Throws std::runtime_error when the
// word list cannot be read.
std::string StreamInputsKey(const StreamConfig& config);

// One spoken wake word in a stream: the span of its audio, in seconds.
struct WordEvent {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string text;  // what is said in the span (for reports; may be empty)
  std::string voice;  // Stream::speech only: VoiceLabel of the speaker
};

struct Stream {
  std::vector<int16_t> audio;  // 16 kHz mono
  std::vector<WordEvent> events;  // in time order
  // Every spoken segment (wake-word segments included, carrier words and
  // all): outside these spans the stream holds only pauses and background.
  std::vector<WordEvent> speech;
  double duration_s() const { return static_cast<double>(audio.size()) / kSampleRate; }
};

// Throws TtsError for a word or script sentence ValidateText rejects and
// std::invalid_argument for a bad config, before any work. `progress`
// counts synthesized segments.
Stream GenerateStream(const StreamConfig& config, const ProgressFn& progress = {});

// The voice-file lines of a random espeak-ng speaker, deterministic from
// `seed` (DatasetConfig::espeak_speakers).
std::string RandomEspeakSpeaker(uint64_t seed);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_DATASET_H_
