#include "data/dataset.h"
#include "data/tts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace tinyml::train {
namespace {

double Rms(const std::vector<int16_t>& x) {
  double sum = 0;
  for (int16_t v : x) sum += static_cast<double>(v) * v;
  return x.empty() ? 0 : std::sqrt(sum / x.size());
}

// A spoken two-syllable word lasts a few hundred ms; engines add some silence.
void ExpectPlausibleWord(const std::vector<int16_t>& audio, const char* what) {
  const double seconds = static_cast<double>(audio.size()) / kSampleRate;
  EXPECT_GT(seconds, 0.25) << what;
  EXPECT_LT(seconds, 2.0) << what;
  EXPECT_GT(Rms(audio), 300.0) << what << ": audio is (nearly) silent";
  const int peak = std::abs(*std::max_element(audio.begin(), audio.end(), [](int16_t a, int16_t b) {
    return std::abs(a) < std::abs(b);
  }));
  EXPECT_GT(peak, 2000) << what;
}

TEST(TrainTts, EspeakSaysMarvin) {
  ExpectPlausibleWord(Synthesize("marvin", {TtsEngine::kEspeak, "en-us"}), "espeak en-us");
  ExpectPlausibleWord(Synthesize("marvin", {TtsEngine::kEspeak, "en-us+f3"}), "espeak en-us+f3");
}

TEST(TrainTts, FliteSaysMarvinWithEveryVoice) {
  for (const auto& name : FliteVoices()) {
    ExpectPlausibleWord(Synthesize("marvin", {TtsEngine::kFlite, name}), name.c_str());
  }
}

TEST(TrainTts, SameSettingsGiveIdenticalSamples) {
  SynthesisParams p;
  p.rate = 1.2f;
  p.pitch = 70;
  for (const Voice& v : {Voice{TtsEngine::kEspeak, "en-gb+m3"}, Voice{TtsEngine::kFlite, "slt"}}) {
    const auto first = Synthesize("marvin", v, p);
    // Whatever was said in between must not leak into the next utterance.
    Synthesize("something else entirely", v);
    EXPECT_EQ(first, Synthesize("marvin", v, p)) << v.name;
    SynthesisParams other_seed = p;
    other_seed.seed = 7;
    EXPECT_EQ(Synthesize("marvin", v, other_seed), Synthesize("marvin", v, other_seed)) << v.name;
  }
}

TEST(TrainTts, RateChangesDuration) {
  SynthesisParams slow, fast;
  slow.rate = 0.7f;
  fast.rate = 1.8f;
  for (const Voice& v : {Voice{TtsEngine::kEspeak, "en-us"}, Voice{TtsEngine::kFlite, "kal16"}}) {
    const auto a = Synthesize("hello marvin how are you", v, slow);
    const auto b = Synthesize("hello marvin how are you", v, fast);
    EXPECT_GT(a.size(), b.size() * 3 / 2) << v.name;
  }
}

// Power-weighted mean frequency below 4 kHz of the loud 32 ms frames (Hann
// window, plain DFT): where the voiced energy sits, which follows the
// formants.
double SpectralCentroid(const std::vector<int16_t>& x) {
  constexpr int kN = 512;
  constexpr double kPi = 3.14159265358979323846;
  double weighted = 0, total = 0;
  for (size_t start = 0; start + kN <= x.size(); start += kN / 2) {
    double energy = 0;
    for (int i = 0; i < kN; ++i) energy += static_cast<double>(x[start + i]) * x[start + i];
    if (std::sqrt(energy / kN) < 1000) continue;
    for (int k = 1; k * kSampleRate <= 4000 * kN; ++k) {
      double re = 0, im = 0;
      for (int i = 0; i < kN; ++i) {
        const double v = x[start + i] * (0.5 - 0.5 * std::cos(2 * kPi * i / kN));
        re += v * std::cos(2 * kPi * k * i / kN);
        im -= v * std::sin(2 * kPi * k * i / kN);
      }
      const double power = re * re + im * im;
      weighted += power * k * kSampleRate / kN;
      total += power;
    }
  }
  return total > 0 ? weighted / total : 0;
}

TEST(TrainTts, FliteWarpMovesClustergenFormantsAndLeavesNothingBehind) {
  const std::string text = "hey marvin, turn on the lights";
  SynthesisParams up, down, sharp;
  up.flite_alpha_shift = -0.08f;  // formants about 20 % higher
  down.flite_alpha_shift = 0.08f;
  sharp.flite_beta_shift = 0.3f;
  for (const char* name : {"rms", "slt", "awb"}) {
    const Voice v{TtsEngine::kFlite, name};
    const auto plain = Synthesize(text, v);
    EXPECT_NE(Synthesize(text, v, sharp), plain) << name;
    // Same timing (the warp is the vocoder's, not the durations'), the
    // voiced energy higher or lower in frequency.
    EXPECT_EQ(Synthesize(text, v, up).size(), plain.size()) << name;
    const auto word = Synthesize("marvin", v);
    const auto higher = Synthesize("marvin", v, up);
    const auto lower = Synthesize("marvin", v, down);
    EXPECT_GT(SpectralCentroid(higher), SpectralCentroid(word) * 1.1) << name;
    EXPECT_LT(SpectralCentroid(lower), SpectralCentroid(word) / 1.1) << name;
    ExpectPlausibleWord(higher, name);
    ExpectPlausibleWord(lower, name);
    // Every call sets the constants: a warped call does not change the next.
    EXPECT_EQ(Synthesize(text, v), plain) << name;
  }
  // The diphone voices have no such vocoder: the shifts change nothing.
  const Voice kal{TtsEngine::kFlite, "kal16"};
  EXPECT_EQ(Synthesize(text, kal, up), Synthesize(text, kal));
}

TEST(TrainTts, EspeakSpeakerReplacesTheVariantAndLeavesNothingBehind) {
  const Voice scot{TtsEngine::kEspeak, "en-gb-scotland"};
  const Voice scot_mike{TtsEngine::kEspeak, "en-gb-scotland+Mike"};
  const auto plain = Synthesize("marvin", scot);
  SynthesisParams own;
  own.espeak_speaker = "pitch 190 260\nformant 1 112 90 120\nformant 2 90 120 100\n";
  const auto spoken = Synthesize("marvin", scot, own);
  ExpectPlausibleWord(spoken, "own speaker");
  EXPECT_NE(spoken, plain);
  // The variant in the name is ignored: the speaker replaces it.
  EXPECT_EQ(Synthesize("marvin", scot_mike, own), spoken);
  // Higher pitch and first formant: energy higher in frequency.
  EXPECT_GT(SpectralCentroid(spoken), SpectralCentroid(plain));
  // Deterministic, and nothing left behind for the next call.
  EXPECT_EQ(Synthesize("marvin", scot, own), spoken);
  EXPECT_EQ(Synthesize("marvin", scot), plain);
  // The language file's rules and timing stay (the speaker changes the
  // voice, not the rate): about as long as the plain voice's word.
  const double ratio = static_cast<double>(spoken.size()) / plain.size();
  EXPECT_GT(ratio, 0.8);
  EXPECT_LT(ratio, 1.25);
  // Random speakers: deterministic from the seed, different between seeds,
  // and each one speaks.
  EXPECT_EQ(RandomEspeakSpeaker(7), RandomEspeakSpeaker(7));
  EXPECT_NE(RandomEspeakSpeaker(7), RandomEspeakSpeaker(8));
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SynthesisParams p;
    p.espeak_speaker = RandomEspeakSpeaker(seed);
    ExpectPlausibleWord(Synthesize("marvin", {TtsEngine::kEspeak, seed % 2 ? "en-us" : "en-gb-x-rp"}, p),
                        p.espeak_speaker.c_str());
  }
}

// A speaker's voice file that cannot be written (TMPDIR names no directory)
// is one clear error naming the voice; the next call works as before.
TEST(TrainTts, EspeakSpeakerVoiceFileFailureIsAClearError) {
  const Voice scot{TtsEngine::kEspeak, "en-gb-scotland"};
  SynthesisParams own;
  own.espeak_speaker = "pitch 190 260\n";
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before != nullptr ? before : "";
  ASSERT_EQ(setenv("TMPDIR", "/nonexistent-tinyml-test-dir", 1), 0);
  std::string error;
  try {
    Synthesize("marvin", scot, own);
  } catch (const TtsError& e) {
    error = e.what();
  }
  if (before != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_EQ(error, "espeak-ng: could not load a speaker's voice file for 'en-gb-scotland'");
  ExpectPlausibleWord(Synthesize("marvin", scot, own), "own speaker after the failure");
}

TEST(TrainTts, PitchAndGapChangeEspeakOutput) {
  const Voice v{TtsEngine::kEspeak, "en-us"};
  SynthesisParams base, high, gap;
  high.pitch = 90;
  gap.word_gap = 30;
  const auto a = Synthesize("hey marvin", v, base);
  EXPECT_NE(a, Synthesize("hey marvin", v, high));
  // 30 x 10 ms of extra pause between the two words.
  EXPECT_GT(Synthesize("hey marvin", v, gap).size(), a.size() + kSampleRate / 5);
  SynthesisParams strong;
  strong.emphasis = 2;
  const auto emphasized = Synthesize("hey marvin", v, strong);
  EXPECT_NE(a, emphasized);
  ExpectPlausibleWord(emphasized, "emphasis");
}

TEST(TrainTts, EveryEnglishVoiceAndSomeVariantsSpeak) {
  for (const auto& name : EspeakEnglishVoices()) {
    ExpectPlausibleWord(Synthesize("marvin", {TtsEngine::kEspeak, name}), name.c_str());
  }
  for (const char* variant : {"f1", "m7", "klatt", "whisper", "Andy"}) {
    const std::string name = std::string("en-gb-scotland+") + variant;
    const auto audio = Synthesize("marvin", {TtsEngine::kEspeak, name});
    EXPECT_GT(audio.size(), kSampleRate / 4) << name;
    EXPECT_GT(Rms(audio), 100.0) << name;
  }
}

TEST(TrainTts, ListsVoices) {
  const auto voices = EspeakEnglishVoices();
  EXPECT_NE(std::find(voices.begin(), voices.end(), "en-us"), voices.end());
  EXPECT_NE(std::find(voices.begin(), voices.end(), "en-gb-scotland"), voices.end());
  const auto variants = EspeakVariants();
  EXPECT_GT(variants.size(), 20u);
  EXPECT_NE(std::find(variants.begin(), variants.end(), "f3"), variants.end());
  EXPECT_EQ(FliteVoices().size(), 5u);
  EXPECT_EQ(AllVoices().size(), voices.size() + 5);
}

TEST(TrainTts, RejectsEmptyAndUnknownCharacters) {
  const Voice v{TtsEngine::kEspeak, "en-us"};
  EXPECT_THROW(Synthesize("", v), TtsError);
  EXPECT_THROW(Synthesize("", {TtsEngine::kFlite, "slt"}), TtsError);
  try {
    Synthesize("m@rvin", v);
    FAIL() << "no error for m@rvin";
  } catch (const TtsError& e) {
    EXPECT_NE(std::string(e.what()).find("'@' at offset 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ValidateText("marvin2"), TtsError);
  EXPECT_THROW(ValidateText("m\xc3\xa4rvin"), TtsError);
  EXPECT_THROW(ValidateText("  - "), TtsError);
  EXPECT_NO_THROW(ValidateText("hey, Marvin's well-known robot!"));
}

// flite's note that a kal voice lacks a diphone ("yr" has y-r) stays off
// stderr; its other messages still reach it.
extern "C" int cst_errmsg(const char* fmt, ...);
TEST(TrainTts, FliteMissingDiphoneNoteIsQuietOtherMessagesAreNot) {
  testing::internal::CaptureStderr();
  const std::vector<int16_t> audio = Synthesize("yr", {TtsEngine::kFlite, "kal16"});
  cst_errmsg("flite: something else %d\n", 7);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_GT(audio.size(), 0u);  // synthesis carries on with a stand-in unit
  EXPECT_EQ(err.find("udb failed"), std::string::npos) << err;
  EXPECT_NE(err.find("flite: something else 7"), std::string::npos) << err;
}

TEST(TrainTts, RejectsUnknownVoice) {
  EXPECT_THROW(Synthesize("marvin", {TtsEngine::kEspeak, "xx-nonexistent"}), TtsError);
  EXPECT_THROW(Synthesize("marvin", {TtsEngine::kFlite, "nobody"}), TtsError);
  EXPECT_THROW(Synthesize("marvin", {TtsEngine::kFlite, ""}), TtsError);
}

}  // namespace
}  // namespace tinyml::train
