// Sample-rate conversion for the training data pipeline (libsamplerate,
// best sinc converter), on float samples at int16 scale.
#ifndef TINYML_TRAIN_DATA_RESAMPLE_H_
#define TINYML_TRAIN_DATA_RESAMPLE_H_

#include <cstdint>
#include <vector>

namespace tinyml::train {

// Returns `in` resampled by `ratio` (output rate / input rate, 1/256..256);
// the output has round(in.size() * ratio) samples. Throws std::runtime_error
// on a libsamplerate failure or a ratio out of range.
std::vector<float> Resample(const std::vector<float>& in, double ratio);

std::vector<float> ToFloat(const std::vector<int16_t>& in);
// Rounds to nearest and saturates to int16.
std::vector<int16_t> ToInt16(const std::vector<float>& in);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_RESAMPLE_H_
