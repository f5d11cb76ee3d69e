// The `tinyml` command: inspect, run and benchmark .tflite models; audio
// features and keyword detection from files, stdin or the microphone.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <unistd.h>
#include <vector>

#include <filesystem>

#include "cli/cli_common.h"
#include "common/model_file.h"

#ifndef TINYML_VERSION
#define TINYML_VERSION "0.1.0"
#endif

namespace tinyml::cli {
namespace {

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void PrintError(const std::string& message) { std::fprintf(stderr, "tinyml: error: %s\n", OneLine(message).c_str()); }

// `tinyml train ...` runs the trainer, a separate program (it links
// libtorch, which the rest of the command does not need): tinyml-train next
// to this executable, or $TINYML_TRAIN.
int ExecTrainer(int argc, char** argv) {
  std::string trainer;
  if (const char* env = std::getenv("TINYML_TRAIN"); env != nullptr && *env != '\0') {
    trainer = env;
  } else {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    trainer = ((ec ? std::filesystem::path(argv[0]) : self).parent_path() / "tinyml-train").string();
  }
  std::vector<char*> args;
  std::string name = "tinyml train";
  args.push_back(name.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(trainer.c_str(), args.data());
  PrintError("cannot run the trainer " + trainer + ": " + std::strerror(errno) +
             " (build the tinyml-train target, or set TINYML_TRAIN)");
  return kExitFailure;
}

int Main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "train") return ExecTrainer(argc, argv);
  CLI::App app("tinyml: run standard .tflite models the way TFLite Micro does, on tiny devices and here.", "tinyml");
  app.set_version_flag("--version", std::string("tinyml ") + TINYML_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  tinyml inspect model.tflite              ops, tensors, MACs, memory plan, arena bytes\n"
      "  tinyml inspect model.tflite --json       the same as JSON\n"
      "  tinyml run model.tflite --input in.bin --output out.bin\n"
      "  tinyml bench model.tflite --iterations 200\n"
      "  tinyml features yes.wav --frontend micro_speech --output yes.bin\n"
      "  tinyml detect talk.wav --model micro_speech_quantized.tflite --labels silence,unknown,yes,no\n"
      "  tinyml detect talk.wav                   the bundled wake-word model (marvin)\n"
      "  arecord -f S16_LE -r 16000 -c 1 -t raw | tinyml listen -\n"
      "  tinyml train --word marvin --out out/    train a wake word from text (see 'tinyml train --help')\n"
      "  tinyml eval out/marvin.tflite --det det.svg\n"
      "  tinyml synth talk.wav --text \"Hey marvin, lights on.\"   test audio from synthetic voices\n"
      "  tinyml embed out/marvin.tflite            the model as a C++ header for a firmware's flash\n"
      "Run 'tinyml COMMAND --help' for a command's options.");

  Action action;
  AddInspectCommand(app, &action);
  AddRunCommand(app, &action);
  AddBenchCommand(app, &action);
  AddFeaturesCommand(app, &action);
  AddDetectCommand(app, &action);
  AddListenCommand(app, &action);
  AddEvalCommand(app, &action);
  AddSynthCommand(app, &action);
  AddEmbedCommand(app, &action);
  // Listed for --help; `tinyml train` itself is dispatched before parsing.
  app.add_subcommand("train",
                     "Train a wake-word model from a typed word (speech synthesis, augmentation, libtorch, "
                     "quantization-aware training, .tflite export, evaluation); 'tinyml train --help'.")
      ->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string hint = " (see 'tinyml --help')";
    for (const CLI::App* sub : app.get_subcommands()) hint = " (see 'tinyml " + sub->get_name() + " --help')";
    PrintError(std::string(e.what()) + hint);
    return kExitUsage;
  }
  if (!action) {
    PrintError("no command given (see 'tinyml --help')");
    return kExitUsage;
  }
  try {
    return action();
  } catch (const UsageError& e) {
    PrintError(e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    PrintError(e.what());
    return kExitFailure;
  }
}

}  // namespace
}  // namespace tinyml::cli

int main(int argc, char** argv) { return tinyml::cli::Main(argc, argv); }
