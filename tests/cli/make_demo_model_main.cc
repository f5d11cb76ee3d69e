// tinyml_make_demo_model OUT.tflite [--seed N]: writes the demo network (see
// demo_model.h) so `tinyml inspect` / `tinyml run` have a model to show.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "common/model_file.h"
#include "demo_model.h"

int main(int argc, char** argv) {
  std::string out;
  uint32_t seed = tinyml::demo::kDefaultSeed;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: tinyml_make_demo_model OUT.tflite [--seed N]\n"
          "Writes a small int8 network (conv, depthwise, avgpool, fc, softmax on a 16x16x1 input)\n"
          "with weights from the seed (default %u).\n",
          tinyml::demo::kDefaultSeed);
      return 0;
    }
    if (arg == "--seed" && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0') {
        std::fprintf(stderr, "tinyml_make_demo_model: error: --seed needs a number\n");
        return 2;
      }
      seed = static_cast<uint32_t>(v);
    } else if (out.empty() && !arg.empty() && arg[0] != '-') {
      out = arg;
    } else {
      std::fprintf(stderr, "tinyml_make_demo_model: error: unexpected argument '%s' (see --help)\n", arg.c_str());
      return 2;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "tinyml_make_demo_model: error: no output file given (see --help)\n");
    return 2;
  }
  try {
    const std::vector<uint8_t> model = tinyml::demo::BuildDemoModel(seed);
    tinyml::tools::WriteFileAtomic(out, model.data(), model.size());
    std::printf("%s: %zu bytes (demo network, seed %u)\n", out.c_str(), model.size(), seed);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinyml_make_demo_model: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
