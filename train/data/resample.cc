#include "data/resample.h"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tinyml::train {

std::vector<float> Resample(const std::vector<float>& in, double ratio) {
  if (!(ratio >= 1.0 / 256 && ratio <= 256)) {
    throw std::runtime_error("resample: ratio " + std::to_string(ratio) + " outside 1/256..256");
  }
  if (in.empty()) return {};
  if (ratio == 1.0) return in;
  const size_t want = static_cast<size_t>(std::lround(static_cast<double>(in.size()) * ratio));
  // Headroom for the converter's rounding; trimmed or zero-padded to `want`.
  std::vector<float> out(want + 64);
  SRC_DATA data{};
  data.data_in = in.data();
  data.input_frames = static_cast<long>(in.size());
  data.data_out = out.data();
  data.output_frames = static_cast<long>(out.size());
  data.src_ratio = ratio;
  const int err = src_simple(&data, SRC_SINC_BEST_QUALITY, 1);
  if (err != 0) throw std::runtime_error(std::string("resample: ") + src_strerror(err));
  out.resize(static_cast<size_t>(data.output_frames_gen));
  out.resize(want, 0.0f);
  return out;
}

std::vector<float> ToFloat(const std::vector<int16_t>& in) { return std::vector<float>(in.begin(), in.end()); }

std::vector<int16_t> ToInt16(const std::vector<float>& in) {
  std::vector<int16_t> out(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const float v = std::nearbyint(in[i]);
    out[i] = static_cast<int16_t>(std::clamp(v, -32768.0f, 32767.0f));
  }
  return out;
}

}  // namespace tinyml::train
