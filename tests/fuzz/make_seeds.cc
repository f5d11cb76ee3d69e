// Writes the fuzzer's seed corpus: every model from seed_models.h as
// <dir>/<name>.tflite. Usage: tinyml_fuzz_seeds DIR
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz/seed_models.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  int written = 0;
  for (const tinyml::fuzz::SeedModel& seed : tinyml::fuzz::SeedModels()) {
    const std::string path = dir + "/" + seed.name + ".tflite";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(seed.bytes.data()), static_cast<std::streamsize>(seed.bytes.size()));
    if (!out) {
      std::fprintf(stderr, "%s: cannot write\n", path.c_str());
      return 1;
    }
    ++written;
  }
  std::printf("wrote %d seed models to %s\n", written, dir.c_str());
  return 0;
}
