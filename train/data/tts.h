// Speech synthesis for wake-word training data: the two engines the data
// policy allows (espeak-ng and flite), called in process, always returning
// 16 kHz mono int16 audio.
//
// Text contract (ValidateText): non-empty, at most kMaxTextChars bytes, made
// of ASCII letters, apostrophes, hyphens, spaces and the sentence marks
// . , ? ! (so whole sentences can be spoken). Anything else — digits, '@',
// non-ASCII, control characters — is "unknown" and rejected with TtsError,
// because the engines would spell it out or silently drop it and the clip
// would no longer match its label.
//
// Both engines keep global state, so every call is serialized on one
// internal mutex; calls are safe from several threads but do not overlap.
// Output is deterministic: the same text and settings give identical samples.
#ifndef TINYML_TRAIN_DATA_TTS_H_
#define TINYML_TRAIN_DATA_TTS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinyml::train {

constexpr int kSampleRate = 16000;
constexpr size_t kMaxTextChars = 1000;

class TtsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TtsEngine { kEspeak, kFlite };

const char* TtsEngineName(TtsEngine engine);

struct Voice {
  TtsEngine engine = TtsEngine::kEspeak;
  // espeak-ng: a voice name with an optional variant, e.g. "en-us" or
  // "en-us+f3". flite: one of FliteVoices(), e.g. "slt".
  std::string name;
};

// "espeak-ng en-us+f3", "flite awb": for reports.
std::string VoiceLabel(const Voice& voice);

// Everything has a neutral default, so Voice alone gives the engine's own
// reading. Ranges are clamped to what the engines accept.
struct SynthesisParams {
  // Speaking-rate multiplier: 1 = the engine's normal rate, 1.5 = faster.
  // espeak: words per minute = 175 * rate (80..450). flite: duration_stretch = 1 / rate.
  float rate = 1.0f;
  // espeak: base pitch 0..100 (50 = normal). flite: mean F0 scaled by pitch / 50.
  int pitch = 50;
  // espeak only: pitch range 0..100 (0 = monotone, 50 = normal).
  int pitch_range = 50;
  // espeak only: extra pause between words in units of 10 ms.
  int word_gap = 0;
  // espeak only: 0 = none, 1 = moderate, 2 = strong; the text is wrapped in
  // an SSML <emphasis> element (safe: valid text has no markup characters).
  int emphasis = 0;
  // espeak only: volume 0..200 (100 = normal).
  int volume = 100;
  // flite clustergen voices only (slt, rms, awb; the diphone voices kal and
  // kal16 ignore both): offsets to the voice's MLSA vocoder constants. The
  // frequency-warping constant alpha (0.42 for these voices) sets where the
  // spectral envelope's formants land: -0.04 moves them about 10 % up (a
  // shorter vocal tract), +0.04 about 10 % down; clamped to alpha 0.2..0.65.
  // The postfilter beta (0.4) sharpens the formants; clamped to 0..0.9.
  // Together with pitch they make speakers the voice's recordings never had.
  float flite_alpha_shift = 0.0f;
  float flite_beta_shift = 0.0f;
  // espeak-ng only: a speaker of its own instead of the voice's variant.
  // Lines of an espeak-ng voice file (pitch, formant, voicing, tone, klatt,
  // ...) applied on top of the voice's language file; any "+variant" in
  // the voice name is then ignored. Empty: the voice as named.
  std::string espeak_speaker;
  // Both engines draw noise (aspiration, excitation) from libc rand(); it is
  // reseeded with this before every synthesis, which makes output repeatable.
  // (Code elsewhere in the process that calls rand() concurrently would break
  // that; the training pipeline does not.)
  unsigned seed = 1;
};

// Throws TtsError naming the first offending character (and its byte offset)
// or "empty text".
void ValidateText(const std::string& text);

// espeak-ng English voices (language codes starting with "en", e.g. "en-us",
// "en-gb-scotland") and its variants (e.g. "f3", "klatt", "whisper"); a
// variant is applied as "<voice>+<variant>".
std::vector<std::string> EspeakEnglishVoices();
std::vector<std::string> EspeakVariants();
// flite voices compiled into this build (Debian's flite1-dev): "kal",
// "kal16", "slt", "awb", "rms".
std::vector<std::string> FliteVoices();
// Every engine/voice pair without espeak variants (voices x variants can be
// enumerated by the caller).
std::vector<Voice> AllVoices();

// Synthesizes `text` and returns 16 kHz mono int16 samples, engine leading
// and trailing silence included. Throws TtsError on invalid text, an unknown
// voice or an engine failure.
std::vector<int16_t> Synthesize(const std::string& text, const Voice& voice, const SynthesisParams& params = {});

namespace internal {
// The one lock over espeak-ng's global state (the phonemizer shares it). The
// engine is initialized on first use; throws TtsError if its data is missing.
std::unique_lock<std::mutex> LockEspeak();
// The identifier espeak_SetVoiceByName() needs for a user-facing name
// ("en-gb-scotland+f3" -> "gmw/en-GB-scotland+f3"). Needs LockEspeak() held.
std::string EspeakVoiceId(const std::string& name);
// Runs `work` in a forked child and returns what it returned (an exception
// thrown there comes back as a TtsError with its message). Needs LockEspeak()
// held. Anything that selects a voice or sets a parameter must run this way:
// those calls leave state behind that changes later syntheses (see tts.cc).
std::string RunInEspeakChild(const std::function<std::string()>& work);
}  // namespace internal

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_TTS_H_
