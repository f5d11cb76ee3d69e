// Pieces shared by the `tinyml` subcommands.
#ifndef TINYML_TOOLS_CLI_CLI_COMMON_H_
#define TINYML_TOOLS_CLI_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>

#include "tinyml/op_resolver.h"

namespace tinyml::cli {

// Exit codes of the command.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the model, a file or the run failed
constexpr int kExitUsage = 2;    // the command line was wrong

// A command-line problem found after parsing (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a subcommand does once its arguments are parsed; returns the exit code.
using Action = std::function<int()>;

// The resolver with every builtin op tinyml implements.
const OpResolver& AllOpsResolver();

// Each adds its subcommand to `app`; when that subcommand is selected, the
// parse sets `*action`.
void AddInspectCommand(CLI::App& app, Action* action);
void AddRunCommand(CLI::App& app, Action* action);
void AddBenchCommand(CLI::App& app, Action* action);
void AddFeaturesCommand(CLI::App& app, Action* action);
void AddDetectCommand(CLI::App& app, Action* action);
void AddListenCommand(CLI::App& app, Action* action);
void AddEvalCommand(CLI::App& app, Action* action);
void AddSynthCommand(CLI::App& app, Action* action);
void AddEmbedCommand(CLI::App& app, Action* action);

}  // namespace tinyml::cli

#endif  // TINYML_TOOLS_CLI_CLI_COMMON_H_
