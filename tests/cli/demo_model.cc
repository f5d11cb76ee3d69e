#include "demo_model.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "writer/model_builder.h"

namespace tinyml::demo {
namespace {

using writer::Activation;
using writer::ModelBuilder;
using writer::Padding;
using writer::QuantParams;

// xorshift32: unlike <random> distributions, the same numbers everywhere.
class Rng {
 public:
  explicit Rng(uint32_t seed) : state_(seed != 0 ? seed : 0x9e3779b9u) {}
  uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  // Uniform integer in [lo, hi].
  int32_t Int(int32_t lo, int32_t hi) { return lo + static_cast<int32_t>(Next() % static_cast<uint32_t>(hi - lo + 1)); }

 private:
  uint32_t state_;
};

std::vector<int8_t> Weights(Rng& rng, size_t n) {
  std::vector<int8_t> w(n);
  for (auto& v : w) v = static_cast<int8_t>(rng.Int(-127, 127));
  return w;
}

std::vector<int32_t> Biases(Rng& rng, size_t n, int32_t range) {
  std::vector<int32_t> b(n);
  for (auto& v : b) v = rng.Int(-range, range);
  return b;
}

}  // namespace

std::vector<uint8_t> BuildDemoModel(uint32_t seed) {
  Rng rng(seed);
  ModelBuilder b;
  b.SetDescription("tinyml demo network (conv, depthwise, avgpool, fc, softmax), seed " + std::to_string(seed));

  const float in_scale = 1.0f / 128.0f;
  const int in = b.AddTensor(TensorType::kInt8, {1, 16, 16, 1}, QuantParams::PerTensor(in_scale, 0), "input");

  // CONV_2D: 8 output channels, per-channel symmetric weights.
  std::vector<float> conv_scales(8);
  for (int c = 0; c < 8; ++c) conv_scales[c] = 0.004f * static_cast<float>(1 + c % 3);
  std::vector<float> conv_bias_scales(8);
  for (int c = 0; c < 8; ++c) conv_bias_scales[c] = in_scale * conv_scales[c];
  const int conv_w = b.AddConst<int8_t>(TensorType::kInt8, {8, 3, 3, 1}, Weights(rng, 8 * 9),
                                        QuantParams::PerChannel(conv_scales, 0), "conv/weights");
  const int conv_b = b.AddConst<int32_t>(TensorType::kInt32, {8}, Biases(rng, 8, 2000),
                                         QuantParams::PerChannel(conv_bias_scales, 0), "conv/bias");
  const float act_scale = 0.02f;
  const int conv_out =
      b.AddTensor(TensorType::kInt8, {1, 8, 8, 8}, QuantParams::PerTensor(act_scale, -128), "conv/relu");
  writer::Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.stride_w = conv.stride_h = 2;
  conv.activation = Activation::kRelu;
  b.AddOperator(BuiltinOp::kConv2d, {in, conv_w, conv_b}, {conv_out}, conv);

  // DEPTHWISE_CONV_2D, depth multiplier 1.
  std::vector<float> dw_scales(8);
  for (int c = 0; c < 8; ++c) dw_scales[c] = 0.006f + 0.001f * static_cast<float>(c);
  std::vector<float> dw_bias_scales(8);
  for (int c = 0; c < 8; ++c) dw_bias_scales[c] = act_scale * dw_scales[c];
  const int dw_w = b.AddConst<int8_t>(TensorType::kInt8, {1, 3, 3, 8}, Weights(rng, 9 * 8),
                                      QuantParams::PerChannel(dw_scales, 3), "dw/weights");
  const int dw_b = b.AddConst<int32_t>(TensorType::kInt32, {8}, Biases(rng, 8, 500),
                                       QuantParams::PerChannel(dw_bias_scales, 0), "dw/bias");
  const int dw_out = b.AddTensor(TensorType::kInt8, {1, 8, 8, 8}, QuantParams::PerTensor(act_scale, -128), "dw/relu");
  writer::DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.stride_w = dw.stride_h = 1;
  dw.depth_multiplier = 1;
  dw.activation = Activation::kRelu;
  b.AddOperator(BuiltinOp::kDepthwiseConv2d, {conv_out, dw_w, dw_b}, {dw_out}, dw);

  // AVERAGE_POOL_2D keeps the quantization of its input.
  const int pool_out = b.AddTensor(TensorType::kInt8, {1, 4, 4, 8}, QuantParams::PerTensor(act_scale, -128), "pool");
  writer::Pool2DOptions pool;
  pool.padding = Padding::kValid;
  pool.stride_w = pool.stride_h = 2;
  pool.filter_width = pool.filter_height = 2;
  b.AddOperator(BuiltinOp::kAveragePool2d, {dw_out}, {pool_out}, pool);

  // FULLY_CONNECTED: per-tensor weights, 128 inputs -> 10 logits.
  const float fc_scale = 0.01f;
  const int fc_w = b.AddConst<int8_t>(TensorType::kInt8, {10, 128}, Weights(rng, 10 * 128),
                                      QuantParams::PerTensor(fc_scale, 0), "fc/weights");
  const int fc_b = b.AddConst<int32_t>(TensorType::kInt32, {10}, Biases(rng, 10, 3000),
                                       QuantParams::PerTensor(act_scale * fc_scale, 0), "fc/bias");
  const int logits = b.AddTensor(TensorType::kInt8, {1, 10}, QuantParams::PerTensor(0.1f, 0), "logits");
  b.AddOperator(BuiltinOp::kFullyConnected, {pool_out, fc_w, fc_b}, {logits}, writer::FullyConnectedOptions{});

  // SOFTMAX: TFLite requires output scale 1/256 and zero point -128 for int8.
  const int probs =
      b.AddTensor(TensorType::kInt8, {1, 10}, QuantParams::PerTensor(1.0f / 256.0f, -128), "probabilities");
  writer::SoftmaxOptions softmax;
  softmax.beta = 1.0f;
  b.AddOperator(BuiltinOp::kSoftmax, {logits}, {probs}, softmax);

  b.SetInputs({in});
  b.SetOutputs({probs});
  return b.Finish();
}

}  // namespace tinyml::demo
