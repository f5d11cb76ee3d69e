#include "eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "common/model_file.h"
#include "data/hash.h"
#include "kws/pipeline.h"
#include "tinyml/detector.h"
#include "tinyml/frontend.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"

namespace tinyml::train {
namespace {

// Streams are generated in pieces of at most this length, each from its own
// seed, so long evaluations parallelize and report progress.
constexpr double kPieceMinutes = 5.0;

const OpResolver& EvalResolver() {
  static const auto* resolver = [] {
    auto* r = new StaticOpResolver<64>();
    if (AddAllBuiltins(*r) != Status::kOk) throw std::logic_error("op resolver too small");
    return r;
  }();
  return *resolver;
}

// The model, prepared on an exact arena, with the frontend and detector
// configuration `tinyml detect` would use for it.
class Runner {
 public:
  Runner(const std::vector<uint8_t>& bytes, int word_label, const EvalConfig& config) : bytes_(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), bytes_.data());
    if (model_.Load(bytes_.data(), bytes_.size()) != Status::kOk) {
      throw std::runtime_error(std::string("model does not load: ") + model_.error());
    }
    runner_ = std::make_unique<tools::ArenaInterpreter>(model_, EvalResolver());
    if (runner_->Prepare() != Status::kOk) throw std::runtime_error(std::string("model: ") + runner_->error());
    Interpreter& interp = runner_->interpreter();
    if (FrontendConfigForModel(interp, &frontend_) != Status::kOk) {
      throw std::runtime_error("model input 0 fits no frontend (expected int8 49x40 or 49x10 features)");
    }
    detector_.stride_frames = config.stride_frames;
    detector_.smoothing_invokes = config.smoothing;
    char error[160] = {};
    if (DetectorConfigForModel(interp, frontend_, &detector_, error, sizeof(error)) != Status::kOk) {
      throw std::runtime_error(std::string("model: ") + error);
    }
    if (word_label < 0 || word_label >= detector_.num_labels) {
      throw std::runtime_error("word label " + std::to_string(word_label) + " outside the model's " +
                               std::to_string(detector_.num_labels) + " outputs");
    }
    detector_.cooldown_frames = (config.cooldown_ms + detector_.hop_ms - 1) / std::max<int32_t>(1, detector_.hop_ms);
    word_label_ = word_label;
  }

  const DetectorConfig& detector_config() const { return detector_; }

  // The word label's smoothed Q15 score after every invoke over `audio`,
  // from a fresh frontend and detector, and the frame each invoke ended on.
  // With `raw`, the scores are the model's own (unsmoothed); with
  // `features`, every frontend frame is appended there (frame_bytes each).
  void Trace(const std::vector<int16_t>& audio, std::vector<int64_t>* frames, std::vector<int32_t>* scores,
             bool raw = false, std::vector<int8_t>* features = nullptr) {
    size_t fbytes = 0, dbytes = 0;
    if (Frontend::RequiredBytes(frontend_, &fbytes) != Status::kOk ||
        Detector::RequiredBytes(detector_, &dbytes) != Status::kOk) {
      throw std::runtime_error("frontend or detector configuration rejected");
    }
    tools::AlignedBuffer fmem(fbytes), dmem(dbytes);
    Frontend frontend;
    Detector detector;
    if (frontend.Init(frontend_, fmem.data(), fmem.size()) != Status::kOk) throw std::runtime_error(frontend.error());
    if (detector.Init(detector_, dmem.data(), dmem.size()) != Status::kOk) throw std::runtime_error(detector.error());
    for (int32_t i = 0; i < detector_.num_labels; ++i) (void)detector.SetThreshold(i, kScoreOne + 1);
    Interpreter& interp = runner_->interpreter();
    interp.Reset();
    std::vector<uint8_t> frame(frontend.frame_bytes() * 64);
    const size_t chunk = 4096;
    for (size_t pos = 0; pos <= audio.size();) {
      const size_t n = std::min(chunk, audio.size() - pos);
      size_t written = 0;
      if (frontend.Push(audio.data() + pos, n, frame.data(), 64, &written) != Status::kOk) {
        throw std::runtime_error(std::string("frontend: ") + frontend.error());
      }
      for (size_t f = 0; f < written; ++f) {
        Detection d;
        bool detected = false;
        const int64_t before = detector.invokes();
        if (detector.ProcessFrame(interp, frame.data() + f * frontend.frame_bytes(), &d, &detected) != Status::kOk) {
          throw std::runtime_error(std::string("detector: ") + detector.error());
        }
        if (detector.invokes() != before) {
          frames->push_back(detector.frames_seen() - 1);
          scores->push_back(raw ? detector.last_scores()[word_label_] : detector.smoothed_scores()[word_label_]);
        }
      }
      if (features) {
        const auto* f = reinterpret_cast<const int8_t*>(frame.data());
        features->insert(features->end(), f, f + written * frontend.frame_bytes());
      }
      if (n == 0 && written == 0) break;
      pos += n;
    }
  }

 private:
  tools::AlignedBuffer bytes_;
  Model model_;
  std::unique_ptr<tools::ArenaInterpreter> runner_;
  FrontendConfig frontend_;
  DetectorConfig detector_;
  int word_label_ = 0;
};

struct Piece {
  std::vector<int64_t> frames;
  std::vector<int32_t> scores;
  std::vector<WordEvent> events;
  std::vector<WordEvent> speech;
  double seconds = 0.0;
};

// What the Detector does for one non-background label at threshold t (Q15):
// fire when the smoothed score reaches t, unless within cooldown frames of
// the previous detection. Returns the detection frames.
std::vector<int64_t> Replay(const Piece& p, int32_t threshold, int32_t cooldown_frames) {
  std::vector<int64_t> out;
  int64_t last = -1;
  for (size_t i = 0; i < p.scores.size(); ++i) {
    if (p.scores[i] < threshold) continue;
    if (last >= 0 && p.frames[i] - last < cooldown_frames) continue;
    last = p.frames[i];
    out.push_back(last);
  }
  return out;
}

// Replay's detections as times in seconds (what Detection::time_ms says).
std::vector<double> ReplayTimes(const Piece& p, int32_t threshold, const DetectorConfig& dc) {
  std::vector<double> times;
  for (int64_t f : Replay(p, threshold, dc.cooldown_frames)) {
    times.push_back(static_cast<double>(f * dc.hop_ms + dc.window_ms) / 1000.0);
  }
  return times;
}

// CountHits's matching: in word order, each word takes the first unused
// detection in [start_s, end_s + tolerance_s]. Returns whether each word was
// hit; *used says which detections were taken.
std::vector<bool> MatchWords(const std::vector<double>& detection_times_s, const std::vector<WordEvent>& events,
                             double tolerance_s, std::vector<bool>* used) {
  used->assign(detection_times_s.size(), false);
  std::vector<bool> hit(events.size(), false);
  for (size_t w = 0; w < events.size(); ++w) {
    for (size_t i = 0; i < detection_times_s.size(); ++i) {
      const double t = detection_times_s[i];
      if ((*used)[i] || t < events[w].start_s || t > events[w].end_s + tolerance_s) continue;
      (*used)[i] = true;
      hit[w] = true;
      break;
    }
  }
  return hit;
}

// The text of every speech span overlapping [begin_s, end_s], each with its
// speaker's voice in brackets, joined by " / ".
std::string SpokenBetween(const std::vector<WordEvent>& speech, double begin_s, double end_s) {
  std::string out;
  for (const WordEvent& s : speech) {
    if (s.end_s < begin_s || s.start_s > end_s) continue;
    out += (out.empty() ? "" : " / ") + s.text;
    if (!s.voice.empty()) out += " [" + s.voice + "]";
  }
  return out.empty() ? "(no speech: background only)" : out;
}

// Who spoke the wake word `e`: the voice of the speech span that overlaps it
// most (a span is where its segment's audio is audible, a word is timed
// from the synthesis, so a quiet onset can start before its span), without
// the espeak-ng variant ("espeak-ng en-us+f3" -> "espeak-ng en-us");
// "unknown" when no span overlaps it.
std::string SpeakerOf(const std::vector<WordEvent>& speech, const WordEvent& e) {
  const WordEvent* best = nullptr;
  double best_overlap = 0.0;
  for (const WordEvent& s : speech) {
    const double overlap = std::min(s.end_s, e.end_s) - std::max(s.start_s, e.start_s);
    if (s.voice.empty() || overlap <= best_overlap) continue;
    best = &s;
    best_overlap = overlap;
  }
  return best == nullptr ? "unknown" : best->voice.substr(0, best->voice.find('+'));
}

void Tally(std::vector<VoiceTally>* tallies, const std::string& voice, bool missed) {
  auto it = std::lower_bound(tallies->begin(), tallies->end(), voice,
                             [](const VoiceTally& t, const std::string& v) { return t.voice < v; });
  if (it == tallies->end() || it->voice != voice) it = tallies->insert(it, VoiceTally{voice, 0, 0});
  ++it->words;
  if (missed) ++it->misses;
}

// False accepts and misses of one piece at threshold tq, matched as CountHits does.
void Incidents(const Piece& p, int piece, int32_t tq, const DetectorConfig& dc, double tolerance_s,
               EvalReport* report) {
  const std::vector<double> times = ReplayTimes(p, tq, dc);
  std::vector<bool> used;
  const std::vector<bool> hit = MatchWords(times, p.events, tolerance_s, &used);
  // The time of invoke i, as ReplayTimes gives detections.
  auto time_of = [&](size_t i) { return static_cast<double>(p.frames[i] * dc.hop_ms + dc.window_ms) / 1000.0; };
  for (size_t w = 0; w < p.events.size(); ++w) {
    Tally(&report->by_voice, SpeakerOf(p.speech, p.events[w]), !hit[w]);
    if (hit[w]) continue;
    const WordEvent& e = p.events[w];
    int32_t best = 0;
    for (size_t i = 0; i < p.scores.size(); ++i) {
      const double t = time_of(i);
      if (t >= e.start_s && t <= e.end_s + tolerance_s) best = std::max(best, p.scores[i]);
    }
    report->misses.push_back({e.start_s, piece, static_cast<double>(best) / kScoreOne,
                              SpokenBetween(p.speech, e.start_s, e.end_s)});
  }
  // The audio the model's input window covered, and half a second more for
  // the smoothing's lag.
  const double seen_s = static_cast<double>((dc.window_frames - 1) * dc.hop_ms + dc.window_ms) / 1000.0;
  size_t at = 0;  // the invoke of each detection (times ascend)
  for (size_t i = 0; i < times.size(); ++i) {
    while (at + 1 < p.frames.size() && time_of(at) < times[i]) ++at;
    if (used[i]) continue;
    report->false_accepts.push_back({times[i], piece, static_cast<double>(p.scores[at]) / kScoreOne,
                                     SpokenBetween(p.speech, times[i] - seen_s - 0.5, times[i])});
  }
}

// Generates stream_minutes of GenerateStream audio as `stream` says, in
// pieces of at most kPieceMinutes (piece i from stream.seed * 1000003 + i,
// its own duration_s), and hands each to `use(i, stream)`. Progress:
// generation 3/4 of a piece, `use` the rest.
template <typename Use>
void ForEachPiece(const StreamConfig& stream_config, double stream_minutes, const ProgressFn& progress, Use use) {
  const int pieces = std::max(1, static_cast<int>(std::ceil(stream_minutes / kPieceMinutes)));
  const size_t total = static_cast<size_t>(pieces) * 4;
  for (int i = 0; i < pieces; ++i) {
    StreamConfig sc = stream_config;
    sc.seed = stream_config.seed * 1000003ULL + static_cast<uint64_t>(i);
    sc.duration_s = stream_minutes * 60.0 / pieces;
    const size_t base = static_cast<size_t>(i) * 4;
    const Stream stream = GenerateStream(sc, [&](size_t done, size_t n) {
      if (progress && n > 0) progress(base + std::min<size_t>(3, 3 * done / n), total);
    });
    use(i, stream);
    if (progress) progress(base + 4, total);
  }
}

}  // namespace

// Greedy matching in time order: each word takes the first unmatched
// detection inside [start, end + tolerance]; every other detection is a
// false accept.
int64_t CountHits(const std::vector<double>& detection_times_s, const std::vector<WordEvent>& events,
                  double tolerance_s, int64_t* false_accepts) {
  std::vector<bool> used;
  const std::vector<bool> hit = MatchWords(detection_times_s, events, tolerance_s, &used);
  *false_accepts = static_cast<int64_t>(std::count(used.begin(), used.end(), false));
  return static_cast<int64_t>(std::count(hit.begin(), hit.end(), true));
}

DetPoint ChooseOperatingPoint(const std::vector<DetPoint>& curve, double target_fa_per_hour, bool* target_met) {
  // A threshold that never fires (FRR 100 %) is no operating point.
  const DetPoint* best = nullptr;
  for (const DetPoint& p : curve) {
    if (p.frr >= 1.0 || p.fa_per_hour > target_fa_per_hour) continue;
    if (best == nullptr || p.frr <= best->frr) best = &p;
  }
  *target_met = best != nullptr;
  if (best == nullptr) {
    // Nothing meets the target: the fewest false accepts among thresholds
    // that still detect something (the highest such threshold on ties).
    for (const DetPoint& p : curve) {
      if (p.frr >= 1.0) continue;
      if (best == nullptr || p.fa_per_hour <= best->fa_per_hour) best = &p;
    }
  }
  if (best == nullptr) return curve.empty() ? DetPoint{} : curve.back();
  return *best;
}

std::vector<double> DetectionTimes(const std::vector<uint8_t>& model, int word_label, const EvalConfig& config,
                                   const std::vector<int16_t>& audio, double threshold) {
  Runner runner(model, word_label, config);
  const DetectorConfig& dc = runner.detector_config();
  Piece p;
  runner.Trace(audio, &p.frames, &p.scores);
  return ReplayTimes(p, static_cast<int32_t>(std::lround(threshold * kScoreOne)), dc);
}

EvalReport EvaluateModel(const std::vector<uint8_t>& model, int word_label, const EvalConfig& config,
                         const ProgressFn& progress) {
  if (!(config.stream_minutes > 0.0)) throw std::invalid_argument("stream minutes must be positive");
  Runner runner(model, word_label, config);
  const DetectorConfig& dc = runner.detector_config();

  StreamConfig streams;
  streams.word = config.word;
  streams.seed = config.seed;
  streams.words_per_minute = config.words_per_minute;
  streams.confusable_share = config.confusable_share;
  streams.held_out = !config.training_voices;
  streams.workers = config.workers;
  std::vector<Piece> results;
  ForEachPiece(streams, config.stream_minutes, progress, [&](int, const Stream& stream) {
    Piece& p = results.emplace_back();
    p.events = stream.events;
    p.speech = stream.speech;
    p.seconds = stream.duration_s();
    runner.Trace(stream.audio, &p.frames, &p.scores);
  });

  EvalReport report;
  report.target_fa_per_hour = config.target_fa_per_hour;
  for (const Piece& p : results) {
    report.hours += p.seconds / 3600.0;
    report.words += p.events.size();
  }
  if (report.words == 0) throw std::runtime_error("the evaluation streams hold no wake word");

  // Thresholds: every 0.001, and 0.0005 steps just below the int8 softmax
  // ceiling (255/256 = 0.99609), where confident models operate.
  std::vector<double> thresholds;
  for (int i = 1; i < 1000; ++i) thresholds.push_back(i / 1000.0);
  for (int i = 0; i < 6; ++i) thresholds.push_back(0.9905 + i / 1000.0);
  for (int i = 1; i < 10; ++i) thresholds.push_back(0.999 + i / 10000.0);
  std::sort(thresholds.begin(), thresholds.end());
  for (double t : thresholds) {
    const int32_t tq = static_cast<int32_t>(std::lround(t * kScoreOne));
    int64_t hits = 0, fas = 0;
    for (const Piece& p : results) {
      int64_t fa = 0;
      hits += CountHits(ReplayTimes(p, tq, dc), p.events, config.match_tolerance_s, &fa);
      fas += fa;
    }
    DetPoint point;
    point.threshold = t;
    point.frr = 1.0 - static_cast<double>(hits) / static_cast<double>(report.words);
    point.fa_per_hour = static_cast<double>(fas) / report.hours;
    report.curve.push_back(point);
  }
  const DetPoint best = ChooseOperatingPoint(report.curve, config.target_fa_per_hour, &report.target_met);
  report.chosen_threshold = best.threshold;
  report.frr = best.frr;
  report.fa_per_hour = best.fa_per_hour;
  const int32_t chosen = static_cast<int32_t>(std::lround(report.chosen_threshold * kScoreOne));
  for (size_t i = 0; i < results.size(); ++i) {
    Incidents(results[i], static_cast<int>(i), chosen, dc, config.match_tolerance_s, &report);
  }
  return report;
}

namespace {

// The streams MineHardNegatives searches.
StreamConfig MiningStreams(const MineConfig& config) {
  StreamConfig streams;
  streams.word = config.word;
  streams.seed = config.seed;
  streams.words_per_minute = 0.0;  // no wake word: every window is a negative
  streams.held_out = false;        // the training voices
  streams.workers = config.workers;
  streams.word_list = config.word_list;
  streams.noise_dirs = config.noise_dirs;
  return streams;
}

}  // namespace

MinedNegatives MineHardNegatives(const std::vector<uint8_t>& model, int word_label, const MineConfig& config,
                                 const ProgressFn& progress) {
  if (!(config.stream_minutes > 0.0)) throw std::invalid_argument("mining minutes must be positive");
  if (config.min_gap_frames < 1) throw std::invalid_argument("mining gap must be at least one frame");
  EvalConfig ec;
  ec.stride_frames = 1;
  ec.smoothing = 1;
  Runner runner(model, word_label, ec);
  const DetectorConfig& dc = runner.detector_config();
  const size_t window_bytes = static_cast<size_t>(dc.window_frames) * static_cast<size_t>(dc.frame_bytes);

  struct Candidate {
    int32_t score;
    size_t piece;
    int64_t frame;
  };
  std::vector<Candidate> candidates;
  std::vector<std::vector<int8_t>> features;
  const StreamConfig streams = MiningStreams(config);
  ForEachPiece(streams, config.stream_minutes, progress, [&](int i, const Stream& stream) {
    std::vector<int64_t> frames;
    std::vector<int32_t> scores;
    features.emplace_back();
    runner.Trace(stream.audio, &frames, &scores, /*raw=*/true, &features.back());
    // Peaks by greedy suppression: the highest invoke is kept and nothing
    // within min_gap_frames of a kept one is, so one loud confusable gives
    // one window rather than twenty, and a long high stretch gives one
    // window every min_gap_frames.
    const int32_t floor_q15 = static_cast<int32_t>(std::lround(config.min_score * kScoreOne));
    std::vector<size_t> order;
    for (size_t k = 0; k < scores.size(); ++k)
      if (scores[k] >= floor_q15) order.push_back(k);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    std::vector<bool> blocked(scores.size(), false);
    for (size_t k : order) {
      if (blocked[k]) continue;
      candidates.push_back({scores[k], static_cast<size_t>(i), frames[k]});
      for (size_t j = k; j-- > 0 && frames[k] - frames[j] < config.min_gap_frames;) blocked[j] = true;
      for (size_t j = k + 1; j < scores.size() && frames[j] - frames[k] < config.min_gap_frames; ++j) blocked[j] = true;
    }
  });
  // The highest peaks; ties in stream order, so the result is deterministic.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });

  MinedNegatives mined;
  mined.minutes = config.stream_minutes;
  mined.peaks = candidates.size();
  if (candidates.size() > config.max_windows) candidates.resize(config.max_windows);
  Dataset& out = mined.data;
  out.frames = dc.window_frames;
  out.features = dc.frame_bytes;
  out.x.reserve(candidates.size() * window_bytes);
  for (const Candidate& c : candidates) {
    const size_t end = static_cast<size_t>(c.frame + 1) * static_cast<size_t>(dc.frame_bytes);
    const std::vector<int8_t>& f = features[c.piece];
    out.x.insert(out.x.end(), f.begin() + static_cast<std::ptrdiff_t>(end - window_bytes),
                 f.begin() + static_cast<std::ptrdiff_t>(end));
    out.labels.push_back(0);
    out.kinds.push_back(static_cast<uint8_t>(ClipKind::kSpeechStream));
    mined.scores.push_back(static_cast<double>(c.score) / kScoreOne);
  }
  return mined;
}

namespace {

constexpr char kMinedMagic[8] = {'T', 'M', 'L', 'M', 'I', 'N', 'E', 'D'};
constexpr uint32_t kMinedVersion = 1;
constexpr size_t kMinedHeaderBytes = 64;

template <typename T>
void Put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof(v));
}

template <typename T>
T Get(const std::string& s, size_t* at) {
  T v;
  std::memcpy(&v, s.data() + *at, sizeof(v));
  *at += sizeof(v);
  return v;
}

// Of the header before it and the payload.
constexpr size_t kMinedChecksumAt = kMinedHeaderBytes - 8;
uint64_t MinedChecksum(const char* header, const char* payload, size_t payload_bytes) {
  return Fnv1a(payload, payload_bytes, Fnv1a(header, kMinedChecksumAt));
}

}  // namespace

uint64_t MiningKey(const std::vector<uint8_t>& model, int word_label, const MineConfig& config) {
  std::ostringstream fields;
  fields.precision(17);
  fields << "mine v" << kMinedVersion << '|' << word_label << '|' << config.word << '|' << config.seed << '|'
         << config.stream_minutes << '|' << config.max_windows << '|' << config.min_score << '|'
         << config.min_gap_frames << '|' << StreamInputsKey(MiningStreams(config)) << '|';
  return Fnv1a(model.data(), model.size(), Fnv1a(fields.str()));
}

std::string EncodeMined(const MinedNegatives& mined, uint64_t key) {
  const Dataset& d = mined.data;
  if (d.size() != mined.scores.size() || d.x.size() != d.size() * static_cast<size_t>(d.frames) * d.features)
    throw std::invalid_argument("mined windows and scores do not match");
  std::string s(kMinedMagic, sizeof(kMinedMagic));
  Put<uint32_t>(s, kMinedVersion);
  Put<uint32_t>(s, 0);
  Put<uint64_t>(s, key);
  Put<uint64_t>(s, d.size());
  Put<int32_t>(s, d.frames);
  Put<int32_t>(s, d.features);
  Put<uint64_t>(s, mined.peaks);
  Put<double>(s, mined.minutes);
  std::string payload(reinterpret_cast<const char*>(d.x.data()), d.x.size());
  payload.append(reinterpret_cast<const char*>(mined.scores.data()), mined.scores.size() * sizeof(double));
  Put<uint64_t>(s, MinedChecksum(s.data(), payload.data(), payload.size()));
  return s + payload;
}

bool DecodeMined(const std::string& bytes, uint64_t key, MinedNegatives* out) {
  if (bytes.size() < kMinedHeaderBytes || bytes.compare(0, sizeof(kMinedMagic), kMinedMagic, sizeof(kMinedMagic)) != 0)
    return false;
  size_t at = sizeof(kMinedMagic);
  if (Get<uint32_t>(bytes, &at) != kMinedVersion) return false;
  at += 4;
  if (Get<uint64_t>(bytes, &at) != key) return false;
  const uint64_t count = Get<uint64_t>(bytes, &at);
  const int32_t frames = Get<int32_t>(bytes, &at);
  const int32_t features = Get<int32_t>(bytes, &at);
  const uint64_t peaks = Get<uint64_t>(bytes, &at);
  const double minutes = Get<double>(bytes, &at);
  const uint64_t checksum = Get<uint64_t>(bytes, &at);
  const uint64_t payload = bytes.size() - kMinedHeaderBytes;
  if (checksum != MinedChecksum(bytes.data(), bytes.data() + kMinedHeaderBytes, payload)) return false;
  if (frames < 1 || features < 1 || frames > 4096 || features > 4096 || peaks < count) return false;
  const uint64_t window = static_cast<uint64_t>(frames) * static_cast<uint64_t>(features);
  if (count > payload / (window + sizeof(double)) || count * (window + sizeof(double)) != payload) return false;
  MinedNegatives m;
  m.data.frames = frames;
  m.data.features = features;
  const char* p = bytes.data() + kMinedHeaderBytes;
  m.data.x.assign(reinterpret_cast<const int8_t*>(p), reinterpret_cast<const int8_t*>(p) + count * window);
  m.scores.resize(count);
  if (count > 0) std::memcpy(m.scores.data(), p + count * window, count * sizeof(double));
  m.data.labels.assign(count, 0);
  m.data.kinds.assign(count, static_cast<uint8_t>(ClipKind::kSpeechStream));
  m.data.from_cache = true;
  m.peaks = peaks;
  m.minutes = minutes;
  *out = std::move(m);
  return true;
}

nlohmann::json EvalReportJson(const EvalReport& report) {
  nlohmann::json curve = nlohmann::json::array();
  for (const DetPoint& p : report.curve) {
    curve.push_back({{"threshold", p.threshold}, {"frr", p.frr}, {"fa_per_hour", p.fa_per_hour}});
  }
  auto incidents = [](const std::vector<EvalIncident>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const EvalIncident& x : list) {
      out.push_back({{"piece", x.piece}, {"time_s", x.time_s}, {"score", x.score}, {"text", x.text}});
    }
    return out;
  };
  nlohmann::json by_voice = nlohmann::json::array();
  for (const VoiceTally& t : report.by_voice) {
    by_voice.push_back({{"voice", t.voice}, {"words", t.words}, {"misses", t.misses}});
  }
  return {{"threshold", report.chosen_threshold}, {"frr", report.frr}, {"fa_per_hour", report.fa_per_hour},
          {"hours", report.hours}, {"words", report.words}, {"target_fa_per_hour", report.target_fa_per_hour},
          {"target_met", report.target_met}, {"false_accepts", incidents(report.false_accepts)},
          {"misses", incidents(report.misses)}, {"by_voice", by_voice}, {"curve", curve}};
}

std::string RenderDetSvg(const EvalReport& report, const std::string& title) {
  // Plot area and axes: x = FA/h on a log scale 0.01..1000 (0 drawn at the
  // left edge), y = FRR 0..100 %.
  const double w = 640, h = 440, left = 70, right = 20, top = 40, bottom = 60;
  const double pw = w - left - right, ph = h - top - bottom;
  const double xmin = -2.0, xmax = 3.0;
  auto x_of = [&](double fa) {
    const double lx = fa <= 0.0 ? xmin : std::clamp(std::log10(fa), xmin, xmax);
    return left + (lx - xmin) / (xmax - xmin) * pw;
  };
  auto y_of = [&](double frr) { return top + (1.0 - std::clamp(frr, 0.0, 1.0)) * ph; };
  auto esc = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '<') out += "&lt;";
      else if (c == '>') out += "&gt;";
      else if (c == '&') out += "&amp;";
      else out += c;
    }
    return out;
  };
  std::ostringstream svg;
  char buf[256];
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << w / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << esc(title) << "</text>\n";
  // Grid and tick labels.
  for (int e = -2; e <= 3; ++e) {
    const double x = left + (e - xmin) / (xmax - xmin) * pw;
    std::snprintf(buf, sizeof(buf), "%g", std::pow(10.0, e));
    svg << "<line x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\"" << top + ph
        << "\" stroke=\"#ddd\"/>\n<text x=\"" << x << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">"
        << buf << "</text>\n";
  }
  for (int p = 0; p <= 100; p += 10) {
    const double y = y_of(p / 100.0);
    svg << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << left + pw << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/>\n<text x=\"" << left - 8 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << p
        << "</text>\n";
  }
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"black\"/>\n";
  svg << "<text x=\"" << left + pw / 2 << "\" y=\"" << h - 18
      << "\" text-anchor=\"middle\">false accepts per hour (log; 0 at the left edge)</text>\n";
  svg << "<text x=\"18\" y=\"" << top + ph / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 18 "
      << top + ph / 2 << ")\">false rejects (%)</text>\n";
  // Target FA/h line.
  const double tx = x_of(report.target_fa_per_hour);
  svg << "<line x1=\"" << tx << "\" y1=\"" << top << "\" x2=\"" << tx << "\" y2=\"" << top + ph
      << "\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n";
  // The curve, in threshold order (FA/h falls as the threshold rises).
  svg << "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"";
  for (const DetPoint& p : report.curve) svg << x_of(p.fa_per_hour) << "," << y_of(p.frr) << " ";
  svg << "\"/>\n";
  const double cx = x_of(report.fa_per_hour), cy = y_of(report.frr);
  svg << "<circle cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"5\" fill=\"#c33\"/>\n";
  std::snprintf(buf, sizeof(buf), "threshold %.4f: FRR %.2f %%, %.2f FA/h", report.chosen_threshold,
                report.frr * 100.0, report.fa_per_hour);
  svg << "<text x=\"" << std::min(cx + 10, left + pw - 250) << "\" y=\"" << std::max(cy - 10, top + 14) << "\">"
      << buf << "</text>\n";
  std::snprintf(buf, sizeof(buf), "%.2f h of held-out synthetic streams, %zu wake words", report.hours, report.words);
  svg << "<text x=\"" << left + 8 << "\" y=\"" << top + ph - 8 << "\" fill=\"#555\">" << buf << "</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace tinyml::train
