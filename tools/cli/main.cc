// The `tinyml` command: inspect, run and benchmark .tflite models; audio
// features and keyword detection from files, stdin or the microphone.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

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

int Main(int argc, char** argv) {
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
      "  arecord -f S16_LE -r 16000 -c 1 -t raw | tinyml listen - --model M --labels A,B,C\n"
      "Run 'tinyml COMMAND --help' for a command's options.");

  Action action;
  AddInspectCommand(app, &action);
  AddRunCommand(app, &action);
  AddBenchCommand(app, &action);
  AddFeaturesCommand(app, &action);
  AddDetectCommand(app, &action);
  AddListenCommand(app, &action);

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
