// Cost of the streaming frontends per 20 ms hop (320 samples at 16 kHz):
// one Push of a hop into a primed frontend produces one frame. Reported as
// time per iteration (= per hop) and as items (hops) per second; the
// real-time factor is 20 ms divided by the time per hop.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tinyml/frontend.h"

namespace {

std::vector<int16_t> Speechlike(size_t n) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 400.0);
  std::vector<int16_t> s(n);
  for (size_t i = 0; i < n; ++i) {
    const double t = i / 16000.0;
    const double v = 6000 * std::sin(2 * M_PI * 220 * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * t)) +
                     2500 * std::sin(2 * M_PI * 1700 * t) + noise(rng);
    s[i] = static_cast<int16_t>(std::lround(v));
  }
  return s;
}

void RunHops(benchmark::State& state, tinyml::FrontendConfig config) {
  size_t bytes = 0;
  if (tinyml::Frontend::RequiredBytes(config, &bytes) != tinyml::Status::kOk) {
    state.SkipWithError("bad config");
    return;
  }
  std::vector<uint64_t> memory((bytes + 7) / 8);
  tinyml::Frontend frontend;
  if (frontend.Init(config, memory.data(), bytes) != tinyml::Status::kOk) {
    state.SkipWithError(frontend.error());
    return;
  }
  const std::vector<int16_t> audio = Speechlike(16000 * 4);
  std::vector<uint8_t> frame(frontend.frame_bytes() * 4);
  size_t written = 0;
  // Prime: the first frame needs a whole window.
  (void)frontend.Push(audio.data(), 160, frame.data(), 4, &written);
  size_t offset = 160;
  const size_t hop = static_cast<size_t>(config.hop_samples);
  for (auto _ : state) {
    if (offset + hop > audio.size()) offset = 160;
    (void)frontend.Push(audio.data() + offset, hop, frame.data(), 4, &written);
    benchmark::DoNotOptimize(frame.data());
    offset += hop;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(frontend.frame_bytes());
  state.counters["memory_bytes"] = static_cast<double>(bytes);
}

void BM_MicroSpeechLogMelPerHop(benchmark::State& state) { RunHops(state, tinyml::FrontendConfig::MicroSpeech()); }
void BM_MlperfMfccPerHop(benchmark::State& state) { RunHops(state, tinyml::FrontendConfig::MlperfKws()); }

BENCHMARK(BM_MicroSpeechLogMelPerHop);
BENCHMARK(BM_MlperfMfccPerHop);

}  // namespace
