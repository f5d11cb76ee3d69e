#include "common/kws_metadata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tinyml/kws_metadata.h"
#include "tinyml/model.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

// A one-op model whose description is `description` (nullptr: the
// builder's own, "tinyml model_builder").
std::vector<uint8_t> ReluModel(const char* description) {
  writer::ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 2});
  const int out = b.AddTensor(TensorType::kFloat32, {1, 2});
  b.AddOperator(BuiltinOp::kRelu, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  if (description != nullptr) b.SetDescription(description);
  return b.Finish();
}

}  // namespace
}  // namespace tinyml

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
  const std::vector<uint8_t> file =
      ReluModel("tinyml-kws word=hey labels=background,hey threshold=0.9000 frontend=micro_speech");
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

namespace tinyml {
namespace {

std::string Text(const KwsName& n) { return std::string(n.data, static_cast<size_t>(n.length)); }

// The view points into the line, so the line must outlive it: no temporaries.
bool Parse(const std::string& line, KwsMetadataView* out) { return ParseKwsMetadata(line.data(), line.size(), out); }
bool Parse(std::string&& line, KwsMetadataView* out) = delete;
bool Parse(const char* line, KwsMetadataView* out) { return ParseKwsMetadata(line, std::strlen(line), out); }

TEST(DeviceKwsMetadata, ParsesTheTrainersLine) {
  KwsMetadataView m;
  ASSERT_TRUE(Parse("tinyml-kws word=marvin labels=background,marvin threshold=0.6860 frontend=micro_speech", &m));
  EXPECT_EQ(Text(m.word), "marvin");
  ASSERT_EQ(m.num_labels, 2);
  EXPECT_EQ(Text(m.labels[0]), "background");
  EXPECT_EQ(Text(m.labels[1]), "marvin");
  EXPECT_EQ(m.WordLabel(), 1);
  EXPECT_EQ(Text(m.threshold_text), "0.6860");
  EXPECT_EQ(m.threshold_q15, 22479);  // 0.686 * 32768 = 22478.85
  EXPECT_TRUE(m.frontend.Equals("micro_speech"));
  // Frontend absent: micro_speech. Tabs and newlines separate too; unknown
  // keys are ignored; a repeated key keeps its last value.
  ASSERT_TRUE(Parse("tinyml-kws\tword=hey\nlabels=a,hey,b threshold=1 later=x threshold=0.5\n", &m));
  EXPECT_TRUE(m.frontend.Equals("micro_speech"));
  EXPECT_EQ(m.num_labels, 3);
  EXPECT_EQ(m.WordLabel(), 1);
  EXPECT_EQ(m.threshold_q15, 16384);
  ASSERT_TRUE(Parse("tinyml-kws word=up labels=a,b threshold=0", &m));
  EXPECT_EQ(m.WordLabel(), -1);
  EXPECT_EQ(m.threshold_q15, 0);
}

TEST(DeviceKwsMetadata, ThresholdIsTheHostsRoundingExactly) {
  // Every threshold the trainer can write (%.4f) becomes the Q15 score the
  // host tools use (lround(t * 32768)), and so do some longer fractions.
  KwsMetadataView m;
  for (int k = 0; k <= 10000; ++k) {
    char line[96];
    std::snprintf(line, sizeof(line), "tinyml-kws word=w labels=b,w threshold=%d.%04d", k / 10000, k % 10000);
    ASSERT_TRUE(Parse(line, &m)) << line;
    ASSERT_EQ(m.threshold_q15, std::lround(k / 10000.0 * 32768)) << line;
  }
  for (const char* t : {"0.123456789", "0.999999999", "0.5", "00.25", "1.", ".75", "1.000000000"}) {
    const std::string line = std::string("tinyml-kws word=w labels=b,w threshold=") + t;
    ASSERT_TRUE(Parse(line, &m)) << t;
    EXPECT_EQ(m.threshold_q15, std::lround(std::strtod(t, nullptr) * 32768)) << t;
  }
}

TEST(DeviceKwsMetadata, RejectsAnythingElse) {
  KwsMetadataView m;
  const std::string ok_labels = " labels=b,w";
  for (const std::string bad : {
           std::string(""),
           std::string("   "),
           std::string("tinyml-kws"),
           std::string("TOCO Converted."),
           std::string("tinyml-kwsx word=w labels=b,w threshold=0.5"),
           std::string("tinyml-kws word=w threshold=0.5"),              // no labels
           std::string("tinyml-kws labels=b,w threshold=0.5"),          // no word
           std::string("tinyml-kws word=w labels=b,w"),                 // no threshold
           std::string("tinyml-kws word=w labels=b,,w threshold=0.5"),  // empty label
           std::string("tinyml-kws word=w labels=b,w, threshold=0.5"),  // trailing comma
           std::string("tinyml-kws word=w labels= threshold=0.5"),
           std::string("tinyml-kws word= labels=b,w threshold=0.5"),
           std::string("tinyml-kws word=w labels=b,w threshold=0.5 junk"),  // token without '='
           std::string("tinyml-kws word=w labels=b,w threshold=0.5 frontend="),
           std::string("tinyml-kws word=a=b labels=b,w threshold=0.5"),
           std::string("tinyml-kws word=w labels=b,w threshold=1.0001"),
           std::string("tinyml-kws word=w labels=b,w threshold=2"),
           std::string("tinyml-kws word=w labels=b,w threshold=-0.5"),
           std::string("tinyml-kws word=w labels=b,w threshold=1e-1"),
           std::string("tinyml-kws word=w labels=b,w threshold=0x1"),
           std::string("tinyml-kws word=w labels=b,w threshold=."),
           std::string("tinyml-kws word=w labels=b,w threshold="),
           std::string("tinyml-kws word=w labels=b,w threshold=0.1234567890"),  // 10 fraction digits
           std::string("tinyml-kws word=w labels=b,w threshold=0000000000.5"),  // 10 whole digits
           std::string("tinyml-kws word=w\x01 labels=b,w threshold=0.5"),
           std::string("tinyml-kws word=w labels=b,w\x7f threshold=0.5"),
       }) {
    EXPECT_FALSE(Parse(bad, &m)) << bad;
    EXPECT_FALSE(tools::ParseKwsMetadata(bad).has_value()) << bad;
  }
  // Sixteen labels are fine, seventeen are not.
  std::string labels = "l0";
  for (int i = 1; i < 16; ++i) labels += ",l" + std::to_string(i);
  const std::string sixteen = "tinyml-kws word=l3 labels=" + labels + " threshold=0.5";
  const std::string seventeen = "tinyml-kws word=l3 labels=" + labels + ",l16 threshold=0.5";
  EXPECT_TRUE(Parse(sixteen, &m));
  EXPECT_EQ(m.num_labels, 16);
  EXPECT_FALSE(Parse(seventeen, &m));
  EXPECT_FALSE(ParseKwsMetadata(nullptr, 0, &m));
  // A line the host writes is one the device reads.
  tools::KwsMetadata host;
  host.word = "hey_tiny";
  host.labels = {"background", "hey_tiny"};
  host.threshold = 0.91234;
  const std::string line = tools::FormatKwsMetadata(host);
  ASSERT_TRUE(Parse(line, &m)) << line;
  EXPECT_EQ(Text(m.threshold_text), "0.9123");
  host.labels.assign(17, "x");
  EXPECT_THROW(tools::FormatKwsMetadata(host), std::invalid_argument);
}

TEST(DeviceKwsMetadata, ReadsALoadedModelsDescription) {
  const std::vector<uint8_t> with = ReluModel("tinyml-kws word=hey labels=background,hey threshold=0.9000");
  Model model;
  ASSERT_EQ(model.Load(with.data(), with.size()), Status::kOk) << model.error();
  KwsMetadataView m;
  ASSERT_TRUE(ReadKwsMetadata(model, &m));
  EXPECT_EQ(Text(m.word), "hey");
  EXPECT_EQ(m.threshold_q15, 29491);  // 0.9 * 32768 = 29491.2
  // The spans point into the model's bytes.
  EXPECT_GE(reinterpret_cast<const uint8_t*>(m.word.data), with.data());
  EXPECT_LT(reinterpret_cast<const uint8_t*>(m.word.data), with.data() + with.size());

  const std::vector<uint8_t> other = ReluModel("TOCO Converted.");
  Model model2;
  ASSERT_EQ(model2.Load(other.data(), other.size()), Status::kOk);
  EXPECT_TRUE(model2.description().present);
  EXPECT_FALSE(ReadKwsMetadata(model2, &m));
  const std::vector<uint8_t> builders = ReluModel(nullptr);  // the builder's own description
  Model model3;
  ASSERT_EQ(model3.Load(builders.data(), builders.size()), Status::kOk);
  EXPECT_EQ(std::string(model3.description().data, model3.description().length), "tinyml model_builder");
  EXPECT_FALSE(ReadKwsMetadata(model3, &m));
  // No description at all: field 3 of the root table's vtable zeroed, which
  // is how a flatbuffer says a field is absent.
  std::vector<uint8_t> cut = with;
  const uint32_t root = cut[0] | cut[1] << 8 | cut[2] << 16 | static_cast<uint32_t>(cut[3]) << 24;
  const int32_t soffset = static_cast<int32_t>(cut[root] | cut[root + 1] << 8 | cut[root + 2] << 16 |
                                               static_cast<uint32_t>(cut[root + 3]) << 24);
  const uint32_t vtable = static_cast<uint32_t>(static_cast<int64_t>(root) - soffset);
  const uint16_t vtable_bytes = static_cast<uint16_t>(cut[vtable] | cut[vtable + 1] << 8);
  ASSERT_GE(vtable_bytes, 4 + 2 * 4);  // fields 0..3 at least
  // Zero field 3's offset: absent.
  cut[vtable + 4 + 2 * 3] = 0;
  cut[vtable + 4 + 2 * 3 + 1] = 0;
  Model model4;
  ASSERT_EQ(model4.Load(cut.data(), cut.size()), Status::kOk) << model4.error();
  EXPECT_FALSE(model4.description().present);
  EXPECT_FALSE(ReadKwsMetadata(model4, &m));
  Model unloaded;
  EXPECT_FALSE(ReadKwsMetadata(unloaded, &m));
}

}  // namespace
}  // namespace tinyml
