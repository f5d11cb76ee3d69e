#include "data/augment.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "data/resample.h"
#include "data/tts.h"

namespace tinyml::train {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Our own mapping from the engine's bits to numbers: std:: distributions
// differ between standard libraries, these do not.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double Uniform() { return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0); }
  double Gaussian() {
    const double u1 = 1.0 - Uniform();  // (0, 1], safe for log
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }

 private:
  std::mt19937_64 engine_;
};

void CheckRange(double value, double lo, double hi, const char* what) {
  if (!(value >= lo && value <= hi)) {
    throw std::invalid_argument(std::string(what) + " " + std::to_string(value) + " outside " + std::to_string(lo) +
                                ".." + std::to_string(hi));
  }
}

struct Biquad {
  double b0, b1, b2, a1, a2;  // normalized by a0
};

// Butterworth sections from the bilinear transform (RBJ audio EQ cookbook form).
Biquad ButterworthSection(bool high_pass, double cutoff_hz, double q) {
  const double w0 = 2.0 * kPi * cutoff_hz / kSampleRate;
  const double cw = std::cos(w0);
  const double alpha = std::sin(w0) / (2.0 * q);
  const double a0 = 1.0 + alpha;
  const double k = high_pass ? (1.0 + cw) / 2.0 : (1.0 - cw) / 2.0;
  const double mid = high_pass ? -(1.0 + cw) : 1.0 - cw;
  return {k / a0, mid / a0, k / a0, -2.0 * cw / a0, (1.0 - alpha) / a0};
}

void Filter(const Biquad& f, std::vector<double>& x) {
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (double& v : x) {
    const double y = f.b0 * v + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    v = y;
  }
}

void Fft(std::vector<std::complex<double>>& a, bool inverse) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const double angle = 2.0 * kPi / static_cast<double>(len) * (inverse ? 1 : -1);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w(1.0);
      for (size_t j = 0; j < len / 2; ++j) {
        const std::complex<double> u = a[i + j];
        const std::complex<double> v = a[i + j + len / 2] * w;
        a[i + j] = u + v;
        a[i + j + len / 2] = u - v;
        w *= step;
      }
    }
  }
  if (inverse) {
    for (auto& v : a) v /= static_cast<double>(n);
  }
}

}  // namespace

double Rms(const Audio& x) {
  if (x.empty()) return 0.0;
  double sum = 0;
  for (float v : x) sum += static_cast<double>(v) * v;
  return std::sqrt(sum / static_cast<double>(x.size()));
}

Audio ChangeSpeed(const Audio& in, double factor) {
  CheckRange(factor, 0.25, 4.0, "speed factor");
  return Resample(in, 1.0 / factor);
}

Audio TimeStretch(const Audio& in, double stretch) {
  CheckRange(stretch, 0.25, 4.0, "time stretch");
  const int64_t frame = kSampleRate * 30 / 1000;
  const int64_t hop = frame / 2;
  const int64_t tolerance = kSampleRate * 75 / 10000;
  const int64_t in_len = static_cast<int64_t>(in.size());
  const int64_t out_len = std::llround(static_cast<double>(in_len) * stretch);
  Audio out(static_cast<size_t>(out_len), 0.0f);
  if (in_len == 0 || out_len == 0) return out;
  std::vector<double> window(static_cast<size_t>(frame));
  for (int64_t i = 0; i < frame; ++i) window[i] = 0.5 - 0.5 * std::cos(2.0 * kPi * i / frame);  // periodic Hann
  auto at = [&](int64_t i) { return i >= 0 && i < in_len ? static_cast<double>(in[i]) : 0.0; };
  std::vector<double> sum(static_cast<size_t>(out_len + frame), 0.0);
  std::vector<double> weight(sum.size(), 0.0);
  int64_t prev = 0;
  for (int64_t k = 0; k * hop < out_len; ++k) {
    const int64_t nominal = std::llround(static_cast<double>(k * hop) / stretch);
    int64_t best = nominal;
    if (k > 0) {
      // The input that would naturally follow the previous frame: choose the
      // candidate most similar to it so overlapping frames add in phase.
      const int64_t natural = prev + hop;
      double best_score = -1e300;
      for (int64_t d = -tolerance; d <= tolerance; ++d) {
        double score = 0;
        for (int64_t i = 0; i < frame; i += 2) score += at(natural + i) * at(nominal + d + i);
        if (score > best_score) {
          best_score = score;
          best = nominal + d;
        }
      }
    }
    for (int64_t i = 0; i < frame; ++i) {
      sum[k * hop + i] += window[i] * at(best + i);
      weight[k * hop + i] += window[i];
    }
    prev = best;
  }
  for (int64_t i = 0; i < out_len; ++i) out[i] = static_cast<float>(weight[i] > 1e-3 ? sum[i] / weight[i] : 0.0);
  return out;
}

Audio ChangePitch(const Audio& in, double semitones) {
  CheckRange(semitones, -12.0, 12.0, "pitch shift (semitones)");
  const double ratio = std::pow(2.0, semitones / 12.0);
  Audio shifted = TimeStretch(ChangeSpeed(in, ratio), ratio);
  shifted.resize(in.size(), 0.0f);
  return shifted;
}

Audio ApplyGain(const Audio& in, double gain_db) {
  const float g = static_cast<float>(std::pow(10.0, gain_db / 20.0));
  Audio out(in);
  for (float& v : out) v *= g;
  return out;
}

Audio PlaceInClip(const Audio& in, int64_t length, int64_t offset) {
  if (length < 0) throw std::invalid_argument("clip length is negative");
  Audio out(static_cast<size_t>(length), 0.0f);
  for (int64_t i = std::max<int64_t>(0, -offset); i < static_cast<int64_t>(in.size()); ++i) {
    if (offset + i >= length) break;
    out[offset + i] = in[i];
  }
  return out;
}

Audio MakeRoomImpulseResponse(double rt60_s, uint64_t seed, double wet_db, double predelay_s) {
  CheckRange(rt60_s, 0.05, 3.0, "RT60 (s)");
  CheckRange(predelay_s, 0.0, 0.1, "pre-delay (s)");
  const size_t start = static_cast<size_t>(std::lround(predelay_s * kSampleRate));
  const size_t tail = static_cast<size_t>(std::lround(rt60_s * kSampleRate));
  Audio ir(start + tail, 0.0f);
  ir[0] = 1.0f;
  Rng rng(seed);
  const double decay = std::log(1000.0) / (rt60_s * kSampleRate);  // 60 dB = factor 1000 in amplitude
  std::vector<double> noise(tail);
  double energy = 0;
  for (size_t i = 0; i < tail; ++i) {
    noise[i] = rng.Gaussian() * std::exp(-decay * static_cast<double>(i));
    energy += noise[i] * noise[i];
  }
  const double scale = std::sqrt(std::pow(10.0, wet_db / 10.0) / std::max(energy, 1e-30));
  for (size_t i = 0; i < tail; ++i) ir[start + i] += static_cast<float>(noise[i] * scale);
  return ir;
}

Audio Convolve(const Audio& in, const Audio& ir) {
  if (in.empty() || ir.empty()) return {};
  const size_t out_len = in.size() + ir.size() - 1;
  size_t n = 1;
  while (n < out_len) n <<= 1;
  std::vector<std::complex<double>> a(n), b(n);
  for (size_t i = 0; i < in.size(); ++i) a[i] = in[i];
  for (size_t i = 0; i < ir.size(); ++i) b[i] = ir[i];
  Fft(a, false);
  Fft(b, false);
  for (size_t i = 0; i < n; ++i) a[i] *= b[i];
  Fft(a, true);
  Audio out(out_len);
  for (size_t i = 0; i < out_len; ++i) out[i] = static_cast<float>(a[i].real());
  return out;
}

Audio TelephoneBand(const Audio& in) {
  std::vector<double> x(in.begin(), in.end());
  for (double q : {0.54119610, 1.30656296}) {
    Filter(ButterworthSection(true, 300.0, q), x);
    Filter(ButterworthSection(false, 3400.0, q), x);
  }
  return Audio(x.begin(), x.end());
}

Audio GenerateNoise(NoiseColor color, size_t count, uint64_t seed, double rms) {
  Rng rng(seed);
  std::vector<double> x(count);
  double b[7] = {0, 0, 0, 0, 0, 0, 0};
  double brown = 0;
  for (size_t i = 0; i < count; ++i) {
    const double white = 2.0 * rng.Uniform() - 1.0;
    switch (color) {
      case NoiseColor::kWhite:
        x[i] = white;
        break;
      case NoiseColor::kPink:
        b[0] = 0.99886 * b[0] + white * 0.0555179;
        b[1] = 0.99332 * b[1] + white * 0.0750759;
        b[2] = 0.96900 * b[2] + white * 0.1538520;
        b[3] = 0.86650 * b[3] + white * 0.3104856;
        b[4] = 0.55000 * b[4] + white * 0.5329522;
        b[5] = -0.7616 * b[5] - white * 0.0168980;
        x[i] = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362;
        b[6] = white * 0.115926;
        break;
      case NoiseColor::kBrown:
        // The leak keeps the walk bounded and puts the corner below 10 Hz.
        brown = 0.998 * brown + 0.05 * white;
        x[i] = brown;
        break;
    }
  }
  Audio out(count);
  if (count == 0) return out;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(count);
  double energy = 0;
  for (double& v : x) {
    v -= mean;
    energy += v * v;
  }
  const double scale = energy > 0 ? rms / std::sqrt(energy / static_cast<double>(count)) : 0.0;
  for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(x[i] * scale);
  return out;
}

Audio MixAtSnr(const Audio& signal, const Audio& noise, double snr_db, size_t noise_offset) {
  const double signal_rms = Rms(signal);
  if (signal_rms <= 0) throw std::invalid_argument("mix: the signal is silent");
  if (noise.empty()) throw std::invalid_argument("mix: no noise samples");
  std::vector<double> looped(signal.size());
  double noise_energy = 0;
  for (size_t i = 0; i < signal.size(); ++i) {
    looped[i] = noise[(noise_offset + i) % noise.size()];
    noise_energy += looped[i] * looped[i];
  }
  if (noise_energy <= 0) throw std::invalid_argument("mix: the noise is silent");
  const double noise_rms = std::sqrt(noise_energy / static_cast<double>(signal.size()));
  const double noise_gain = signal_rms / (noise_rms * std::pow(10.0, snr_db / 20.0));
  std::vector<double> mix(signal.size());
  double peak = 0;
  for (size_t i = 0; i < signal.size(); ++i) {
    mix[i] = signal[i] + noise_gain * looped[i];
    peak = std::max(peak, std::abs(mix[i]));
  }
  const double scale = peak > 32767.0 ? 32767.0 / peak : 1.0;
  Audio out(signal.size());
  for (size_t i = 0; i < signal.size(); ++i) out[i] = static_cast<float>(mix[i] * scale);
  return out;
}

std::vector<std::string> PolicyNoiseDirectories() {
  std::vector<std::string> dirs;
  for (const char* dir : {"/usr/share/sonic-pi/samples", "/usr/share/lmms/samples", "/usr/share/midi/freepats"}) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) dirs.emplace_back(dir);
  }
  return dirs;
}

std::vector<std::string> ListSoundFiles(const std::vector<std::string>& dirs) {
  std::vector<std::string> files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string ext = it->path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (ext == ".wav" || ext == ".flac" || ext == ".ogg") files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Audio LoadSoundFile(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
  if (info.channels <= 0 || info.samplerate <= 0 || info.frames < 0) {
    sf_close(file);
    throw std::runtime_error(path + ": invalid sound file header");
  }
  std::vector<float> interleaved(static_cast<size_t>(info.frames) * static_cast<size_t>(info.channels));
  const sf_count_t got = sf_readf_float(file, interleaved.data(), info.frames);
  sf_close(file);
  Audio mono(static_cast<size_t>(std::max<sf_count_t>(got, 0)));
  for (size_t i = 0; i < mono.size(); ++i) {
    double sum = 0;
    for (int c = 0; c < info.channels; ++c) sum += interleaved[i * info.channels + c];
    mono[i] = static_cast<float>(sum / info.channels * 32768.0);
  }
  return Resample(mono, static_cast<double>(kSampleRate) / info.samplerate);
}

}  // namespace tinyml::train
