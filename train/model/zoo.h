// The wake-word model zoo: small int8 networks sized for microcontrollers,
// their .tflite export and the interpreter check of an exported file.
//
// Every network reads the micro_speech frontend's 49 frames x 40 features
// as an int8 NHWC tensor [1, 49, 1, 40]: time is the height, the 40
// features are the channels, so every convolution is a k x 1 filter over
// time (a "temporal" convolution, as in TC-ResNet). The one exception is a
// time-frequency front (kTimeFreqConv, the "tcresnet2d" family): a 2-D
// convolution over time x mel bands of the features seen as a one-channel
// image, its filters shared across bands, whose output is flattened back
// to channels (band-major) for the temporal layers. The graph is a list of
// LayerSpecs; the trainer (train/model/qat.h) builds the same graph in
// libtorch and hands back a QuantModel that ExportTflite writes with the
// host ModelBuilder, so training and export share one description.
//
// Torch-free: the zoo, the export and the interpreter runs here build
// without libtorch.
#ifndef TINYML_TRAIN_MODEL_ZOO_H_
#define TINYML_TRAIN_MODEL_ZOO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyml::train {

constexpr int32_t kModelFrames = 49;
constexpr int32_t kModelFeatures = 40;
constexpr int32_t kModelClasses = 2;  // 0 = background, 1 = the wake word

enum class LayerKind : uint8_t {
  kConv,            // CONV_2D, kernel x 1 over time, SAME padding
  kDepthwise,       // DEPTHWISE_CONV_2D, depth multiplier 1
  kAdd,             // ADD of two earlier layers' outputs (residual)
  kAvgPool,         // AVERAGE_POOL_2D over all frames (global average)
  kFullyConnected,  // FULLY_CONNECTED, per-tensor weights
  kSoftmax,         // SOFTMAX, output scale 1/256, zero point -128
  // Reads the model input only: RESHAPE [1, 49, 1, 40] -> [1, 49, 40, 1],
  // CONV_2D `filters` x kernel x kernel_bands x 1 (SAME padding over time
  // and bands, stride `stride` over time and `stride_bands` over bands),
  // RESHAPE [1, frames, out_bands, filters] -> [1, frames, 1, out_bands *
  // filters]. Per-channel weights and bias per filter.
  kTimeFreqConv,
};
const char* LayerKindName(LayerKind kind);

struct LayerSpec {
  LayerKind kind = LayerKind::kConv;
  int32_t input = -1;   // index of the layer producing the input; -1 = the model input
  int32_t input2 = -1;  // kAdd: the second operand
  int32_t in_channels = 0;
  int32_t out_channels = 0;
  int32_t kernel = 1;  // taps over time
  int32_t stride = 1;  // over time
  bool relu = false;   // fused ReLU (conv, depthwise, add)
  // Conv and depthwise weights: 8 (int8, -127..127) or 4 (TFLite's packed
  // INT4, -7..7, half the bytes). Fully connected weights are always int8.
  int32_t weight_bits = 8;
  int32_t in_frames = 0;
  int32_t out_frames = 0;
  // TFLite SAME padding over time: total = max((out-1)*stride + kernel - in, 0),
  // pad_before = total / 2, the odd one after.
  int32_t pad_before = 0;
  int32_t pad_after = 0;
  // kTimeFreqConv: the 2-D filters, their taps and stride over mel bands,
  // the bands in and out and the SAME padding over bands (as over time);
  // out_channels = out_bands * filters.
  int32_t filters = 0;
  int32_t kernel_bands = 1;
  int32_t stride_bands = 1;
  int32_t in_bands = 0;
  int32_t out_bands = 0;
  int32_t pad_bands_before = 0;
  int32_t pad_bands_after = 0;

  bool has_weights() const {
    return kind == LayerKind::kConv || kind == LayerKind::kDepthwise || kind == LayerKind::kFullyConnected ||
           kind == LayerKind::kTimeFreqConv;
  }
  // Weight scales and biases: one per output channel (per filter for
  // kTimeFreqConv); fully connected layers have one scale, out_channels biases.
  int32_t bias_count() const { return kind == LayerKind::kTimeFreqConv ? filters : out_channels; }
  // The symmetric weight range -qmax..qmax: 127, or 7 for int4 (as TFLite's
  // int4 quantization, which leaves -8 unused).
  int32_t weight_qmax() const { return weight_bits == 4 ? 7 : 127; }
  int64_t weight_count() const;  // 0 for layers without weights
  int64_t macs() const;
};

struct ArchSpec {
  std::string name;    // e.g. "dscnn-w24-b3-k9", "tcresnet-w20-b2-k9-int4"
  std::string family;  // "dscnn", "tcresnet", "tcresnet2d", "dscnn-int4" or "tcresnet-int4"
  int32_t width = 0;
  int32_t blocks = 0;
  int32_t kernel = 0;
  std::vector<LayerSpec> layers;  // topological; the last is kSoftmax

  int64_t params() const;  // weights + biases (after batch-norm folding)
  int64_t macs() const;
};

// DS-CNN over time: conv 3x1 (40 -> width, stride 2, ReLU), then `blocks`
// depthwise-separable blocks (depthwise kernel x 1, ReLU; pointwise 1x1,
// ReLU; the first two blocks stride 2), global average pool, FC, softmax.
// weight_bits 4: the weights of every conv and depthwise layer but the first
// (which reads the features) INT4; name and family end in "-int4".
ArchSpec MakeDsCnn(int32_t width, int32_t blocks, int32_t kernel, int32_t weight_bits = 8);
// TC-ResNet-like: conv 3x1 (40 -> width, ReLU), then `blocks` residual
// blocks [conv kernel x 1 stride 2 ReLU, conv kernel x 1] + shortcut
// (1x1 conv stride 2), ADD with ReLU; global average pool, FC, softmax.
ArchSpec MakeTcResNet(int32_t width, int32_t blocks, int32_t kernel, int32_t weight_bits = 8);
// The TC-ResNet behind a time-frequency front: kTimeFreqConv with `filters`
// 3 x 3 filters (time x bands), stride 2 over bands, ReLU (40 bands -> 20,
// so 20 * filters channels), then MakeTcResNet's layers reading it.
// "tcresnet2d-f<filters>-w<width>-b<blocks>-k<kernel>".
ArchSpec MakeTcResNet2d(int32_t filters, int32_t width, int32_t blocks, int32_t kernel);

// All zoo entries, each family ordered by increasing size.
std::vector<ArchSpec> ModelZoo();

// Quantization of an activation tensor (per tensor, asymmetric int8).
struct ActQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
};
// The model input: int8 features from the micro_speech frontend, fed to the
// model unchanged; as floats (v - zp) * scale, i.e. 0 .. 9.96.
constexpr ActQuant kInputQuant{0.0390625f, -128};
// TFLite's int8 softmax output convention.
constexpr ActQuant kSoftmaxQuant{1.0f / 256.0f, -128};

// One layer's integer parameters, in .tflite layout.
struct QuantLayer {
  // kConv [out, kernel, 1, in]; kDepthwise [1, kernel, 1, channels];
  // kFullyConnected [out, in]; kTimeFreqConv [filters, kernel,
  // kernel_bands, 1]. Symmetric, -127..127 (int4 layers: -7..7).
  std::vector<int8_t> weights;
  // Per output channel (conv, depthwise), per filter (time-frequency conv);
  // one value (fully connected).
  std::vector<float> weight_scales;
  // int32 bias with scale input_scale * weight_scales[c], zero point 0.
  std::vector<int32_t> bias;
  ActQuant output;  // kAvgPool: the input's; kSoftmax: kSoftmaxQuant
};

struct QuantModel {
  ArchSpec arch;
  ActQuant input = kInputQuant;
  std::vector<QuantLayer> layers;  // one per arch.layers entry
};

// A QuantModel with deterministic placeholder values (for sizing: the file
// bytes and arena do not depend on the values).
QuantModel PlaceholderQuantModel(const ArchSpec& arch);

// Writes a standard .tflite (operator versions as TFLite's converter writes
// them for int8), `description` as the model description. Throws
// std::invalid_argument when the QuantModel does not match its arch.
std::vector<uint8_t> ExportTflite(const QuantModel& model, const std::string& description);

// Loads `tflite` in the tinyml interpreter with all builtin ops and
// prepares it on an exactly sized arena. Throws std::runtime_error (one
// line) when it does not load or prepare.
struct TfliteCheck {
  size_t file_bytes = 0;
  size_t arena_bytes = 0;
};
TfliteCheck CheckTflite(const std::vector<uint8_t>& tflite);

// Runs `count` examples (each kModelFrames x kModelFeatures int8 values,
// example-major in `x`) through the interpreter; returns count x classes
// int8 scores. Throws std::runtime_error on failure.
std::vector<int8_t> RunTflite(const std::vector<uint8_t>& tflite, const int8_t* x, size_t count);

struct ModelStats {
  int64_t params = 0;
  int64_t macs = 0;
  size_t file_bytes = 0;   // for a description of the same length: a trained model's within alignment
                           // padding (a few bytes), less if its scale vectors repeat (stored once)
  size_t arena_bytes = 0;  // exact (RequiredArenaBytes)
};
// Exports a placeholder model with `description` and asks the interpreter.
ModelStats MeasureArch(const ArchSpec& arch, const std::string& description);

// The largest zoo entry (by file bytes) of `arch` (a family name, or one
// entry's exact name) whose file fits `size_budget` bytes and whose arena
// fits `arena_budget`. "auto": the largest fitting TC-ResNet, else the
// largest fitting DS-CNN. Throws std::runtime_error with a one-line message
// when `arch` is unknown or nothing fits.
struct ArchChoice {
  ArchSpec arch;
  ModelStats stats;
};
ArchChoice PickArch(const std::string& arch, size_t size_budget, size_t arena_budget, const std::string& description);

// Agreement between the fake-quantized libtorch model and the exported
// file on the same examples (count x classes int8 scores each).
struct Agreement {
  size_t examples = 0;
  double top1 = 0.0;           // fraction of examples with the same argmax
  double equal_outputs = 0.0;  // fraction of int8 scores exactly equal
  int32_t max_abs_diff = 0;    // in int8 steps
};
Agreement CompareScores(const std::vector<int8_t>& reference, const std::vector<int8_t>& exported, size_t classes);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_MODEL_ZOO_H_
