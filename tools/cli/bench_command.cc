// tinyml bench MODEL [--target host|cortex-m4|cortex-m7|cortex-m33|cortex-m55] [--iterations N] [--json]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/bench_cortex_m.h"
#include "cli/cli_common.h"
#include "common/model_file.h"

namespace tinyml::cli {
namespace {

struct BenchArgs {
  std::string model;
  std::string target = "host";
  std::string kernels = "ref";   // Cortex-M targets: ref | cortex_m
  std::string pipeline;          // Cortex-M targets: marvin, micro_speech
  int32_t stride = 1;            // --pipeline: the model every N frames
  uint64_t iterations = 0;  // 0: enough for about two seconds, at least kMinIterations
  uint32_t seed = 20240601;
  bool json = false;
};

constexpr uint64_t kMinIterations = 20;
constexpr uint64_t kMaxAutoIterations = 1000000;
constexpr double kAutoSeconds = 2.0;

// Deterministic input values valid for the tensor's type: floats in [-1, 1),
// booleans 0/1, integer types any bit pattern.
void FillInput(Tensor* t, size_t bytes, std::mt19937& rng) {
  uint8_t* p = static_cast<uint8_t*>(t->data);
  switch (t->type) {
    case TensorType::kFloat32: {
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      for (size_t i = 0; i + 4 <= bytes; i += 4) {
        const float v = dist(rng);
        std::memcpy(p + i, &v, 4);
      }
      break;
    }
    case TensorType::kFloat64: {
      std::uniform_real_distribution<double> dist(-1.0, 1.0);
      for (size_t i = 0; i + 8 <= bytes; i += 8) {
        const double v = dist(rng);
        std::memcpy(p + i, &v, 8);
      }
      break;
    }
    case TensorType::kBool:
      for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(rng() & 1u);
      break;
    default:
      for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(rng() >> 24);
      break;
  }
}

double InvokeMicros(Interpreter& interp, const std::string& model_path) {
  const auto start = std::chrono::steady_clock::now();
  const Status status = interp.Invoke();
  const auto stop = std::chrono::steady_clock::now();
  if (status != Status::kOk) throw tools::FileError(model_path, std::string("invoke failed: ") + interp.error());
  return std::chrono::duration<double, std::micro>(stop - start).count();
}

int RunBench(const BenchArgs& args) {
  if (!args.pipeline.empty()) {
    if (!IsCortexMTarget(args.target)) throw UsageError("--pipeline needs --target cortex-m4|m7|m33|m55");
    return RunCortexMPipelineBench(args.pipeline, args.target, args.kernels, args.stride, args.json);
  }
  if (args.stride != 1) throw UsageError("--stride goes with --pipeline");
  if (args.model.empty()) throw UsageError("bench needs a MODEL (or --pipeline marvin|micro_speech with a Cortex-M target)");
  if (IsCortexMTarget(args.target)) return RunCortexMBench(args.model, args.target, args.kernels, args.json);
  if (args.kernels != "ref") throw UsageError("--kernels applies to Cortex-M targets");
  const auto file = tools::ModelFile::Load(args.model);
  tools::ArenaInterpreter runner(file->model(), AllOpsResolver());
  if (runner.Prepare() != Status::kOk) throw tools::FileError(args.model, runner.error());
  Interpreter& interp = runner.interpreter();

  // The planner may reuse input memory once consumed, so inputs are
  // restored (untimed) before every invoke.
  std::mt19937 rng(args.seed);
  std::vector<std::vector<uint8_t>> inputs;
  for (int i = 0; i < interp.inputs_size(); ++i) {
    FillInput(interp.input(i), interp.input_bytes(i), rng);
    const uint8_t* p = static_cast<const uint8_t*>(interp.input(i)->data);
    inputs.emplace_back(p, p + interp.input_bytes(i));
  }
  auto restore_inputs = [&] {
    for (int i = 0; i < interp.inputs_size(); ++i)
      if (!inputs[i].empty()) std::memcpy(interp.input(i)->data, inputs[i].data(), inputs[i].size());
  };

  const double first_us = InvokeMicros(interp, args.model);
  // Fixed count, or as many as fit in the time budget (at least kMinIterations).
  std::vector<double> times;
  const auto start = std::chrono::steady_clock::now();
  auto budget_left = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < kAutoSeconds;
  };
  while (true) {
    const uint64_t done = times.size();
    if (args.iterations > 0 ? done >= args.iterations
                            : (done >= kMinIterations && !budget_left()) || done >= kMaxAutoIterations)
      break;
    restore_inputs();
    times.push_back(InvokeMicros(interp, args.model));
  }
  const uint64_t iterations = times.size();

  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  double sum = 0;
  for (double t : times) sum += t;
  const double mean = sum / static_cast<double>(n);

#ifdef NDEBUG
  const char* build = "release";
#else
  const char* build = "debug";
#endif
  if (args.json) {
    nlohmann::json r;
    r["model"] = args.model;
    r["target"] = args.target;
    r["build"] = build;
    r["iterations"] = iterations;
    r["seed"] = args.seed;
    r["first_invoke_us"] = first_us;
    r["median_us"] = median;
    r["min_us"] = sorted.front();
    r["mean_us"] = mean;
    r["max_us"] = sorted.back();
    r["arena_bytes"] = interp.RequiredArenaBytes();
    r["model_bytes"] = file->file_bytes();
    std::cout << r.dump(2) << "\n";
  } else {
    char line[256];
    std::cout << "model:       " << args.model << "\n";
    std::cout << "target:      host (" << build << " build)\n";
    std::snprintf(line, sizeof(line), "iterations:  %llu (after 1 warm-up invoke of %.1f us; input seed %u)\n",
                  static_cast<unsigned long long>(iterations), first_us, args.seed);
    std::cout << line;
    std::snprintf(line, sizeof(line), "latency:     median %.2f us, min %.2f us, mean %.2f us, max %.2f us\n", median,
                  sorted.front(), mean, sorted.back());
    std::cout << line;
    std::cout << "arena bytes: " << interp.RequiredArenaBytes() << "\n";
    std::cout << "model bytes: " << file->file_bytes() << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddBenchCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Measure inference latency (median/min/mean microseconds) and report the arena bytes.");
  sub->add_option("model", args->model, ".tflite model file")->type_name("MODEL");
  sub->add_option("--target", args->target, "where to measure: host latency, or instructions, arena, stack and flash on an emulated Cortex-M core")
      ->check(CLI::IsMember({"host", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"}))
      ->capture_default_str();
  sub->add_option("--iterations,-n", args->iterations,
                  "timed invokes after one warm-up (default: enough for about 2 s, at least 20)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  sub->add_option("--kernels", args->kernels,
                  "Cortex-M kernel set: ref, or cortex_m (optimized; build/cortex-mN-opt)")
      ->check(CLI::IsMember({"ref", "cortex_m"}))
      ->capture_default_str();
  sub->add_option("--pipeline", args->pipeline,
                  "instead of a model: instructions per 20 ms hop of the wake-word pipeline on a Cortex-M target; "
                  "marvin: the bundled model on the bundled demo recording, micro_speech: TFLM's model on a clip "
                  "from ../shared")
      ->check(CLI::IsMember({"marvin", "micro_speech"}))
      ->type_name("NAME");
  sub->add_option("--stride", args->stride, "with --pipeline: run the model every N feature frames (20 ms each)")
      ->check(CLI::Range(1, 49))
      ->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of the pseudo-random input bytes")->capture_default_str();
  sub->add_flag("--json", args->json, "print the result as JSON");
  sub->footer(
      "Examples:\n"
      "  tinyml bench model.tflite\n"
      "  tinyml bench model.tflite --iterations 1000 --json\n"
      "  tinyml bench model.tflite --target cortex-m4   (builds build/cortex-m4 if needed; QEMU)\n"
      "  tinyml bench model.tflite --target cortex-m4 --kernels cortex_m   (build/cortex-m4-opt)\n"
      "  tinyml bench --pipeline marvin --target cortex-m4 --kernels cortex_m\n"
      "  tinyml bench --pipeline micro_speech --target cortex-m4 --json\n"
      "Times from a Debug or sanitizer build are not representative; use a Release build.");
  sub->callback([action, args] { *action = [args] { return RunBench(*args); }; });
}

}  // namespace tinyml::cli
