#include "data/dataset.h"

#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <poll.h>
#include <samplerate.h>
#include <signal.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

#include "data/augment.h"
#include "data/hash.h"
#include "data/phonemes.h"
#include "data/resample.h"
#include "data/workers.h"

namespace tinyml::train {
namespace {

// Bump whenever the generated data changes for the same configuration, so
// old cache files are not reused.
constexpr uint32_t kGeneratorVersion = 3;
constexpr char kCacheMagic[8] = {'T', 'M', 'L', 'D', 'A', 'T', 'A', '1'};
constexpr size_t kCacheHeaderBytes = 48;

// ---------------------------------------------------------------------------
// Randomness: our own mapping from bits to numbers (std:: distributions differ
// between standard libraries), seeded per example from (seed, index) only.

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t MixSeed(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x6A09E667F3BCC909ULL;
  for (uint64_t p : parts) h = SplitMix64(h ^ SplitMix64(p));
  return h;
}

// xoshiro256**.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed = SplitMix64(seed);
      s = seed;
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Range(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // 0..n-1 (n > 0).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  int64_t Between(int64_t lo, int64_t hi) { return hi <= lo ? lo : lo + static_cast<int64_t>(Below(hi - lo + 1)); }
  bool Chance(double p) { return Uniform() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};


std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string Num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (c == ' ') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w.push_back(c);
    }
  }
  if (!w.empty()) words.push_back(w);
  return words;
}

// ---------------------------------------------------------------------------
// Audio helpers.

constexpr int64_t kTrimFrame = kSampleRate / 100;  // 10 ms

struct Span {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};

// The speech inside synthesized audio: 10 ms frames within 35 dB of the
// loudest frame (and above an absolute floor). Empty span when none is.
Span SpeechSpan(const Audio& audio) {
  const int64_t frames = static_cast<int64_t>(audio.size()) / kTrimFrame;
  std::vector<double> rms(static_cast<size_t>(frames));
  double peak = 0;
  for (int64_t f = 0; f < frames; ++f) {
    double sum = 0;
    for (int64_t i = f * kTrimFrame; i < (f + 1) * kTrimFrame; ++i) sum += static_cast<double>(audio[i]) * audio[i];
    rms[f] = std::sqrt(sum / kTrimFrame);
    peak = std::max(peak, rms[f]);
  }
  const double threshold = std::max(peak * std::pow(10.0, -35.0 / 20.0), 30.0);
  Span span;
  int64_t first = -1, last = -1;
  for (int64_t f = 0; f < frames; ++f) {
    if (rms[f] >= threshold) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first >= 0) span = {first * kTrimFrame, (last + 1) * kTrimFrame};
  return span;
}

double SpanRms(const Audio& audio, Span span) {
  span.begin = std::clamp<int64_t>(span.begin, 0, static_cast<int64_t>(audio.size()));
  span.end = std::clamp<int64_t>(span.end, span.begin, static_cast<int64_t>(audio.size()));
  if (span.size() == 0) return 0.0;
  double sum = 0;
  for (int64_t i = span.begin; i < span.end; ++i) sum += static_cast<double>(audio[i]) * audio[i];
  return std::sqrt(sum / static_cast<double>(span.size()));
}

void Scale(Audio& audio, double gain) {
  for (float& v : audio) v = static_cast<float>(v * gain);
}

void AddInto(Audio& dst, const Audio& src, int64_t offset, double gain = 1.0) {
  for (int64_t i = 0; i < static_cast<int64_t>(src.size()); ++i) {
    const int64_t j = offset + i;
    if (j < 0) continue;
    if (j >= static_cast<int64_t>(dst.size())) break;
    dst[j] += static_cast<float>(src[i] * gain);
  }
}

void Fade(Audio& audio, int64_t samples) {
  const int64_t n = std::min<int64_t>(samples, static_cast<int64_t>(audio.size()) / 2);
  for (int64_t i = 0; i < n; ++i) {
    const float g = static_cast<float>(i) / static_cast<float>(n);
    audio[i] *= g;
    audio[audio.size() - 1 - i] *= g;
  }
}

// Saturates to int16 after scaling the whole clip down if it would clip.
std::vector<int16_t> ToPcm(const Audio& audio) {
  float peak = 0;
  for (float v : audio) peak = std::max(peak, std::abs(v));
  const double gain = peak > 32000.0f ? 32000.0 / peak : 1.0;
  std::vector<int16_t> pcm(audio.size());
  for (size_t i = 0; i < audio.size(); ++i) {
    pcm[i] = static_cast<int16_t>(std::clamp<double>(std::lround(audio[i] * gain), -32768, 32767));
  }
  return pcm;
}

// ---------------------------------------------------------------------------
// Policy noise and music: an index of the readable files (libsndfile opens
// them; freepats' .pat patches are not listed by ListSoundFiles), from which
// a clip reads only the segment it needs.

struct NoiseFile {
  std::string path;
  int64_t frames = 0;
  int rate = 0;
  int channels = 0;
};

std::vector<NoiseFile> IndexNoiseFiles(const std::vector<std::string>& dirs) {
  std::vector<NoiseFile> files;
  for (const auto& path : ListSoundFiles(dirs)) {
    SF_INFO info{};
    SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
    if (file == nullptr) continue;  // e.g. lmms' misnamed .ogg files
    sf_close(file);
    if (info.channels <= 0 || info.samplerate < 4000 || info.frames < info.samplerate / 50) continue;
    files.push_back({path, static_cast<int64_t>(info.frames), info.samplerate, info.channels});
  }
  return files;
}

std::string NoiseFingerprint(const std::vector<NoiseFile>& files) {
  std::string s;
  for (const auto& f : files) {
    s += f.path + "|" + std::to_string(f.frames) + "|" + std::to_string(f.rate) + "|" + std::to_string(f.channels) + "\n";
  }
  return Hex64(Fnv1a(s)) + "/" + std::to_string(files.size());
}

Audio ResampleNoise(const std::vector<float>& in, double ratio) {
  if (ratio == 1.0 || in.empty()) return in;
  std::vector<float> out(static_cast<size_t>(std::ceil(static_cast<double>(in.size()) * ratio)) + 16);
  SRC_DATA data{};
  data.data_in = in.data();
  data.input_frames = static_cast<long>(in.size());
  data.data_out = out.data();
  data.output_frames = static_cast<long>(out.size());
  data.src_ratio = ratio;
  // Medium: flat to 90 % of the output band (7.2 kHz) at a fifth of the best
  // converter's cost; the fastest one would cut noise above 6.4 kHz.
  const int err = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1);
  if (err != 0) throw std::runtime_error(std::string("libsamplerate: ") + src_strerror(err));
  out.resize(static_cast<size_t>(data.output_frames_gen));
  return out;
}

// `count` source frames from `start`, mono at int16 scale, resampled to 16 kHz.
Audio ReadNoiseSegment(const NoiseFile& f, int64_t start, int64_t count) {
  SF_INFO info{};
  SNDFILE* file = sf_open(f.path.c_str(), SFM_READ, &info);
  if (file == nullptr) throw std::runtime_error(f.path + ": " + sf_strerror(nullptr));
  if (start > 0 && sf_seek(file, start, SEEK_SET) < 0) {
    sf_close(file);
    throw std::runtime_error(f.path + ": cannot seek to frame " + std::to_string(start));
  }
  std::vector<float> interleaved(static_cast<size_t>(count) * static_cast<size_t>(info.channels));
  const sf_count_t got = sf_readf_float(file, interleaved.data(), count);
  sf_close(file);
  std::vector<float> mono(static_cast<size_t>(std::max<sf_count_t>(got, 0)));
  for (size_t i = 0; i < mono.size(); ++i) {
    double sum = 0;
    for (int c = 0; c < info.channels; ++c) sum += interleaved[i * info.channels + c];
    mono[i] = static_cast<float>(sum / info.channels * 32768.0);
  }
  return ResampleNoise(mono, static_cast<double>(kSampleRate) / info.samplerate);
}

// `length` samples of background: a policy file (a stretch of a long one, or
// a short one repeated at random gaps like a drum pattern) or generated
// white/pink/brown noise. Never silent.
Audio MakeBackground(Rng& rng, int64_t length, const std::vector<NoiseFile>& files) {
  if (!files.empty() && rng.Chance(0.65)) {
    const NoiseFile& f = rng.Pick(files);
    const double ratio = static_cast<double>(kSampleRate) / f.rate;
    const int64_t need = static_cast<int64_t>(std::ceil(static_cast<double>(length) / ratio)) + 32;
    Audio out;
    if (f.frames >= need) {
      out = ReadNoiseSegment(f, rng.Between(0, f.frames - need), need);
      out.resize(static_cast<size_t>(length), 0.0f);
    } else {
      Audio hit = ReadNoiseSegment(f, 0, f.frames);
      out.assign(static_cast<size_t>(length), 0.0f);
      if (!hit.empty()) {
        int64_t pos = -rng.Between(0, static_cast<int64_t>(hit.size()) - 1);
        while (pos < length) {
          AddInto(out, hit, pos, rng.Range(0.5, 1.0));
          pos += static_cast<int64_t>(hit.size()) + static_cast<int64_t>(rng.Range(0.05, 1.0) * kSampleRate);
        }
      }
    }
    if (Rms(out) > 1e-3) return out;
  }
  const NoiseColor colors[] = {NoiseColor::kWhite, NoiseColor::kPink, NoiseColor::kBrown};
  return GenerateNoise(colors[rng.Below(3)], static_cast<size_t>(length), rng.Next(), 1000.0);
}

// A microphone's own noise floor: white noise at RMS `rms`.
void AddFloor(Audio& audio, Rng& rng, double rms) {
  const Audio floor = GenerateNoise(NoiseColor::kWhite, audio.size(), rng.Next(), rms);
  for (size_t i = 0; i < audio.size(); ++i) audio[i] += floor[i];
}

// Mixes `noise` (same length) into `audio` at `snr_db` relative to the RMS of
// `speech` inside audio.
void MixBackground(Audio& audio, const Audio& noise, Span speech, double snr_db) {
  const double speech_rms = SpanRms(audio, speech);
  const double noise_rms = Rms(noise);
  if (speech_rms <= 0 || noise_rms <= 0) return;
  AddInto(audio, noise, 0, speech_rms / (noise_rms * std::pow(10.0, snr_db / 20.0)));
}

// ---------------------------------------------------------------------------
// Words: the wake word's confusables (dictionary words close in phonemes,
// plus spelling edits of the wake word that espeak pronounces 1-2 phonemes
// away when the dictionary has few), and a pool of other words.

struct WordResources {
  std::vector<std::string> confusables;
  std::vector<std::string> nearest;  // the confusables at the smallest phoneme distance
  std::vector<std::string> others;  // lowercase dictionary words, none of the wake words
};

bool StartsWithWord(const std::string& candidate, const std::string& word) {
  const std::string c = Lower(candidate), w = Lower(word);
  return c.compare(0, w.size(), w) == 0;
}

WordResources LoadWordResources(const std::string& word, const std::string& word_list_path) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, WordResources> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(Lower(word), word_list_path);
  const auto it = cache.find(key);
  if (it != cache.end()) return it->second;

  const std::vector<std::string> list = ReadWordList(word_list_path);
  const std::vector<std::string> wake_words = SplitWords(Lower(word));
  WordResources res;
  for (const auto& w : list) {
    if (w.size() < 2 || w.size() > 14) continue;
    bool ok = true;
    for (unsigned char c : w) ok = ok && c >= 'a' && c <= 'z';
    if (!ok) continue;
    bool wake = false;
    for (const auto& ww : wake_words) wake = wake || StartsWithWord(w, ww);
    if (!wake) res.others.push_back(w);
  }
  if (res.others.empty()) throw std::runtime_error(word_list_path + ": no usable lowercase words");

  const std::vector<std::string> target = Phonemize(word);
  std::vector<int> distances;  // of each confusable
  for (const auto& c : FindConfusables(word, list, 2, 200)) {
    if (!StartsWithWord(c.word, word)) {
      res.confusables.push_back(c.word);
      distances.push_back(c.distance);
    }
  }
  if (res.confusables.size() < 30) {
    // Spelling edits of the wake word, kept when espeak says them 1-2
    // phonemes away from it (and differently from each other).
    const std::string lower = Lower(word);
    std::set<std::string> candidates;
    for (size_t i = 0; i < lower.size(); ++i) {
      if (!std::isalpha(static_cast<unsigned char>(lower[i]))) continue;
      for (char c = 'a'; c <= 'z'; ++c) {
        if (c == lower[i]) continue;
        std::string v = lower;
        v[i] = c;
        candidates.insert(v);
      }
      std::string v = lower;
      v.erase(i, 1);
      if (v.find_first_not_of(" '-") == std::string::npos || v.front() == ' ' || v.back() == ' ' ||
          v.find("  ") != std::string::npos) {
        continue;
      }
      candidates.insert(v);
    }
    const std::vector<std::string> texts(candidates.begin(), candidates.end());
    const std::vector<std::vector<std::string>> phonemes = PhonemizeAll(texts);
    std::vector<std::pair<int, std::string>> variants;
    std::set<std::vector<std::string>> seen;
    for (size_t i = 0; i < texts.size(); ++i) {
      const int distance = PhonemeDistance(target, phonemes[i]);
      if (distance < 1 || distance > 2 || !seen.insert(phonemes[i]).second) continue;
      variants.emplace_back(distance, texts[i]);
    }
    // A fixed shuffle, so the kept ones are spread over the whole word
    // rather than the alphabetically first edits of its first letter.
    Rng shuffle(Fnv1a(lower));
    for (size_t i = variants.size(); i > 1; --i) std::swap(variants[i - 1], variants[shuffle.Below(i)]);
    std::stable_sort(variants.begin(), variants.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& v : variants) {
      if (res.confusables.size() >= 60) break;
      if (std::find(res.confusables.begin(), res.confusables.end(), v.second) == res.confusables.end()) {
        res.confusables.push_back(v.second);
        distances.push_back(v.first);
      }
    }
  }
  if (res.confusables.empty()) {
    res.confusables.push_back(res.others.front());
    distances.push_back(0);
  }
  const int nearest = *std::min_element(distances.begin(), distances.end());
  for (size_t i = 0; i < res.confusables.size(); ++i) {
    if (distances[i] == nearest) res.nearest.push_back(res.confusables[i]);
  }
  cache[key] = res;
  return res;
}

// Calls `progress` at most every 0.5 % of the work or 0.5 s, and at the end.
class ProgressThrottle {
 public:
  ProgressThrottle(const ProgressFn& fn, size_t total) : fn_(fn), total_(total) {}
  void Update(size_t done) {
    if (!fn_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done == total_ || done >= last_ + std::max<size_t>(1, total_ / 200) || now - last_time_ > std::chrono::milliseconds(500)) {
      fn_(done, total_);
      last_ = done;
      last_time_ = now;
    }
  }

 private:
  const ProgressFn& fn_;
  size_t total_;
  size_t last_ = 0;
  std::chrono::steady_clock::time_point last_time_ = std::chrono::steady_clock::now();
};

// ---------------------------------------------------------------------------
// Speech.

struct Utterance {
  Audio audio;
  Voice voice;               // who said it
  Span target;               // the wake word (or the whole speech when there is none)
  std::vector<Span> pieces;  // each synthesized piece's speech
};

SynthesisParams RandomParams(Rng& rng) {
  SynthesisParams p;
  p.rate = static_cast<float>(rng.Range(0.7, 1.4));
  p.pitch = static_cast<int>(rng.Between(25, 75));
  p.pitch_range = static_cast<int>(rng.Between(20, 90));
  p.emphasis = rng.Chance(0.15) ? static_cast<int>(rng.Between(1, 2)) : 0;
  p.seed = static_cast<unsigned>(rng.Next() & 0x7fffffff);
  return p;
}

Voice PickVoice(Rng& rng, const std::vector<Voice>& voices) {
  std::vector<const Voice*> flite, espeak;
  for (const auto& v : voices) (v.engine == TtsEngine::kFlite ? flite : espeak).push_back(&v);
  if (!flite.empty() && (espeak.empty() || rng.Chance(0.3))) return *flite[rng.Below(flite.size())];
  return *espeak[rng.Below(espeak.size())];
}

// flite clustergen speakers beyond the voices' own (DatasetConfig::
// flite_warp): vocoder offsets from their own generator seeded by the
// synthesis seed, so no draw of `rng` changes and every other clip stays
// as it was without the warp.
void WarpFliteSpeaker(double warp, SynthesisParams& params) {
  Rng own(params.seed ^ 0x5eed'f11e'a1fau);
  params.flite_alpha_shift = static_cast<float>(own.Range(-warp, warp));
  params.flite_beta_shift = static_cast<float>(own.Range(-2.5 * warp, 2.5 * warp));
}

}  // namespace

std::string RandomEspeakSpeaker(uint64_t seed) {
  Rng r(seed ^ 0x5eed'e5bea'c0deu);
  auto num = [&](double lo, double hi) { return std::to_string(static_cast<int>(std::lround(r.Range(lo, hi)))); };
  std::string v;
  const double base = r.Range(70, 250);  // Hz: low male to child
  v += "pitch " + std::to_string(static_cast<int>(base)) + " " +
       std::to_string(static_cast<int>(base + r.Range(20, 150))) + "\n";
  // Formants 0-5 each moved on their own (unlike a vocal tract scaling,
  // which moves them together): frequency, height and width in percent.
  for (int f = 0; f <= 5; ++f) v += "formant " + std::to_string(f) + " " + num(85, 115) + " " + num(65, 135) + " " + num(70, 170) + "\n";
  v += "voicing " + num(60, 140) + "\n";
  v += "consonants " + num(60, 130) + " " + num(60, 130) + "\n";
  if (r.Chance(0.5)) v += "flutter " + num(0, 30) + "\n";
  if (r.Chance(0.4)) v += "roughness " + num(0, 6) + "\n";
  if (r.Chance(0.3)) {
    v += "breath";
    for (int f = 0; f <= 7; ++f) v += " " + num(0, 6);
    v += "\n";
  }
  // Spectral tilt: amplitude in percent at 600, 1200 and 2000 Hz.
  if (r.Chance(0.4)) v += "tone 600 " + num(70, 220) + " 1200 " + num(70, 180) + " 2000 " + num(60, 160) + "\n";
  if (r.Chance(0.25)) v += "klatt " + std::to_string(r.Between(1, 4)) + "\n";
  return v;
}

namespace {

// Synthesizes `pieces` in one voice, each trimmed to its speech, joined by
// short gaps; target = the speech of piece `target_piece` (-1: all of it).
// Retries with another voice when an engine fails or says nothing.
Utterance Speak(Rng& rng, const std::vector<Voice>& voices, const std::vector<std::string>& pieces, int target_piece,
                double flite_warp = 0.0, double espeak_speakers = 0.0) {
  std::string last_error;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const Voice voice = PickVoice(rng, voices);
    SynthesisParams params = RandomParams(rng);
    if (flite_warp > 0 && voice.engine == TtsEngine::kFlite) WarpFliteSpeaker(flite_warp, params);
    // Like the warp, from a generator of its own: no draw of `rng` changes.
    if (espeak_speakers > 0 && voice.engine == TtsEngine::kEspeak &&
        Rng(params.seed ^ 0x5eed'5bea'cea5u).Chance(espeak_speakers)) {
      params.espeak_speaker = RandomEspeakSpeaker(params.seed);
    }
    Utterance u;
    u.voice = voice;
    bool ok = true;
    for (size_t k = 0; k < pieces.size() && ok; ++k) {
      Audio audio;
      try {
        audio = ToFloat(Synthesize(pieces[k], voice, params));
      } catch (const TtsError& e) {
        last_error = e.what();
        ok = false;
        break;
      }
      const Span s = SpeechSpan(audio);
      if (s.size() < kSampleRate / 20) {
        last_error = "no speech from " + voice.name + " for '" + pieces[k] + "'";
        ok = false;
        break;
      }
      if (!u.audio.empty()) u.audio.resize(u.audio.size() + static_cast<size_t>(rng.Range(0.04, 0.2) * kSampleRate), 0.0f);
      const int64_t at = static_cast<int64_t>(u.audio.size());
      u.audio.insert(u.audio.end(), audio.begin() + s.begin, audio.begin() + s.end);
      u.pieces.push_back({at, at + s.size()});
      if (target_piece < 0 || static_cast<int>(k) == target_piece) {
        if (target_piece < 0 && k > 0) {
          u.target.end = at + s.size();
        } else {
          u.target = {at, at + s.size()};
        }
      }
    }
    if (ok) return u;
  }
  throw std::runtime_error("speech synthesis failed: " + last_error);
}

// Speed (+-10 %), pitch (+-2 semitones), reverb, telephone band, then the
// level: the target's RMS at 3000 (-20.8 dBFS) + gain_db.
void Augment(Utterance& u, Rng& rng, double gain_db, double reverb_p, double telephone_p) {
  if (rng.Chance(0.5)) {
    const double f = rng.Range(0.9, 1.1);
    u.audio = ChangeSpeed(u.audio, f);
    const int64_t size = static_cast<int64_t>(u.audio.size());
    auto scale = [&](Span& span) {
      span.begin = std::min<int64_t>(std::llround(span.begin / f), size);
      span.end = std::min<int64_t>(std::llround(span.end / f), size);
    };
    scale(u.target);
    for (Span& span : u.pieces) scale(span);
  }
  if (rng.Chance(0.4)) u.audio = ChangePitch(u.audio, rng.Range(-2.0, 2.0));
  if (rng.Chance(reverb_p)) {
    const Audio ir = MakeRoomImpulseResponse(rng.Range(0.15, 0.6), rng.Next(), rng.Range(-14.0, -4.0));
    u.audio = Convolve(u.audio, ir);
  }
  if (rng.Chance(telephone_p)) u.audio = TelephoneBand(u.audio);
  const double rms = SpanRms(u.audio, u.target);
  if (rms > 0) Scale(u.audio, 3000.0 * std::pow(10.0, gain_db / 20.0) / rms);
}

// ---------------------------------------------------------------------------
// Examples.

class FeatureExtractor {
 public:
  explicit FeatureExtractor(const FrontendConfig& config) {
    size_t bytes = 0;
    if (Frontend::RequiredBytes(config, &bytes) != Status::kOk) throw std::invalid_argument("frontend: bad configuration");
    memory_.resize(bytes / sizeof(uint64_t) + 1);
    if (frontend_.Init(config, memory_.data(), memory_.size() * sizeof(uint64_t)) != Status::kOk) {
      throw std::invalid_argument(std::string("frontend: ") + frontend_.error());
    }
  }
  int32_t features() const { return frontend_.features_per_frame(); }
  // The last `frames` frames of `pcm` from a reset frontend.
  void Run(const std::vector<int16_t>& pcm, int32_t frames, int8_t* out) {
    frontend_.Reset();
    const size_t capacity = pcm.size() / static_cast<size_t>(frontend_.config().hop_samples) + 2;
    buffer_.resize(capacity * frontend_.frame_bytes());
    size_t written = 0;
    if (frontend_.Push(pcm.data(), pcm.size(), buffer_.data(), capacity, &written) != Status::kOk) {
      throw std::runtime_error(std::string("frontend: ") + frontend_.error());
    }
    if (written < static_cast<size_t>(frames)) throw std::runtime_error("frontend: clip too short for the window");
    const size_t bytes = static_cast<size_t>(frames) * frontend_.frame_bytes();
    std::memcpy(out, buffer_.data() + (written - frames) * frontend_.frame_bytes(), bytes);
  }

 private:
  Frontend frontend_;
  std::vector<uint64_t> memory_;
  std::vector<uint8_t> buffer_;
};

struct Context {
  const DatasetConfig* config = nullptr;
  std::vector<Voice> voices;
  WordResources words;
  std::vector<NoiseFile> noise_files;
  int64_t lead_in = 0;   // samples before the window
  int64_t window = 0;    // samples the window's frames cover
  std::vector<std::string> wake_pieces;  // the wake phrase as Synthesize gets it
  std::vector<std::string> reduced;      // ReducedVowelSpellings(word) when config.reduced_vowels > 0
};

// The wake word as a positive example says it: as spelled, or a reduced
// form (DatasetConfig::reduced_vowels; no random draw when that is 0, so
// datasets made before the option are unchanged).
std::string WakeSpelling(const Context& ctx, Rng& rng) {
  const DatasetConfig& cfg = *ctx.config;
  if (cfg.reduced_vowels > 0 && !ctx.reduced.empty() && rng.Chance(cfg.reduced_vowels)) return rng.Pick(ctx.reduced);
  return cfg.word;
}

// The confusable a kConfusable clip says: one of the nearest with
// probability DatasetConfig::near_confusables, else any (no extra random
// draw when that is 0, so datasets made before the option are unchanged).
const std::string& ConfusableToSay(const Context& ctx, Rng& rng) {
  const double near = ctx.config->near_confusables;
  if (near > 0 && rng.Chance(near)) return rng.Pick(ctx.words.nearest);
  return rng.Pick(ctx.words.confusables);
}

std::vector<std::string> CarrierPieces(Rng& rng, const std::string& word, int* target) {
  const std::vector<std::string> words = SplitWords(Lower(word));
  const bool multi = words.size() > 1;
  const int choice = static_cast<int>(rng.Below(3));
  if (multi || choice == 0) {
    *target = 1;
    return {multi ? "ok" : "hey", word};
  }
  if (choice == 1) {
    *target = 1;
    return {"ok", word};
  }
  *target = 0;
  return {word, "please"};
}

// 1..4 random words, as one piece of text.
std::string SomeWords(Rng& rng, const std::vector<std::string>& others) {
  std::string w;
  for (int64_t n = rng.Between(1, 4); n > 0; --n) w += (w.empty() ? "" : " ") + rng.Pick(others);
  return w;
}

std::string RandomSentence(Rng& rng, const std::vector<std::string>& others) {
  const int n = static_cast<int>(rng.Between(3, 8));
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? " " : "") + rng.Pick(others);
  return s;
}

// One spoken segment of a stream: `pieces` in one voice; the pieces in
// `wake_pieces` are the wake word.
struct SegmentPlan {
  std::vector<std::string> pieces;
  std::vector<int> wake_pieces;
};

// Other speech: a word (25 %), a confusable (60 % of `confusable_share`), a
// sentence ending in a confusable (the other 40 %) or a sentence.
SegmentPlan PlanOtherSegment(Rng& rng, const WordResources& words, double confusable_share) {
  const double r = rng.Uniform();
  if (r < 0.25) return {{rng.Pick(words.others)}, {}};
  if (r < 0.25 + 0.6 * confusable_share) return {{rng.Pick(words.confusables)}, {}};
  if (r < 0.25 + confusable_share) {  // a confusable inside a sentence
    return {{RandomSentence(rng, words.others) + " " + rng.Pick(words.confusables)}, {}};
  }
  return {{RandomSentence(rng, words.others)}, {}};
}

// The clip (lead-in + window) for example `index` of `kind`.
Audio MakeClip(const Context& ctx, ClipKind kind, Rng& rng) {
  const DatasetConfig& cfg = *ctx.config;
  const int64_t length = ctx.lead_in + ctx.window;
  Audio clip(static_cast<size_t>(length), 0.0f);
  Span speech;  // in the clip
  bool has_speech = false;

  auto place_anywhere = [&](Utterance& u) {
    // The speech's middle anywhere in the window: it may straddle either edge.
    const int64_t mid = ctx.lead_in + rng.Between(0, ctx.window - 1);
    const int64_t offset = mid - (u.target.begin + u.target.end) / 2;
    AddInto(clip, u.audio, offset);
    speech = {std::max<int64_t>(0, u.target.begin + offset), std::min(length, u.target.end + offset)};
    if (speech.size() <= 0) speech = {ctx.lead_in, length};
    has_speech = true;
  };
  // The offset that puts the target's end in the window's last 40 %, the
  // target wholly inside the window (the wake word's place in positives).
  auto late_offset = [&](const Utterance& u) {
    const int64_t hi = ctx.lead_in + ctx.window - kTrimFrame;
    const int64_t lo = std::min(hi, ctx.lead_in + std::max(ctx.window * 6 / 10, u.target.size() + kTrimFrame));
    return rng.Between(lo, hi) - u.target.end;
  };
  const double gain_db = rng.Range(-20.0, 6.0);
  // Every clip's speech: the training or held-out voices, flite warped as configured.
  auto speak = [&](const std::vector<std::string>& pieces, int target_piece) {
    return Speak(rng, ctx.voices, pieces, target_piece, cfg.flite_warp, cfg.espeak_speakers);
  };

  switch (kind) {
    case ClipKind::kWakeWord: {
      int target = 0;
      const std::string spoken = WakeSpelling(ctx, rng);
      std::vector<std::string> pieces = {spoken};
      if (rng.Chance(0.3)) pieces = CarrierPieces(rng, spoken, &target);
      Utterance u = speak(pieces, target);
      Augment(u, rng, gain_db, 0.25, 0.1);
      const int64_t len = u.target.size();
      const int64_t max_len = ctx.window * 95 / 100;
      if (len > max_len) {  // a slow long phrase: squeeze it into the window
        const double stretch = static_cast<double>(max_len - kTrimFrame) / static_cast<double>(len);
        u.audio = TimeStretch(u.audio, stretch);
        u.target.begin = std::llround(u.target.begin * stretch);
        u.target.end = std::min<int64_t>(u.target.begin + max_len - kTrimFrame, static_cast<int64_t>(u.audio.size()));
      }
      const int64_t offset = late_offset(u);
      AddInto(clip, u.audio, offset);
      speech = {u.target.begin + offset, u.target.end + offset};
      has_speech = true;
      break;
    }
    case ClipKind::kConfusable: {
      int target = 0;
      std::vector<std::string> pieces = {ConfusableToSay(ctx, rng)};
      if (rng.Chance(0.2)) pieces = CarrierPieces(rng, pieces[0], &target);
      Utterance u = speak(pieces, -1);
      Augment(u, rng, gain_db, 0.25, 0.1);
      place_anywhere(u);
      break;
    }
    case ClipKind::kOtherWord: {
      Utterance u = speak({rng.Pick(ctx.words.others)}, -1);
      Augment(u, rng, gain_db, 0.25, 0.1);
      place_anywhere(u);
      break;
    }
    case ClipKind::kSentence: {
      Utterance u = speak({RandomSentence(rng, ctx.words.others)}, -1);
      Augment(u, rng, gain_db, 0.25, 0.1);
      place_anywhere(u);
      break;
    }
    case ClipKind::kPartialWord: {
      Utterance u = speak({cfg.word}, 0);
      Augment(u, rng, gain_db, 0.25, 0.1);
      const int64_t len = u.target.size();
      Span keep;
      if (rng.Chance(0.5)) {
        keep = {u.target.begin, u.target.begin + std::llround(len * rng.Range(0.3, 0.65))};
      } else {
        keep = {u.target.end - std::llround(len * rng.Range(0.4, 0.6)), u.target.end};
      }
      Utterance part;
      part.audio.assign(u.audio.begin() + keep.begin, u.audio.begin() + keep.end);
      Fade(part.audio, kSampleRate / 200);
      part.target = {0, static_cast<int64_t>(part.audio.size())};
      place_anywhere(part);
      break;
    }
    case ClipKind::kNoise: {
      Audio noise = MakeBackground(rng, length, ctx.noise_files);
      const double level = 32768.0 * std::pow(10.0, rng.Range(-50.0, -12.0) / 20.0);
      AddInto(clip, noise, 0, level / std::max(Rms(noise), 1e-9));
      break;
    }
    case ClipKind::kSilence:
      break;
    case ClipKind::kWakeInContext: {
      const bool left = rng.Chance(0.7);
      const bool right = !left || rng.Chance(0.7);
      std::vector<std::string> pieces;
      if (left) pieces.push_back(SomeWords(rng, ctx.words.others));
      const int target = static_cast<int>(pieces.size());
      pieces.push_back(WakeSpelling(ctx, rng));
      if (right) pieces.push_back(SomeWords(rng, ctx.words.others));
      Utterance u = speak(pieces, target);
      Augment(u, rng, gain_db, 0.25, 0.1);
      const int64_t len = u.target.size();
      if (len > ctx.window * 95 / 100) {  // too slow to fit: the word alone, squeezed as for kWakeWord
        u.audio = TimeStretch(Audio(u.audio.begin() + u.target.begin, u.audio.begin() + u.target.end),
                              static_cast<double>(ctx.window * 95 / 100 - kTrimFrame) / static_cast<double>(len));
        u.target = {0, static_cast<int64_t>(u.audio.size())};
      }
      const int64_t offset = late_offset(u);
      AddInto(clip, u.audio, offset);
      speech = {std::max<int64_t>(0, offset), std::min(length, offset + static_cast<int64_t>(u.audio.size()))};
      has_speech = true;
      break;
    }
    case ClipKind::kSpeechStream: {
      // Segments from a random point before the clip until past its end.
      int64_t t = -rng.Between(0, ctx.lead_in + ctx.window / 2);
      const int segments = static_cast<int>(rng.Between(2, 4));
      for (int k = 0; k < segments && t < length; ++k) {
        const SegmentPlan plan = PlanOtherSegment(rng, ctx.words, StreamConfig().confusable_share);
        Utterance u = speak(plan.pieces, -1);
        Augment(u, rng, gain_db + rng.Range(-4.0, 4.0), 0.2, 0.05);
        AddInto(clip, u.audio, t);
        t += static_cast<int64_t>(u.audio.size()) + std::llround(rng.Range(0.1, 1.5) * kSampleRate);
      }
      speech = {0, length};
      has_speech = true;
      break;
    }
  }

  if (has_speech && rng.Chance(cfg.noise_probability)) {
    const Audio noise = MakeBackground(rng, length, ctx.noise_files);
    MixBackground(clip, noise, speech, rng.Range(cfg.snr_db_min, cfg.snr_db_max));
  }
  AddFloor(clip, rng, kind == ClipKind::kSilence ? rng.Range(0.3, 30.0) : rng.Range(0.5, 8.0));
  return clip;
}

size_t TotalClips(const DatasetConfig& config) {
  size_t total = 0;
  for (size_t n : config.clips_per_kind) total += n;
  return total;
}

ClipKind KindOf(const DatasetConfig& config, size_t index) {
  for (int k = 0; k < kNumClipKinds; ++k) {
    if (index < config.clips_per_kind[k]) return static_cast<ClipKind>(k);
    index -= config.clips_per_kind[k];
  }
  throw std::out_of_range("example index out of range");
}

void CheckConfig(const DatasetConfig& config) {
  ValidateText(config.word);
  if (config.clips_per_kind.size() != kNumClipKinds) {
    throw std::invalid_argument("clips_per_kind needs " + std::to_string(kNumClipKinds) + " counts, one per ClipKind");
  }
  if (TotalClips(config) == 0) throw std::invalid_argument("the dataset has no clips");
  if (!(config.noise_probability >= 0 && config.noise_probability <= 1)) {
    throw std::invalid_argument("noise_probability must be in 0..1");
  }
  if (!(config.snr_db_min <= config.snr_db_max)) throw std::invalid_argument("snr_db_min is above snr_db_max");
  if (config.window_frames < 1) throw std::invalid_argument("window_frames must be at least 1");
  if (!(config.flite_warp >= 0 && config.flite_warp <= 0.15)) throw std::invalid_argument("flite_warp must be in 0..0.15");
  if (!(config.espeak_speakers >= 0 && config.espeak_speakers <= 1)) {
    throw std::invalid_argument("espeak_speakers must be in 0..1");
  }
  if (!(config.reduced_vowels >= 0 && config.reduced_vowels <= 0.5)) {
    throw std::invalid_argument("reduced_vowels must be in 0..0.5");
  }
  if (!(config.near_confusables >= 0 && config.near_confusables <= 0.9)) {
    throw std::invalid_argument("near_confusables must be in 0..0.9");
  }
  if (!(config.lead_in_s >= 0 && config.lead_in_s <= 30)) throw std::invalid_argument("lead_in_s must be in 0..30");
  if (config.frontend.output_type != TensorType::kInt8) throw std::invalid_argument("the frontend must output int8");
  if (config.frontend.sample_rate != kSampleRate) throw std::invalid_argument("the frontend must take 16 kHz audio");
}

std::string FrontendKey(const FrontendConfig& f) {
  return std::to_string(static_cast<int>(f.kind)) + "," + std::to_string(f.sample_rate) + "," +
         std::to_string(f.window_samples) + "," + std::to_string(f.hop_samples) + "," + std::to_string(f.num_bands) +
         "," + Num(f.lower_band_hz) + "," + Num(f.upper_band_hz) + "," + std::to_string(f.noise_reduction) + "," +
         std::to_string(f.pcan) + "," + std::to_string(f.num_coefficients) + "," +
         std::to_string(static_cast<int>(f.output_type)) + "," + Num(f.output_scale) + "," +
         std::to_string(f.output_zero_point);
}

std::string FileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open word list (Debian package wamerican)");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Hex64(Fnv1a(content)) + "/" + std::to_string(content.size());
}

std::string EspeakVersion() {
  auto lock = internal::LockEspeak();
  const char* version = espeak_Info(nullptr);
  return version != nullptr ? version : "?";
}

std::string VoicesKey(const std::vector<Voice>& voices) {
  std::string s;
  for (const auto& v : voices) s += std::string(TtsEngineName(v.engine)) + ":" + v.name + "\n";
  return Hex64(Fnv1a(s)) + "/" + std::to_string(voices.size());
}

// Everything that affects the generated bytes.
std::string CacheKey(const DatasetConfig& c, const std::vector<Voice>& voices, const std::vector<NoiseFile>& noise) {
  std::string key = "tinyml dataset generator " + std::to_string(kGeneratorVersion) + "\n";
  key += "word=" + c.word + "\nseed=" + std::to_string(c.seed) + "\nheld_out=" + std::to_string(c.held_out) + "\nclips=";
  for (size_t n : c.clips_per_kind) key += std::to_string(n) + ",";
  key += "\nnoise=" + Num(c.noise_probability) + "," + Num(c.snr_db_min) + "," + Num(c.snr_db_max);
  key += "\nfrontend=" + FrontendKey(c.frontend) + "\nwindow=" + std::to_string(c.window_frames) + "," + Num(c.lead_in_s);
  key += "\nword_list=" + c.word_list + " " + FileDigest(c.word_list);
  key += "\nnoise_files=" + NoiseFingerprint(noise) + "\nvoices=" + VoicesKey(voices) + "\nespeak=" + EspeakVersion();
  // Only when on, so the caches made before the option existed still match.
  if (c.flite_warp != 0) key += "\nflite_warp=" + Num(c.flite_warp);
  if (c.espeak_speakers != 0) key += "\nespeak_speakers=" + Num(c.espeak_speakers);
  if (c.reduced_vowels != 0) key += "\nreduced_vowels=" + Num(c.reduced_vowels);
  if (c.near_confusables != 0) key += "\nnear_confusables=" + Num(c.near_confusables);
  return key;
}

std::string CacheFileName(const DatasetConfig& c, uint64_t key_hash) {
  std::string name;
  for (char ch : Lower(c.word)) name.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-');
  return name + "-" + Hex64(key_hash) + ".tmlds";
}

void PutU32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void PutU64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }

uint64_t PayloadChecksum(const Dataset& d) {
  uint64_t h = Fnv1a(d.x.data(), d.x.size());
  h = Fnv1a(d.labels.data(), d.labels.size(), h);
  return Fnv1a(d.kinds.data(), d.kinds.size(), h);
}

std::string CacheHeader(const Dataset& d, uint64_t key_hash) {
  std::string h(kCacheMagic, sizeof(kCacheMagic));
  PutU32(h, kGeneratorVersion);
  PutU32(h, 0);
  PutU64(h, key_hash);
  PutU64(h, d.size());
  PutU32(h, static_cast<uint32_t>(d.frames));
  PutU32(h, static_cast<uint32_t>(d.features));
  PutU64(h, PayloadChecksum(d));
  return h;
}

// Loads and checks a cache file; false (with `why`) when it is missing,
// truncated, corrupt or for another configuration.
bool LoadCache(const std::string& path, uint64_t key_hash, const DatasetConfig& config, int32_t features,
               Dataset* out, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t count = TotalClips(config);
  const size_t example_bytes = static_cast<size_t>(config.window_frames) * static_cast<size_t>(features);
  const size_t want = kCacheHeaderBytes + count * example_bytes + 2 * count;
  if (bytes.size() != want) {
    *why = std::to_string(bytes.size()) + " bytes instead of " + std::to_string(want);
    return false;
  }
  if (std::memcmp(bytes.data(), kCacheMagic, sizeof(kCacheMagic)) != 0) {
    *why = "bad magic";
    return false;
  }
  Dataset d;
  d.frames = config.window_frames;
  d.features = features;
  const char* p = bytes.data() + kCacheHeaderBytes;
  d.x.assign(reinterpret_cast<const int8_t*>(p), reinterpret_cast<const int8_t*>(p) + count * example_bytes);
  p += count * example_bytes;
  d.labels.assign(p, p + count);
  p += count;
  d.kinds.assign(p, p + count);
  if (bytes.compare(0, kCacheHeaderBytes, CacheHeader(d, key_hash)) != 0) {
    *why = "header or checksum mismatch";
    return false;
  }
  for (size_t i = 0; i < count; ++i) {
    if (d.kinds[i] != static_cast<uint8_t>(KindOf(config, i)) || d.labels[i] != (IsWakeKind(static_cast<ClipKind>(d.kinds[i])) ? 1 : 0)) {
      *why = "labels do not match the configuration";
      return false;
    }
  }
  d.from_cache = true;
  *out = std::move(d);
  return true;
}

// A temp file in the cache directory, created before the (long) generation
// so an unusable directory fails at once; removed unless committed.
class CacheWriter {
 public:
  CacheWriter(const std::string& dir, const std::string& name) : final_(dir + "/" + name) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      throw std::runtime_error("dataset cache directory '" + dir + "' cannot be created" +
                               (ec ? ": " + ec.message() : ""));
    }
    RemoveStaleTemps(dir, "." + name + ".tmp.");
    temp_ = dir + "/." + name + ".tmp." + std::to_string(getpid());
    fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw std::runtime_error("dataset cache directory '" + dir + "' is not writable: " + std::strerror(errno));
    }
  }
  ~CacheWriter() {
    if (fd_ >= 0) close(fd_);
    if (!committed_) unlink(temp_.c_str());
  }
  // Temp files of this cache file left by generations that were killed
  // (their process no longer exists); a live generation's file is kept.
  static void RemoveStaleTemps(const std::string& dir, const std::string& prefix) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const std::string f = it->path().filename().string();
      if (f.rfind(prefix, 0) != 0) continue;
      char* rest = nullptr;
      const long pid = std::strtol(f.c_str() + prefix.size(), &rest, 10);
      if (rest == nullptr || *rest != '\0' || pid <= 0) continue;
      if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        std::error_code rm;
        std::filesystem::remove(it->path(), rm);
      }
    }
  }

  void Commit(const std::string& header, const Dataset& d) {
    bool ok = WriteAllToFd(fd_, header.data(), header.size()) && WriteAllToFd(fd_, d.x.data(), d.x.size()) &&
              WriteAllToFd(fd_, d.labels.data(), d.labels.size()) && WriteAllToFd(fd_, d.kinds.data(), d.kinds.size());
    ok = ok && fsync(fd_) == 0;
    const int err = errno;
    ok = close(fd_) == 0 && ok;
    fd_ = -1;
    if (!ok) throw std::runtime_error(temp_ + ": cannot write dataset cache: " + std::strerror(err));
    if (rename(temp_.c_str(), final_.c_str()) != 0) {
      throw std::runtime_error(final_ + ": cannot rename the dataset cache into place: " + std::strerror(errno));
    }
    committed_ = true;
  }

 private:
  std::string final_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

const char* ClipKindName(ClipKind kind) {
  switch (kind) {
    case ClipKind::kWakeWord:
      return "wake_word";
    case ClipKind::kConfusable:
      return "confusable";
    case ClipKind::kOtherWord:
      return "other_word";
    case ClipKind::kSentence:
      return "sentence";
    case ClipKind::kPartialWord:
      return "partial_word";
    case ClipKind::kNoise:
      return "noise";
    case ClipKind::kSilence:
      return "silence";
    case ClipKind::kWakeInContext:
      return "wake_in_context";
    case ClipKind::kSpeechStream:
      return "speech_stream";
  }
  return "?";
}

bool IsWakeKind(ClipKind kind) { return kind == ClipKind::kWakeWord || kind == ClipKind::kWakeInContext; }

VoiceSplit SplitVoices() {
  VoiceSplit split;
  std::vector<std::string> variants = EspeakVariants();
  variants.insert(variants.begin(), "");
  for (const auto& base : EspeakEnglishVoices()) {
    for (const auto& variant : variants) {
      const std::string name = variant.empty() ? base : base + "+" + variant;
      // A fixed hash of the name: adding a voice does not move the others.
      (Fnv1a(name) % 5 == 0 ? split.held_out : split.train).push_back({TtsEngine::kEspeak, name});
    }
  }
  for (const auto& name : FliteVoices()) {
    (name == "awb" ? split.held_out : split.train).push_back({TtsEngine::kFlite, name});
  }
  return split;
}

std::vector<std::string> ConfusablesFor(const std::string& word, const std::string& word_list) {
  ValidateText(word);
  return LoadWordResources(word, word_list).confusables;
}

std::string StreamInputsKey(const StreamConfig& config) {
  const VoiceSplit split = SplitVoices();
  std::string key = "tinyml stream inputs " + std::to_string(kGeneratorVersion) + "\nheld_out=" +
                    std::to_string(config.held_out) + "\nword_list=" + config.word_list + " " +
                    FileDigest(config.word_list) + "\nnoise_files=" + NoiseFingerprint(IndexNoiseFiles(config.noise_dirs)) +
                    "\nvoices=" + VoicesKey(config.held_out ? split.held_out : split.train) + "\nespeak=" + EspeakVersion();
  return key;
}

std::vector<std::string> NearestConfusablesFor(const std::string& word, const std::string& word_list) {
  ValidateText(word);
  return LoadWordResources(word, word_list).nearest;
}

std::vector<std::string> ReducedFormsFor(const std::string& word, const std::string& word_list) {
  const std::vector<std::string> confusables = ConfusablesFor(word, word_list);
  std::vector<std::string> forms;
  for (const auto& form : ReducedVowelSpellings(word)) {
    if (std::find(confusables.begin(), confusables.end(), form) == confusables.end()) forms.push_back(form);
  }
  return forms;
}

std::string DatasetCachePath(const DatasetConfig& config, const std::string& cache_dir) {
  CheckConfig(config);
  const VoiceSplit split = SplitVoices();
  const auto& voices = config.held_out ? split.held_out : split.train;
  const std::string key = CacheKey(config, voices, IndexNoiseFiles(config.noise_dirs));
  return cache_dir + "/" + CacheFileName(config, Fnv1a(key));
}

Dataset BuildDataset(const DatasetConfig& config, const std::string& cache_dir, const ProgressFn& progress) {
  CheckConfig(config);
  Context ctx;
  ctx.config = &config;
  {
    const VoiceSplit split = SplitVoices();
    ctx.voices = config.held_out ? split.held_out : split.train;
  }
  if (ctx.voices.empty()) throw TtsError("no speech voices available");
  ctx.noise_files = IndexNoiseFiles(config.noise_dirs);
  FeatureExtractor probe(config.frontend);
  const int32_t features = probe.features();

  const std::string key = CacheKey(config, ctx.voices, ctx.noise_files);
  const uint64_t key_hash = Fnv1a(key);
  std::unique_ptr<CacheWriter> writer;
  if (!cache_dir.empty()) {
    const std::string name = CacheFileName(config, key_hash);
    Dataset cached;
    std::string why;
    if (LoadCache(cache_dir + "/" + name, key_hash, config, features, &cached, &why)) return cached;
    if (!why.empty()) {
      std::fprintf(stderr, "warning: dataset cache %s/%s is corrupt (%s); regenerating it\n", cache_dir.c_str(),
                   name.c_str(), why.c_str());
    }
    writer = std::make_unique<CacheWriter>(cache_dir, name);
  }

  ctx.words = LoadWordResources(config.word, config.word_list);
  if (config.reduced_vowels > 0) ctx.reduced = ReducedFormsFor(config.word, config.word_list);
  const int32_t hop = config.frontend.hop_samples;
  ctx.lead_in = std::llround(config.lead_in_s * kSampleRate / hop) * hop;
  ctx.window = config.frontend.window_samples + static_cast<int64_t>(config.window_frames - 1) * hop;

  const size_t total = TotalClips(config);
  Dataset d;
  d.frames = config.window_frames;
  d.features = features;
  const size_t example_bytes = static_cast<size_t>(d.frames) * static_cast<size_t>(d.features);
  d.x.assign(total * example_bytes, 0);
  d.labels.assign(total, 0);
  d.kinds.assign(total, 0);
  for (size_t i = 0; i < total; ++i) {
    d.kinds[i] = static_cast<uint8_t>(KindOf(config, i));
    d.labels[i] = IsWakeKind(static_cast<ClipKind>(d.kinds[i])) ? 1 : 0;
  }

  ProgressThrottle throttle(progress, total);
  size_t done = 0;
  std::unique_ptr<FeatureExtractor> extractor;
  RunInWorkers(
      total, DefaultWorkers(config.workers),
      [&](size_t i) {
        if (!extractor) extractor = std::make_unique<FeatureExtractor>(config.frontend);
        Rng rng(MixSeed({config.seed, config.held_out ? 1u : 0u, i, 0x44415441u}));
        const Audio clip = MakeClip(ctx, KindOf(config, i), rng);
        std::string bytes(example_bytes, '\0');
        extractor->Run(ToPcm(clip), config.window_frames, reinterpret_cast<int8_t*>(bytes.data()));
        return bytes;
      },
      [&](size_t i, std::string&& bytes) {
        if (bytes.size() != example_bytes) throw std::runtime_error("dataset worker returned a malformed example");
        std::memcpy(d.x.data() + i * example_bytes, bytes.data(), example_bytes);
        throttle.Update(++done);
      });
  if (writer) writer->Commit(CacheHeader(d, key_hash), d);
  return d;
}


namespace {

struct SpokenSegment {
  Audio audio;
  std::string voice;         // VoiceLabel of who said it
  std::vector<Span> events;  // the wake-word pieces, in the segment's samples
};

std::string EncodeSegment(const SpokenSegment& s) {
  std::string out;
  PutU64(out, s.voice.size());
  out += s.voice;
  PutU64(out, s.events.size());
  for (const Span& e : s.events) {
    PutU64(out, static_cast<uint64_t>(e.begin));
    PutU64(out, static_cast<uint64_t>(e.end));
  }
  PutU64(out, s.audio.size());
  out.append(reinterpret_cast<const char*>(s.audio.data()), s.audio.size() * sizeof(float));
  return out;
}

SpokenSegment DecodeSegment(const std::string& bytes) {
  size_t pos = 0;
  auto get = [&]() {
    uint64_t v = 0;
    if (pos + 8 > bytes.size()) throw std::runtime_error("stream worker returned a malformed segment");
    std::memcpy(&v, bytes.data() + pos, 8);
    pos += 8;
    return v;
  };
  SpokenSegment s;
  const uint64_t voice = get();
  if (voice > bytes.size() - pos) throw std::runtime_error("stream worker returned a malformed segment");
  s.voice.assign(bytes, pos, voice);
  pos += voice;
  const uint64_t events = get();
  for (uint64_t i = 0; i < events; ++i) {
    const int64_t b = static_cast<int64_t>(get());
    s.events.push_back({b, static_cast<int64_t>(get())});
  }
  const uint64_t n = get();
  if (bytes.size() - pos != n * sizeof(float)) throw std::runtime_error("stream worker returned a malformed segment");
  s.audio.resize(n);
  std::memcpy(s.audio.data(), bytes.data() + pos, n * sizeof(float));
  return s;
}

SpokenSegment SpeakSegment(const SegmentPlan& plan, const std::vector<Voice>& voices, uint64_t seed) {
  Rng rng(seed);
  Utterance u = Speak(rng, voices, plan.pieces, -1);
  Augment(u, rng, rng.Range(-6.0, 3.0), 0.2, 0.05);
  SpokenSegment s;
  s.audio = std::move(u.audio);
  s.voice = VoiceLabel(u.voice);
  for (int k : plan.wake_pieces) s.events.push_back(u.pieces[static_cast<size_t>(k)]);
  return s;
}

std::string StripPunctuation(const std::string& token) {
  const size_t b = token.find_first_not_of(".,?!");
  if (b == std::string::npos) return "";
  const size_t e = token.find_last_not_of(".,?!");
  return token.substr(b, e - b + 1);
}

// A script sentence split around each occurrence of the wake phrase (whole
// words, case and surrounding punctuation ignored).
SegmentPlan PlanScriptSentence(const std::string& sentence, const std::string& word) {
  const std::vector<std::string> tokens = SplitWords(sentence);
  const std::vector<std::string> wake = SplitWords(Lower(word));
  SegmentPlan plan;
  std::string pending;
  auto flush = [&]() {
    if (pending.find_first_not_of(" .,?!'-") != std::string::npos) plan.pieces.push_back(pending);
    pending.clear();
  };
  for (size_t i = 0; i < tokens.size();) {
    bool match = i + wake.size() <= tokens.size();
    for (size_t k = 0; match && k < wake.size(); ++k) match = Lower(StripPunctuation(tokens[i + k])) == wake[k];
    if (match) {
      flush();
      plan.wake_pieces.push_back(static_cast<int>(plan.pieces.size()));
      plan.pieces.push_back(word);
      i += wake.size();
    } else {
      pending += (pending.empty() ? "" : " ") + tokens[i];
      ++i;
    }
  }
  flush();
  return plan;
}

SegmentPlan PlanWakeSegment(Rng& rng, const std::string& word, const WordResources& words) {
  SegmentPlan plan;
  const double r = rng.Uniform();
  if (r < 0.5) {
    plan.pieces = {word};
    plan.wake_pieces = {0};
  } else if (r < 0.7) {
    int target = 0;
    plan.pieces = CarrierPieces(rng, word, &target);
    plan.wake_pieces = {target};
  } else {  // inside a sentence of random words
    if (rng.Chance(0.7)) plan.pieces.push_back(SomeWords(rng, words.others));
    plan.wake_pieces = {static_cast<int>(plan.pieces.size())};
    plan.pieces.push_back(word);
    if (rng.Chance(0.7)) plan.pieces.push_back(SomeWords(rng, words.others));
  }
  return plan;
}

void CheckStreamConfig(const StreamConfig& config) {
  ValidateText(config.word);
  for (const auto& sentence : config.script) ValidateText(sentence);
  if (config.script.empty()) {
    if (!(config.duration_s >= 1.0 && config.duration_s <= 24 * 3600.0)) {
      throw std::invalid_argument("stream duration_s must be in 1..86400");
    }
    if (!(config.words_per_minute >= 0 && config.words_per_minute <= 15)) {
      throw std::invalid_argument("words_per_minute must be in 0..15 (wake words are at least 3 s apart)");
    }
  }
  if (!(config.noise_probability >= 0 && config.noise_probability <= 1)) {
    throw std::invalid_argument("noise_probability must be in 0..1");
  }
  if (!(config.confusable_share >= 0 && config.confusable_share <= 0.75)) {
    throw std::invalid_argument("confusable_share must be in 0..0.75");
  }
  if (!(config.snr_db_min <= config.snr_db_max)) throw std::invalid_argument("snr_db_min is above snr_db_max");
}

// Intervals [begin, end) in samples, kept sorted.
class Occupancy {
 public:
  void Add(Span s) {
    spans_.insert(std::upper_bound(spans_.begin(), spans_.end(), s,
                                   [](const Span& a, const Span& b) { return a.begin < b.begin; }),
                  s);
  }
  // The first occupied span overlapping [begin, end), or nullptr.
  const Span* Overlap(int64_t begin, int64_t end) const {
    for (const Span& s : spans_) {
      if (s.begin < end && begin < s.end) return &s;
    }
    return nullptr;
  }

 private:
  std::vector<Span> spans_;
};

WordEvent ToEvent(Span s) {
  return {static_cast<double>(s.begin) / kSampleRate, static_cast<double>(s.end) / kSampleRate};
}

}  // namespace

Stream GenerateStream(const StreamConfig& config, const ProgressFn& progress) {
  CheckStreamConfig(config);
  std::vector<Voice> voices;
  {
    const VoiceSplit split = SplitVoices();
    voices = config.held_out ? split.held_out : split.train;
  }
  if (voices.empty()) throw TtsError("no speech voices available");
  const WordResources words = LoadWordResources(config.word, config.word_list);
  const std::vector<NoiseFile> noise_files = IndexNoiseFiles(config.noise_dirs);
  Rng plan_rng(MixSeed({config.seed, config.held_out ? 1u : 0u, 0x53545245u}));

  // What is said, then (in parallel) how it sounds.
  std::vector<SegmentPlan> plans;
  size_t wake_count = 0;
  if (!config.script.empty()) {
    for (const auto& sentence : config.script) plans.push_back(PlanScriptSentence(sentence, config.word));
  } else {
    const double expected = config.duration_s / 60.0 * config.words_per_minute;
    wake_count = static_cast<size_t>(expected);
    if (plan_rng.Chance(expected - static_cast<double>(wake_count))) ++wake_count;
    for (size_t i = 0; i < wake_count; ++i) plans.push_back(PlanWakeSegment(plan_rng, config.word, words));
    const size_t others = static_cast<size_t>(std::ceil(config.duration_s / 2.5)) + 2;
    for (size_t i = 0; i < others; ++i) plans.push_back(PlanOtherSegment(plan_rng, words, config.confusable_share));
  }
  std::vector<SpokenSegment> segments(plans.size());
  ProgressThrottle throttle(progress, plans.size());
  size_t done = 0;
  RunInWorkers(
      plans.size(), DefaultWorkers(config.workers),
      [&](size_t i) {
        return EncodeSegment(SpeakSegment(plans[i], voices, MixSeed({config.seed, config.held_out ? 1u : 0u, i, 0x53454731u})));
      },
      [&](size_t i, std::string&& bytes) {
        segments[i] = DecodeSegment(bytes);
        throttle.Update(++done);
      });

  Stream stream;
  Audio audio;
  std::vector<Span> events;
  auto put = [&](const SpokenSegment& seg, const SegmentPlan& plan, int64_t at) {
    if (static_cast<int64_t>(audio.size()) < at + static_cast<int64_t>(seg.audio.size())) {
      audio.resize(static_cast<size_t>(at + static_cast<int64_t>(seg.audio.size())), 0.0f);
    }
    AddInto(audio, seg.audio, at);
    const Span extent = SpeechSpan(seg.audio);
    WordEvent spoken = ToEvent({at + extent.begin, at + extent.end});
    for (const std::string& piece : plan.pieces) spoken.text += (spoken.text.empty() ? "" : " ") + piece;
    spoken.voice = seg.voice;
    stream.speech.push_back(std::move(spoken));
    for (const Span& e : seg.events) events.push_back({at + e.begin, at + e.end});
  };
  auto seconds = [](double s) { return static_cast<int64_t>(std::llround(s * kSampleRate)); };

  if (!config.script.empty()) {
    int64_t t = seconds(plan_rng.Range(0.5, 1.0));
    for (size_t i = 0; i < segments.size(); ++i) {
      put(segments[i], plans[i], t);
      t += static_cast<int64_t>(segments[i].audio.size()) + seconds(plan_rng.Range(0.6, 1.5));
    }
    audio.resize(static_cast<size_t>(t + seconds(0.5)), 0.0f);
  } else {
    const int64_t length = seconds(config.duration_s);
    audio.assign(static_cast<size_t>(length), 0.0f);
    Occupancy occupied;
    // Wake segments at random times, their words at least 3 s apart (start
    // to start, and at least 1 s of other audio between segments).
    int64_t max_len = 0;
    for (size_t i = 0; i < wake_count; ++i) max_len = std::max<int64_t>(max_len, segments[i].audio.size());
    const int64_t spacing = std::max(seconds(3.0), max_len + seconds(1.0));
    const int64_t margin = seconds(0.5);
    const size_t planned_wake = wake_count;  // segments after these are other speech
    while (wake_count > 0 && static_cast<int64_t>(wake_count) * spacing > length - 2 * margin) --wake_count;
    const int64_t slack = length - 2 * margin - static_cast<int64_t>(wake_count) * spacing;
    std::vector<int64_t> offsets(wake_count);
    for (auto& o : offsets) o = plan_rng.Between(0, std::max<int64_t>(slack, 0));
    std::sort(offsets.begin(), offsets.end());
    for (size_t k = 0; k < wake_count; ++k) {
      const int64_t at = margin + offsets[k] + static_cast<int64_t>(k) * spacing;
      put(segments[k], plans[k], at);
      occupied.Add({at - seconds(0.4), at + static_cast<int64_t>(segments[k].audio.size()) + seconds(0.4)});
    }
    // Other speech in the gaps, with pauses (sometimes long ones).
    int64_t t = margin;
    for (size_t i = planned_wake; i < segments.size() && t < length; ++i) {
      const int64_t len = static_cast<int64_t>(segments[i].audio.size());
      for (;;) {
        t += plan_rng.Chance(0.15) ? seconds(plan_rng.Range(3.0, 8.0)) : seconds(plan_rng.Range(0.3, 2.0));
        if (t + len > length - margin) {
          t = length;
          break;
        }
        const Span* clash = occupied.Overlap(t, t + len);
        if (clash == nullptr) break;
        t = clash->end;
      }
      if (t >= length) break;
      put(segments[i], plans[i], t);
      occupied.Add({t, t + len});
      t += len;
    }
  }

  // Background in chunks of 5-30 s: noise or music at an SNR relative to
  // the nominal speech level (3000 RMS), or none.
  const int64_t total = static_cast<int64_t>(audio.size());
  Rng noise_rng(MixSeed({config.seed, config.held_out ? 1u : 0u, 0x4e4f4953u}));
  for (int64_t t = 0; t < total;) {
    const int64_t len = std::min(total - t, seconds(noise_rng.Range(5.0, 30.0)));
    if (noise_rng.Chance(config.noise_probability)) {
      Audio noise = MakeBackground(noise_rng, len, noise_files);
      Fade(noise, seconds(0.05));
      const double snr = noise_rng.Range(config.snr_db_min, config.snr_db_max);
      AddInto(audio, noise, t, 3000.0 / (std::max(Rms(noise), 1e-9) * std::pow(10.0, snr / 20.0)));
    }
    t += len;
  }
  AddFloor(audio, noise_rng, noise_rng.Range(0.5, 5.0));

  stream.audio = ToPcm(audio);
  auto by_start = [](const Span& a, const Span& b) { return a.begin < b.begin; };
  std::sort(events.begin(), events.end(), by_start);
  std::stable_sort(stream.speech.begin(), stream.speech.end(),
                   [](const WordEvent& a, const WordEvent& b) { return a.start_s < b.start_s; });
  for (const Span& e : events) {
    WordEvent w = ToEvent(e);
    w.text = config.word;
    stream.events.push_back(std::move(w));
  }
  return stream;
}

}  // namespace tinyml::train
