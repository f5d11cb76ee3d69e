// tinyml embed MODEL [--out FILE.h] [--name NAME]
//
// Writes a model as a C++17 header for a firmware: the bytes as an aligned
// `inline constexpr` array (read-only data, so it stays in flash and
// Model::Load reads it in place) and its size. The model must load; its
// arena bytes and wake-word metadata, when it has them, go into the header's
// comment so the firmware author sees what to reserve.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/cli_common.h"
#include "common/inspect.h"
#include "common/kws_metadata.h"
#include "common/model_file.h"

namespace tinyml::cli {
namespace {

struct EmbedArgs {
  std::string model;
  std::string out;
  std::string name;
};

bool IsIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// "models/marvin.tflite" -> "marvin_model"; other characters become '_'.
std::string DefaultName(const std::string& model_path) {
  std::string stem = std::filesystem::path(model_path).stem().string();
  for (char& c : stem)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
  if (stem.empty() || std::isdigit(static_cast<unsigned char>(stem[0]))) stem = "m" + stem;
  return stem + "_model";
}

// The header's text; `model_file` and `header_file` are file names only, so
// the same model gives the same header wherever it is written from.
std::string HeaderText(const tools::ModelFile& file, const std::string& name, const std::string& model_file,
                       const std::string& header_file) {
  const nlohmann::json report = tools::InspectModel(file.model(), AllOpsResolver(), file.path());
  const size_t size = file.file_bytes();
  std::string guard;
  for (char c : header_file) guard += std::isalnum(static_cast<unsigned char>(c)) ? std::toupper(c) : '_';
  guard += "_";

  std::string t;
  t += "// " + header_file + ": " + model_file + " (" + tools::Thousands(static_cast<int64_t>(size)) + " bytes) for a firmware's flash.\n";
  t += "// Written by `tinyml embed`; regenerate it rather than edit it.\n";
  if (report["ok"].get<bool>() && !report["memory"].is_null()) {
    t += "// Tensor arena: " + tools::Thousands(report["memory"]["arena_bytes"].get<int64_t>()) +
         " bytes with the reference kernels (`tinyml inspect`; the Cortex-M kernels'\n"
         "// figure: `tinyml bench MODEL --target cortex-m4 --kernels cortex_m`).\n";
  } else {
    t += "// tinyml cannot prepare this model here: " + report.value("error", std::string("unknown reason")) + "\n";
  }
  const auto meta = tools::ParseKwsMetadata(tools::ReadModelDescription(file.file_data(), size));
  if (meta) {
    std::string labels;
    for (const auto& l : meta->labels) labels += (labels.empty() ? "" : ",") + l;
    char threshold[32];
    std::snprintf(threshold, sizeof(threshold), "%.4g", meta->threshold);
    t += "// Wake word \"" + meta->word + "\": labels " + labels + ", threshold " + threshold + ", frontend " +
         meta->frontend + "\n// (tinyml-kws metadata, which ReadKwsMetadata reads on the device).\n";
  }
  t += "#ifndef " + guard + "\n#define " + guard + "\n\n#include <cstddef>\n\n";
  t += "alignas(16) inline constexpr unsigned char " + name + "[" + std::to_string(size) + "] = {\n";
  static const char kHex[] = "0123456789abcdef";
  const uint8_t* bytes = file.file_data();
  for (size_t i = 0; i < size; i += 16) {
    t += " ";
    for (size_t j = i; j < size && j < i + 16; ++j) {
      t += " 0x";
      t += kHex[bytes[j] >> 4];
      t += kHex[bytes[j] & 15];
      t += ',';
    }
    t += '\n';
  }
  t += "};\ninline constexpr std::size_t " + name + "_size = " + std::to_string(size) + ";\n\n#endif  // " + guard +
       "\n";
  return t;
}

int RunEmbed(const EmbedArgs& args) {
  const std::string name = args.name.empty() ? DefaultName(args.model) : args.name;
  if (!IsIdentifier(name)) {
    throw UsageError("--name " + name + ": not a C identifier (letters, digits, '_'; not starting with a digit)");
  }
  const std::string out = args.out.empty() ? name + ".h" : args.out;
  const auto file = tools::ModelFile::Load(args.model);
  const std::string text =
      HeaderText(*file, name, std::filesystem::path(args.model).filename().string(),
                 std::filesystem::path(out).filename().string());
  tools::WriteFileAtomic(out, text.data(), text.size());
  std::cout << out << ": " << name << "[" << file->file_bytes() << "] from " << args.model << "\n";
  return kExitOk;
}

}  // namespace

void AddEmbedCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<EmbedArgs>();
  CLI::App* sub = app.add_subcommand(
      "embed", "Write a model as a C++ header for a firmware: an aligned constant array that stays in flash.");
  sub->add_option("model", args->model, ".tflite model file (it must load)")->required()->type_name("MODEL");
  sub->add_option("--out,-o", args->out, "header to write, atomically (default NAME.h here)")->type_name("FILE.h");
  sub->add_option("--name", args->name,
                  "the array's name; NAME_size is its size (default: the file's name + _model, e.g. marvin_model)")
      ->type_name("NAME");
  sub->footer(
      "Examples:\n"
      "  tinyml embed models/marvin.tflite                 writes marvin_model.h\n"
      "  tinyml embed out/marvin/marvin.tflite -o src/wake_model.h --name g_wake_model\n"
      "In the firmware (C++17):\n"
      "  #include \"marvin_model.h\"\n"
      "  tinyml::Model model;\n"
      "  model.Load(marvin_model, marvin_model_size);   // checked, then read in place: no copy");
  sub->callback([action, args] { *action = [args] { return RunEmbed(*args); }; });
}

}  // namespace tinyml::cli
