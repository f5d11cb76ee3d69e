// tinyml run MODEL --input IN.bin --output OUT.bin [--stream-stride BYTES]
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "common/model_file.h"

namespace tinyml::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string input;
  std::string output;
  uint64_t stream_stride = 0;  // 0: one invoke on the whole input
};

std::string ShapeText(const Tensor& t) {
  std::string s = "[";
  for (int i = 0; i < t.rank; ++i) s += (i > 0 ? "," : "") + std::to_string(t.dims[i]);
  return s + "]";
}

// "input 0 INT16[1,480] = 960 bytes, input 1 ..."
std::string InputsText(Interpreter& interp) {
  std::string s;
  for (int i = 0; i < interp.inputs_size(); ++i) {
    const Tensor* t = interp.input(i);
    if (i > 0) s += ", ";
    s += "input " + std::to_string(i) + " " + TensorTypeName(t->type) + ShapeText(*t) + " = " +
         std::to_string(interp.input_bytes(i)) + " bytes";
  }
  return s;
}

void Invoke(Interpreter& interp, const std::string& model_path, int64_t frame) {
  if (interp.Invoke() != Status::kOk) {
    std::string where = frame >= 0 ? " (window " + std::to_string(frame) + ")" : "";
    throw tools::FileError(model_path, std::string("invoke failed") + where + ": " + interp.error());
  }
}

void AppendOutputs(Interpreter& interp, std::vector<uint8_t>* out) {
  for (int i = 0; i < interp.outputs_size(); ++i) {
    const uint8_t* p = static_cast<const uint8_t*>(interp.output(i)->data);
    out->insert(out->end(), p, p + interp.output_bytes(i));
  }
}

int RunRun(const RunArgs& args) {
  const auto file = tools::ModelFile::Load(args.model);
  tools::ArenaInterpreter runner(file->model(), AllOpsResolver());
  if (runner.Prepare() != Status::kOk) throw tools::FileError(args.model, runner.error());
  Interpreter& interp = runner.interpreter();

  tools::ReadOptions read_options;
  read_options.allow_empty = true;  // reported below as a size mismatch, naming the sizes
  const tools::AlignedBuffer input = tools::ReadFileAligned(args.input, read_options);

  std::vector<uint8_t> output;
  uint64_t invokes = 0;
  if (args.stream_stride == 0) {
    size_t expected = 0;
    for (int i = 0; i < interp.inputs_size(); ++i) expected += interp.input_bytes(i);
    if (input.size() != expected) {
      throw tools::FileError(args.input, "has " + std::to_string(input.size()) + " bytes but the model expects " +
                                             std::to_string(expected) + " (" + InputsText(interp) + ")");
    }
    size_t offset = 0;
    for (int i = 0; i < interp.inputs_size(); ++i) {
      std::memcpy(interp.input(i)->data, input.data() + offset, interp.input_bytes(i));
      offset += interp.input_bytes(i);
    }
    Invoke(interp, args.model, -1);
    AppendOutputs(interp, &output);
    invokes = 1;
  } else {
    if (interp.inputs_size() != 1) {
      throw tools::FileError(args.model, "--stream-stride needs a model with exactly one input; this one has " +
                                             std::to_string(interp.inputs_size()));
    }
    const size_t window = interp.input_bytes(0);
    if (input.size() < window || window == 0) {
      throw tools::FileError(args.input, "has " + std::to_string(input.size()) + " bytes, less than one window of " +
                                             std::to_string(window) + " bytes (" + InputsText(interp) + ")");
    }
    // One interpreter for all windows: stateful ops carry state across them.
    const uint64_t count = (input.size() - window) / args.stream_stride + 1;
    for (uint64_t k = 0; k < count; ++k) {
      std::memcpy(interp.input(0)->data, input.data() + k * args.stream_stride, window);
      Invoke(interp, args.model, static_cast<int64_t>(k));
      AppendOutputs(interp, &output);
    }
    invokes = count;
  }
  tools::WriteFileAtomic(args.output, output.data(), output.size());
  std::cout << args.output << ": " << output.size() << " bytes (" << invokes << (invokes == 1 ? " invoke" : " invokes")
            << ")\n";
  return kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App& app, Action* action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand(
      "run", "Run a model on raw input bytes and write the raw output bytes (the ../conformance convention).");
  sub->add_option("model", args->model, ".tflite model file")->required()->type_name("MODEL");
  sub->add_option("--input,-i", args->input,
                  "raw little-endian bytes of all input tensors, concatenated in input order")
      ->required()
      ->type_name("IN.bin");
  sub->add_option("--output,-o", args->output,
                  "written with the bytes of all output tensors, concatenated in output order "
                  "(atomically: complete or not at all)")
      ->required()
      ->type_name("OUT.bin");
  sub->add_option("--stream-stride", args->stream_stride,
                  "stream: one interpreter invokes on a window the size of input 0 at byte offsets "
                  "0, S, 2S, ... while the window fits; outputs are concatenated")
      ->type_name("BYTES")
      ->check(CLI::PositiveNumber);
  sub->footer(
      "Examples:\n"
      "  tinyml run model.tflite --input in.bin --output out.bin\n"
      "  tinyml run audio_preprocessor_int8.tflite --input yes_1000ms_pcm16.bin --output features.bin \\\n"
      "      --stream-stride 640        # 480-sample windows every 320 samples (int16)");
  sub->callback([action, args] { *action = [args] { return RunRun(*args); }; });
}

}  // namespace tinyml::cli
