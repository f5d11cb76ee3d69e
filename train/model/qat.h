// A zoo architecture (model/zoo.h) as a libtorch module, trained in float
// and then with quantization-aware training that matches TFLite's int8
// arithmetic:
//
//  - batch norm folded into the conv weights and bias before fake
//    quantization (w * gamma / sigma, beta - mean * gamma / sigma), the
//    batch-norm statistics frozen during QAT so training sees exactly the
//    folded layer the export writes;
//  - weights per output channel, symmetric, -127..127, or -7..7 for the
//    int4 layers of an "-int4" arch (FC: per tensor, int8);
//  - int32 bias on the grid input_scale * weight_scale[c];
//  - activations per tensor, asymmetric int8, ranges tracked by an EMA of
//    min/max and then frozen; a fused ReLU is the lower clamp (zero point
//    -128 for a range starting at 0);
//  - the average pool keeps its input's quantization; the logits are
//    quantized like any activation and the softmax output at 1/256, -128;
//  - straight-through estimator (the gradient passes the rounding, and is
//    cut outside the clamp range).
//
// Only the torch translation units include this header.
#ifndef TINYML_TRAIN_MODEL_QAT_H_
#define TINYML_TRAIN_MODEL_QAT_H_

#include <torch/torch.h>

#include <vector>

#include "model/zoo.h"

namespace tinyml::train {

// kFloat: conv + batch norm (batch statistics in training mode).
// kFolded: batch norm folded into the weights, running statistics, no
// quantization (equal to kFloat in eval mode up to float rounding).
// kQat: folded and fake-quantized.
enum class QatMode { kFloat, kFolded, kQat };

// Scale and zero point of an int8 activation range [lo, hi] (widened to
// contain 0), computed in float32 as the export writes them.
ActQuant ActQuantForRange(float lo, float hi);

// Speaker warp (TrainConfig::speaker_warp) on features [B, kModelFeatures,
// frames]: example b's channel k takes the value its spectrum has at
// f_k / alpha_b, alpha_b drawn from torch's generator uniformly in
// [1 - w, 1 + w], f_k the centre of the frontend's channel k (40 mel-spaced
// channels, 125..7500 Hz), interpolated linearly between channels; past
// the edges, the edge channel. alpha > 1 moves formants up (a shorter vocal tract).
torch::Tensor SpeakerWarp(const torch::Tensor& x, double w);

class QatNetImpl : public torch::nn::Module {
 public:
  explicit QatNetImpl(const ArchSpec& arch);

  // x: [N, kModelFeatures, kModelFrames] float features, i.e. the int8
  // input v as (v - kInputQuant.zero_point) * kInputQuant.scale. Returns
  // the logits [N, classes] (fake-quantized in QAT mode).
  torch::Tensor forward(torch::Tensor x);

  void set_mode(QatMode mode) { mode_ = mode; }
  QatMode mode() const { return mode_; }
  // QAT: while true (and the module is in training mode or calibrating),
  // forward() updates the activation ranges.
  void set_observing(bool observing) { observing_ = observing; }
  bool observing() const { return observing_; }

  // The integer model the export writes (QAT mode parameters).
  QuantModel ToQuantModel();

  const ArchSpec& arch() const { return arch_; }

 private:
  torch::Tensor Layer(size_t i, const torch::Tensor& x);
  // Folded float weights and bias of a conv / depthwise / FC layer.
  std::pair<torch::Tensor, torch::Tensor> Folded(size_t i);
  torch::Tensor FakeQuantAct(size_t i, const torch::Tensor& x);
  ActQuant OutputQuant(size_t i) const;
  ActQuant InputQuant(size_t i) const;

  ArchSpec arch_;
  QatMode mode_ = QatMode::kFloat;
  bool observing_ = false;
  std::vector<torch::Tensor> weight_, gamma_, beta_, running_mean_, running_var_, fc_bias_;
  std::vector<torch::Tensor> act_range_;  // [lo, hi, initialized]
};
TORCH_MODULE(QatNet);

// [N, kModelFrames, kModelFeatures] int8 -> [N, kModelFeatures, kModelFrames] float.
torch::Tensor FeaturesToInput(const int8_t* x, size_t count);

// The int8 scores the exported model gives for these logits: softmax,
// quantized at 1/256 with zero point -128.
torch::Tensor ScoresInt8(const torch::Tensor& logits);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_MODEL_QAT_H_
