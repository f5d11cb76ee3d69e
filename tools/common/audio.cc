#include "common/audio.h"

#include <alsa/asoundlib.h>
#include <samplerate.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace tinyml::tools {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

// "Format" names libsndfile knows, for messages and AudioInfo.
std::string FormatName(int format) {
  SF_FORMAT_INFO info = {};
  std::string name;
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name) name = info.name;
  SF_FORMAT_INFO sub = {};
  sub.format = format & SF_FORMAT_SUBMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &sub, sizeof(sub)) == 0 && sub.name) name += std::string(" ") + sub.name;
  return name;
}

uint32_t ReadLe32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

// libsndfile opens a RIFF/WAVE file whose data chunk is cut short and reads
// what is there; a truncated recording should be reported instead. Returns
// "" or the problem. Streamed WAVs (size unknown at write time) declare
// 0 or a huge size and are accepted.
std::string WavTruncation(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char header[12];
  if (!f.read(reinterpret_cast<char*>(header), 12)) return "";
  if (std::memcmp(header, "RIFF", 4) != 0 || std::memcmp(header + 8, "WAVE", 4) != 0) return "";
  f.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(f.tellg());
  uint64_t offset = 12;
  while (offset + 8 <= file_size) {
    unsigned char chunk[8];
    f.seekg(static_cast<std::streamoff>(offset));
    if (!f.read(reinterpret_cast<char*>(chunk), 8)) return "";
    const uint32_t size = ReadLe32(chunk + 4);
    const uint64_t available = file_size - offset - 8;
    if (std::memcmp(chunk, "data", 4) == 0) {
      if (size == 0 || size >= 0x7fff0000u) return "";
      if (size > available) {
        return "truncated WAV: the header promises " + std::to_string(size) + " bytes of audio data, the file holds " +
               std::to_string(available);
      }
      return "";
    }
    offset += 8 + size + (size & 1);
  }
  return "";
}

int16_t ToInt16(float v) {
  const float scaled = std::nearbyint(v * 32768.0f);
  if (scaled >= 32767.0f) return 32767;
  if (scaled <= -32768.0f) return -32768;
  return static_cast<int16_t>(scaled);
}

}  // namespace

std::vector<int16_t> ReadAudioFile(const std::string& path, AudioInfo* info) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    throw FileError(path, errno == ENOENT ? "no such file" : std::string("cannot access: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw FileError(path, "is a directory, not an audio file");
  if (access(path.c_str(), R_OK) != 0) throw FileError(path, std::string("cannot read: ") + std::strerror(errno));
  if (st.st_size == 0) throw FileError(path, "is empty");

  SF_INFO sf_info = {};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &sf_info));
  if (!file) {
    std::string why = sf_strerror(nullptr);
    throw FileError(path, "not a readable audio file (WAV, FLAC, OGG, ...): " + why);
  }
  const std::string truncation = WavTruncation(path);
  if (!truncation.empty()) throw FileError(path, truncation);
  if (sf_info.channels < 1 || sf_info.samplerate < 1) throw FileError(path, "audio header has no channels or rate");
  if (sf_info.frames <= 0) throw FileError(path, "has no audio samples");
  if (info) {
    info->source_rate = sf_info.samplerate;
    info->source_channels = sf_info.channels;
    info->source_frames = sf_info.frames;
    info->format = FormatName(sf_info.format);
  }

  // libsndfile normalizes integer PCM to [-1, 1) by 1/32768, so 16-bit
  // data comes back exactly after * 32768.
  const int channels = sf_info.channels;
  std::vector<float> interleaved(static_cast<size_t>(sf_info.frames) * channels);
  const sf_count_t got = sf_readf_float(file.get(), interleaved.data(), sf_info.frames);
  if (got != sf_info.frames) {
    throw FileError(path, "truncated or damaged: read " + std::to_string(got) + " of " +
                              std::to_string(sf_info.frames) + " frames (" + sf_strerror(file.get()) + ")");
  }
  std::vector<float> mono(static_cast<size_t>(got));
  for (size_t i = 0; i < mono.size(); ++i) {
    float sum = 0.0f;
    for (int c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
    mono[i] = sum / static_cast<float>(channels);
  }
  interleaved.clear();
  interleaved.shrink_to_fit();

  if (sf_info.samplerate != kAudioSampleRate) {
    const double ratio = static_cast<double>(kAudioSampleRate) / sf_info.samplerate;
    std::vector<float> resampled(static_cast<size_t>(std::ceil(mono.size() * ratio)) + 16);
    SRC_DATA data = {};
    data.data_in = mono.data();
    data.input_frames = static_cast<long>(mono.size());
    data.data_out = resampled.data();
    data.output_frames = static_cast<long>(resampled.size());
    data.src_ratio = ratio;
    const int error = src_simple(&data, SRC_SINC_BEST_QUALITY, 1);
    if (error != 0) {
      throw FileError(path, "cannot resample " + std::to_string(sf_info.samplerate) + " Hz to 16000 Hz: " +
                                src_strerror(error));
    }
    resampled.resize(static_cast<size_t>(data.output_frames_gen));
    mono.swap(resampled);
    if (mono.empty()) throw FileError(path, "too short to resample to 16000 Hz");
  }

  std::vector<int16_t> samples(mono.size());
  for (size_t i = 0; i < mono.size(); ++i) samples[i] = ToInt16(mono[i]);
  return samples;
}

void WriteWav16(const std::string& path, const int16_t* samples, size_t count, int sample_rate, int channels) {
  // A RIFF size field is 32 bits: the data plus the 36 header bytes after it must fit.
  constexpr size_t kMaxSamples = (size_t{0xFFFFFFFFu} - 36) / 2;
  if (count > kMaxSamples) throw FileError(path, "too long for a WAV file (over 4 GiB of samples)");
  const uint32_t data_bytes = static_cast<uint32_t>(count * 2);
  std::vector<uint8_t> bytes(size_t{44} + data_bytes);
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  auto put16 = [&](size_t at, uint16_t v) {
    bytes[at] = static_cast<uint8_t>(v);
    bytes[at + 1] = static_cast<uint8_t>(v >> 8);
  };
  std::memcpy(&bytes[0], "RIFF", 4);
  put32(4, 36 + data_bytes);
  std::memcpy(&bytes[8], "WAVEfmt ", 8);
  put32(16, 16);
  put16(20, 1);  // PCM
  put16(22, static_cast<uint16_t>(channels));
  put32(24, static_cast<uint32_t>(sample_rate));
  put32(28, static_cast<uint32_t>(sample_rate * channels * 2));
  put16(32, static_cast<uint16_t>(channels * 2));
  put16(34, 16);
  std::memcpy(&bytes[36], "data", 4);
  put32(40, data_bytes);
  for (size_t i = 0; i < count; ++i) put16(44 + 2 * i, static_cast<uint16_t>(samples[i]));
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

namespace {

// libsndfile virtual I/O over a growing byte vector.
struct MemoryFile {
  std::vector<uint8_t> bytes;
  sf_count_t pos = 0;
};
sf_count_t MemLength(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size()); }
sf_count_t MemSeek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : static_cast<sf_count_t>(f->bytes.size());
  if (base + offset < 0) return -1;
  f->pos = base + offset;
  return f->pos;
}
sf_count_t MemRead(void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(f->bytes.size());
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, size - f->pos));
  if (n > 0) std::memcpy(ptr, f->bytes.data() + f->pos, static_cast<size_t>(n));
  f->pos += n;
  return n;
}
sf_count_t MemWrite(const void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const size_t end = static_cast<size_t>(f->pos + count);
  if (end > f->bytes.size()) f->bytes.resize(end);
  std::memcpy(f->bytes.data() + f->pos, ptr, static_cast<size_t>(count));
  f->pos += count;
  return count;
}
sf_count_t MemTell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

}  // namespace

void WriteFlac16(const std::string& path, const int16_t* samples, size_t count, int sample_rate, int channels) {
  SF_VIRTUAL_IO io = {MemLength, MemSeek, MemRead, MemWrite, MemTell};
  MemoryFile file;
  SF_INFO info = {};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  SNDFILE* sf = sf_open_virtual(&io, SFM_WRITE, &info, &file);
  if (sf == nullptr) throw FileError(path, std::string("cannot encode FLAC: ") + sf_strerror(nullptr));
  const sf_count_t frames = static_cast<sf_count_t>(count / static_cast<size_t>(channels));
  const sf_count_t written = sf_writef_short(sf, samples, frames);
  const int close_error = sf_close(sf);
  if (written != frames || close_error != 0) throw FileError(path, "FLAC encoding failed");
  WriteFileAtomic(path, file.bytes.data(), file.bytes.size());
}

size_t ReadPcm16(int fd, const std::string& name, int16_t* samples, size_t max_samples) {
  uint8_t* out = reinterpret_cast<uint8_t*>(samples);
  const size_t want = max_samples * 2;
  size_t have = 0;
  while (have < want) {
    const ssize_t n = read(fd, out + have, want - have);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FileError(name, std::string("read failed: ") + std::strerror(errno));
    }
    have += static_cast<size_t>(n);
  }
  // Samples are little-endian on the wire; swap on a big-endian host.
  const size_t count = have / 2;
  const uint16_t probe = 1;
  if (*reinterpret_cast<const uint8_t*>(&probe) == 0) {
    for (size_t i = 0; i < count; ++i) {
      const uint8_t lo = out[2 * i];
      out[2 * i] = out[2 * i + 1];
      out[2 * i + 1] = lo;
    }
  }
  return count;
}

// ALSA prints its own diagnostics to stderr; the tools report one line.
static void QuietAlsa(const char*, int, const char*, int, const char*, ...) {}

Microphone::Microphone(const std::string& device) : device_(device) {
  snd_lib_error_set_handler(QuietAlsa);
  snd_pcm_t* pcm = nullptr;
  int rc = snd_pcm_open(&pcm, device.c_str(), SND_PCM_STREAM_CAPTURE, 0);
  if (rc < 0) {
    throw FileError("microphone '" + device + "'",
                    std::string("cannot open the capture device (ALSA: ") + snd_strerror(rc) +
                        "); is there a microphone? To read raw 16 kHz s16le PCM from stdin use 'tinyml listen -'");
  }
  // Let ALSA convert rate and channels: most devices do not offer 16 kHz mono.
  rc = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, kAudioSampleRate, 1, 200000);
  if (rc < 0) {
    snd_pcm_close(pcm);
    throw FileError("microphone '" + device + "'",
                    std::string("cannot capture 16 kHz mono 16-bit (ALSA: ") + snd_strerror(rc) + ")");
  }
  pcm_ = pcm;
}

Microphone::~Microphone() {
  if (pcm_) snd_pcm_close(static_cast<snd_pcm_t*>(pcm_));
}

void Microphone::Read(int16_t* samples, size_t count) {
  snd_pcm_t* pcm = static_cast<snd_pcm_t*>(pcm_);
  size_t have = 0;
  while (have < count) {
    const snd_pcm_sframes_t n = snd_pcm_readi(pcm, samples + have, count - have);
    if (n < 0) {
      const int rc = snd_pcm_recover(pcm, static_cast<int>(n), 1);
      if (rc < 0) {
        throw FileError("microphone '" + device_ + "'", std::string("capture failed (ALSA: ") + snd_strerror(rc) + ")");
      }
      continue;
    }
    have += static_cast<size_t>(n);
  }
}

}  // namespace tinyml::tools
