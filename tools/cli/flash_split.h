// Splitting a size probe's flash by its GNU ld linker map (used by
// `tinyml bench --target cortex-mN`; method in ports/cortex_m/README.md).
#ifndef TINYML_TOOLS_CLI_FLASH_SPLIT_H_
#define TINYML_TOOLS_CLI_FLASH_SPLIT_H_

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <string>

namespace tinyml::cli {

struct FlashSplit {
  // runtime, kernels, lto_shared (link-time optimized bytes no single one of
  // the two libraries owns: merged strings and constant pools, functions
  // both define), model, libc_libgcc (memcpy, soft double, exp...), startup
  // (vector table, reset, semihosting exit), app (main), padding
  std::map<std::string, uint64_t> parts;
  // Runtime and kernels bytes per object ("model.cc.obj"), for budgets.
  std::map<std::string, uint64_t> objects;
  uint64_t total = 0;
  bool runs = false;
};

// Who defines a symbol in the runtime and kernels archives (their regular,
// non-LTO objects): part "runtime", "kernels" or, when both define it,
// "lto_shared"; object is the archive member ("model.cc.obj").
struct SymbolOwner {
  std::string part, object;
};
using SymbolOwners = std::map<std::string, SymbolOwner>;

// Records a symbol of `part` ("runtime" or "kernels") defined in `object`;
// one defined by both parts becomes "lto_shared".
void AddOwner(const std::string& symbol, const std::string& part, const std::string& object, SymbolOwners* owners);

// Reads `nm -A --defined-only` output of the runtime objects or archive
// (part "runtime") or the kernels' ("kernels") into `owners`.
void AddNmOwners(std::istream& nm_output, const std::string& part, SymbolOwners* owners);

// Reads `lto-dump -list` output of one object (its GIMPLE symbol table,
// local functions included, also those its regular code inlined).
void AddLtoDumpOwners(std::istream& lto_dump_output, const std::string& part, const std::string& object,
                      SymbolOwners* owners);

// Sums the sizes of input sections that land in flash, per class of input
// file. Mergeable string sections are listed with their size before
// merging, so each entry is clamped to the distance to the next one (the
// merged strings count for the first object of their group). Sections of a
// link-time optimization output object (*.ltrans*.o) belong to the archive
// that defines the section's symbol (".text.NAME[.clone suffix]"; `owners`),
// or to lto_shared when none or both do.
FlashSplit SplitMap(std::istream& map, const std::string& runtime_lib_path, const std::string& kernels_lib_path,
                    const SymbolOwners& owners);

}  // namespace tinyml::cli

#endif  // TINYML_TOOLS_CLI_FLASH_SPLIT_H_
