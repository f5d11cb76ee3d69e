#include "common/kws_metadata.h"

#include <gtest/gtest.h>

#include "writer/model_builder.h"

namespace tinyml::tools {
namespace {

TEST(KwsMetadata, FormatsAndParsesBack) {
  KwsMetadata m;
  m.word = "marvin";
  m.labels = {"background", "marvin"};
  m.threshold = 0.625;
  const std::string line = FormatKwsMetadata(m);
  EXPECT_EQ(line, "tinyml-kws word=marvin labels=background,marvin threshold=0.6250 frontend=micro_speech");
  const auto parsed = ParseKwsMetadata(line);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->word, "marvin");
  EXPECT_EQ(parsed->labels, m.labels);
  EXPECT_DOUBLE_EQ(parsed->threshold, 0.625);
  EXPECT_EQ(parsed->frontend, "micro_speech");
}

TEST(KwsMetadata, RejectsOtherDescriptionsAndBadFields) {
  EXPECT_FALSE(ParseKwsMetadata("").has_value());
  EXPECT_FALSE(ParseKwsMetadata("TOCO Converted.").has_value());
  EXPECT_FALSE(ParseKwsMetadata("tinyml-kws word=marvin labels=a,marvin").has_value());  // no threshold
  EXPECT_FALSE(ParseKwsMetadata("tinyml-kws word=marvin labels=a,marvin threshold=1.5").has_value());
  EXPECT_FALSE(ParseKwsMetadata("tinyml-kws word=marvin labels=a,,marvin threshold=0.5").has_value());
  EXPECT_FALSE(ParseKwsMetadata("tinyml-kws word=marvin labels=a,marvin threshold=x").has_value());
  EXPECT_FALSE(ParseKwsMetadata("tinyml-kws word=marvin junk labels=a threshold=0.5").has_value());
  KwsMetadata m;
  m.word = "two words";
  m.labels = {"background", "x"};
  EXPECT_THROW(FormatKwsMetadata(m), std::invalid_argument);
  m.word = "x";
  m.labels = {};
  EXPECT_THROW(FormatKwsMetadata(m), std::invalid_argument);
  m.labels = {"a,b"};
  EXPECT_THROW(FormatKwsMetadata(m), std::invalid_argument);
}

TEST(KwsMetadata, ReadsTheDescriptionOfAModelFile) {
  writer::ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 2});
  const int out = b.AddTensor(TensorType::kFloat32, {1, 2});
  b.AddOperator(BuiltinOp::kRelu, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  b.SetDescription("tinyml-kws word=hey labels=background,hey threshold=0.9000 frontend=micro_speech");
  const std::vector<uint8_t> file = b.Finish();
  EXPECT_EQ(ReadModelDescription(file.data(), file.size()),
            "tinyml-kws word=hey labels=background,hey threshold=0.9000 frontend=micro_speech");
  // Truncated or garbage bytes: empty, never a crash.
  EXPECT_EQ(ReadModelDescription(file.data(), 7), "");
  std::vector<uint8_t> garbage(64, 0xFF);
  EXPECT_EQ(ReadModelDescription(garbage.data(), garbage.size()), "");
  EXPECT_EQ(ReadModelDescription(nullptr, 0), "");
}

}  // namespace
}  // namespace tinyml::tools
