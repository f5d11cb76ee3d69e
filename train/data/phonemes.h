// espeak-ng's phonemizer and a finder for words that sound like the wake
// word, used to pick hard negatives.
#ifndef TINYML_TRAIN_DATA_PHONEMES_H_
#define TINYML_TRAIN_DATA_PHONEMES_H_

#include <string>
#include <vector>

namespace tinyml::train {

constexpr const char* kDefaultWordList = "/usr/share/dict/american-english";

// The phonemes of `text` as espeak-ng's ASCII phoneme names for `voice`
// (e.g. "marvin" -> {"m", "A@", "v", "I", "n"}), stress marks removed.
// Throws TtsError for text that ValidateText rejects or an unknown voice.
std::vector<std::string> Phonemize(const std::string& text, const std::string& voice = "en-us");

// Phonemize for many texts at once (one engine round trip): result i is the
// phonemes of texts[i]. Throws TtsError if any text fails ValidateText.
std::vector<std::vector<std::string>> PhonemizeAll(const std::vector<std::string>& texts,
                                                   const std::string& voice = "en-us");

// Levenshtein distance over phoneme symbols (each insert/delete/substitute = 1).
int PhonemeDistance(const std::vector<std::string>& a, const std::vector<std::string>& b);

struct Confusable {
  std::string word;
  std::vector<std::string> phonemes;
  int distance = 0;
};

// Words from `words` whose phoneme distance to `wake_word` is 1..max_distance
// (0 = sounds the same, e.g. a capitalized or possessive form, and is left
// out since it would be a positive). Sorted by distance, then word; at most
// `limit` entries. Words that fail ValidateText are skipped, and so are case
// or "'s" variants of a word already kept.
std::vector<Confusable> FindConfusables(const std::string& wake_word, const std::vector<std::string>& words,
                                        int max_distance = 2, size_t limit = 200, const std::string& voice = "en-us");

// Spellings of `wake_word` that espeak says with one weak vowel after its
// first vowel swapped for another weak one (I, @, V, i and espeak's variants
// of I and @): the reduced forms speakers use for the same word, e.g.
// "marvin" (m A@ v I n) -> "marven" (m A@ v @ n), "marvun" (m A@ v V n).
// One vowel letter of the spelling changed; each phoneme string once;
// sorted. Empty when espeak has no such form (a word of one full vowel).
std::vector<std::string> ReducedVowelSpellings(const std::string& wake_word, const std::string& voice = "en-us");

// One word per line (Debian's wamerican format); throws std::runtime_error
// when the file cannot be read.
std::vector<std::string> ReadWordList(const std::string& path = kDefaultWordList);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_PHONEMES_H_
