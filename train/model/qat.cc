#include "model/qat.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tinyml::train {
namespace {

constexpr double kBnEps = 1e-3;
constexpr double kBnMomentum = 0.1;
constexpr float kRangeMomentum = 0.9f;  // EMA weight of the old activation range

// Straight-through: the value of `quantized`, the gradient of `x`.
torch::Tensor Ste(const torch::Tensor& x, const torch::Tensor& quantized) { return x + (quantized - x).detach(); }

// Per-channel (dim 0) symmetric scales max|w| / qmax of a float32 tensor.
torch::Tensor WeightScales(const torch::Tensor& w, int32_t qmax) {
  return (w.detach().abs().flatten(1).amax(1) / static_cast<float>(qmax)).clamp_min(1e-9f);
}

torch::Tensor ChannelView(const torch::Tensor& per_channel, int64_t rank) {
  std::vector<int64_t> shape(static_cast<size_t>(rank), 1);
  shape[0] = -1;
  return per_channel.view(shape);
}

}  // namespace

ActQuant ActQuantForRange(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (hi - lo < 1e-3f) hi = lo + 1e-3f;
  ActQuant q;
  q.scale = (hi - lo) / 255.0f;
  const float zp = std::nearbyint(-128.0f - lo / q.scale);
  q.zero_point = static_cast<int32_t>(std::clamp(zp, -128.0f, 127.0f));
  return q;
}

QatNetImpl::QatNetImpl(const ArchSpec& arch) : arch_(arch) {
  const size_t n = arch_.layers.size();
  weight_.resize(n);
  gamma_.resize(n);
  beta_.resize(n);
  running_mean_.resize(n);
  running_var_.resize(n);
  fc_bias_.resize(n);
  act_range_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const LayerSpec& l = arch_.layers[i];
    const std::string id = std::to_string(i);
    if (l.kind == LayerKind::kConv || l.kind == LayerKind::kDepthwise || l.kind == LayerKind::kTimeFreqConv) {
      const int64_t channels = l.bias_count();
      std::vector<int64_t> shape;
      if (l.kind == LayerKind::kTimeFreqConv)
        shape = {channels, 1, l.kernel, l.kernel_bands};  // conv2d over [N, 1, frames, bands]
      else
        shape = {channels, l.kind == LayerKind::kConv ? l.in_channels : 1, l.kernel};
      const double fan_in = static_cast<double>(l.weight_count() / channels);
      const double bound = std::sqrt(6.0 / fan_in);  // He uniform for ReLU nets
      weight_[i] = register_parameter("w" + id, torch::empty(shape).uniform_(-bound, bound));
      gamma_[i] = register_parameter("gamma" + id, torch::ones({channels}));
      beta_[i] = register_parameter("beta" + id, torch::zeros({channels}));
      running_mean_[i] = register_buffer("mean" + id, torch::zeros({channels}));
      running_var_[i] = register_buffer("var" + id, torch::ones({channels}));
    } else if (l.kind == LayerKind::kFullyConnected) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(l.in_channels));
      weight_[i] = register_parameter("w" + id, torch::empty({l.out_channels, l.in_channels}).uniform_(-bound, bound));
      fc_bias_[i] = register_parameter("b" + id, torch::zeros({l.out_channels}));
    }
    if (l.kind == LayerKind::kConv || l.kind == LayerKind::kDepthwise || l.kind == LayerKind::kAdd ||
        l.kind == LayerKind::kFullyConnected || l.kind == LayerKind::kTimeFreqConv)
      act_range_[i] = register_buffer("range" + id, torch::zeros({3}));
  }
}

ActQuant QatNetImpl::OutputQuant(size_t i) const {
  const LayerSpec& l = arch_.layers[i];
  if (l.kind == LayerKind::kSoftmax) return kSoftmaxQuant;
  if (l.kind == LayerKind::kAvgPool) return InputQuant(i);
  const auto r = act_range_[i].accessor<float, 1>();
  return ActQuantForRange(r[0], r[1]);
}

ActQuant QatNetImpl::InputQuant(size_t i) const {
  const int32_t in = arch_.layers[i].input;
  return in < 0 ? kInputQuant : OutputQuant(static_cast<size_t>(in));
}

std::pair<torch::Tensor, torch::Tensor> QatNetImpl::Folded(size_t i) {
  const LayerSpec& l = arch_.layers[i];
  if (l.kind == LayerKind::kFullyConnected) return {weight_[i], fc_bias_[i]};
  const torch::Tensor factor = gamma_[i] / torch::sqrt(running_var_[i] + kBnEps);
  const torch::Tensor w = weight_[i] * ChannelView(factor, weight_[i].dim());
  const torch::Tensor b = beta_[i] - running_mean_[i] * factor;
  return {w, b};
}

torch::Tensor QatNetImpl::FakeQuantAct(size_t i, const torch::Tensor& x) {
  if (observing_) {
    torch::NoGradGuard no_grad;
    auto r = act_range_[i].accessor<float, 1>();
    const float lo = x.min().item<float>(), hi = x.max().item<float>();
    if (r[2] == 0.0f) {
      r[0] = lo;
      r[1] = hi;
      r[2] = 1.0f;
    } else {
      r[0] = kRangeMomentum * r[0] + (1.0f - kRangeMomentum) * lo;
      r[1] = kRangeMomentum * r[1] + (1.0f - kRangeMomentum) * hi;
    }
  }
  const ActQuant q = OutputQuant(i);
  const float lo = static_cast<float>(-128 - q.zero_point) * q.scale;
  const float hi = static_cast<float>(127 - q.zero_point) * q.scale;
  const torch::Tensor clamped = x.clamp(lo, hi);
  const torch::Tensor quantized =
      ((x.detach() / q.scale).round() + q.zero_point).clamp(-128, 127).sub(q.zero_point).mul(q.scale);
  return Ste(clamped, quantized);
}

torch::Tensor QatNetImpl::Layer(size_t i, const torch::Tensor& x) {
  const LayerSpec& l = arch_.layers[i];
  switch (l.kind) {
    case LayerKind::kConv:
    case LayerKind::kDepthwise:
    case LayerKind::kTimeFreqConv: {
      const bool two_d = l.kind == LayerKind::kTimeFreqConv;
      const int64_t groups = l.kind == LayerKind::kDepthwise ? l.out_channels : 1;
      // [N, features, frames] -> [N, 1, frames, bands] for the 2-D conv.
      const torch::Tensor image = two_d ? x.transpose(1, 2).unsqueeze(1) : x;
      const torch::Tensor padded =
          two_d ? torch::constant_pad_nd(image, {l.pad_bands_before, l.pad_bands_after, l.pad_before, l.pad_after}, 0.0)
          : (l.pad_before || l.pad_after) ? torch::constant_pad_nd(image, {l.pad_before, l.pad_after}, 0.0)
                                          : image;
      const std::vector<int64_t> stride = two_d ? std::vector<int64_t>{l.stride, l.stride_bands}
                                                : std::vector<int64_t>{l.stride};
      const std::vector<int64_t> no_padding(stride.size(), 0), dilation(stride.size(), 1);
      auto conv = [&](const torch::Tensor& w, const torch::Tensor& b) {
        return two_d ? torch::conv2d(padded, w, b, stride, no_padding, dilation, groups)
                     : torch::conv1d(padded, w, b, stride, no_padding, dilation, groups);
      };
      torch::Tensor y;
      if (mode_ == QatMode::kFloat) {
        y = conv(weight_[i], torch::Tensor());
        y = torch::batch_norm(y, gamma_[i], beta_[i], running_mean_[i], running_var_[i], is_training(), kBnMomentum,
                              kBnEps, false);
      } else {
        auto [w, b] = Folded(i);
        if (mode_ == QatMode::kQat) {
          const int32_t qmax = l.weight_qmax();
          const torch::Tensor ws = WeightScales(w, qmax);
          const torch::Tensor wsv = ChannelView(ws, w.dim());
          const torch::Tensor wq = (w.detach() / wsv).round().clamp(-qmax, qmax) * wsv;
          w = Ste(w, wq);
          const torch::Tensor bs = ws * InputQuant(i).scale;
          b = Ste(b, (b.detach() / bs).round().clamp(-2147483647.0, 2147483647.0) * bs);
        }
        y = conv(w, b);
      }
      if (l.relu) y = torch::relu(y);
      // [N, filters, frames, bands] -> [N, bands * filters, frames], the
      // channel order of the exported RESHAPE of NHWC [1, frames, bands, filters].
      if (two_d) y = y.permute({0, 2, 3, 1}).reshape({y.size(0), l.out_frames, l.out_channels}).transpose(1, 2);
      return mode_ == QatMode::kQat ? FakeQuantAct(i, y) : y;
    }
    default:
      break;
  }
  throw std::logic_error("Layer() called for a layer without weights");
}

torch::Tensor QatNetImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> outs(arch_.layers.size());
  const bool qat = mode_ == QatMode::kQat;
  torch::Tensor logits;
  for (size_t i = 0; i < arch_.layers.size(); ++i) {
    const LayerSpec& l = arch_.layers[i];
    const torch::Tensor& in = l.input < 0 ? x : outs[static_cast<size_t>(l.input)];
    switch (l.kind) {
      case LayerKind::kConv:
      case LayerKind::kDepthwise:
      case LayerKind::kTimeFreqConv:
        outs[i] = Layer(i, in);
        break;
      case LayerKind::kAdd: {
        torch::Tensor y = in + outs[static_cast<size_t>(l.input2)];
        if (l.relu) y = torch::relu(y);
        outs[i] = qat ? FakeQuantAct(i, y) : y;
        break;
      }
      case LayerKind::kAvgPool: {
        torch::Tensor y = in.mean(2);  // [N, C]
        if (qat) {
          const ActQuant q = InputQuant(i);
          y = Ste(y, ((y.detach() / q.scale).round() + q.zero_point).clamp(-128, 127).sub(q.zero_point).mul(q.scale));
        }
        outs[i] = y;
        break;
      }
      case LayerKind::kFullyConnected: {
        auto [w, b] = Folded(i);
        if (qat) {
          const float ws = std::max(w.detach().abs().max().item<float>() / 127.0f, 1e-9f);
          w = Ste(w, (w.detach() / ws).round().clamp(-127, 127) * ws);
          const float bs = ws * InputQuant(i).scale;
          b = Ste(b, (b.detach() / bs).round().clamp(-2147483647.0, 2147483647.0) * bs);
        }
        torch::Tensor y = torch::linear(in, w, b);
        outs[i] = qat ? FakeQuantAct(i, y) : y;
        break;
      }
      case LayerKind::kSoftmax:
        logits = in;
        outs[i] = in;
        break;
    }
  }
  return logits;
}

QuantModel QatNetImpl::ToQuantModel() {
  torch::NoGradGuard no_grad;
  QuantModel m;
  m.arch = arch_;
  m.input = kInputQuant;
  for (size_t i = 0; i < arch_.layers.size(); ++i) {
    const LayerSpec& l = arch_.layers[i];
    QuantLayer q;
    if (l.has_weights()) {
      auto [w, b] = Folded(i);
      torch::Tensor ws;
      if (l.kind == LayerKind::kFullyConnected)
        ws = torch::full({1}, std::max(w.abs().max().item<float>() / 127.0f, 1e-9f));
      else
        ws = WeightScales(w, l.weight_qmax());
      const torch::Tensor wsv = l.kind == LayerKind::kFullyConnected ? ws.view({1, 1}) : ChannelView(ws, w.dim());
      const int32_t qmax = l.weight_qmax();
      torch::Tensor wq = (w / wsv).round().clamp(-qmax, qmax).to(torch::kInt8);
      if (l.kind == LayerKind::kConv) wq = wq.permute({0, 2, 1});        // [O, I, K] -> [O, K, I]
      if (l.kind == LayerKind::kDepthwise) wq = wq.view({l.out_channels, l.kernel}).t();  // -> [K, C]
      // kTimeFreqConv: [F, 1, K, KB] is already [F, K, KB, 1] in memory.
      wq = wq.contiguous();
      q.weights.assign(wq.data_ptr<int8_t>(), wq.data_ptr<int8_t>() + wq.numel());
      const torch::Tensor wsc = ws.contiguous();
      q.weight_scales.assign(wsc.data_ptr<float>(), wsc.data_ptr<float>() + wsc.numel());
      const float in_scale = InputQuant(i).scale;
      const torch::Tensor bs = (l.kind == LayerKind::kFullyConnected ? ws.expand({l.out_channels}) : ws) * in_scale;
      const torch::Tensor bq = (b / bs).round().clamp(-2147483647.0, 2147483647.0).to(torch::kInt32).contiguous();
      q.bias.assign(bq.data_ptr<int32_t>(), bq.data_ptr<int32_t>() + bq.numel());
    }
    q.output = OutputQuant(i);
    m.layers.push_back(std::move(q));
  }
  return m;
}

torch::Tensor FeaturesToInput(const int8_t* x, size_t count) {
  const torch::Tensor raw =
      torch::from_blob(const_cast<int8_t*>(x), {static_cast<int64_t>(count), kModelFrames, kModelFeatures}, torch::kInt8);
  return raw.to(torch::kFloat32).sub(kInputQuant.zero_point).mul(kInputQuant.scale).transpose(1, 2).contiguous();
}

torch::Tensor ScoresInt8(const torch::Tensor& logits) {
  const torch::Tensor p = torch::softmax(logits.detach(), 1);
  return (p / kSoftmaxQuant.scale).round().add(kSoftmaxQuant.zero_point).clamp(-128, 127).to(torch::kInt8);
}

}  // namespace tinyml::train
