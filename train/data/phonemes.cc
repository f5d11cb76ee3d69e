#include "data/phonemes.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

#include "data/tts.h"

namespace tinyml::train {
namespace {

// Called with the espeak lock held.
std::vector<std::string> PhonemizeLocked(const std::string& text) {
  std::vector<std::string> phonemes;
  const void* cursor = text.c_str();
  // Bits 8..23 of the mode are a separator between phoneme names; '_' never
  // occurs inside one, so splitting on it recovers multi-letter names like "A@".
  const int mode = '_' << 8;
  while (cursor != nullptr) {
    const char* chunk = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, mode);
    if (chunk == nullptr) break;
    std::string token;
    for (const char* p = chunk;; ++p) {
      const char c = *p;
      if (c == '_' || c == ' ' || c == '\0') {
        if (!token.empty()) phonemes.push_back(token);
        token.clear();
        if (c == '\0') break;
      } else if (c != '\'' && c != ',' && c != '%' && c != '=') {  // stress and syllable marks
        token.push_back(c);
      }
    }
  }
  return phonemes;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Phonemizes every text with `voice` in a forked child (selecting a voice in
// this process would change later syntheses, see tts.cc); the child returns
// the phoneme lists joined by '_' within a list and '\n' between lists.
std::vector<std::vector<std::string>> PhonemizeInChild(const std::vector<std::string>& texts,
                                                       const std::string& voice) {
  auto lock = internal::LockEspeak();
  const std::string voice_id = internal::EspeakVoiceId(voice);
  const std::string joined = internal::RunInEspeakChild([&]() {
    if (espeak_SetVoiceByName(voice_id.c_str()) != EE_OK) throw TtsError("espeak-ng: unknown voice '" + voice + "'");
    std::string out;
    for (const auto& text : texts) {
      for (const auto& phoneme : PhonemizeLocked(text)) out += phoneme + "_";
      out += "\n";
    }
    return out;
  });
  std::vector<std::vector<std::string>> all;
  all.reserve(texts.size());
  std::vector<std::string> current;
  std::string token;
  for (const char c : joined) {
    if (c == '_') {
      current.push_back(token);
      token.clear();
    } else if (c == '\n') {
      all.push_back(std::move(current));
      current.clear();
    } else {
      token.push_back(c);
    }
  }
  if (all.size() != texts.size()) throw TtsError("espeak-ng: phonemizer returned " + std::to_string(all.size()) +
                                                 " results for " + std::to_string(texts.size()) + " texts");
  return all;
}

}  // namespace

std::vector<std::string> Phonemize(const std::string& text, const std::string& voice) {
  ValidateText(text);
  return PhonemizeInChild({text}, voice)[0];
}

std::vector<std::vector<std::string>> PhonemizeAll(const std::vector<std::string>& texts, const std::string& voice) {
  for (const auto& text : texts) ValidateText(text);
  return PhonemizeInChild(texts, voice);
}

int PhonemeDistance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

// espeak's ASCII vowel names start with a vowel letter, '@', '3' or 'V'.
bool IsVowelPhoneme(const std::string& p) {
  return !p.empty() && std::strchr("aeiouAEIOU@3V", p[0]) != nullptr;
}

bool IsWeakVowel(const std::string& p) {
  static const std::set<std::string> kWeak = {"I", "I2", "I#", "@", "@2", "@5", "a#", "V", "i"};
  return kWeak.count(p) != 0;
}

}  // namespace

std::vector<std::string> ReducedVowelSpellings(const std::string& wake_word, const std::string& voice) {
  const std::vector<std::string> target = Phonemize(wake_word, voice);
  size_t first_vowel = target.size();
  for (size_t i = 0; i < target.size() && first_vowel == target.size(); ++i) {
    if (IsVowelPhoneme(target[i])) first_vowel = i;
  }
  const std::string lower = Lower(wake_word);
  std::set<std::string> candidates;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (std::strchr("aeiouy", lower[i]) == nullptr) continue;
    for (const char c : std::string("aeiouy")) {
      if (c == lower[i]) continue;
      std::string v = lower;
      v[i] = c;
      candidates.insert(v);
    }
  }
  if (candidates.empty()) return {};
  const std::vector<std::string> texts(candidates.begin(), candidates.end());
  const std::vector<std::vector<std::string>> phonemes = PhonemizeAll(texts, voice);
  std::vector<std::string> kept;
  std::set<std::vector<std::string>> seen;
  for (size_t k = 0; k < texts.size(); ++k) {
    const std::vector<std::string>& p = phonemes[k];
    if (p.size() != target.size()) continue;
    size_t differ = 0, at = 0;
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[j] != target[j]) {
        ++differ;
        at = j;
      }
    }
    if (differ != 1 || at <= first_vowel || !IsWeakVowel(target[at]) || !IsWeakVowel(p[at])) continue;
    if (seen.insert(p).second) kept.push_back(texts[k]);
  }
  return kept;  // texts are sorted, so kept is too
}

std::vector<Confusable> FindConfusables(const std::string& wake_word, const std::vector<std::string>& words,
                                        int max_distance, size_t limit, const std::string& voice) {
  const std::vector<std::string> target = Phonemize(wake_word, voice);
  if (target.empty()) throw TtsError("espeak-ng: no phonemes for '" + wake_word + "'");
  std::vector<std::string> candidates;
  for (const auto& word : words) {
    // Cheap filters first: valid single words of a plausible length.
    if (word.empty() || word.size() > kMaxTextChars || word.find(' ') != std::string::npos) continue;
    bool valid = true;
    for (unsigned char c : word) valid = valid && (std::isalpha(c) || c == '\'' || c == '-');
    if (!valid || !std::isalpha(static_cast<unsigned char>(word[0]))) continue;
    candidates.push_back(word);
  }
  std::vector<std::vector<std::string>> all = PhonemizeInChild(candidates, voice);
  std::vector<Confusable> found;
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::vector<std::string>& phonemes = all[i];
    const int size_gap = static_cast<int>(phonemes.size()) - static_cast<int>(target.size());
    if (std::abs(size_gap) > max_distance) continue;
    const int distance = PhonemeDistance(target, phonemes);
    if (distance >= 1 && distance <= max_distance) found.push_back({candidates[i], std::move(phonemes), distance});
  }
  std::stable_sort(found.begin(), found.end(), [](const Confusable& a, const Confusable& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.word < b.word;
  });
  std::vector<Confusable> kept;
  std::set<std::string> seen;
  for (auto& c : found) {
    std::string key = Lower(c.word);
    if (key.size() > 2 && key.compare(key.size() - 2, 2, "'s") == 0) key.resize(key.size() - 2);
    if (!seen.insert(key).second) continue;
    kept.push_back(std::move(c));
    if (kept.size() >= limit) break;
  }
  return kept;
}

std::vector<std::string> ReadWordList(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open word list (Debian package wamerican)");
  std::vector<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) words.push_back(line);
  }
  return words;
}

}  // namespace tinyml::train
