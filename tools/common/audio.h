// Host audio input for the tinyml tools: sound files (WAV, FLAC, OGG, ...
// whatever libsndfile reads) and raw PCM, delivered as 16 kHz mono int16,
// the format every frontend takes.
//
// Failures throw tools::FileError ("<file>: <problem>", one line).
#ifndef TINYML_TOOLS_COMMON_AUDIO_H_
#define TINYML_TOOLS_COMMON_AUDIO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/model_file.h"

namespace tinyml::tools {

constexpr int kAudioSampleRate = 16000;

struct AudioInfo {
  int source_rate = 0;      // Hz, as stored in the file
  int source_channels = 0;  // mixed down to one
  int64_t source_frames = 0;
  std::string format;       // e.g. "WAV PCM_16"
};

// Reads a whole sound file and returns its samples as 16 kHz mono int16:
// channels are averaged, other rates are resampled (libsamplerate, best
// sinc), float data is scaled by 32768, rounded and clipped. Throws FileError when
// the file is missing, unreadable, not audio, truncated (fewer frames than
// its header promises) or has no samples.
std::vector<int16_t> ReadAudioFile(const std::string& path, AudioInfo* info = nullptr);

// Writes 16-bit PCM WAV atomically (WriteFileAtomic); `count` samples in
// all, interleaved when channels > 1. For tests and tools.
void WriteWav16(const std::string& path, const int16_t* samples, size_t count, int sample_rate = kAudioSampleRate,
                int channels = 1);

// Writes 16-bit FLAC (libsndfile) atomically, like WriteWav16.
void WriteFlac16(const std::string& path, const int16_t* samples, size_t count, int sample_rate = kAudioSampleRate,
                 int channels = 1);

// Reads raw s16le samples from a file descriptor (e.g. stdin), blocking
// until `max_samples` arrive or EOF. Returns the count read (0 at EOF); a
// trailing odd byte at EOF is dropped. Throws FileError (named `name`) on
// a read error.
size_t ReadPcm16(int fd, const std::string& name, int16_t* samples, size_t max_samples);

// The default capture device (ALSA "default"), 16 kHz mono s16.
class Microphone {
 public:
  // Throws FileError naming the device when it cannot be opened.
  explicit Microphone(const std::string& device = "default");
  ~Microphone();
  Microphone(const Microphone&) = delete;
  Microphone& operator=(const Microphone&) = delete;

  // Blocks until `count` samples arrive; recovers from overruns.
  void Read(int16_t* samples, size_t count);
  const std::string& device() const { return device_; }

 private:
  std::string device_;
  void* pcm_ = nullptr;  // snd_pcm_t
};

}  // namespace tinyml::tools

#endif  // TINYML_TOOLS_COMMON_AUDIO_H_
