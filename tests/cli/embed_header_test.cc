// A header written by `tinyml embed` (the bundled model, generated at build
// time by tests/cli/CMakeLists.txt) compiles as C++17, holds exactly the
// model file's bytes, 16-aligned, and the model runs from the array in
// place: it loads, its wake-word metadata reads as on a device, and one
// invoke on it equals one on the file's bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "common/model_file.h"
#include "marvin_model.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/interpreter.h"
#include "tinyml/kws_metadata.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"

namespace tinyml {
namespace {

static_assert(sizeof(marvin_model) == marvin_model_size, "the size constant is the array's size");

// One invoke on a fixed input pattern; the output bytes.
std::string InvokeOnce(const Model& model) {
  static StaticOpResolver<64> resolver;
  static const Status registered = AddAllBuiltins(resolver);
  EXPECT_EQ(registered, Status::kOk);
  tools::AlignedBuffer arena(64 * 1024);
  Interpreter interp(model, resolver, arena.data(), arena.size());
  EXPECT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  // int8 tensors (the bundled model's input and scores).
  Tensor* in = interp.input(0);
  uint8_t* x = static_cast<uint8_t*>(in->data);
  for (int64_t i = 0; i < in->FlatSize(); ++i) x[i] = static_cast<uint8_t>(i * 37 + 11);
  EXPECT_EQ(interp.Invoke(), Status::kOk) << interp.error();
  const Tensor* out = interp.output(0);
  return std::string(static_cast<const char*>(out->data), static_cast<size_t>(out->FlatSize()));
}

TEST(EmbeddedModel, IsTheBundledFileInPlaceAndRunsFromFlash) {
  const tools::AlignedBuffer file = tools::ReadFileAligned(std::string(TINYML_SOURCE_DIR) + "/models/marvin.tflite");
  ASSERT_EQ(file.size(), marvin_model_size);
  EXPECT_EQ(std::memcmp(file.data(), marvin_model, marvin_model_size), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(marvin_model) % 16, 0u);

  Model model;
  ASSERT_EQ(model.Load(marvin_model, marvin_model_size), Status::kOk);
  KwsMetadataView meta;
  ASSERT_TRUE(ReadKwsMetadata(model, &meta));
  EXPECT_TRUE(meta.word.Equals("marvin"));

  Model from_file;
  ASSERT_EQ(from_file.Load(file.data(), file.size()), Status::kOk);
  const std::string a = InvokeOnce(model), b = InvokeOnce(from_file);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace tinyml
