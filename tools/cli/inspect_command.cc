// tinyml inspect MODEL [--json]
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/cli_common.h"
#include "common/inspect.h"
#include "common/model_file.h"

namespace tinyml::cli {
namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
};

int RunInspect(const InspectArgs& args) {
  const auto file = tools::ModelFile::Load(args.model);
  const nlohmann::json report = tools::InspectModel(file->model(), AllOpsResolver(), args.model);
  if (args.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << tools::FormatInspectReport(report);
  }
  std::cout.flush();
  // The structure is printed either way; an unpreparable model still fails.
  if (!report["ok"].get<bool>()) throw tools::FileError(args.model, report["error"].get<std::string>());
  return kExitOk;
}

}  // namespace

void AddInspectCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub =
      app.add_subcommand("inspect",
                         "Show a model's inputs/outputs, ops (with MACs), tensors (with quantization), memory plan and "
                         "the exact arena bytes it needs.");
  sub->add_option("model", args->model, ".tflite model file")->required()->type_name("MODEL");
  sub->add_flag("--json", args->json, "print a JSON report (stable keys) instead of tables");
  sub->footer(
      "Examples:\n"
      "  tinyml inspect model.tflite\n"
      "  tinyml inspect model.tflite --json | jq .memory.arena_bytes\n"
      "Exits 1 (after printing the structure) if the model cannot be prepared, e.g. an unsupported op.");
  sub->callback([action, args] { *action = [args] { return RunInspect(*args); }; });
}

}  // namespace tinyml::cli
