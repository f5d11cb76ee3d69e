// Streaming evaluation of a wake-word model: long generated streams (held-out
// voices, noise, other speech) run through the same KwsPipeline as `tinyml
// detect`; each detection is matched to the spoken wake words to give the
// false-reject rate (FRR) against false accepts per hour (FA/h) over a sweep
// of thresholds (a DET curve), and the threshold that meets a target FA/h.
#ifndef TINYML_TRAIN_EVAL_EVALUATE_H_
#define TINYML_TRAIN_EVAL_EVALUATE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tinyml::train {

struct EvalConfig {
  std::string word = "marvin";
  uint64_t seed = 1000;          // stream seed (different from training seeds)
  double stream_minutes = 60.0;  // total minutes of generated stream audio
  double words_per_minute = 3.0;
  // StreamConfig::confusable_share: near-homophones among the other speech.
  double confusable_share = 0.25;
  double target_fa_per_hour = 1.0;  // the chosen threshold keeps FA/h at or below this
  // Detector settings, as `tinyml detect` uses them.
  int32_t stride_frames = 1;
  int32_t smoothing = 3;
  int32_t cooldown_ms = 1500;
  // A detection within this many seconds after a word's end (or during it) counts as a hit.
  double match_tolerance_s = 1.0;
  // Streams from the voices the training used (new utterances of them)
  // instead of the held-out ones: what the model misses on voices it knows,
  // apart from what unseen voices cost.
  bool training_voices = false;
  int workers = 0;
};

struct DetPoint {
  double threshold = 0.0;
  double frr = 0.0;          // fraction of spoken wake words not detected
  double fa_per_hour = 0.0;  // detections matching no wake word, per hour of audio
};

// A false accept or a missed word at the chosen threshold, with what was said.
struct EvalIncident {
  double time_s = 0.0;  // detection time (false accept) or the word's start (miss), in its stream piece
  int piece = 0;        // which generated stream piece (at most 5 minutes each)
  double score = 0.0;   // smoothed score: at the detection, or the highest while the word could be hit
  std::string text;     // the speech in the 1.5 s before the detection, or the miss's segment, with voices
};

// The wake words one speaker spoke and how many of them were missed, at the
// chosen threshold. `voice` is the voice without its espeak-ng variant
// ("flite awb", "espeak-ng en-gb-scotland"), so the tallies are few and large.
struct VoiceTally {
  std::string voice;
  size_t words = 0;
  size_t misses = 0;
};

struct EvalReport {
  std::vector<DetPoint> curve;  // ascending threshold
  double chosen_threshold = 0.5;
  double frr = 0.0;          // at the chosen threshold
  double fa_per_hour = 0.0;  // at the chosen threshold
  double hours = 0.0;        // audio evaluated
  size_t words = 0;          // wake words spoken
  double target_fa_per_hour = 1.0;
  // Whether a threshold that detects something keeps FA/h within the target.
  bool target_met = false;
  // At the chosen threshold, in stream order.
  std::vector<EvalIncident> false_accepts;
  std::vector<EvalIncident> misses;
  // Per speaker (sorted by voice): words spoken and missed at the chosen
  // threshold; the misses add up to misses.size().
  std::vector<VoiceTally> by_voice;
};

// Every figure of `report` as JSON: threshold, frr, fa_per_hour, hours,
// words, target_fa_per_hour, target_met, false_accepts, misses, by_voice and
// the curve (ascending threshold).
nlohmann::json EvalReportJson(const EvalReport& report);

// The operating point on a DET curve: the lowest FRR among thresholds whose
// FA/h is within the target (the highest threshold on ties), never a
// threshold that fires on nothing (FRR 100 %). When no threshold meets the
// target, *target_met = false and the point with the fewest false accepts
// among those that still detect something is returned.
DetPoint ChooseOperatingPoint(const std::vector<DetPoint>& curve, double target_fa_per_hour, bool* target_met);

// Evaluates `model` (.tflite bytes) whose output `word_label` is the wake
// word's score; progress goes through `progress` (stream generation, then
// detection). Throws std::runtime_error with a one-line message on a model
// that does not load or does not fit the frontend.
EvalReport EvaluateModel(const std::vector<uint8_t>& model, int word_label, const EvalConfig& config,
                         const ProgressFn& progress = {});

// The detection times (seconds, as Detection::time_ms / 1000) at `threshold`
// (0..1) on `audio`, computed the way EvaluateModel does: one pass of
// frontend + detector + model recording the word's smoothed score, then the
// detector's firing rule replayed (every other label treated as background).
// Equals what `tinyml detect` reports for a model whose only non-background
// label is the word.
std::vector<double> DetectionTimes(const std::vector<uint8_t>& model, int word_label, const EvalConfig& config,
                                   const std::vector<int16_t>& audio, double threshold);

// Hard-negative mining: stream audio from the training voices without the
// wake word, and the model input windows where a model is most wrong on it.
struct MineConfig {
  std::string word = "marvin";
  uint64_t seed = 2000;        // stream seed (pieces of at most 5 minutes, as EvaluateModel's)
  double stream_minutes = 60.0;
  size_t max_windows = 5000;   // the highest-scoring peaks kept
  double min_score = 0.0;      // peaks below this raw score (0..1) are not kept
  int32_t min_gap_frames = 25; // kept peaks are at least this many frames apart
  int workers = 0;
  // The streams' word list and noise (StreamConfig's).
  std::string word_list = kDefaultWordList;
  std::vector<std::string> noise_dirs = PolicyNoiseDirectories();
};

// Generates config.stream_minutes of GenerateStream audio from the training
// voices (held_out = false) with no wake word in it (words_per_minute 0:
// other words, sentences, confusables, pauses, noise and music), runs
// `model` over it at every frame as `tinyml detect` would, and returns the
// input windows of the highest peaks of the word's raw score (the windows
// the model most wants to fire on; greedy suppression: the highest invoke,
// then the highest at least min_gap_frames from every kept one, ...),
// highest first, as negatives of kind
// kSpeechStream. Deterministic from the seed and the model.
struct MinedNegatives {
  Dataset data;                // the windows, highest score first
  std::vector<double> scores;  // each window's raw score, 0..1
  size_t peaks = 0;            // peaks found (at or above min_score), before keeping max_windows
  double minutes = 0.0;        // stream audio searched
};
MinedNegatives MineHardNegatives(const std::vector<uint8_t>& model, int word_label, const MineConfig& config,
                                 const ProgressFn& progress = {});

// Mined windows kept on disk, so rerunning an interrupted `tinyml train`
// does not mine again. MiningKey hashes what MineHardNegatives' result
// depends on: the model's bytes, the label, every MineConfig field but
// `workers`, and StreamInputsKey of the streams it mines (the word list's
// content, the noise files found, the voices, the generator and espeak-ng
// versions), so a changed input mines again. EncodeMined's bytes: a 64-byte header
// (magic, version, key, count, frames, features, peaks, minutes, checksum),
// then the windows and their scores. DecodeMined returns false and leaves
// *out alone for bytes of another key, a bad header, size or checksum.
uint64_t MiningKey(const std::vector<uint8_t>& model, int word_label, const MineConfig& config);
std::string EncodeMined(const MinedNegatives& mined, uint64_t key);
bool DecodeMined(const std::string& bytes, uint64_t key, MinedNegatives* out);

// Matches detections to spoken words: in word order, each word takes the
// first unused detection in [start_s, end_s + tolerance_s]. Returns the
// number of words hit; *false_accepts = detections left unmatched.
int64_t CountHits(const std::vector<double>& detection_times_s, const std::vector<WordEvent>& events,
                  double tolerance_s, int64_t* false_accepts);

// The DET curve as a standalone SVG document (FRR % against FA/h, log x axis),
// the chosen operating point marked.
std::string RenderDetSvg(const EvalReport& report, const std::string& title);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_EVAL_EVALUATE_H_
