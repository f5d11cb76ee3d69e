// The bench's flash split (tools/cli/flash_split.h) on a small linker map
// of a link-time optimized probe: sections of the LTO output belong to the
// library whose objects define their symbol, bare sections to the first
// owned symbol inside them, and what both or neither define is shared.
#include "cli/flash_split.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tinyml::cli {
namespace {

constexpr const char* kMap = R"(Archive member included to satisfy reference by file (symbol)

Linker script and memory map

LOAD /b/size_probe/size_probe.o
.text           0x00000000      0x200
 .text.main     0x00000000       0x20 /b/size_probe/size_probe.o
 .text          0x00000020       0x40 /tmp/ccX1.ltrans0.ltrans.o
                0x00000020                asm_kernel
 .text._ZN6tinyml5Model4LoadEPKvj
                0x00000060       0x30 /tmp/ccX1.ltrans0.ltrans.o
 .text._ZN6tinyml12_GLOBAL__N_14EvalERNS_9OpContextE.constprop.0
                0x00000090       0x10 /tmp/ccX1.ltrans0.ltrans.o
 .text._ZNK6tinyml5Shape8FlatSizeEv
                0x000000a0        0x8 /tmp/ccX1.ltrans0.ltrans.o
 .rodata.str1.4
                0x000000a8       0x28 /tmp/ccX1.ltrans0.ltrans.o
 .text.memcpy   0x000000d0       0x10 /usr/lib/libc_nano.a(libc_a-memcpy.o)
 .text.Old      0x000000e0       0x20 /b/libtinyml_size_runtime.a(old.cc.obj)
 *fill*         0x00000100        0x4 
.tinyml_model   0x00000200      0x100
 .tinyml_model  0x00000200      0x100 /b/size_probe/size_probe.o
.bss            0x20000000      0x400
 .bss.g_arena   0x20000000      0x400 /tmp/ccX1.ltrans0.ltrans.o
)";

SymbolOwners Owners() {
  SymbolOwners owners;
  std::istringstream runtime_nm(
      "/b/o/model.cc.obj:00000000 T _ZN6tinyml5Model4LoadEPKvj\n"
      "/b/o/model.cc.obj:00000000 W _ZNK6tinyml5Shape8FlatSizeEv\n");
  AddNmOwners(runtime_nm, "runtime", &owners);
  std::istringstream kernels_nm("/b/libk.a:dw.cc.obj:00000000 T asm_kernel\n");
  AddNmOwners(kernels_nm, "kernels", &owners);
  // A local function the regular code inlined: only in the GIMPLE symbols.
  std::istringstream kernels_dump(
      "Type   Visibility  Size  Name\n"
      "function  default     5  _ZN6tinyml12_GLOBAL__N_14EvalERNS_9OpContextE  \n"
      "function  default     3  _ZNK6tinyml5Shape8FlatSizeEv  \n");
  AddLtoDumpOwners(kernels_dump, "kernels", "pooling.cc.obj", &owners);
  return owners;
}

TEST(BenchFlashSplit, LtoSectionsGoToTheLibraryDefiningTheirSymbol) {
  std::istringstream map(kMap);
  const FlashSplit split = SplitMap(map, "/b/libtinyml_size_runtime.a", "/b/libtinyml_size_kernels.a", Owners());
  auto part = [&](const char* name) { return split.parts.count(name) ? split.parts.at(name) : 0; };
  EXPECT_EQ(part("app"), 0x20u);
  EXPECT_EQ(part("kernels"), 0x40u + 0x10u);    // the bare asm .text and the local Eval clone
  EXPECT_EQ(part("runtime"), 0x30u + 0x20u);    // Model::Load (LTO) and a regular runtime object
  EXPECT_EQ(part("lto_shared"), 0x8u + 0x28u);  // defined by both; merged strings
  EXPECT_EQ(part("libc_libgcc"), 0x10u);
  EXPECT_EQ(part("padding"), 0x4u);
  EXPECT_EQ(part("model"), 0x100u);
  EXPECT_EQ(split.total, 0x20u + 0x50u + 0x50u + 0x30u + 0x10u + 0x4u + 0x100u);  // .bss is not flash
  EXPECT_EQ(split.objects.at("model.cc.obj"), 0x30u);
  EXPECT_EQ(split.objects.at("dw.cc.obj"), 0x40u);
  EXPECT_EQ(split.objects.at("pooling.cc.obj"), 0x10u);
  EXPECT_EQ(split.objects.at("old.cc.obj"), 0x20u);
  EXPECT_EQ(split.objects.at("(lto shared)"), 0x30u);
}

TEST(BenchFlashSplit, WithoutOwnersLtoBytesAreShared) {
  std::istringstream map(kMap);
  const FlashSplit split = SplitMap(map, "/b/libtinyml_size_runtime.a", "/b/libtinyml_size_kernels.a", {});
  EXPECT_EQ(split.parts.at("lto_shared"), 0x40u + 0x30u + 0x10u + 0x8u + 0x28u);
  EXPECT_EQ(split.parts.at("runtime"), 0x20u);
  EXPECT_EQ(split.parts.count("kernels"), 0u);
}

}  // namespace
}  // namespace tinyml::cli
