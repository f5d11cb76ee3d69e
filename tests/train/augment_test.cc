#include "data/augment.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "data/resample.h"
#include "data/tts.h"

namespace tinyml::train {
namespace {

constexpr double kPi = 3.14159265358979323846;

Audio Tone(double hz, size_t count, double amplitude = 10000.0) {
  Audio x(count);
  for (size_t i = 0; i < count; ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * hz * i / kSampleRate));
  return x;
}

// Frequency of a clean tone from its upward zero crossings in the middle half.
double ToneFrequency(const Audio& x) {
  const size_t lo = x.size() / 4, hi = 3 * x.size() / 4;
  size_t first = 0, last = 0;
  int crossings = 0;
  for (size_t i = lo + 1; i < hi; ++i) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      if (crossings == 0) first = i;
      last = i;
      ++crossings;
    }
  }
  return crossings < 2 ? 0.0 : (crossings - 1) * static_cast<double>(kSampleRate) / (last - first);
}

double Db(double ratio) { return 20.0 * std::log10(ratio); }

TEST(TrainAugment, SpeedChangesDurationAndFrequencyByTheFactor) {
  const Audio tone = Tone(440, kSampleRate);
  for (double factor : {0.8, 1.25}) {
    const Audio fast = ChangeSpeed(tone, factor);
    EXPECT_EQ(fast.size(), static_cast<size_t>(std::lround(kSampleRate / factor))) << factor;
    EXPECT_NEAR(ToneFrequency(fast), 440 * factor, 440 * factor * 0.01) << factor;
  }
  EXPECT_THROW(ChangeSpeed(tone, 0.1), std::invalid_argument);
}

TEST(TrainAugment, PitchShiftKeepsDuration) {
  const Audio tone = Tone(300, kSampleRate);
  for (double semitones : {-5.0, 4.0, 12.0}) {
    const Audio shifted = ChangePitch(tone, semitones);
    ASSERT_EQ(shifted.size(), tone.size());
    const double want = 300 * std::pow(2.0, semitones / 12);
    EXPECT_NEAR(ToneFrequency(shifted), want, want * 0.02) << semitones;
    EXPECT_NEAR(Db(Rms(shifted) / Rms(tone)), 0.0, 1.5) << semitones;
  }
}

TEST(TrainAugment, TimeStretchKeepsPitch) {
  const Audio tone = Tone(500, kSampleRate);
  const Audio longer = TimeStretch(tone, 1.5);
  EXPECT_EQ(longer.size(), 24000u);
  EXPECT_NEAR(ToneFrequency(longer), 500, 5);
}

TEST(TrainAugment, GainAndPlacement) {
  const Audio tone = Tone(1000, 1600);
  EXPECT_NEAR(Db(Rms(ApplyGain(tone, 6.0)) / Rms(tone)), 6.0, 1e-3);
  const Audio placed = PlaceInClip({1, 2, 3}, 5, 3);
  EXPECT_EQ(placed, (Audio{0, 0, 0, 1, 2}));
  EXPECT_EQ(PlaceInClip({1, 2, 3}, 2, -1), (Audio{2, 3}));
  EXPECT_EQ(PlaceInClip({1, 2, 3}, 2, 9), (Audio{0, 0}));
}

TEST(TrainAugment, RoomImpulseResponseDecaysAtRt60) {
  for (double rt60 : {0.2, 0.6}) {
    const Audio ir = MakeRoomImpulseResponse(rt60, 42, -3.0, 0.005);
    EXPECT_EQ(ir.size(), static_cast<size_t>(std::lround((rt60 + 0.005) * kSampleRate)));
    EXPECT_EQ(ir, MakeRoomImpulseResponse(rt60, 42, -3.0, 0.005));
    EXPECT_NE(ir, MakeRoomImpulseResponse(rt60, 43, -3.0, 0.005));
    // Schroeder backward integration of the tail; T30 (-5 to -35 dB) x 2.
    const size_t start = 80;
    std::vector<double> edc(ir.size() - start + 1, 0.0);
    for (size_t i = ir.size(); i-- > start;) edc[i - start] = edc[i - start + 1] + double(ir[i]) * ir[i];
    auto time_at = [&](double db) {
      for (size_t i = 0; i < edc.size(); ++i) {
        if (10 * std::log10(edc[i] / edc[0]) <= db) return static_cast<double>(i) / kSampleRate;
      }
      return 1e9;
    };
    const double measured = 2.0 * (time_at(-35) - time_at(-5));
    EXPECT_NEAR(measured, rt60, 0.1 * rt60) << "rt60 " << rt60;
  }
  // Convolving an impulse returns the response itself.
  const Audio ir = MakeRoomImpulseResponse(0.1, 1);
  const Audio out = Convolve({0, 1, 0}, ir);
  ASSERT_EQ(out.size(), ir.size() + 2);
  for (size_t i = 0; i < ir.size(); ++i) ASSERT_NEAR(out[i + 1], ir[i], 1e-4);
}

TEST(TrainAugment, TelephoneBandAttenuatesOutOfBandTones) {
  auto gain_db = [](double hz) {
    const Audio tone = Tone(hz, kSampleRate / 2);
    const Audio out = TelephoneBand(tone);
    const Audio settled_in(tone.begin() + 4000, tone.end());
    const Audio settled_out(out.begin() + 4000, out.end());
    return Db(Rms(settled_out) / Rms(settled_in));
  };
  EXPECT_LT(gain_db(100), -20.0);
  EXPECT_LT(gain_db(6000), -20.0);
  EXPECT_NEAR(gain_db(1000), 0.0, 0.5);
  EXPECT_NEAR(gain_db(2000), 0.0, 0.5);
}

TEST(TrainAugment, NoiseIsSeededScaledAndColored) {
  for (NoiseColor c : {NoiseColor::kWhite, NoiseColor::kPink, NoiseColor::kBrown}) {
    const Audio a = GenerateNoise(c, 16000, 5, 2000.0);
    EXPECT_EQ(a, GenerateNoise(c, 16000, 5, 2000.0));
    EXPECT_NE(a, GenerateNoise(c, 16000, 6, 2000.0));
    EXPECT_NEAR(Rms(a), 2000.0, 1.0);
  }
  // Redder noise has less energy in its sample-to-sample differences
  // (a high-pass): white > pink > brown.
  auto diff_ratio = [](NoiseColor c) {
    const Audio x = GenerateNoise(c, 32000, 9);
    Audio d(x.size() - 1);
    for (size_t i = 1; i < x.size(); ++i) d[i - 1] = x[i] - x[i - 1];
    return Rms(d) / Rms(x);
  };
  const double white = diff_ratio(NoiseColor::kWhite), pink = diff_ratio(NoiseColor::kPink),
               brown = diff_ratio(NoiseColor::kBrown);
  EXPECT_GT(white, 1.3);
  EXPECT_LT(pink, white * 0.8);
  EXPECT_LT(brown, pink * 0.5);
}

TEST(TrainAugment, MixingHitsTheRequestedSnr) {
  // Quiet enough that no mix clips (clipping is covered below).
  const Audio speech = ApplyGain(ToFloat(Synthesize("marvin", {TtsEngine::kFlite, "slt"})), -12.0);
  for (NoiseColor c : {NoiseColor::kWhite, NoiseColor::kPink, NoiseColor::kBrown}) {
    const Audio noise = GenerateNoise(c, 7000, 3);  // shorter: gets looped
    for (double snr : {-5.0, 0.0, 10.0, 25.0}) {
      const Audio mix = MixAtSnr(speech, noise, snr, 123);
      ASSERT_EQ(mix.size(), speech.size());
      Audio residual(mix.size());
      for (size_t i = 0; i < mix.size(); ++i) residual[i] = mix[i] - speech[i];
      EXPECT_NEAR(Db(Rms(speech) / Rms(residual)), snr, 0.5) << "snr " << snr;
    }
  }
  // Too loud to fit int16: both parts shrink, the ratio stays.
  const Audio loud = Tone(440, 8000, 30000.0);
  const Audio mix = MixAtSnr(loud, GenerateNoise(NoiseColor::kWhite, 8000, 1), 0.0);
  float peak = 0;
  for (float v : mix) peak = std::max(peak, std::abs(v));
  EXPECT_LE(peak, 32767.0f);
  EXPECT_GT(peak, 30000.0f);
  // Separate the scaled signal by least squares; the rest is scaled noise.
  double dot = 0, energy = 0;
  for (size_t i = 0; i < loud.size(); ++i) {
    dot += double(mix[i]) * loud[i];
    energy += double(loud[i]) * loud[i];
  }
  const double scale = dot / energy;
  EXPECT_LT(scale, 0.9);
  Audio residual(mix.size());
  for (size_t i = 0; i < mix.size(); ++i) residual[i] = static_cast<float>(mix[i] - scale * loud[i]);
  EXPECT_NEAR(Db(scale * Rms(loud) / Rms(residual)), 0.0, 0.5);
  EXPECT_THROW(MixAtSnr(Audio(100, 0.0f), GenerateNoise(NoiseColor::kWhite, 10, 1), 0), std::invalid_argument);
}

TEST(TrainAugment, LoadsSoundFilesAs16kMono) {
  const std::string path = (std::filesystem::temp_directory_path() / "tinyml_train_load_test.wav").string();
  SF_INFO info{};
  info.samplerate = 8000;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  std::vector<short> frames(2 * 4000);
  for (size_t i = 0; i < 4000; ++i) frames[2 * i] = frames[2 * i + 1] = static_cast<short>(8000 * std::sin(i * 0.3));
  sf_writef_short(f, frames.data(), 4000);
  sf_close(f);
  const Audio loaded = LoadSoundFile(path);
  EXPECT_EQ(loaded.size(), 8000u);
  EXPECT_NEAR(Rms(loaded), 8000 / std::sqrt(2.0), 300);
  EXPECT_EQ(ListSoundFiles({std::filesystem::temp_directory_path().string()}).empty(), false);
  std::filesystem::remove(path);
  EXPECT_THROW(LoadSoundFile("/nonexistent/file.wav"), std::runtime_error);
}

}  // namespace
}  // namespace tinyml::train
