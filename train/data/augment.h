// Deterministic audio perturbations for wake-word training data. Audio is
// mono float at int16 scale (full scale = 32768) and 16 kHz; every random
// choice comes from an explicit seed, so the same inputs give identical
// samples on every run.
#ifndef TINYML_TRAIN_DATA_AUGMENT_H_
#define TINYML_TRAIN_DATA_AUGMENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tinyml::train {

using Audio = std::vector<float>;

// Plays the clip `factor` times faster, like a tape (sox "speed"): the
// duration divides by `factor` and every frequency multiplies by it.
// factor in 0.25..4.
Audio ChangeSpeed(const Audio& in, double factor);

// Shifts every frequency by `semitones` (-12..12) and keeps the duration:
// a speed change followed by a waveform-similarity overlap-add time stretch
// that restores the length.
Audio ChangePitch(const Audio& in, double semitones);

// Stretches the duration by `stretch` (0.25..4, 2 = twice as long) without
// changing the pitch (WSOLA: 30 ms Hann frames, best-correlated input frame
// within +-7.5 ms of the nominal position).
Audio TimeStretch(const Audio& in, double stretch);

Audio ApplyGain(const Audio& in, double gain_db);

// Returns exactly `length` samples: `in` placed with its first sample at
// `offset` (negative offsets crop the start), zeros elsewhere.
Audio PlaceInClip(const Audio& in, int64_t length, int64_t offset);

// A synthetic room: a unit direct-path impulse followed, after `predelay_s`,
// by Gaussian noise whose envelope falls 60 dB in `rt60_s` seconds
// (exp(-6.908 t / rt60)); the tail lasts rt60 and its energy relative to the
// direct path is `wet_db`. rt60_s in 0.05..3.
Audio MakeRoomImpulseResponse(double rt60_s, uint64_t seed, double wet_db = -3.0, double predelay_s = 0.005);

// Full linear convolution (FFT): in.size() + ir.size() - 1 samples.
Audio Convolve(const Audio& in, const Audio& ir);

// Telephone channel: 300-3400 Hz band-pass, each edge a 4th-order
// Butterworth (two cascaded biquads, bilinear transform), zero initial state.
Audio TelephoneBand(const Audio& in);

enum class NoiseColor { kWhite, kPink, kBrown };

// `count` samples of noise with RMS `rms`, from `seed`. White: uniform;
// pink: Paul Kellet's refined filter on white noise (-3 dB/octave, as sox's
// pinknoise approximates); brown: leaky integration of white noise
// (-6 dB/octave). Mean removed before scaling.
Audio GenerateNoise(NoiseColor color, size_t count, uint64_t seed, double rms = 1000.0);

// Mixes `noise` into `signal` so that 10 log10(P_signal / P_noise) equals
// `snr_db` over the signal's length (noise is looped from `noise_offset` when
// shorter). If the mix would clip int16, both parts are scaled down together,
// which keeps the SNR. Throws std::invalid_argument for a silent signal or noise.
Audio MixAtSnr(const Audio& signal, const Audio& noise, double snr_db, size_t noise_offset = 0);

// Noise and music the data policy allows: the sample folders of the Debian
// packages sonic-pi-samples, lmms-common and freepats (those installed).
std::vector<std::string> PolicyNoiseDirectories();
// Every sound file (wav, flac, ogg) under the given directories, sorted.
std::vector<std::string> ListSoundFiles(const std::vector<std::string>& dirs);
// Reads a sound file (libsndfile) as 16 kHz mono at int16 scale; throws
// std::runtime_error naming the file on failure.
Audio LoadSoundFile(const std::string& path);

double Rms(const Audio& x);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_AUGMENT_H_
