// Splitting a size probe's flash by its linker map; see flash_split.h.
#include "cli/flash_split.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <vector>

namespace tinyml::cli {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The archive member of a map line's file ("lib.a(model.cc.obj)"), or its
// file name.
std::string ObjectName(const std::string& file) {
  const size_t open = file.rfind('(');
  if (open != std::string::npos && file.back() == ')') return file.substr(open + 1, file.size() - open - 2);
  return fs::path(file).filename().string();
}

// An LTO output object: GCC's ltrans partitions ("/tmp/ccXXXX.ltrans0.ltrans.o").
bool IsLtoOutput(const std::string& file) {
  const std::string name = fs::path(file).filename().string();
  return name.find(".ltrans") != std::string::npos && name.size() > 2 && name.compare(name.size() - 2, 2, ".o") == 0;
}

// The symbol an input section was made for with -ffunction-sections /
// -fdata-sections, without GCC's clone suffixes (".constprop.0",
// ".isra.0", ".part.0", ".lto_priv.0", ".cold"); "" for a section of no
// one symbol (merged strings ".rodata.str1.4", constant pools ".rodata.cst8").
std::string SectionSymbol(const std::string& section) {
  static const char* const kPrefixes[] = {".text.unlikely.", ".text.hot.", ".text.startup.", ".text.",
                                          ".rodata.",        ".data.",     ".bss."};
  for (const char* prefix : kPrefixes) {
    if (!StartsWith(section, prefix)) continue;
    std::string name = section.substr(std::string(prefix).size());
    if (StartsWith(name, "str1.") || StartsWith(name, "cst")) return "";
    return name.substr(0, name.find('.'));
  }
  return "";
}

}  // namespace

void AddOwner(const std::string& symbol, const std::string& part, const std::string& object, SymbolOwners* owners) {
  auto [it, inserted] = owners->emplace(symbol, SymbolOwner{part, object});
  if (inserted) return;
  if (it->second.part != part)
    it->second.part = "lto_shared";
  else if (it->second.object != object)
    it->second.object = "(several objects)";  // inline or same-named locals
}

void AddNmOwners(std::istream& nm_output, const std::string& part, SymbolOwners* owners) {
  std::string line;
  while (std::getline(nm_output, line)) {
    // "lib.a:member.obj:00000010 T name" or "dir/member.obj:00000010 T name"
    std::istringstream w(line);
    std::string where, type, name;
    if (!(w >> where >> type >> name)) continue;
    const size_t value_colon = where.rfind(':');
    if (value_colon == std::string::npos || value_colon == 0) continue;
    const size_t member_colon = where.rfind(':', value_colon - 1);
    const size_t begin = member_colon == std::string::npos ? 0 : member_colon + 1;
    AddOwner(name, part, fs::path(where.substr(begin, value_colon - begin)).filename().string(), owners);
  }
}

void AddLtoDumpOwners(std::istream& lto_dump_output, const std::string& part, const std::string& object,
                      SymbolOwners* owners) {
  std::string line;
  while (std::getline(lto_dump_output, line)) {
    // "function  default     5  _ZN6tinyml...", "variable  default  16  g_x"
    std::istringstream w(line);
    std::string kind, visibility, size, name;
    if (!(w >> kind >> visibility >> size >> name) || (kind != "function" && kind != "variable")) continue;
    AddOwner(name, part, object, owners);
  }
}

FlashSplit SplitMap(std::istream& in, const std::string& runtime_lib_path, const std::string& kernels_lib_path,
                    const SymbolOwners& owners) {
  static const std::set<std::string> kFlashSections = {".text",          ".tinyml_model", ".ARM.extab",  ".ARM.exidx",
                                                       ".preinit_array", ".init_array",   ".fini_array", ".data"};
  const std::string runtime_lib = fs::path(runtime_lib_path).filename().string();
  const std::string kernels_lib = fs::path(kernels_lib_path).filename().string();
  struct Entry {
    uint64_t address, bytes;
    std::string part;
    std::string object;
  };
  std::map<std::string, std::vector<Entry>> entries;  // per output section
  std::map<std::string, uint64_t> section_end;
  std::string line, output_section, pending;
  bool started = false;
  bool open_lto = false;  // the last entry is an LTO section not yet attributed
  while (std::getline(in, line)) {
    if (!started) {
      started = line.rfind("Linker script and memory map", 0) == 0;
      continue;
    }
    if (line.empty()) continue;
    if (line[0] == '.') {
      std::istringstream w(line);
      std::string address, size_text;
      w >> output_section;
      if (w >> address >> size_text && StartsWith(address, "0x") && StartsWith(size_text, "0x"))
        section_end[output_section] = std::stoull(address, nullptr, 16) + std::stoull(size_text, nullptr, 16);
      pending.clear();
      open_lto = false;
      continue;
    }
    if (line[0] != ' ' || !kFlashSections.count(output_section)) continue;
    std::istringstream w(line);
    std::string first;
    w >> first;
    std::string address, size_text, file;
    if (first == "*fill*") {
      open_lto = false;
      if (w >> address >> size_text)
        entries[output_section].push_back(
            {std::stoull(address, nullptr, 16), std::stoull(size_text, nullptr, 16), "padding", ""});
      continue;
    }
    std::string section;
    if (first[0] == '.') {
      pending = first;
      if (!(w >> address)) continue;  // name alone; numbers on the next line
    } else if (StartsWith(first, "0x") && !pending.empty()) {
      address = first;
    } else {
      // A symbol line ("0x... name") under an LTO output section of no one
      // symbol (the bare .text of top-level assembly): its first symbol
      // that one library owns names the owner.
      std::string name;
      if (StartsWith(first, "0x") && open_lto && w >> name) {
        const auto owner = owners.find(name);
        if (owner != owners.end() && owner->second.part != "lto_shared") {
          entries[output_section].back().part = owner->second.part;
          entries[output_section].back().object = owner->second.object;
          open_lto = false;
        }
      }
      continue;
    }
    section = pending;
    open_lto = false;
    if (!(w >> size_text) || !StartsWith(size_text, "0x")) {
      pending.clear();
      continue;  // a symbol line
    }
    std::getline(w, file);
    file.erase(0, file.find_first_not_of(' '));
    std::string part, object = ObjectName(file);
    if (output_section == ".tinyml_model") {
      part = "model";
    } else if (IsLtoOutput(file)) {
      const auto owner = owners.find(SectionSymbol(section));
      part = owner == owners.end() ? "lto_shared" : owner->second.part;
      object = part == "lto_shared" ? "(lto shared)" : owner->second.object;
      open_lto = part == "lto_shared";
    } else if (file.find(kernels_lib) != std::string::npos) {
      part = "kernels";
    } else if (file.find(runtime_lib) != std::string::npos) {
      part = "runtime";
    } else if (file.find("size_probe") != std::string::npos) {
      part = "app";
    } else if (file.find("tinyml_size_startup") != std::string::npos) {
      part = "startup";
    } else {
      part = "libc_libgcc";
    }
    entries[output_section].push_back(
        {std::stoull(address, nullptr, 16), std::stoull(size_text, nullptr, 16), part, object});
    pending.clear();
  }
  FlashSplit split;
  for (auto& [section, list] : entries) {
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.address < b.address; });
    for (size_t i = 0; i < list.size(); ++i) {
      const uint64_t limit = i + 1 < list.size()          ? list[i + 1].address
                             : section_end.count(section) ? section_end[section]
                                                          : list[i].address + list[i].bytes;
      const uint64_t bytes = std::min(list[i].bytes, limit > list[i].address ? limit - list[i].address : 0);
      split.parts[list[i].part] += bytes;
      if (list[i].part == "runtime" || list[i].part == "kernels" || list[i].part == "lto_shared")
        split.objects[list[i].object] += bytes;
      split.total += bytes;
    }
  }
  return split;
}

}  // namespace tinyml::cli
