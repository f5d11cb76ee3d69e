// tinyml listen [-] [--model M --labels A,B,C] [...]: detections live, from
// the default microphone (ALSA) or from raw 16 kHz s16le mono PCM on stdin.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "cli/kws_session.h"
#include "common/audio.h"

namespace tinyml::cli {
namespace {

struct ListenArgs {
  std::string source;  // "" = microphone, "-" = stdin
  std::string device = "default";
  KwsOptions kws;
};

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

// The status line: input level (dBFS of the last chunk's RMS) and the
// label with the highest smoothed score.
class StatusLine {
 public:
  explicit StatusLine(bool enabled) : enabled_(enabled) {}
  ~StatusLine() { Clear(); }

  void Show(const int16_t* samples, size_t count, const KwsSession& session, KwsPipeline& pipeline) {
    if (!enabled_ || count == 0) return;
    double sum = 0.0;
    for (size_t i = 0; i < count; ++i) sum += static_cast<double>(samples[i]) * samples[i];
    const double rms = std::sqrt(sum / count) / 32768.0;
    const double db = rms > 1e-6 ? 20.0 * std::log10(rms) : -120.0;
    const int bars = std::clamp(static_cast<int>((db + 60.0) / 3.0), 0, 20);
    const Detector& detector = pipeline.detector();
    std::string top = "-";
    double top_score = 0.0;
    if (detector.invokes() > 0) {
      const int32_t* s = detector.smoothed_scores();
      int32_t best = 0;
      for (int32_t i = 1; i < detector.config().num_labels; ++i)
        if (s[i] > s[best]) best = i;
      top = session.labels()[best];
      top_score = static_cast<double>(s[best]) / kScoreOne;
    }
    std::fprintf(stderr, "\r\033[K[%-20s] %6.1f dBFS  top: %s %.2f", std::string(bars, '#').c_str(), db, top.c_str(),
                 top_score);
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

int RunListen(const ListenArgs& args) {
  if (!args.source.empty() && args.source != "-") {
    throw UsageError("listen reads the microphone, or stdin with '-'; for a file use 'tinyml detect " + args.source +
                     "'");
  }
  KwsSession session(args.kws);
  const bool from_stdin = args.source == "-";
  std::unique_ptr<tools::Microphone> mic;
  if (!from_stdin) mic = std::make_unique<tools::Microphone>(args.device);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  StatusLine status(isatty(STDERR_FILENO) != 0);
  if (isatty(STDERR_FILENO)) {
    std::fprintf(stderr, "listening (%s, frontend %s; Ctrl-C stops)\n",
                 from_stdin ? "stdin, 16 kHz s16le mono" : ("microphone '" + args.device + "'").c_str(),
                 session.frontend_name().c_str());
  }
  if (!args.kws.json) {
    std::cout << KwsSession::TableHeader() << "\n" << std::flush;
  }
  // 20 ms chunks keep the latency to one frame hop.
  constexpr size_t kChunk = 320;
  std::vector<int16_t> chunk(kChunk);
  while (!g_stop) {
    size_t got = kChunk;
    if (from_stdin) {
      got = tools::ReadPcm16(STDIN_FILENO, "stdin", chunk.data(), kChunk);
      if (got == 0) break;  // EOF
    } else {
      mic->Read(chunk.data(), kChunk);
    }
    session.Push(chunk.data(), got, [&](const Detection& d) {
      status.Clear();
      std::cout << session.Format(d, args.kws.json) << "\n" << std::flush;
    });
    status.Show(chunk.data(), got, session, session.pipeline());
    if (from_stdin && got < kChunk) break;  // EOF mid-chunk
  }
  status.Clear();
  return kExitOk;
}

}  // namespace

void AddListenCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<ListenArgs>();
  CLI::App* sub = app.add_subcommand(
      "listen", "Detect keywords live: from the default microphone, or from raw 16 kHz s16le mono PCM on stdin ('-').");
  sub->add_option("source", args->source, "'-' reads raw PCM from stdin; omitted: the microphone")->type_name("-");
  sub->add_option("--device", args->device, "ALSA capture device")->type_name("NAME")->capture_default_str();
  AddKwsOptions(sub, &args->kws);
  sub->footer(
      "Examples:\n"
      "  tinyml listen --model micro_speech_quantized.tflite --labels silence,unknown,yes,no\n"
      "  arecord -f S16_LE -r 16000 -c 1 -t raw | tinyml listen - --model micro_speech_quantized.tflite \\\n"
      "      --labels silence,unknown,yes,no --json\n"
      "Detections go to stdout as they happen; on a terminal, stderr shows a live level meter and the top score.");
  sub->callback([action, args] { *action = [args] { return RunListen(*args); }; });
}

}  // namespace tinyml::cli
