// Small, valid .tflite models covering every builtin op tinyml implements
// (int8 and float variants, per-channel weights, optional inputs, variables,
// custom ops). They seed the fuzzer's corpus and are the starting points the
// malformed-model tests corrupt. Host only; header-only so any test binary
// can use it.
#ifndef TINYML_TESTS_FUZZ_SEED_MODELS_H_
#define TINYML_TESTS_FUZZ_SEED_MODELS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "writer/model_builder.h"

namespace tinyml::fuzz {

struct SeedModel {
  std::string name;
  std::vector<uint8_t> bytes;
};

namespace seed_internal {

using writer::Activation;
using writer::ModelBuilder;
using writer::Padding;
using writer::QuantParams;

inline QuantParams Q(float scale, int64_t zero_point) { return QuantParams::PerTensor(scale, zero_point); }

template <typename T>
std::vector<T> Ramp(size_t n, int start, int step, int modulo) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>((start + static_cast<int>(i) * step) % modulo);
  return v;
}

// One op, `in` -> `out`, both int8 or both float of the same shape.
inline std::vector<uint8_t> Unary(BuiltinOp op, TensorType type, std::vector<int32_t> shape,
                                  writer::OpOptions options = {}) {
  ModelBuilder b;
  const bool q = type == TensorType::kInt8;
  const int in = b.AddTensor(type, shape, q ? Q(0.05f, -10) : QuantParams{});
  // Softmax, logistic and tanh have fixed int8 output quantization in TFLite.
  QuantParams out_q = Q(0.04f, 3);
  if (op == BuiltinOp::kSoftmax || op == BuiltinOp::kLogistic) out_q = Q(1.0f / 256, -128);
  if (op == BuiltinOp::kTanh) out_q = Q(1.0f / 128, 0);
  const int out = b.AddTensor(type, shape, q ? out_q : QuantParams{});
  b.AddOperator(op, {in}, {out}, std::move(options));
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

// A two-score softmax carrying tinyml-kws metadata in its description, as
// `tinyml train` writes it (the fuzz target parses it like a firmware does).
inline std::vector<uint8_t> KwsScoresWithMetadata() {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 2}, Q(0.05f, -10));
  const int out = b.AddTensor(TensorType::kInt8, {1, 2}, Q(1.0f / 256, -128));
  b.AddOperator(BuiltinOp::kSoftmax, {in}, {out}, writer::SoftmaxOptions{1.0f});
  b.SetInputs({in});
  b.SetOutputs({out});
  b.SetDescription("tinyml-kws word=marvin labels=background,marvin threshold=0.6860 frontend=micro_speech");
  return b.Finish();
}

inline std::vector<uint8_t> Binary(BuiltinOp op, TensorType type, std::vector<int32_t> a_shape,
                                   std::vector<int32_t> b_shape, std::vector<int32_t> out_shape,
                                   writer::OpOptions options = {}) {
  ModelBuilder b;
  const bool q = type == TensorType::kInt8;
  const int x = b.AddTensor(type, a_shape, q ? Q(0.1f, 2) : QuantParams{});
  const int y = b.AddTensor(type, b_shape, q ? Q(0.05f, -7) : QuantParams{});
  const int out = b.AddTensor(type, out_shape, q ? Q(0.2f, 1) : QuantParams{});
  b.AddOperator(op, {x, y}, {out}, std::move(options));
  b.SetInputs({x, y});
  b.SetOutputs({out});
  return b.Finish();
}

// n values over [-8, 7] for INT4 weights.
inline std::vector<int8_t> Int4Ramp(size_t n, int step) {
  std::vector<int8_t> v = Ramp<int8_t>(n, 0, step, 16);
  for (int8_t& x : v) x = static_cast<int8_t>(x - 8);
  return v;
}

// Filter values as `type`: INT8 as given, INT4 (values in [-8, 7]) packed.
inline int Weights(ModelBuilder& b, TensorType type, std::vector<int32_t> shape, const std::vector<int8_t>& values,
                   QuantParams quant) {
  if (type != TensorType::kInt4) return b.AddConst<int8_t>(type, std::move(shape), values, std::move(quant), "weights");
  return b.AddInt4Const(std::move(shape), values, std::move(quant), "weights");
}

// `filter`: kInt8, or kInt4 (the weights in [-8, 7], packed).
inline std::vector<uint8_t> ConvInt8(bool depthwise, Padding padding, int stride, bool with_bias,
                                     TensorType filter = TensorType::kInt8) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 5, 5, 2}, Q(0.5f, -3), "input");
  const bool int4 = filter == TensorType::kInt4;
  int w;
  int out_c;
  if (depthwise) {
    out_c = 4;  // depth_multiplier 2
    w = Weights(b, filter, {1, 3, 3, 4}, int4 ? Int4Ramp(36, 5) : Ramp<int8_t>(36, -18, 5, 37),
                QuantParams::PerChannel({0.01f, 0.02f, 0.03f, 0.04f}, 3));
  } else {
    out_c = 3;
    w = Weights(b, filter, {3, 3, 3, 2}, int4 ? Int4Ramp(54, 7) : Ramp<int8_t>(54, -27, 7, 55),
                QuantParams::PerChannel({0.01f, 0.02f, 0.03f}, 0));
  }
  int bias = -1;
  if (with_bias) {
    std::vector<float> scales;
    for (int c = 0; c < out_c; ++c) scales.push_back(0.5f * 0.01f * static_cast<float>(c + 1));
    bias = b.AddConst<int32_t>(TensorType::kInt32, {out_c}, Ramp<int32_t>(static_cast<size_t>(out_c), -50, 40, 1000),
                               QuantParams::PerChannel(scales, 0), "bias");
  }
  const int size = padding == Padding::kSame ? (5 + stride - 1) / stride : (5 - 3) / stride + 1;
  const int out = b.AddTensor(TensorType::kInt8, {1, size, size, out_c}, Q(0.25f, 5), "output");
  if (depthwise) {
    b.AddOperator(BuiltinOp::kDepthwiseConv2d, {in, w, bias}, {out},
                  writer::DepthwiseConv2DOptions{padding, stride, stride, 2, Activation::kRelu6, 1, 1});
  } else {
    b.AddOperator(BuiltinOp::kConv2d, {in, w, bias}, {out},
                  writer::Conv2DOptions{padding, stride, stride, Activation::kRelu, 1, 1});
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> ConvFloat() {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 4, 4, 1});
  const std::vector<float> w = {0.5f, -1.0f, 0.25f, 2.0f, 1.0f, -0.5f, 0.0f, 1.5f};
  const int wt = b.AddConst<float>(TensorType::kFloat32, {2, 2, 2, 1}, w);
  const int bias = b.AddConst<float>(TensorType::kFloat32, {2}, std::vector<float>{0.1f, -0.2f});
  const int out = b.AddTensor(TensorType::kFloat32, {1, 3, 3, 2});
  b.AddOperator(BuiltinOp::kConv2d, {in, wt, bias}, {out},
                writer::Conv2DOptions{Padding::kValid, 1, 1, Activation::kNone, 1, 1});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> FullyConnected(TensorType type, bool with_bias, TensorType filter = TensorType::kInt8) {
  ModelBuilder b;
  const bool q = type == TensorType::kInt8;
  const int in = b.AddTensor(type, {2, 6}, q ? Q(0.1f, 4) : QuantParams{});
  int w;
  if (q) {
    w = Weights(b, filter, {3, 6}, filter == TensorType::kInt4 ? Int4Ramp(18, 11) : Ramp<int8_t>(18, -9, 11, 19),
                Q(0.02f, 0));
  } else {
    w = b.AddConst<float>(TensorType::kFloat32, {3, 6}, Ramp<float>(18, -9, 1, 19));
  }
  int bias = -1;
  if (with_bias) {
    bias = q ? b.AddConst<int32_t>(TensorType::kInt32, {3}, std::vector<int32_t>{100, -200, 300}, Q(0.002f, 0))
             : b.AddConst<float>(TensorType::kFloat32, {3}, std::vector<float>{1, -2, 3});
  }
  const int out = b.AddTensor(type, {2, 3}, q ? Q(0.3f, -2) : QuantParams{});
  b.AddOperator(BuiltinOp::kFullyConnected, {in, w, bias}, {out},
                writer::FullyConnectedOptions{Activation::kNone, false});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> Pool(BuiltinOp op, TensorType type) {
  ModelBuilder b;
  const bool q = type == TensorType::kInt8;
  const int in = b.AddTensor(type, {1, 6, 5, 2}, q ? Q(0.1f, -1) : QuantParams{});
  const int out = b.AddTensor(type, {1, 3, 3, 2}, q ? Q(0.1f, -1) : QuantParams{});
  b.AddOperator(op, {in}, {out}, writer::Pool2DOptions{Padding::kSame, 2, 2, 3, 2, Activation::kNone});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> Shaping(BuiltinOp op, TensorType type) {
  ModelBuilder b;
  const bool q = type == TensorType::kInt8;
  const QuantParams qp = q ? Q(0.1f, 0) : QuantParams{};
  const int in = b.AddTensor(type, {1, 2, 3, 4}, qp);
  int out = -1;
  switch (op) {
    case BuiltinOp::kReshape: {
      const int shape = b.AddConst<int32_t>(TensorType::kInt32, {2}, std::vector<int32_t>{6, 4});
      out = b.AddTensor(type, {6, 4}, qp);
      b.AddOperator(op, {in, shape}, {out}, writer::ReshapeOptions{{6, 4}});
      break;
    }
    case BuiltinOp::kTranspose: {
      const int perm = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{0, 3, 1, 2});
      out = b.AddTensor(type, {1, 4, 2, 3}, qp);
      b.AddOperator(op, {in, perm}, {out}, writer::TransposeOptions{});
      break;
    }
    case BuiltinOp::kPad: {
      const int pads = b.AddConst<int32_t>(TensorType::kInt32, {4, 2}, std::vector<int32_t>{0, 0, 1, 0, 0, 2, 1, 1});
      out = b.AddTensor(type, {1, 3, 5, 6}, qp);
      b.AddOperator(op, {in, pads}, {out}, writer::PadOptions{});
      break;
    }
    case BuiltinOp::kStridedSlice: {
      const int begin = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{0, 0, 1, 0});
      const int end = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{1, 2, 3, 4});
      const int strides = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{1, 1, 1, 2});
      out = b.AddTensor(type, {1, 2, 2, 2}, qp);
      b.AddOperator(op, {in, begin, end, strides}, {out}, writer::StridedSliceOptions{});
      break;
    }
    case BuiltinOp::kMean: {
      const int axis = b.AddConst<int32_t>(TensorType::kInt32, {2}, std::vector<int32_t>{1, 2});
      out = b.AddTensor(type, {1, 1, 1, 4}, q ? Q(0.05f, 3) : QuantParams{});
      b.AddOperator(op, {in, axis}, {out}, writer::ReducerOptions{true});
      break;
    }
    case BuiltinOp::kConcatenation: {
      const int in2 = b.AddTensor(type, {1, 2, 3, 2}, qp);
      out = b.AddTensor(type, {1, 2, 3, 6}, qp);
      b.AddOperator(op, {in, in2}, {out}, writer::ConcatenationOptions{3, Activation::kNone});
      b.SetInputs({in, in2});
      b.SetOutputs({out});
      return b.Finish();
    }
    default:
      break;
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> QuantizeDequantize() {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kFloat32, {1, 8});
  const int q = b.AddTensor(TensorType::kInt8, {1, 8}, Q(0.02f, -5));
  const int q2 = b.AddTensor(TensorType::kInt8, {1, 8}, Q(0.05f, 7));
  const int out = b.AddTensor(TensorType::kFloat32, {1, 8});
  b.AddOperator(BuiltinOp::kQuantize, {in}, {q}, writer::QuantizeOptions{});
  b.AddOperator(BuiltinOp::kQuantize, {q}, {q2}, writer::QuantizeOptions{});  // requantize
  b.AddOperator(BuiltinOp::kDequantize, {q2}, {out}, writer::DequantizeOptions{});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

inline std::vector<uint8_t> Cast() {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {5});
  const int mid = b.AddTensor(TensorType::kFloat32, {5});
  const int out = b.AddTensor(TensorType::kInt32, {5});
  b.AddOperator(BuiltinOp::kCast, {in}, {mid}, writer::CastOptions{TensorType::kInt8, TensorType::kFloat32});
  b.AddOperator(BuiltinOp::kCast, {mid}, {out}, writer::CastOptions{TensorType::kFloat32, TensorType::kInt32});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

// A small keyword-spotting-like network: conv, depthwise, pool, reshape, fc,
// softmax, with a variable tensor and a custom op that no resolver knows.
inline std::vector<uint8_t> SmallNetwork(bool with_custom) {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 8, 6, 1}, Q(0.5f, -128), "features");
  const int w1 = b.AddConst<int8_t>(TensorType::kInt8, {4, 3, 3, 1}, Ramp<int8_t>(36, -20, 9, 41),
                                    QuantParams::PerChannel({0.01f, 0.015f, 0.02f, 0.012f}, 0));
  const int b1 = b.AddConst<int32_t>(TensorType::kInt32, {4}, std::vector<int32_t>{10, -10, 20, 0},
                                     QuantParams::PerChannel({0.005f, 0.0075f, 0.01f, 0.006f}, 0));
  const int c1 = b.AddTensor(TensorType::kInt8, {1, 4, 3, 4}, Q(0.1f, -128));
  b.AddOperator(BuiltinOp::kConv2d, {in, w1, b1}, {c1},
                writer::Conv2DOptions{Padding::kSame, 2, 2, Activation::kRelu, 1, 1});
  const int w2 = b.AddConst<int8_t>(TensorType::kInt8, {1, 3, 3, 4}, Ramp<int8_t>(36, 3, 13, 53),
                                    QuantParams::PerChannel({0.02f, 0.02f, 0.03f, 0.01f}, 3));
  const int c2 = b.AddTensor(TensorType::kInt8, {1, 4, 3, 4}, Q(0.1f, -128));
  b.AddOperator(BuiltinOp::kDepthwiseConv2d, {c1, w2, -1}, {c2},
                writer::DepthwiseConv2DOptions{Padding::kSame, 1, 1, 1, Activation::kRelu6, 1, 1});
  const int p = b.AddTensor(TensorType::kInt8, {1, 1, 2, 4}, Q(0.1f, -128));
  b.AddOperator(BuiltinOp::kAveragePool2d, {c2}, {p},
                writer::Pool2DOptions{Padding::kValid, 1, 2, 2, 3, Activation::kNone});
  const int flat = b.AddTensor(TensorType::kInt8, {1, 8}, Q(0.1f, -128));
  b.AddOperator(BuiltinOp::kReshape, {p}, {flat}, writer::ReshapeOptions{{1, 8}});
  const int w3 = b.AddConst<int8_t>(TensorType::kInt8, {3, 8}, Ramp<int8_t>(24, -12, 5, 25), Q(0.02f, 0));
  const int b3 = b.AddConst<int32_t>(TensorType::kInt32, {3}, std::vector<int32_t>{5, 0, -5}, Q(0.002f, 0));
  const int logits = b.AddTensor(TensorType::kInt8, {1, 3}, Q(0.2f, 10));
  b.AddOperator(BuiltinOp::kFullyConnected, {flat, w3, b3}, {logits}, writer::FullyConnectedOptions{});
  const int probs = b.AddTensor(TensorType::kInt8, {1, 3}, Q(1.0f / 256, -128));
  b.AddOperator(BuiltinOp::kSoftmax, {logits}, {probs}, writer::SoftmaxOptions{1.0f});
  int out = probs;
  if (with_custom) {
    const int state = b.AddTensor(TensorType::kInt8, {1, 3}, Q(1.0f / 256, -128), "state");
    b.SetVariable(state);
    out = b.AddTensor(TensorType::kInt8, {1, 3}, Q(1.0f / 256, -128));
    b.AddCustomOperator("TINYML_FUZZ_SMOOTH", {probs, state}, {out}, {1, 2, 3, 4});
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

}  // namespace seed_internal

// All seed models, each with a stable file name.
inline std::vector<SeedModel> SeedModels() {
  using namespace seed_internal;  // NOLINT(build/namespaces): local builder helpers
  using writer::AddOptions;
  using writer::DivOptions;
  using writer::LeakyReluOptions;
  using writer::MulOptions;
  using writer::SoftmaxOptions;
  using writer::SubOptions;
  const TensorType kI8 = TensorType::kInt8;
  const TensorType kF32 = TensorType::kFloat32;
  std::vector<SeedModel> seeds;
  auto add = [&](std::string name, std::vector<uint8_t> bytes) {
    seeds.push_back({std::move(name), std::move(bytes)});
  };

  add("conv_int8_same_s1", ConvInt8(false, Padding::kSame, 1, true));
  add("conv_int8_valid_s2_nobias", ConvInt8(false, Padding::kValid, 2, false));
  add("dwconv_int8_same_s2", ConvInt8(true, Padding::kSame, 2, true));
  add("dwconv_int8_valid_s1_nobias", ConvInt8(true, Padding::kValid, 1, false));
  add("conv_int4_weights", ConvInt8(false, Padding::kSame, 1, true, TensorType::kInt4));
  add("dwconv_int4_weights", ConvInt8(true, Padding::kValid, 1, true, TensorType::kInt4));
  add("conv_float", ConvFloat());
  add("fc_int8", FullyConnected(kI8, true));
  add("fc_int8_nobias", FullyConnected(kI8, false));
  add("fc_int4_weights", FullyConnected(kI8, true, TensorType::kInt4));
  add("fc_float", FullyConnected(kF32, true));
  for (TensorType t : {kI8, kF32}) {
    const std::string s = t == kI8 ? "_int8" : "_float";
    add("maxpool" + s, Pool(BuiltinOp::kMaxPool2d, t));
    add("avgpool" + s, Pool(BuiltinOp::kAveragePool2d, t));
    add("add" + s, Binary(BuiltinOp::kAdd, t, {1, 2, 3}, {1, 1, 3}, {1, 2, 3}, AddOptions{Activation::kRelu}));
    add("sub" + s, Binary(BuiltinOp::kSub, t, {2, 3}, {2, 3}, {2, 3}, SubOptions{}));
    add("mul" + s, Binary(BuiltinOp::kMul, t, {4}, {1}, {4}, MulOptions{Activation::kRelu6}));
    add("maximum" + s, Binary(BuiltinOp::kMaximum, t, {2, 2}, {2, 2}, {2, 2}, writer::MaximumMinimumOptions{}));
    add("minimum" + s, Binary(BuiltinOp::kMinimum, t, {3, 1}, {1, 2}, {3, 2}, writer::MaximumMinimumOptions{}));
    add("softmax" + s, Unary(BuiltinOp::kSoftmax, t, {2, 5}, SoftmaxOptions{0.5f}));
    add("relu" + s, Unary(BuiltinOp::kRelu, t, {7}));
    add("relu6" + s, Unary(BuiltinOp::kRelu6, t, {3, 3}));
    add("logistic" + s, Unary(BuiltinOp::kLogistic, t, {9}));
    add("tanh" + s, Unary(BuiltinOp::kTanh, t, {2, 4}));
    add("leaky_relu" + s, Unary(BuiltinOp::kLeakyRelu, t, {6}, LeakyReluOptions{0.2f}));
    add("reshape" + s, Shaping(BuiltinOp::kReshape, t));
    add("transpose" + s, Shaping(BuiltinOp::kTranspose, t));
    add("pad" + s, Shaping(BuiltinOp::kPad, t));
    add("strided_slice" + s, Shaping(BuiltinOp::kStridedSlice, t));
    add("mean" + s, Shaping(BuiltinOp::kMean, t));
    add("concatenation" + s, Shaping(BuiltinOp::kConcatenation, t));
  }
  add("div_float", Binary(BuiltinOp::kDiv, kF32, {2, 2}, {2, 2}, {2, 2}, DivOptions{}));
  add("quantize_dequantize", QuantizeDequantize());
  add("cast", Cast());
  add("small_network", SmallNetwork(false));
  add("small_network_custom", SmallNetwork(true));
  add("kws_scores_with_metadata", KwsScoresWithMetadata());
  return seeds;
}

}  // namespace tinyml::fuzz

#endif  // TINYML_TESTS_FUZZ_SEED_MODELS_H_
