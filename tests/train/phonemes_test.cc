#include "data/phonemes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "data/tts.h"

namespace tinyml::train {
namespace {

TEST(TrainPhonemes, PhonemizesMarvin) {
  const auto p = Phonemize("marvin");
  EXPECT_EQ(p, (std::vector<std::string>{"m", "A@", "v", "I", "n"}));
  EXPECT_EQ(Phonemize("Marvin"), p);
  EXPECT_FALSE(Phonemize("marvin", "en-gb").empty());
  EXPECT_GT(Phonemize("hello there marvin").size(), p.size() + 4);
}

TEST(TrainPhonemes, RejectsBadText) {
  EXPECT_THROW(Phonemize(""), TtsError);
  EXPECT_THROW(Phonemize("m@rvin"), TtsError);
  EXPECT_THROW(FindConfusables("", {"martin"}), TtsError);
  EXPECT_THROW(ReadWordList("/nonexistent/words"), std::runtime_error);
}

TEST(TrainPhonemes, EditDistance) {
  using V = std::vector<std::string>;
  EXPECT_EQ(PhonemeDistance(V{"m", "A@", "v", "I", "n"}, V{"m", "A@", "t", "I", "n"}), 1);
  EXPECT_EQ(PhonemeDistance(V{"a", "b"}, V{"a", "b"}), 0);
  EXPECT_EQ(PhonemeDistance(V{}, V{"a", "b"}), 2);
  EXPECT_EQ(PhonemeDistance(V{"k", "a", "t"}, V{"a", "t", "s"}), 2);
}

TEST(TrainPhonemes, ReducedVowelSpellingsChangeOneWeakVowelAfterTheFirst) {
  const auto forms = ReducedVowelSpellings("marvin");
  EXPECT_EQ(forms, (std::vector<std::string>{"marven", "marvun"}));  // m A@ v @ n, m A@ v V n
  const auto target = Phonemize("marvin");
  for (const auto& f : forms) {
    const auto p = Phonemize(f);
    ASSERT_EQ(p.size(), target.size()) << f;
    EXPECT_EQ(PhonemeDistance(p, target), 1) << f;
    EXPECT_EQ(std::vector<std::string>(p.begin(), p.begin() + 3), std::vector<std::string>(target.begin(), target.begin() + 3))
        << f << ": the stressed syllable changed";
  }
  // The stressed vowel is never the one changed: "alexa" (@ l E k s @)
  // keeps its E and may only vary its last vowel.
  for (const auto& f : ReducedVowelSpellings("alexa")) EXPECT_EQ(f.compare(0, 4, "alex"), 0) << f;
  EXPECT_TRUE(ReducedVowelSpellings("go").empty());  // one full vowel: nothing to reduce
  EXPECT_THROW(ReducedVowelSpellings(""), TtsError);
}

TEST(TrainPhonemes, FindsConfusablesFromAGivenList) {
  const auto found =
      FindConfusables("marvin", {"martin", "Marvin", "marvin's", "carving", "banana", "m@rvin", "marvel", "starving"});
  std::vector<std::string> words;
  for (const auto& c : found) words.push_back(c.word);
  EXPECT_EQ(words.front(), "martin");
  EXPECT_NE(std::find(words.begin(), words.end(), "marvel"), words.end());
  EXPECT_NE(std::find(words.begin(), words.end(), "carving"), words.end());
  EXPECT_EQ(std::find(words.begin(), words.end(), "banana"), words.end());
  EXPECT_EQ(std::find(words.begin(), words.end(), "Marvin"), words.end());  // same sound: a positive
  EXPECT_EQ(std::find(words.begin(), words.end(), "m@rvin"), words.end());
  for (size_t i = 1; i < found.size(); ++i) EXPECT_LE(found[i - 1].distance, found[i].distance);
}

TEST(TrainPhonemes, FindsConfusablesInDebianWordList) {
  if (!std::filesystem::exists(kDefaultWordList)) GTEST_SKIP() << kDefaultWordList << " missing (install wamerican)";
  const auto words = ReadWordList();
  EXPECT_GT(words.size(), 50000u);
  const auto found = FindConfusables("marvin", words, 1, 1000);
  ASSERT_FALSE(found.empty());
  std::vector<std::string> names;
  for (const auto& c : found) {
    EXPECT_EQ(c.distance, 1) << c.word;
    names.push_back(c.word);
  }
  EXPECT_GT(found.size(), 5u);
  // In Debian's list, one phoneme away from "marvin".
  EXPECT_NE(std::find(names.begin(), names.end(), "Martin"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "banana"), names.end());
}

}  // namespace
}  // namespace tinyml::train
