#include "data/tts.h"

#include <espeak-ng/speak_lib.h>
#include <flite/flite.h>
extern "C" {
#include <flite/cst_cg.h>  // (no C++ guards of its own)
}

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>

#include "data/resample.h"

// Debian's flite1-dev ships the voice libraries but no headers for them.
extern "C" {
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
}

// flite reports each diphone its kal voices lack ("flite: udb failed to find
// entry for: y-r") on stderr and carries on with a stand-in unit: harmless,
// but over hours of generated speech a stray line now and then between the
// progress bars. libflite calls cst_errmsg through its PLT, so this
// definition replaces libflite's: that one message is dropped, every other
// one goes to stderr as before.
extern "C" int cst_errmsg(const char* fmt, ...) {
  static constexpr char kMissingDiphone[] = "flite: udb failed to find entry for";
  if (fmt == nullptr || std::strncmp(fmt, kMissingDiphone, sizeof(kMissingDiphone) - 1) == 0) return 0;
  va_list args;
  va_start(args, fmt);
  const int n = std::vfprintf(stderr, fmt, args);
  va_end(args);
  return n;
}

namespace tinyml::train {
namespace {

std::mutex& EngineMutex() {
  static std::mutex mutex;
  return mutex;
}

// Set once under EngineMutex().
int espeak_rate = 0;
bool flite_ready = false;

struct FliteVoice {
  cst_voice* voice = nullptr;
  // The voice's own F0 mean, so the pitch knob scales from it every call.
  float base_f0 = 0.0f;
  // Clustergen voices: a private, writable copy of the voice's vocoder
  // database (the library's own is relocated read-only data), installed as
  // the voice's "cg_db" feature so its MLSA constants can be set per call,
  // and those constants as the voice has them. Null for diphone voices.
  std::unique_ptr<cst_cg_db> cg_db;
  float base_alpha = 0.0f;
  float base_beta = 0.0f;
};

std::map<std::string, FliteVoice>& FliteVoiceTable() {
  static std::map<std::string, FliteVoice> table;
  return table;
}

void InitFlite() {
  if (flite_ready) return;
  flite_init();
  const struct {
    const char* name;
    cst_voice* (*reg)(const char*);
  } kVoices[] = {{"kal", register_cmu_us_kal},
                 {"kal16", register_cmu_us_kal16},
                 {"slt", register_cmu_us_slt},
                 {"awb", register_cmu_us_awb},
                 {"rms", register_cmu_us_rms}};
  for (const auto& v : kVoices) {
    cst_voice* voice = v.reg(nullptr);
    if (voice == nullptr) throw TtsError(std::string("flite: voice ") + v.name + " failed to register");
    FliteVoice entry;
    entry.voice = voice;
    entry.base_f0 = get_param_float(voice->features, "int_f0_target_mean", 100.0f);
    if (const cst_val* db = feat_val(voice->features, "cg_db"); db != nullptr) {
      // The copy shares the model arrays (read only) and keeps freeable = 0,
      // so flite never frees either.
      entry.cg_db = std::make_unique<cst_cg_db>(*val_cg_db(db));
      entry.base_alpha = entry.cg_db->mlsa_alpha;
      entry.base_beta = entry.cg_db->mlsa_beta;
      feat_set(voice->features, "cg_db", cg_db_val(entry.cg_db.get()));
    }
    FliteVoiceTable()[v.name] = std::move(entry);
  }
  flite_ready = true;
}

int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  if (wav != nullptr && count > 0 && events != nullptr && events->user_data != nullptr) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    out->insert(out->end(), wav, wav + count);
  }
  return 0;  // 0 = continue synthesis
}

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void InitEspeak() {
  if (espeak_rate > 0) return;
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) throw TtsError("espeak-ng: initialization failed (is espeak-ng-data installed?)");
  espeak_SetSynthCallback(CollectSamples);
  espeak_rate = rate;
}

// espeak-ng selects voices by file identifier ("gmw/en-GB-scotland"), while
// users name them by language code ("en-gb-scotland"); a "+variant" suffix is
// kept. Names that are not a known language code pass through unchanged.
// Called with the engine lock held.
std::string EspeakVoiceIdLocked(const std::string& name) {
  const size_t plus = name.find('+');
  const std::string lang = name.substr(0, plus);
  const std::string variant = plus == std::string::npos ? "" : name.substr(plus);
  const espeak_VOICE** voices = espeak_ListVoices(nullptr);
  for (int i = 0; voices != nullptr && voices[i] != nullptr; ++i) {
    if (lang == voices[i]->languages + 1) return std::string(voices[i]->identifier) + variant;
  }
  return name;
}

std::vector<int16_t> ToTargetRate(const std::vector<int16_t>& in, int rate) {
  if (rate == kSampleRate) return in;
  return ToInt16(Resample(ToFloat(in), static_cast<double>(kSampleRate) / rate));
}

// espeak-ng carries synthesizer state (wave phase, flutter) from one
// utterance to the next and cannot be re-initialized in process, so the same
// text would come out slightly different depending on what was said before.
// Selecting a voice or setting a parameter leaves state behind too: after
// some hundred espeak_SetVoiceByName/espeak_SetParameter calls in one process
// the same request gives a different length, or almost no audio, depending
// on how many came before. Each synthesis therefore runs in a forked child
// that selects the voice, sets the parameters and synthesizes; the parent
// never does any of that (the phonemizer forks too), so every child starts
// from the state right after initialization. Called with the engine lock held.
struct EspeakRequest {
  std::string voice_id;
  // Non-empty: a whole voice file, loaded instead of voice_id.
  std::string voice_file;
  std::vector<std::pair<espeak_PARAMETER, int>> settings;
  std::string input;
  unsigned flags = 0;
};

// In the child: 0 = ok, -1 = unknown voice, -2 - parameter = a parameter was
// refused, 1000 + espeak_ERROR = synthesis failed, kVoiceFileFailed = the
// speaker's voice file could not be written or loaded.
constexpr int32_t kVoiceFileFailed = 100000;
int32_t RunEspeakRequest(const EspeakRequest& request, std::vector<int16_t>& samples) {
  if (!request.voice_file.empty()) {
    // espeak-ng loads voice files by path only, and lowercases the path
    // first: a private temporary file under a lowercase name.
    std::string dir = "/tmp";
    if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
      dir = tmp;
      for (char c : dir)
        if (c >= 'A' && c <= 'Z') dir = "/tmp";
    }
    int fd = -1;
    std::string path;
    for (unsigned n = 0; fd < 0 && n < 100; ++n) {
      path = dir + "/tinyml-voice-" + std::to_string(getpid()) + "-" + std::to_string(n);
      fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    }
    if (fd < 0) return kVoiceFileFailed;
    const bool written = WriteAll(fd, request.voice_file.data(), request.voice_file.size());
    close(fd);
    const espeak_ERROR err = written ? espeak_SetVoiceByFile(path.c_str()) : EE_INTERNAL_ERROR;
    unlink(path.c_str());
    if (err != EE_OK) return kVoiceFileFailed;
  } else if (espeak_SetVoiceByName(request.voice_id.c_str()) != EE_OK) {
    return -1;
  }
  for (const auto& [param, value] : request.settings) {
    if (espeak_SetParameter(param, value, 0) != EE_OK) return -2 - static_cast<int32_t>(param);
  }
  const espeak_ERROR err = espeak_Synth(request.input.c_str(), request.input.size() + 1, 0, POS_CHARACTER, 0,
                                        request.flags, nullptr, &samples);
  return err == EE_OK ? 0 : 1000 + err;
}

std::vector<int16_t> SynthesizeInChild(const EspeakRequest& request, const std::string& voice_name) {
  int fds[2];
  if (pipe(fds) != 0) throw TtsError(std::string("espeak-ng: pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw TtsError(std::string("espeak-ng: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    std::vector<int16_t> samples;
    const int32_t status = RunEspeakRequest(request, samples);
    bool ok = WriteAll(fds[1], &status, sizeof(status));
    ok = ok && WriteAll(fds[1], samples.data(), samples.size() * sizeof(int16_t));
    close(fds[1]);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  std::vector<char> bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      bytes.insert(bytes.end(), buffer, buffer + n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || bytes.size() < sizeof(int32_t)) {
    throw TtsError("espeak-ng: synthesis process failed");
  }
  int32_t status = 0;
  std::memcpy(&status, bytes.data(), sizeof(status));
  if (status == -1) throw TtsError("espeak-ng: unknown voice '" + voice_name + "'");
  if (status == kVoiceFileFailed) throw TtsError("espeak-ng: could not load a speaker's voice file for '" + voice_name + "'");
  if (status < -1) {
    throw TtsError("espeak-ng: could not set parameter " + std::to_string(-2 - status) + " for voice '" + voice_name +
                   "'");
  }
  if (status != 0) throw TtsError("espeak-ng: synthesis failed (error " + std::to_string(status - 1000) + ")");
  std::vector<int16_t> samples((bytes.size() - sizeof(status)) / sizeof(int16_t));
  std::memcpy(samples.data(), bytes.data() + sizeof(status), samples.size() * sizeof(int16_t));
  return samples;
}

// The text of the language voice file behind `voice_id` ("gmw/en-GB-scotland",
// a "+variant" ignored), from espeak-ng's data directory; read once per
// language. Called with the engine lock held.
const std::string& EspeakLanguageFileLocked(const std::string& voice_id) {
  static std::map<std::string, std::string> files;
  const std::string id = voice_id.substr(0, voice_id.find('+'));
  auto it = files.find(id);
  if (it != files.end()) return it->second;
  const char* data = nullptr;
  espeak_Info(&data);
  const std::string path = std::string(data != nullptr ? data : "") + "/lang/" + id;
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("language") == std::string::npos) throw TtsError("espeak-ng: cannot read the voice file " + path);
  return files.emplace(id, text).first->second;
}

std::vector<int16_t> SynthesizeEspeak(const std::string& text, const std::string& voice, const SynthesisParams& p) {
  auto lock = internal::LockEspeak();
  EspeakRequest request;
  request.voice_id = EspeakVoiceIdLocked(voice);
  if (!p.espeak_speaker.empty()) {
    request.voice_file = EspeakLanguageFileLocked(request.voice_id) + "\n" + p.espeak_speaker + "\n";
  }
  const int wpm = std::clamp(static_cast<int>(std::lround(espeakRATE_NORMAL * p.rate)), espeakRATE_MINIMUM,
                             espeakRATE_MAXIMUM);
  request.settings = {
      {espeakRATE, wpm},
      {espeakPITCH, std::clamp(p.pitch, 0, 100)},
      {espeakRANGE, std::clamp(p.pitch_range, 0, 100)},
      {espeakWORDGAP, std::clamp(p.word_gap, 0, 100)},
      {espeakVOLUME, std::clamp(p.volume, 0, 200)},
  };
  request.input = text;
  request.flags = espeakCHARS_UTF8;
  if (p.emphasis > 0) {
    request.input = std::string("<speak><emphasis level=\"") + (p.emphasis >= 2 ? "strong" : "moderate") + "\">" +
                    text + "</emphasis></speak>";
    request.flags |= espeakSSML;
  }
  std::srand(p.seed);
  std::vector<int16_t> samples = SynthesizeInChild(request, voice);
  const int rate = espeak_rate;
  lock.unlock();
  return ToTargetRate(samples, rate);
}

std::vector<int16_t> SynthesizeFlite(const std::string& text, const std::string& voice, const SynthesisParams& p) {
  std::unique_lock<std::mutex> lock(EngineMutex());
  InitFlite();
  const auto it = FliteVoiceTable().find(voice);
  if (it == FliteVoiceTable().end()) throw TtsError("flite: unknown voice '" + voice + "'");
  cst_voice* v = it->second.voice;
  const float rate = std::clamp(p.rate, 0.25f, 4.0f);
  const float pitch_scale = static_cast<float>(std::clamp(p.pitch, 1, 100)) / 50.0f;
  // Voice features persist between calls, so every call sets all of them.
  feat_set_float(v->features, "duration_stretch", 1.0f / rate);
  feat_set_float(v->features, "int_f0_target_mean", it->second.base_f0 * pitch_scale);
  feat_set_float(v->features, "f0_shift", pitch_scale);  // clustergen voices read this one
  if (cst_cg_db* db = it->second.cg_db.get(); db != nullptr) {
    db->mlsa_alpha = std::clamp(it->second.base_alpha + p.flite_alpha_shift, 0.2f, 0.65f);
    db->mlsa_beta = std::clamp(it->second.base_beta + p.flite_beta_shift, 0.0f, 0.9f);
  }
  std::srand(p.seed);
  cst_wave* wave = flite_text_to_wave(text.c_str(), v);
  if (wave == nullptr) throw TtsError("flite: synthesis failed for '" + text + "'");
  std::vector<int16_t> samples;
  const int channels = std::max(1, wave->num_channels);
  samples.reserve(static_cast<size_t>(wave->num_samples));
  for (int i = 0; i < wave->num_samples; ++i) {
    int32_t sum = 0;
    for (int c = 0; c < channels; ++c) sum += wave->samples[i * channels + c];
    samples.push_back(static_cast<int16_t>(sum / channels));
  }
  const int sample_rate = wave->sample_rate;
  delete_wave(wave);
  lock.unlock();
  return ToTargetRate(samples, sample_rate);
}

}  // namespace

namespace internal {
std::unique_lock<std::mutex> LockEspeak() {
  std::unique_lock<std::mutex> lock(EngineMutex());
  InitEspeak();
  return lock;
}

std::string EspeakVoiceId(const std::string& name) { return EspeakVoiceIdLocked(name); }

std::string RunInEspeakChild(const std::function<std::string()>& work) {
  int fds[2];
  if (pipe(fds) != 0) throw TtsError(std::string("espeak-ng: pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw TtsError(std::string("espeak-ng: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    char status = 0;
    std::string payload;
    try {
      payload = work();
    } catch (const std::exception& e) {
      status = 1;
      payload = e.what();
    } catch (...) {
      status = 1;
      payload = "unknown error";
    }
    const bool ok = WriteAll(fds[1], &status, 1) && WriteAll(fds[1], payload.data(), payload.size());
    close(fds[1]);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      bytes.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || bytes.empty()) throw TtsError("espeak-ng: child process failed");
  if (bytes[0] != 0) throw TtsError(bytes.substr(1));
  return bytes.substr(1);
}
}  // namespace internal

const char* TtsEngineName(TtsEngine engine) { return engine == TtsEngine::kEspeak ? "espeak-ng" : "flite"; }

std::string VoiceLabel(const Voice& voice) { return std::string(TtsEngineName(voice.engine)) + " " + voice.name; }

void ValidateText(const std::string& text) {
  if (text.empty()) throw TtsError("text is empty");
  if (text.size() > kMaxTextChars) {
    throw TtsError("text is " + std::to_string(text.size()) + " bytes, more than " + std::to_string(kMaxTextChars));
  }
  bool has_letter = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    has_letter = has_letter || letter;
    if (letter || std::strchr("'- .,?!", c) != nullptr) continue;
    char shown[16];
    if (c >= 0x20 && c < 0x7f) {
      std::snprintf(shown, sizeof(shown), "'%c'", c);
    } else {
      std::snprintf(shown, sizeof(shown), "byte 0x%02x", c);
    }
    throw TtsError("text '" + text + "' has unknown character " + shown + " at offset " + std::to_string(i) +
                   " (allowed: letters a-z A-Z, apostrophe, hyphen, space, . , ? !)");
  }
  if (!has_letter) throw TtsError("text '" + text + "' has no letters");
}

std::vector<std::string> EspeakEnglishVoices() {
  auto lock = internal::LockEspeak();
  std::vector<std::string> names;
  const espeak_VOICE** voices = espeak_ListVoices(nullptr);
  for (int i = 0; voices != nullptr && voices[i] != nullptr; ++i) {
    // `languages` is a list of (priority byte, name) pairs; the first is enough.
    const char* lang = voices[i]->languages + 1;
    if (std::strncmp(lang, "en", 2) == 0 && (lang[2] == '\0' || lang[2] == '-')) names.emplace_back(lang);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> EspeakVariants() {
  auto lock = internal::LockEspeak();
  espeak_VOICE spec{};
  spec.languages = "variant";
  std::vector<std::string> names;
  const espeak_VOICE** voices = espeak_ListVoices(&spec);
  for (int i = 0; voices != nullptr && voices[i] != nullptr; ++i) {
    const char* id = voices[i]->identifier;
    const char* slash = std::strrchr(id, '/');
    names.emplace_back(slash != nullptr ? slash + 1 : id);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> FliteVoices() { return {"awb", "kal", "kal16", "rms", "slt"}; }

std::vector<Voice> AllVoices() {
  std::vector<Voice> all;
  for (const auto& name : EspeakEnglishVoices()) all.push_back({TtsEngine::kEspeak, name});
  for (const auto& name : FliteVoices()) all.push_back({TtsEngine::kFlite, name});
  return all;
}

std::vector<int16_t> Synthesize(const std::string& text, const Voice& voice, const SynthesisParams& params) {
  ValidateText(text);
  if (voice.name.empty()) throw TtsError(std::string(TtsEngineName(voice.engine)) + ": empty voice name");
  std::vector<int16_t> samples = voice.engine == TtsEngine::kEspeak ? SynthesizeEspeak(text, voice.name, params)
                                                                    : SynthesizeFlite(text, voice.name, params);
  if (samples.empty()) throw TtsError(std::string(TtsEngineName(voice.engine)) + ": no audio for '" + text + "'");
  return samples;
}

}  // namespace tinyml::train
