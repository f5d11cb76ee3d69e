// tinyml bench MODEL --target cortex-m4|m7|m33|m55 [--kernels ref|cortex_m] [--json]
// tinyml bench --pipeline micro_speech --target cortex-mN [--kernels ...] [--json]
//
// 1. Builds the target's preset (build/cortex-mN) if needed: bench firmware,
//    -Os size libraries, and the QEMU plugin.
// 2. Runs the bench firmware in qemu-system-arm with the plugin: the model
//    goes in by semihosting; one warm-up invoke, then one invoke between the
//    BenchBegin/BenchEnd markers is counted (minus an empty marker pair).
//    The firmware prints the exact arena and the stack high-water marks.
// 3. Links a size probe: a firmware with only this model's ops, the model
//    in flash (.incbin), -Os (the optimized kernels keep the firmware's
//    per-file flags), no stdio, and splits its flash by the linker
//    map into runtime, kernels, model data and startup/libc (link-time
//    optimized: by who defines each section's symbol, cli/flash_split.h).
// 4. Estimates Cortex-M4 cycles from the instruction mix (labelled an
//    estimate: QEMU has no timing model).
// --kernels cortex_m uses build/cortex-mN-opt (TINYML_KERNELS=cortex_m) and
// the optimized registrations in the size probe. --pipeline runs the
// wake-word example firmware (examples/wake_word_m4) with --measure on a
// clip built from ../shared and reports instructions per 20 ms hop.
#include "cli/bench_cortex_m.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "cli/flash_split.h"
#include "common/audio.h"
#include "common/inspect.h"
#include "common/model_file.h"
#include "tinyml/builtin_ops.h"

#ifndef TINYML_SOURCE_DIR
#define TINYML_SOURCE_DIR "."
#endif

namespace tinyml::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kQemuTimeoutSeconds = 600;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command, capturing stdout and stderr together.
int RunCommand(const std::string& command, std::string* output) {
  output->clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output->append(buffer.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string LastLines(const std::string& text, int lines) {
  size_t pos = text.size();
  for (int i = 0; i < lines && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return json::parse(in);
}

// The preset's build directory, configured and built up to date:
// build/<target> for the reference kernels, build/<target>-opt for
// TINYML_KERNELS=cortex_m.
fs::path EnsureBuilt(const std::string& target, const std::string& kernels) {
  const std::string preset = target;  // presets are named like the targets
  const bool optimized = kernels == "cortex_m";
  const std::string dir_name = optimized ? preset + "-opt" : preset;
  const fs::path source = TINYML_SOURCE_DIR;
  fs::path build = source / "build" / dir_name;
  if (const char* env = std::getenv("TINYML_CORTEX_M_BUILD_ROOT")) build = fs::path(env) / dir_name;
  std::string log;
  if (!fs::exists(build / "tinyml_bench_info.json")) {
    std::cerr << "tinyml: configuring " << build.string() << " (preset " << preset << ", " << kernels
              << " kernels)\n";
    const bool custom_dir = optimized || std::getenv("TINYML_CORTEX_M_BUILD_ROOT") != nullptr;
    const std::string configure = "cmake -S " + Quote(source.string()) + " --preset " + preset +
                                  (custom_dir ? " -B " + Quote(build.string()) : "") +
                                  (optimized ? " -DTINYML_KERNELS=cortex_m" : "");
    if (RunCommand(configure, &log) != 0)
      throw std::runtime_error("configuring preset " + preset + " failed (is gcc-arm-none-eabi installed? run " +
                               "scripts/install-deps.sh): " + LastLines(log, 5));
  }
  if (RunCommand("cmake --build " + Quote(build.string()) + " --target tinyml_bench_all -j2", &log) != 0)
    throw std::runtime_error("building the " + preset + " bench firmware failed: " + LastLines(log, 8));
  const json info = ReadJson(build / "tinyml_bench_info.json");
  if (info.value("kernels", std::string()) != kernels)
    throw std::runtime_error(build.string() + " is configured with TINYML_KERNELS=" +
                             info.value("kernels", std::string("?")) + ", not " + kernels);
  return build;
}

std::string SymbolAddress(const json& info, const std::string& elf, const std::string& symbol) {
  std::string out;
  if (RunCommand(Quote(info["nm"]) + " " + Quote(elf), &out) != 0) throw std::runtime_error("nm failed on " + elf);
  std::istringstream lines(out);
  std::string address, kind, name;
  while (lines >> address >> kind >> name)
    if (name == symbol) return "0x" + address;
  throw std::runtime_error(elf + " has no symbol " + symbol);
}

struct MixEntry {
  std::string mnemonic;
  uint64_t executed = 0, taken = 0, registers = 0;
};

struct CountRun {
  std::map<std::string, int64_t> values;        // "bench <key> <value>" lines
  std::vector<uint64_t> regions;                // region instruction counts
  std::map<int, std::vector<MixEntry>> mixes;   // per region
  std::string error;
  std::string log;
};

CountRun RunCounted(const json& info, const std::string& arguments, const std::string& elf_in = "") {
  const std::string elf = elf_in.empty() ? std::string(info["bench_elf"]) : elf_in;
  const std::string plugin = info["plugin"];
  if (!fs::exists(plugin))
    throw std::runtime_error("QEMU plugin " + plugin + " missing: run scripts/install-deps.sh (fetches qemu-plugin.h)");
  const std::string begin = SymbolAddress(info, elf, "BenchBegin");
  const std::string end = SymbolAddress(info, elf, "BenchEnd");
  const std::string command = "timeout " + std::to_string(kQemuTimeoutSeconds) + " " + Quote(info["qemu"]) + " -M " +
                              std::string(info["machine"]) +
                              " -nographic -monitor none -serial none -semihosting-config enable=on,target=native" +
                               " -kernel " + Quote(elf) + " -append " + Quote(arguments) + " -plugin " +
                              Quote(plugin + ",begin=" + begin + ",end=" + end + ",hist=on");
  CountRun run;
  const int status = RunCommand(command, &run.log);
  std::istringstream lines(run.log);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string head;
    words >> head;
    if (head == "bench" || head == "measure") {
      std::string key, value;
      words >> key;
      std::getline(words, value);
      if (key == "error") run.error = value;
      else if (key == "kernels") continue;
      else run.values[key] = std::stoll(value);
    } else if (head == "region") {
      int index;
      std::string insns;
      uint64_t count;
      if (words >> index >> insns >> count) run.regions.push_back(count);
    } else if (head == "error:") {
      std::string rest;
      std::getline(words, rest);
      run.error = rest;
    } else if (head == "hist") {
      int index;
      MixEntry e;
      std::string taken, regs;
      if (words >> index >> e.mnemonic >> e.executed >> taken >> e.taken >> regs >> e.registers)
        run.mixes[index].push_back(e);
    }
  }
  if (status != 0 && run.error.empty())
    run.error = "the bench firmware exited with status " + std::to_string(status) + ": " + LastLines(run.log, 4);
  return run;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Approximate Cortex-M4 cost of one mnemonic, zero-wait-state memory
// (method in ../shared/docs/cortex-m.md section 6): single-cycle ALU and
// MAC ops, 2 for loads (an upper bound: back-to-back loads pipeline),
// 1 + N for N-register transfers, divides 2-12 (taken as 7), VDIV/VSQRT 14,
// VMLA-family 3, IT folded, and 2 more for every taken branch (refill).
uint64_t EstimateM4Cycles(const MixEntry& e) {
  const std::string& m = e.mnemonic;
  uint64_t cycles;
  if (m == "it" || StartsWith(m, "it")) {
    cycles = m.size() <= 4 && m.find_first_not_of("ite") == std::string::npos ? 0 : e.executed;
  } else if (StartsWith(m, "push") || StartsWith(m, "pop") || StartsWith(m, "ldm") || StartsWith(m, "stm") ||
             StartsWith(m, "vpush") || StartsWith(m, "vpop") || StartsWith(m, "vldm") || StartsWith(m, "vstm")) {
    cycles = e.executed + e.registers;
  } else if (StartsWith(m, "ldr") || StartsWith(m, "vldr")) {
    cycles = 2 * e.executed;
  } else if (m == "sdiv" || m == "udiv") {
    cycles = 7 * e.executed;
  } else if (StartsWith(m, "vdiv") || StartsWith(m, "vsqrt")) {
    cycles = 14 * e.executed;
  } else if (StartsWith(m, "vmla") || StartsWith(m, "vmls") || StartsWith(m, "vfma") || StartsWith(m, "vfms") ||
             StartsWith(m, "vnmla") || StartsWith(m, "vnmls") || StartsWith(m, "vfnma") || StartsWith(m, "vfnms")) {
    cycles = 3 * e.executed;
  } else {
    cycles = e.executed;
  }
  return cycles + 2 * e.taken;
}

uint64_t EstimateRegion(const std::vector<MixEntry>& mix) {
  uint64_t total = 0;
  for (const MixEntry& e : mix) total += EstimateM4Cycles(e);
  return total;
}

// Registration function names of the Signal custom ops (signal_ops.h).
const std::map<std::string, std::string>& SignalRegistrations() {
  static const std::map<std::string, std::string> names = {
      {"SignalWindow", "Register_SIGNAL_WINDOW"},
      {"SignalFftAutoScale", "Register_SIGNAL_FFT_AUTO_SCALE"},
      {"SignalRfft", "Register_SIGNAL_RFFT"},
      {"SignalEnergy", "Register_SIGNAL_ENERGY"},
      {"SignalFilterBank", "Register_SIGNAL_FILTER_BANK"},
      {"SignalFilterBankSquareRoot", "Register_SIGNAL_FILTER_BANK_SQUARE_ROOT"},
      {"SignalFilterBankSpectralSubtraction", "Register_SIGNAL_FILTER_BANK_SPECTRAL_SUBTRACTION"},
      {"SignalPCAN", "Register_SIGNAL_PCAN"},
      {"SignalFilterBankLog", "Register_SIGNAL_FILTER_BANK_LOG"},
  };
  return names;
}

// Ops with an optimized registration in tinyml/cortex_m_ops.h.
const std::map<std::string, std::string>& CortexMRegistrations() {
  static const std::map<std::string, std::string> names = {
      {"CONV_2D", "Register_CONV_2D_CORTEX_M"},
      {"DEPTHWISE_CONV_2D", "Register_DEPTHWISE_CONV_2D_CORTEX_M"},
      {"FULLY_CONNECTED", "Register_FULLY_CONNECTED_CORTEX_M"},
      {"AVERAGE_POOL_2D", "Register_AVERAGE_POOL_2D_CORTEX_M"},
      {"MAX_POOL_2D", "Register_MAX_POOL_2D_CORTEX_M"},
  };
  return names;
}

// Ops with an int8-only reference registration (tinyml/builtin_ops.h).
const std::set<std::string>& Int8Registrations() {
  static const std::set<std::string> names = {"AVERAGE_POOL_2D", "CONV_2D",     "DEPTHWISE_CONV_2D",
                                              "FULLY_CONNECTED", "MAX_POOL_2D", "SOFTMAX"};
  return names;
}

bool HeaderDeclares(const fs::path& header, const std::string& name) {
  std::ifstream in(header);
  std::stringstream text;
  text << in.rdbuf();
  return text.str().find(" " + name + "()") != std::string::npos;
}

// The registration a product firmware for this model would use for builtin
// `name`: when every use of the op is int8 (input 0 int8; for SOFTMAX also
// the output), the int8-only one (like TFLM's Register_X_INT8), so no float
// or int16 code is linked; the optimized one when `optimized`
// (Register_X_CORTEX_M_INT8 when cortex_m_ops.h declares it).
std::string ProbeRegistration(const std::string& name, bool all_int8, bool optimized, const fs::path& include_dir) {
  const auto fast = CortexMRegistrations().find(name);
  if (optimized && fast != CortexMRegistrations().end()) {
    if (all_int8 && HeaderDeclares(include_dir / "tinyml" / "cortex_m_ops.h", fast->second + "_INT8"))
      return fast->second + "_INT8";
    return fast->second;
  }
  if (all_int8 && Int8Registrations().count(name)) return "Register_" + name + "_INT8";
  return "Register_" + name;
}

// Source of a firmware that registers exactly the model's ops, keeps the
// model in flash and runs it once: what a product would ship.
std::string SizeProbeSource(const Model& model, const std::string& model_path, size_t arena_bytes, bool optimized,
                            const fs::path& include_dir) {
  std::map<int32_t, bool> builtins;  // code -> every use is int8
  std::set<std::string> customs;
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorMeta op = model.op(i);
    if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom)) {
      customs.insert(std::string(op.custom_name, op.custom_name_length));
      continue;
    }
    bool int8 = op.num_inputs > 0 && op.inputs[0] >= 0 && model.tensor(op.inputs[0]).type == TensorType::kInt8;
    if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kSoftmax))
      int8 = int8 && op.num_outputs > 0 && model.tensor(op.outputs[0]).type == TensorType::kInt8;
    auto it = builtins.emplace(op.builtin_code, true).first;
    it->second = it->second && int8;
  }
  std::ostringstream s;
  s << "// Generated by tinyml bench: size probe for " << model_path << "\n"
    << "#include <stdint.h>\n#include \"tinyml/interpreter.h\"\n#include \"tinyml/model.h\"\n"
    << "#include \"tinyml/op_resolver.h\"\n#include \"tinyml/signal_ops.h\"\n"
    << (optimized ? "#include \"tinyml/cortex_m_ops.h\"\n" : "")
    << "__asm__(\".section .tinyml_model,\\\"a\\\"\\n.balign 16\\n.global g_model\\ng_model:\\n.incbin \\\""
    << model_path << "\\\"\\n.global g_model_end\\ng_model_end:\\n.previous\");\n"
    << "extern \"C\" const uint8_t g_model[], g_model_end[];\n"
    << "alignas(16) static uint8_t g_arena[" << arena_bytes << "];\n"
    << "int main() {\n  using namespace tinyml;\n"
    << "  static StaticOpResolver<" << (builtins.size() + customs.size()) << "> resolver;\n";
  for (const auto& [code, all_int8] : builtins) {
    s << "  if (resolver.AddBuiltin(static_cast<BuiltinOp>(" << code << "), "
      << ProbeRegistration(BuiltinOpName(code), all_int8, optimized, include_dir) << "()) != Status::kOk) return 2;\n";
  }
  for (const std::string& name : customs) {
    auto it = SignalRegistrations().find(name);
    if (it == SignalRegistrations().end()) throw std::runtime_error("size probe: unknown custom op " + name);
    s << "  if (resolver.AddCustom(\"" << name << "\", " << it->second << "()) != Status::kOk) return 2;\n";
  }
  s << "  static Model model;\n"
    << "  if (model.Load(g_model, static_cast<size_t>(g_model_end - g_model)) != Status::kOk) return 3;\n"
    << "  static Interpreter interpreter(model, resolver, g_arena, sizeof(g_arena));\n"
    << "  if (interpreter.Prepare() != Status::kOk) return 4;\n"
    << "  return interpreter.Invoke() == Status::kOk ? 0 : 5;\n}\n";
  return s.str();
}

// Who defines each symbol of the runtime and kernels libraries, for the
// split of a link-time optimized probe, from their objects: the regular
// (fat) code's symbol tables, locals included (nm --target=elf32-littlearm
// bypasses the LTO plugin), and each object's GIMPLE symbol table
// (lto-dump -list: also the local and inline functions that the regular
// code inlined but the link-time optimized code keeps).
SymbolOwners LibraryOwners(const json& info, bool messages) {
  SymbolOwners owners;
  if (info.value("firmware_link_flags", json::array()).empty()) return owners;  // no LTO: the map names the objects
  const std::string suffix = messages ? "" : "_no_messages";
  for (const char* part : {"runtime", "kernels"}) {
    const json& objects = info.at(std::string(part) + "_objects" + suffix);
    std::string out, files;
    for (const auto& object : objects) files += " " + Quote(object);
    if (RunCommand(Quote(info["nm"]) + " --target=elf32-littlearm -A --defined-only" + files, &out) != 0)
      throw std::runtime_error("nm failed on the " + std::string(part) + " objects: " + LastLines(out, 3));
    std::istringstream nm_in(out);
    AddNmOwners(nm_in, part, &owners);
    // The core's flags: without them lto-dump cannot read objects that use
    // its builtins (MVE on the M55).
    std::string cpu_flags;
    for (const auto& flag : info["cpu_flags"]) cpu_flags += " " + std::string(flag);
    for (const auto& object : objects) {
      if (RunCommand(Quote(info["lto_dump"]) + cpu_flags + " -list -defined-only " + Quote(object), &out) != 0)
        throw std::runtime_error("lto-dump failed on " + std::string(object) + ": " + LastLines(out, 3));
      std::istringstream dump_in(out);
      AddLtoDumpOwners(dump_in, part, fs::path(std::string(object)).filename().string(), &owners);
    }
  }
  return owners;
}

// With `messages` false the probe is built against the size libraries
// compiled with TINYML_ERROR_MESSAGES=0 (and compiled so itself).
FlashSplit MeasureFlash(const json& info, const fs::path& build, const Model& model, const std::string& model_path,
                        size_t arena_bytes, bool messages) {
  const bool optimized = info.value("kernels", std::string()) == "cortex_m";
  const std::string runtime_lib = info[messages ? "runtime_lib" : "runtime_lib_no_messages"];
  const std::string kernels_lib = info[messages ? "kernels_lib" : "kernels_lib_no_messages"];
  const fs::path dir = build / (messages ? "size_probe" : "size_probe_no_messages");
  fs::create_directories(dir);
  const fs::path source = dir / "size_probe.cc";
  {
    std::ofstream out(source);
    out << SizeProbeSource(model, model_path, arena_bytes, optimized, std::string(info["include_dirs"][0]));
  }
  const fs::path elf = dir / "size_probe.elf";
  const fs::path map = dir / "size_probe.map";
  const fs::path object = dir / "size_probe.o";
  std::string compile = Quote(info["cxx"]), link = Quote(info["cxx"]);
  for (const auto& flag : info["cpu_flags"]) {
    compile += " " + std::string(flag);
    link += " " + std::string(flag);
  }
  compile +=
      " -c -Os -std=c++17 -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit"
      " -ffunction-sections -fdata-sections";
  if (!messages) compile += " -DTINYML_ERROR_MESSAGES=0";
  for (const auto& dir_entry : info["include_dirs"]) compile += " -I" + Quote(dir_entry);
  compile += " " + Quote(source.string()) + " -o " + Quote(object.string());
  std::string log;
  if (RunCommand(compile, &log) != 0) throw std::runtime_error("compiling the size probe failed: " + LastLines(log, 6));
  link += " " + Quote(object.string());
  for (const auto& startup : info["startup_objects"]) link += " " + Quote(startup);
  link += " -Wl,--start-group " + Quote(kernels_lib) + " " + Quote(runtime_lib) +
          " -Wl,--end-group --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections";
  for (const auto& script : info["linker_scripts"]) link += " -T" + Quote(script);
  // Link-time optimization as the firmware links (cmake/cortex_m.cmake):
  // the probe's own object stays regular code (its part "app" apart).
  for (const auto& flag : info.value("firmware_link_flags", json::array())) link += " " + Quote(flag);
  link += " -Wl,-Map=" + Quote(map.string()) + " -o " + Quote(elf.string());
  if (RunCommand(link, &log) != 0) throw std::runtime_error("linking the size probe failed: " + LastLines(log, 6));
  std::ifstream map_in(map);
  if (!map_in) throw std::runtime_error("cannot read " + map.string());
  FlashSplit split = SplitMap(map_in, runtime_lib, kernels_lib, LibraryOwners(info, messages));
  // The probe must also run: it proves the split describes a working firmware.
  const std::string run = "timeout 120 " + Quote(info["qemu"]) + " -M " + std::string(info["machine"]) +
                          " -nographic -monitor none -serial none -semihosting-config enable=on,target=native" +
                          " -kernel " + Quote(elf.string());
  split.runs = RunCommand(run, &log) == 0;
  return split;
}

std::string WithCommas(uint64_t v) { return tools::Thousands(static_cast<int64_t>(v)); }

}  // namespace

bool IsCortexMTarget(const std::string& target) {
  return target == "cortex-m4" || target == "cortex-m7" || target == "cortex-m33" || target == "cortex-m55";
}

int RunCortexMBench(const std::string& model_path_in, const std::string& target, const std::string& kernels,
                    bool as_json) {
  const auto file = tools::ModelFile::Load(model_path_in);  // validates the model first
  const std::string model_path = fs::absolute(model_path_in).lexically_normal().string();
  if (model_path.find_first_of(" \t\"\\") != std::string::npos)
    throw tools::FileError(model_path_in, "the path must not contain spaces, quotes or backslashes "
                                          "(it is passed to the firmware by semihosting)");
  const fs::path build = EnsureBuilt(target, kernels);
  const json info = ReadJson(build / "tinyml_bench_info.json");

  const CountRun run = RunCounted(info, model_path);
  if (!run.error.empty()) throw tools::FileError(model_path_in, "on " + target + ": " + run.error);
  const int32_t num_ops = file->model().num_operators();
  if (!run.values.count("arena_bytes") || !run.values.count("op_regions") || run.values.at("op_regions") != num_ops ||
      run.regions.size() != 2 + static_cast<size_t>(num_ops))
    throw std::runtime_error("unexpected bench firmware output: " + LastLines(run.log, 6));
  auto region_cycles = [&](int index) {
    return EstimateRegion(run.mixes.count(index) ? run.mixes.at(index) : std::vector<MixEntry>{});
  };
  const uint64_t overhead = run.regions[0];
  const uint64_t instructions = run.regions[1] - overhead;
  const uint64_t cycles = region_cycles(1) - region_cycles(0);
  // Per op: the third invoke, a marker pair around each op (the few
  // instructions of the observer call inside each region are counted).
  json ops = json::array();
  uint64_t ops_instructions = 0;
  int64_t macs = 0;
  for (int32_t i = 0; i < num_ops; ++i) {
    const uint64_t op_insns = run.regions[2 + static_cast<size_t>(i)] - overhead;
    const uint64_t op_cycles = region_cycles(2 + i) - region_cycles(0);
    const int64_t op_macs = tools::OpMacs(file->model(), i);
    ops_instructions += op_insns;
    macs += op_macs;
    ops.push_back({{"index", i},
                   {"op", tools::OpName(file->model(), i)},
                   {"instructions", op_insns},
                   {"estimated_m4_cycles", op_cycles},
                   {"macs", op_macs},
                   {"estimated_m4_cycles_per_mac",
                    op_macs > 0 ? static_cast<double>(op_cycles) / static_cast<double>(op_macs) : 0.0}});
  }
  const size_t arena_bytes = static_cast<size_t>(run.values.at("arena_bytes"));
  const FlashSplit flash = MeasureFlash(info, build, file->model(), model_path, arena_bytes, true);
  const FlashSplit lean = MeasureFlash(info, build, file->model(), model_path, arena_bytes, false);
  auto part = [&](const char* name) { return flash.parts.count(name) ? flash.parts.at(name) : 0; };
  auto lean_part = [&](const char* name) { return lean.parts.count(name) ? lean.parts.at(name) : 0; };

  json r;
  r["model"] = model_path_in;
  r["target"] = target;
  r["machine"] = info["machine"];
  r["kernels"] = info["kernels"];
  r["instructions_per_invoke"] = instructions;
  r["marker_overhead_instructions"] = overhead;
  r["macs"] = macs;
  r["estimated_m4_cycles"] = cycles;
  r["estimated_m4_cycles_per_mac"] = macs > 0 ? static_cast<double>(cycles) / static_cast<double>(macs) : 0.0;
  r["estimate_note"] = "cycles are an estimate from the instruction mix (Cortex-M4 costs, zero wait states); "
                       "QEMU has no timing model";
  r["arena_bytes"] = arena_bytes;
  r["stack_invoke_bytes"] = run.values.at("stack_invoke_bytes");
  r["stack_firmware_bytes"] = run.values.at("stack_prepare_bytes");
  r["output_checksum"] = run.values.at("output_checksum");
  // The optimized kernels are compiled with the firmware's per-file flags in
  // the size libraries too (cmake/cortex_m.cmake), so the probe measures the
  // code that was counted.
  const bool optimized_flags = info.value("kernels", std::string()) == "cortex_m";
  const bool lto = !info.value("firmware_link_flags", json::array()).empty();
  r["flash"] = {{"runtime_bytes", part("runtime")},          {"kernels_bytes", part("kernels")},
                {"model_bytes", part("model")},              {"libc_libgcc_bytes", part("libc_libgcc")},
                {"startup_bytes", part("startup")},
                {"app_bytes", part("app")},                  {"padding_bytes", part("padding")},
                {"total_bytes", flash.total},                {"probe_runs", flash.runs},
                {"lto_shared_bytes", part("lto_shared")},
                {"runtime_and_kernels_bytes", part("runtime") + part("kernels") + part("lto_shared")},
                {"build", std::string(optimized_flags ? "-Os but the optimized compute kernels, which keep the bench "
                                                        "firmware's flags (-O2; *_cold.cc -Os)"
                                                      : "-Os") +
                              ", no stdio, only this model's ops (int8-only registrations for int8 ops)" +
                              (lto ? ", link-time optimized like the firmware" : "")},
                {"link_time_optimized", lto}};
  auto objects_json = [](const FlashSplit& split) {
    json o = json::object();
    for (const auto& [name, bytes] : split.objects) o[name] = bytes;
    return o;
  };
  r["flash"]["objects"] = objects_json(flash);
  r["flash_no_messages"] = {{"runtime_bytes", lean_part("runtime")},
                            {"kernels_bytes", lean_part("kernels")},
                            {"lto_shared_bytes", lean_part("lto_shared")},
                            {"runtime_and_kernels_bytes",
                             lean_part("runtime") + lean_part("kernels") + lean_part("lto_shared")},
                            {"libc_libgcc_bytes", lean_part("libc_libgcc")},
                            {"total_bytes", lean.total},
                            {"probe_runs", lean.runs},
                            {"build", "as flash, with TINYML_ERROR_MESSAGES=0 (error messages compiled out)"}};
  r["flash_no_messages"]["objects"] = objects_json(lean);
  json mix = json::array();
  if (run.mixes.count(1))
    for (size_t i = 0; i < run.mixes.at(1).size() && i < 12; ++i)
      mix.push_back({{"mnemonic", run.mixes.at(1)[i].mnemonic}, {"executed", run.mixes.at(1)[i].executed}});
  r["top_instructions"] = mix;
  r["ops"] = ops;
  r["ops_instructions"] = ops_instructions;

  if (as_json) {
    std::cout << r.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "model:        " << model_path_in << "\n"
            << "target:       " << target << " (QEMU " << std::string(info["machine"]) << ", "
            << std::string(info["kernels"]) << " kernels, -O2)\n"
            << "instructions: " << WithCommas(instructions) << " per invoke (after 1 warm-up; marker overhead "
            << overhead << " subtracted)\n";
  char line[160];
  std::snprintf(line, sizeof(line), "est. cycles:  %s on a Cortex-M4 (ESTIMATE from the instruction mix), %.2f per MAC\n",
                WithCommas(cycles).c_str(), r["estimated_m4_cycles_per_mac"].get<double>());
  std::cout << line << "MACs:         " << WithCommas(static_cast<uint64_t>(macs)) << "\n"
            << "arena:        " << WithCommas(arena_bytes) << " bytes\n"
            << "stack:        " << WithCommas(run.values.at("stack_invoke_bytes")) << " bytes during invoke, "
            << WithCommas(run.values.at("stack_prepare_bytes")) << " bytes firmware high-water (load + prepare)\n"
            << "flash (" << (optimized_flags ? "-Os, optimized kernels as in the firmware" : "-Os")
            << (lto ? ", link-time optimized" : "")
            << ", no stdio, this model's ops only" << (flash.runs ? ", probe runs" : ", PROBE FAILED TO RUN")
            << "):\n"
            << "  runtime     " << WithCommas(part("runtime")) << " bytes\n"
            << "  kernels     " << WithCommas(part("kernels")) << " bytes\n"
            << "  shared      " << WithCommas(part("lto_shared"))
            << " bytes (link-time optimized code and constants both libraries define, merged strings)\n"
            << "  model       " << WithCommas(part("model")) << " bytes\n"
            << "  libc+libgcc " << WithCommas(part("libc_libgcc"))
            << " bytes (memcpy, soft double for prepare-time scales, libm)\n"
            << "  startup     " << WithCommas(part("startup")) << " bytes, main " << part("app") << ", padding "
            << part("padding") << "\n"
            << "  total       " << WithCommas(flash.total) << " bytes\n"
            << "  runtime + kernels (+ shared) "
            << WithCommas(part("runtime") + part("kernels") + part("lto_shared"))
            << " bytes; with TINYML_ERROR_MESSAGES=0: "
            << WithCommas(lean_part("runtime") + lean_part("kernels") + lean_part("lto_shared")) << " bytes ("
            << WithCommas(lean_part("runtime")) << " runtime + " << WithCommas(lean_part("kernels")) << " kernels + "
            << WithCommas(lean_part("lto_shared")) << " shared"
            << (lean.runs ? ", probe runs" : ", PROBE FAILED TO RUN") << ")\n";
  // The largest runtime/kernel objects (messages on), for flash budgets.
  std::vector<std::pair<uint64_t, std::string>> largest;
  for (const auto& [name, bytes] : flash.objects) largest.emplace_back(bytes, name);
  std::sort(largest.rbegin(), largest.rend());
  std::cout << "  largest:   ";
  for (size_t i = 0; i < largest.size() && i < 8; ++i)
    std::cout << (i > 0 ? ", " : " ") << largest[i].second << " " << WithCommas(largest[i].first);
  std::cout << "\n";
  std::snprintf(line, sizeof(line), "per op (one more invoke, a marker pair around each op; %s of the %s "
                "instructions, the rest is the interpreter's loop):\n",
                WithCommas(ops_instructions).c_str(), WithCommas(instructions).c_str());
  std::cout << line;
  std::snprintf(line, sizeof(line), "  %4s  %-22s %12s %12s %6s %10s %10s\n", "op", "name", "instructions",
                "est. cycles", "share", "MACs", "cycles/MAC");
  std::cout << line;
  for (const auto& op : ops) {
    const uint64_t op_cycles = op["estimated_m4_cycles"].get<uint64_t>();
    const int64_t op_macs = op["macs"].get<int64_t>();
    std::string per_mac = "-";
    if (op_macs > 0) {
      char v[32];
      std::snprintf(v, sizeof(v), "%.2f", op["estimated_m4_cycles_per_mac"].get<double>());
      per_mac = v;
    }
    std::snprintf(line, sizeof(line), "  %4d  %-22s %12s %12s %5.1f%% %10s %10s\n", op["index"].get<int>(),
                  op["op"].get<std::string>().c_str(), WithCommas(op["instructions"].get<uint64_t>()).c_str(),
                  WithCommas(op_cycles).c_str(),
                  cycles > 0 ? 100.0 * static_cast<double>(op_cycles) / static_cast<double>(cycles) : 0.0,
                  op_macs > 0 ? WithCommas(static_cast<uint64_t>(op_macs)).c_str() : "-", per_mac.c_str());
    std::cout << line;
  }
  return kExitOk;
}


namespace {

// Energy per cycle used for the power estimate. Vendor headline run-mode
// figures for Cortex-M4 parts (not measured here; real power also depends on
// voltage, clock, memories, peripherals and sleep current between hops):
struct EnergyFigure {
  const char* part;
  double pj_per_cycle;
  const char* basis;
};
constexpr EnergyFigure kEnergyFigures[] = {
    {"general-purpose M4 (STM32L4 class)", 300.0,
     "~100 uA/MHz run mode from flash (LDO), at 3.0 V = ~300 uW/MHz (ST STM32L476 datasheet headline figure)"},
    {"ultra-low-power M4 (Ambiq Apollo3 class)", 20.0,
     "~6 uA/MHz from flash at 3.3 V = ~20 uW/MHz (Ambiq Apollo3 Blue headline figure)"},
};

// The pipeline's input: 1 s silence, "yes", 1 s noise, "no", 1 s silence
// (5 s, 250 hops) from ../shared, written as raw s16le.
fs::path PipelineClip(const fs::path& shared, const fs::path& dir) {
  const fs::path speech = shared / "models" / "micro_speech";
  fs::create_directories(dir);
  const fs::path clip = dir / "pipeline_clip.raw";
  std::ofstream out(clip, std::ios::binary);
  for (const char* part : {"silence_1000ms_pcm16.bin", "yes_1000ms_pcm16.bin", "noise_1000ms_pcm16.bin",
                           "no_1000ms_pcm16.bin", "silence_1000ms_pcm16.bin"}) {
    std::ifstream in(speech / part, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + (speech / part).string() + " (is ../shared there?)");
    out << in.rdbuf();
  }
  if (!out) throw std::runtime_error("cannot write " + clip.string());
  return clip;
}

// The bundled demo recording (FLAC) as raw s16le for the firmware.
fs::path DemoClip(const fs::path& source, const fs::path& dir) {
  const std::vector<int16_t> samples = tools::ReadAudioFile((source / "models" / "demo_marvin.flac").string());
  fs::create_directories(dir);
  const fs::path clip = dir / "demo_marvin.raw";
  tools::WriteFileAtomic(clip.string(), samples.data(), samples.size() * sizeof(int16_t));
  return clip;
}

}  // namespace

int RunCortexMPipelineBench(const std::string& pipeline, const std::string& target, const std::string& kernels,
                            int32_t stride, bool as_json) {
  const bool marvin = pipeline == "marvin";
  if (pipeline != "micro_speech" && !marvin)
    throw UsageError("--pipeline " + pipeline +
                     ": micro_speech (TFLM's model on a clip from ../shared) or marvin (the bundled model on the "
                     "bundled demo recording)");
  const fs::path source = TINYML_SOURCE_DIR;
  fs::path shared = source / ".." / "shared";
  if (const char* env = std::getenv("TINYML_SHARED_DIR")) shared = env;
  shared = fs::absolute(shared).lexically_normal();
  const fs::path model =
      marvin ? source / "models" / "marvin.tflite" : shared / "models" / "micro_speech" / "micro_speech_quantized.tflite";
  if (!fs::exists(model))
    throw std::runtime_error(model.string() + (marvin ? " not found" : " not found (../shared absent)"));
  const fs::path build = EnsureBuilt(target, kernels);
  const json info = ReadJson(build / "tinyml_bench_info.json");
  const fs::path elf = build / "examples" / "wake_word_m4" / "wake_word_m4.elf";
  if (!fs::exists(elf)) throw std::runtime_error(elf.string() + " was not built");
  const fs::path clip = marvin ? DemoClip(source, build / "pipeline") : PipelineClip(shared, build / "pipeline");
  const std::string clip_text = marvin ? "models/demo_marvin.flac, the bundled demo recording"
                                       : "silence, yes, noise, no, silence from ../shared";
  const std::string model_text = marvin ? "models/marvin.tflite" : "micro_speech_quantized.tflite";
  if ((model.string() + clip.string()).find_first_of(" \t\"\\") != std::string::npos)
    throw std::runtime_error("paths must not contain spaces, quotes or backslashes (semihosting command line)");

  const CountRun run = RunCounted(
      info, model.string() + " " + clip.string() + " --measure --stride " + std::to_string(stride), elf.string());
  if (!run.error.empty()) throw std::runtime_error("on " + target + ": " + run.error);
  if (!run.values.count("hops") || run.regions.size() != 1 + 2 * static_cast<size_t>(run.values.at("hops")))
    throw std::runtime_error("unexpected wake-word firmware output: " + LastLines(run.log, 6));
  const int64_t hops = run.values.at("hops");
  const int64_t first_invoke = run.values.at("first_invoke_hop");
  if (first_invoke < 0 || first_invoke >= hops) throw std::runtime_error("the model never ran on the clip");
  const uint64_t overhead = run.regions[0];
  auto mix_cycles = [&](size_t region) {
    return run.mixes.count(static_cast<int>(region)) ? EstimateRegion(run.mixes.at(static_cast<int>(region))) : 0;
  };
  const uint64_t overhead_cycles = mix_cycles(0);
  // Frontend alone: every hop. Whole hop: the steady state, from the first
  // model run on (the ring is full; the model runs every stride frames).
  uint64_t frontend_sum = 0, frontend_max = 0, frontend_cycles = 0;
  uint64_t hop_sum = 0, hop_max = 0, hop_cycles = 0;
  for (int64_t k = 0; k < hops; ++k) {
    const size_t a = 1 + 2 * static_cast<size_t>(k), b = a + 1;
    const uint64_t fe = run.regions[a] - overhead;
    const uint64_t fe_cycles = mix_cycles(a) - overhead_cycles;
    frontend_sum += fe;
    frontend_cycles += fe_cycles;
    frontend_max = std::max(frontend_max, fe);
    if (k >= first_invoke) {
      const uint64_t whole = fe + run.regions[b] - overhead;
      hop_sum += whole;
      hop_cycles += fe_cycles + mix_cycles(b) - overhead_cycles;
      hop_max = std::max(hop_max, whole);
    }
  }
  const double steady_hops = static_cast<double>(hops - first_invoke);
  const double frontend_avg = static_cast<double>(frontend_sum) / static_cast<double>(hops);
  const double frontend_cycles_avg = static_cast<double>(frontend_cycles) / static_cast<double>(hops);
  const double hop_avg = static_cast<double>(hop_sum) / steady_hops;
  const double hop_cycles_avg = static_cast<double>(hop_cycles) / steady_hops;
  constexpr double kHopsPerSecond = 50.0;  // 20 ms hop

  json r;
  r["pipeline"] = pipeline;
  r["target"] = target;
  r["machine"] = info["machine"];
  r["kernels"] = info["kernels"];
  r["model"] = model.string();
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f s", static_cast<double>(hops) * 0.02);
  r["clip"] = clip.string() + " (" + clip_text + "; " + seconds + ")";
  r["hop_ms"] = 20;
  r["hops"] = hops;
  r["model_stride_frames"] = run.values.at("stride");
  r["model_invokes"] = run.values.at("invokes");
  r["steady_state_from_hop"] = first_invoke;
  r["instructions_per_hop"] = {{"frontend_detector_model_avg", hop_avg},
                               {"frontend_detector_model_max", hop_max},
                               {"frontend_alone_avg", frontend_avg},
                               {"frontend_alone_max", frontend_max},
                               {"detector_model_avg", hop_avg - frontend_avg}};
  r["mips_for_real_time"] = hop_avg * kHopsPerSecond / 1e6;
  r["estimated_m4_cycles_per_hop"] = {{"frontend_detector_model_avg", hop_cycles_avg},
                                      {"frontend_alone_avg", frontend_cycles_avg}};
  r["estimated_m4_mhz_for_real_time"] = hop_cycles_avg * kHopsPerSecond / 1e6;
  json power = json::array();
  for (const EnergyFigure& e : kEnergyFigures) {
    const double watts = hop_cycles_avg * kHopsPerSecond * e.pj_per_cycle * 1e-12;
    power.push_back({{"part", e.part},
                     {"pj_per_cycle", e.pj_per_cycle},
                     {"basis", e.basis},
                     {"average_active_power_uw", watts * 1e6}});
  }
  r["estimated_average_power"] = power;
  r["arena_bytes"] = run.values.at("arena_bytes");
  r["pipeline_state_bytes"] = run.values.at("pipeline_bytes");
  const auto tables = run.values.find("frontend_tables_flash_bytes");
  r["frontend_tables_flash_bytes"] = tables != run.values.end() ? tables->second : 0;
  const auto in_arena = run.values.find("frontend_scratch_in_arena");
  r["frontend_scratch_in_arena"] = in_arena != run.values.end() && in_arena->second != 0;
  r["estimate_note"] =
      "instructions are exact QEMU counts (markers around each hop's work, marker overhead subtracted); cycles are "
      "an ESTIMATE from the instruction mix (Cortex-M4 costs, zero wait states) and power an ESTIMATE = estimated "
      "cycles per second x a vendor energy-per-cycle figure, active power only";

  if (as_json) {
    std::cout << r.dump(2) << "\n";
    return kExitOk;
  }
  char line[256];
  std::cout << "pipeline:     " << pipeline << " (micro_speech log-mel frontend + " << model_text
            << " + detector), 20 ms hops\n"
            << "target:       " << target << " (QEMU " << std::string(info["machine"]) << ", "
            << std::string(info["kernels"]) << " kernels, -O2)\n"
            << "clip:         " << hops << " hops (" << clip_text << "); model every "
            << run.values.at("stride") << " frame(s), " << run.values.at("invokes") << " invokes, steady from hop "
            << first_invoke << "\n";
  std::snprintf(line, sizeof(line),
                "instructions: %s per hop (frontend + detector + model, steady-state mean; max %s)\n",
                WithCommas(static_cast<uint64_t>(hop_avg + 0.5)).c_str(), WithCommas(hop_max).c_str());
  std::cout << line;
  std::snprintf(line, sizeof(line), "              %s per hop frontend alone (mean over all hops; max %s)\n",
                WithCommas(static_cast<uint64_t>(frontend_avg + 0.5)).c_str(), WithCommas(frontend_max).c_str());
  std::cout << line;
  std::snprintf(line, sizeof(line), "              %.2f MIPS for real time\n", hop_avg * kHopsPerSecond / 1e6);
  std::cout << line;
  std::snprintf(line, sizeof(line),
                "est. cycles:  %s per hop on a Cortex-M4 (ESTIMATE from the instruction mix) = %.2f MHz busy\n",
                WithCommas(static_cast<uint64_t>(hop_cycles_avg + 0.5)).c_str(),
                hop_cycles_avg * kHopsPerSecond / 1e6);
  std::cout << line;
  for (const auto& p : power) {
    std::snprintf(line, sizeof(line), "est. power:   %.0f uW active average at %.0f pJ/cycle, %s (ESTIMATE)\n",
                  p["average_active_power_uw"].get<double>(), p["pj_per_cycle"].get<double>(),
                  p["part"].get<std::string>().c_str());
    std::cout << line;
  }
  std::cout << "              (" << kEnergyFigures[0].basis << "; " << kEnergyFigures[1].basis << ")\n"
            << "memory:       arena " << WithCommas(static_cast<uint64_t>(run.values.at("arena_bytes")))
            << " bytes, frontend + detector state "
            << WithCommas(static_cast<uint64_t>(run.values.at("pipeline_bytes"))) << " bytes (RAM"
            << (r["frontend_scratch_in_arena"].get<bool>() ? "; the frontend's per-frame scratch is in the arena" : "")
            << ")";
  const int64_t flash_tables = r["frontend_tables_flash_bytes"].get<int64_t>();
  if (flash_tables > 0) std::cout << ", frontend tables " << WithCommas(static_cast<uint64_t>(flash_tables)) << " bytes in flash";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace tinyml::cli
