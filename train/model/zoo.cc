#include "model/zoo.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/model_file.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml::train {
namespace {

int32_t SameOut(int32_t in, int32_t stride) { return (in + stride - 1) / stride; }

// TFLite SAME padding: the total, before = total / 2, the odd one after.
void SamePad(int32_t in, int32_t out, int32_t stride, int32_t kernel, int32_t& before, int32_t& after) {
  const int32_t total = std::max((out - 1) * stride + kernel - in, 0);
  before = total / 2;
  after = total - before;
}

// Appends a layer reading `input`, fills frames and SAME padding; returns its index.
int32_t Append(ArchSpec& a, LayerSpec l) {
  const int32_t in_frames = l.input < 0 ? kModelFrames : a.layers[l.input].out_frames;
  const int32_t in_channels = l.input < 0 ? kModelFeatures : a.layers[l.input].out_channels;
  l.in_frames = in_frames;
  l.in_channels = in_channels;
  switch (l.kind) {
    case LayerKind::kConv:
    case LayerKind::kDepthwise: {
      if (l.kind == LayerKind::kDepthwise) l.out_channels = in_channels;
      l.out_frames = SameOut(in_frames, l.stride);
      SamePad(in_frames, l.out_frames, l.stride, l.kernel, l.pad_before, l.pad_after);
      break;
    }
    case LayerKind::kTimeFreqConv:
      if (l.input >= 0) throw std::logic_error("a time-frequency conv reads the model input");
      l.out_frames = SameOut(in_frames, l.stride);
      SamePad(in_frames, l.out_frames, l.stride, l.kernel, l.pad_before, l.pad_after);
      l.in_bands = kModelFeatures;
      l.out_bands = SameOut(l.in_bands, l.stride_bands);
      SamePad(l.in_bands, l.out_bands, l.stride_bands, l.kernel_bands, l.pad_bands_before, l.pad_bands_after);
      l.out_channels = l.out_bands * l.filters;
      break;
    case LayerKind::kAdd:
      l.out_channels = in_channels;
      l.out_frames = in_frames;
      break;
    case LayerKind::kAvgPool:
      l.out_channels = in_channels;
      l.out_frames = 1;
      l.kernel = in_frames;
      break;
    case LayerKind::kFullyConnected:
      l.out_frames = 1;
      break;
    case LayerKind::kSoftmax:
      l.out_channels = in_channels;
      l.out_frames = 1;
      break;
  }
  a.layers.push_back(l);
  return static_cast<int32_t>(a.layers.size()) - 1;
}

LayerSpec Conv(int32_t input, int32_t out, int32_t kernel, int32_t stride, bool relu) {
  LayerSpec l;
  l.kind = LayerKind::kConv;
  l.input = input;
  l.out_channels = out;
  l.kernel = kernel;
  l.stride = stride;
  l.relu = relu;
  return l;
}

LayerSpec Simple(LayerKind kind, int32_t input) {
  LayerSpec l;
  l.kind = kind;
  l.input = input;
  return l;
}

void AppendHead(ArchSpec& a, int32_t last) {
  const int32_t pool = Append(a, Simple(LayerKind::kAvgPool, last));
  LayerSpec fc = Simple(LayerKind::kFullyConnected, pool);
  fc.out_channels = kModelClasses;
  const int32_t logits = Append(a, fc);
  Append(a, Simple(LayerKind::kSoftmax, logits));
}

// Placeholder integer values: a fixed pattern over -qmax..qmax, only the
// sizes matter.
std::vector<int8_t> Pattern(int64_t n, int32_t qmax) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>((i * 37) % (2 * qmax + 1) - qmax);
  return v;
}

// Conv and depthwise layers after the first get `bits`-bit weights; 4 also
// renames the arch. The first conv, reading the features, stays int8: its
// unpacked filter would share the arena with the 1,960-byte input at the
// arena's peak, and it is the layer most sensitive to weight precision.
void SetWeightBits(ArchSpec& a, int32_t bits) {
  if (bits != 8 && bits != 4) throw std::invalid_argument("weight bits must be 8 or 4, not " + std::to_string(bits));
  for (LayerSpec& l : a.layers)
    if ((l.kind == LayerKind::kConv || l.kind == LayerKind::kDepthwise) && l.input >= 0) l.weight_bits = bits;
  if (bits == 4) {
    a.name += "-int4";
    a.family += "-int4";
  }
}

// The order the ops are written in: the arch's, except that a layer reading
// the same input as the one just written follows it at once (a TC-ResNet's
// shortcut right after the block's first conv), so that input is freed
// before the block's second conv runs: a smaller arena, the same results.
std::vector<size_t> EmissionOrder(const ArchSpec& arch) {
  const size_t n = arch.layers.size();
  std::vector<bool> done(n, false);
  std::vector<size_t> order;
  auto ready = [&](const LayerSpec& l) {
    return (l.input < 0 || done[static_cast<size_t>(l.input)]) && (l.input2 < 0 || done[static_cast<size_t>(l.input2)]);
  };
  for (size_t i = 0; i < n; ++i) {
    if (done[i]) continue;
    order.push_back(i);
    done[i] = true;
    for (size_t j = i + 1; j < n; ++j) {
      const LayerSpec& l = arch.layers[j];
      if (!done[j] && l.input == arch.layers[i].input && ready(l)) {
        order.push_back(j);
        done[j] = true;
      }
    }
  }
  return order;
}

// A conv or depthwise layer's weights as INT8 or, for 4-bit layers, packed
// INT4 (PackInt4 rejects values outside -8..7).
int AddWeights(writer::ModelBuilder& b, const LayerSpec& l, std::vector<int32_t> shape,
               const std::vector<int8_t>& values, writer::QuantParams quant, std::string name) {
  if (l.weight_bits != 4) return b.AddConst<int8_t>(TensorType::kInt8, std::move(shape), values, std::move(quant), std::move(name));
  return b.AddInt4Const(std::move(shape), values, std::move(quant), std::move(name));
}

writer::Activation Act(bool relu) { return relu ? writer::Activation::kRelu : writer::Activation::kNone; }

}  // namespace

const char* LayerKindName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv: return "conv";
    case LayerKind::kDepthwise: return "depthwise";
    case LayerKind::kAdd: return "add";
    case LayerKind::kAvgPool: return "avgpool";
    case LayerKind::kFullyConnected: return "fc";
    case LayerKind::kSoftmax: return "softmax";
    case LayerKind::kTimeFreqConv: return "timefreq-conv";
  }
  return "?";
}

int64_t LayerSpec::weight_count() const {
  switch (kind) {
    case LayerKind::kConv: return int64_t{out_channels} * kernel * in_channels;
    case LayerKind::kDepthwise: return int64_t{out_channels} * kernel;
    case LayerKind::kFullyConnected: return int64_t{out_channels} * in_channels;
    case LayerKind::kTimeFreqConv: return int64_t{filters} * kernel * kernel_bands;
    default: return 0;
  }
}

int64_t LayerSpec::macs() const {
  switch (kind) {
    case LayerKind::kConv: return int64_t{out_frames} * out_channels * kernel * in_channels;
    case LayerKind::kDepthwise: return int64_t{out_frames} * out_channels * kernel;
    case LayerKind::kFullyConnected: return int64_t{out_channels} * in_channels;
    case LayerKind::kTimeFreqConv: return int64_t{out_frames} * out_bands * filters * kernel * kernel_bands;
    default: return 0;
  }
}

int64_t ArchSpec::params() const {
  int64_t n = 0;
  for (const LayerSpec& l : layers)
    if (l.has_weights()) n += l.weight_count() + l.bias_count();
  return n;
}

int64_t ArchSpec::macs() const {
  int64_t n = 0;
  for (const LayerSpec& l : layers) n += l.macs();
  return n;
}

ArchSpec MakeDsCnn(int32_t width, int32_t blocks, int32_t kernel, int32_t weight_bits) {
  ArchSpec a;
  a.family = "dscnn";
  a.width = width;
  a.blocks = blocks;
  a.kernel = kernel;
  a.name = "dscnn-w" + std::to_string(width) + "-b" + std::to_string(blocks) + "-k" + std::to_string(kernel);
  int32_t last = Append(a, Conv(-1, width, 3, 2, true));
  for (int32_t b = 0; b < blocks; ++b) {
    LayerSpec dw = Simple(LayerKind::kDepthwise, last);
    dw.kernel = kernel;
    dw.stride = b < 2 ? 2 : 1;
    dw.relu = true;
    last = Append(a, dw);
    last = Append(a, Conv(last, width, 1, 1, true));
  }
  AppendHead(a, last);
  SetWeightBits(a, weight_bits);
  return a;
}

namespace {

// MakeTcResNet's layers after `front` (-1: the model input).
void AppendTcResNet(ArchSpec& a, int32_t front, int32_t width, int32_t blocks, int32_t kernel) {
  a.width = width;
  a.blocks = blocks;
  a.kernel = kernel;
  int32_t last = Append(a, Conv(front, width, 3, 1, true));
  for (int32_t b = 0; b < blocks; ++b) {
    const int32_t c1 = Append(a, Conv(last, width, kernel, 2, true));
    const int32_t c2 = Append(a, Conv(c1, width, kernel, 1, false));
    const int32_t shortcut = Append(a, Conv(last, width, 1, 2, false));
    LayerSpec add = Simple(LayerKind::kAdd, c2);
    add.input2 = shortcut;
    add.relu = true;
    last = Append(a, add);
  }
  AppendHead(a, last);
}

}  // namespace

ArchSpec MakeTcResNet(int32_t width, int32_t blocks, int32_t kernel, int32_t weight_bits) {
  ArchSpec a;
  a.family = "tcresnet";
  a.name = "tcresnet-w" + std::to_string(width) + "-b" + std::to_string(blocks) + "-k" + std::to_string(kernel);
  AppendTcResNet(a, -1, width, blocks, kernel);
  SetWeightBits(a, weight_bits);
  return a;
}

ArchSpec MakeTcResNet2d(int32_t filters, int32_t width, int32_t blocks, int32_t kernel) {
  ArchSpec a;
  a.family = "tcresnet2d";
  a.name = "tcresnet2d-f" + std::to_string(filters) + "-w" + std::to_string(width) + "-b" + std::to_string(blocks) +
           "-k" + std::to_string(kernel);
  LayerSpec front = Simple(LayerKind::kTimeFreqConv, -1);
  front.filters = filters;
  front.kernel = 3;
  front.kernel_bands = 3;
  front.stride_bands = 2;
  front.relu = true;
  AppendTcResNet(a, Append(a, front), width, blocks, kernel);
  return a;
}

std::vector<ArchSpec> ModelZoo() {
  std::vector<ArchSpec> zoo;
  for (int32_t width : {12, 16, 20, 24, 28, 32, 40, 48, 64})
    for (int32_t blocks : {2, 3, 4}) zoo.push_back(MakeDsCnn(width, blocks, 9));
  for (int32_t width : {8, 10, 12, 14, 16, 20, 24})
    for (int32_t blocks : {2, 3}) zoo.push_back(MakeTcResNet(width, blocks, 9));
  for (int32_t filters : {2, 3})
    for (int32_t width : {8, 10, 12, 14}) zoo.push_back(MakeTcResNet2d(filters, width, 2, 9));
  // INT4 weights: about twice the parameters in the same file bytes.
  for (int32_t width : {32, 40, 48, 64, 80, 96})
    for (int32_t blocks : {2, 3, 4}) zoo.push_back(MakeDsCnn(width, blocks, 9, 4));
  for (int32_t width : {12, 14, 16, 18, 20, 22, 24, 28})
    for (int32_t blocks : {2, 3}) zoo.push_back(MakeTcResNet(width, blocks, 9, 4));
  std::stable_sort(zoo.begin(), zoo.end(), [](const ArchSpec& x, const ArchSpec& y) {
    if (x.family != y.family) return x.family < y.family;
    return x.params() < y.params();
  });
  return zoo;
}

QuantModel PlaceholderQuantModel(const ArchSpec& arch) {
  QuantModel m;
  m.arch = arch;
  // Every scale (and non-ReLU zero point) differs, as a trained model's
  // do: the writer stores equal vectors once, so equal placeholders would
  // undercount the file.
  int scales_made = 0;
  auto distinct = [&](float base) { return base * (1.0f + 1e-4f * static_cast<float>(++scales_made)); };
  for (const LayerSpec& l : arch.layers) {
    QuantLayer q;
    if (l.has_weights()) {
      q.weights = Pattern(l.weight_count(), l.weight_qmax());
      const size_t scales = l.kind == LayerKind::kFullyConnected ? 1 : static_cast<size_t>(l.bias_count());
      for (size_t c = 0; c < scales; ++c) q.weight_scales.push_back(distinct(0.01f));
      q.bias.assign(static_cast<size_t>(l.bias_count()), 0);
    }
    if (l.kind == LayerKind::kSoftmax)
      q.output = kSoftmaxQuant;
    else if (l.kind == LayerKind::kAvgPool)
      q.output = m.layers[l.input].output;
    else
      // ReLU outputs start at the int8 minimum; other zero points vary by layer.
      q.output = l.relu ? ActQuant{distinct(0.05f), -128} : ActQuant{distinct(0.1f), scales_made % 100};
    m.layers.push_back(std::move(q));
  }
  return m;
}

std::vector<uint8_t> ExportTflite(const QuantModel& model, const std::string& description) {
  using writer::QuantParams;
  const ArchSpec& arch = model.arch;
  if (model.layers.size() != arch.layers.size() || arch.layers.empty() ||
      arch.layers.back().kind != LayerKind::kSoftmax)
    throw std::invalid_argument("export: the quantized model does not match its architecture " + arch.name);
  writer::ModelBuilder b;
  const int input = b.AddTensor(TensorType::kInt8, {1, kModelFrames, 1, kModelFeatures},
                                QuantParams::PerTensor(model.input.scale, model.input.zero_point), "input");
  std::vector<int> out_tensor(arch.layers.size(), -1);
  std::vector<ActQuant> out_quant(arch.layers.size());
  for (size_t i : EmissionOrder(arch)) {
    const LayerSpec& l = arch.layers[i];
    const QuantLayer& q = model.layers[i];
    const std::string id = std::to_string(i);
    const int in = l.input < 0 ? input : out_tensor[static_cast<size_t>(l.input)];
    const ActQuant in_q = l.input < 0 ? model.input : out_quant[static_cast<size_t>(l.input)];
    if (l.has_weights()) {
      const size_t scales = l.kind == LayerKind::kFullyConnected ? 1 : static_cast<size_t>(l.bias_count());
      if (static_cast<int64_t>(q.weights.size()) != l.weight_count() || q.weight_scales.size() != scales ||
          q.bias.size() != static_cast<size_t>(l.bias_count()))
        throw std::invalid_argument("export: layer " + id + " (" + LayerKindName(l.kind) +
                                    ") has parameters of the wrong size");
    }
    ActQuant oq = q.output;
    if (l.kind == LayerKind::kAvgPool) oq = in_q;  // TFLite requires the input's quantization
    if (l.kind == LayerKind::kSoftmax) oq = kSoftmaxQuant;
    std::vector<int32_t> out_shape = l.kind == LayerKind::kFullyConnected || l.kind == LayerKind::kSoftmax
                                         ? std::vector<int32_t>{1, l.out_channels}
                                         : std::vector<int32_t>{1, l.out_frames, 1, l.out_channels};
    const std::string out_name = i + 1 == arch.layers.size() ? "scores" : "a" + id;
    const int out = b.AddTensor(TensorType::kInt8, out_shape, QuantParams::PerTensor(oq.scale, oq.zero_point), out_name);
    std::vector<float> bias_scales;
    for (float s : q.weight_scales) bias_scales.push_back(in_q.scale * s);
    switch (l.kind) {
      case LayerKind::kConv: {
        const int w = AddWeights(b, l, {l.out_channels, l.kernel, 1, l.in_channels}, q.weights,
                                 QuantParams::PerChannel(q.weight_scales, 0), "w" + id);
        const int bias = b.AddConst<int32_t>(TensorType::kInt32, {l.out_channels}, q.bias,
                                             QuantParams::PerChannel(bias_scales, 0), "b" + id);
        writer::Conv2DOptions o;
        o.padding = writer::Padding::kSame;
        o.stride_h = l.stride;
        o.stride_w = 1;
        o.activation = Act(l.relu);
        // The converter's versions: 3 for int8 weights, 7 for int4.
        b.AddOperator(BuiltinOp::kConv2d, {in, w, bias}, {out}, o, l.weight_bits == 4 ? 7 : 3);
        break;
      }
      case LayerKind::kDepthwise: {
        const int w = AddWeights(b, l, {1, l.kernel, 1, l.out_channels}, q.weights,
                                 QuantParams::PerChannel(q.weight_scales, 3), "w" + id);
        const int bias = b.AddConst<int32_t>(TensorType::kInt32, {l.out_channels}, q.bias,
                                             QuantParams::PerChannel(bias_scales, 0), "b" + id);
        writer::DepthwiseConv2DOptions o;
        o.padding = writer::Padding::kSame;
        o.stride_h = l.stride;
        o.stride_w = 1;
        o.depth_multiplier = 1;
        o.activation = Act(l.relu);
        b.AddOperator(BuiltinOp::kDepthwiseConv2d, {in, w, bias}, {out}, o, l.weight_bits == 4 ? 7 : 3);
        break;
      }
      case LayerKind::kAdd: {
        writer::AddOptions o;
        o.activation = Act(l.relu);
        b.AddOperator(BuiltinOp::kAdd, {in, out_tensor[static_cast<size_t>(l.input2)]}, {out}, o, 2);
        break;
      }
      case LayerKind::kAvgPool: {
        writer::Pool2DOptions o;
        o.padding = writer::Padding::kValid;
        o.filter_height = l.in_frames;
        o.filter_width = 1;
        o.stride_h = l.in_frames;
        o.stride_w = 1;
        b.AddOperator(BuiltinOp::kAveragePool2d, {in}, {out}, o, 2);
        break;
      }
      case LayerKind::kFullyConnected: {
        const int w = b.AddConst<int8_t>(TensorType::kInt8, {l.out_channels, l.in_channels}, q.weights,
                                         QuantParams::PerTensor(q.weight_scales[0], 0), "w" + id);
        const int bias = b.AddConst<int32_t>(TensorType::kInt32, {l.out_channels}, q.bias,
                                             QuantParams::PerTensor(bias_scales[0], 0), "b" + id);
        b.AddOperator(BuiltinOp::kFullyConnected, {in, w, bias}, {out}, writer::FullyConnectedOptions{}, 4);
        break;
      }
      case LayerKind::kSoftmax:
        b.AddOperator(BuiltinOp::kSoftmax, {in}, {out}, writer::SoftmaxOptions{1.0f}, 2);
        break;
      case LayerKind::kTimeFreqConv: {
        // The features as a one-channel image, the 2-D conv, its bands x
        // filters back to channels (RESHAPE keeps the quantization).
        const std::vector<int32_t> image_shape{1, l.in_frames, l.in_bands, 1};
        const int image = b.AddTensor(TensorType::kInt8, image_shape, QuantParams::PerTensor(in_q.scale, in_q.zero_point),
                                      "a" + id + "_image");
        b.AddOperator(BuiltinOp::kReshape, {in}, {image}, writer::ReshapeOptions{image_shape}, 1);
        const int conv = b.AddTensor(TensorType::kInt8, {1, l.out_frames, l.out_bands, l.filters},
                                     QuantParams::PerTensor(oq.scale, oq.zero_point), "a" + id + "_conv");
        const int w = b.AddConst<int8_t>(TensorType::kInt8, {l.filters, l.kernel, l.kernel_bands, 1}, q.weights,
                                         QuantParams::PerChannel(q.weight_scales, 0), "w" + id);
        const int bias = b.AddConst<int32_t>(TensorType::kInt32, {l.filters}, q.bias,
                                             QuantParams::PerChannel(bias_scales, 0), "b" + id);
        writer::Conv2DOptions o;
        o.padding = writer::Padding::kSame;
        o.stride_h = l.stride;
        o.stride_w = l.stride_bands;
        o.activation = Act(l.relu);
        b.AddOperator(BuiltinOp::kConv2d, {image, w, bias}, {conv}, o, 3);
        b.AddOperator(BuiltinOp::kReshape, {conv}, {out}, writer::ReshapeOptions{out_shape}, 1);
        break;
      }
    }
    out_tensor[i] = out;
    out_quant[i] = oq;
  }
  b.SetInputs({input});
  b.SetOutputs({out_tensor.back()});
  b.SetDescription(description);
  return b.Finish();
}

namespace {

const OpResolver& Resolver() {
  static StaticOpResolver<64> resolver;
  static const Status status = AddAllBuiltins(resolver);
  if (status != Status::kOk) throw std::runtime_error("cannot register the builtin ops");
  return resolver;
}

// A loaded, prepared model (the bytes copied to an aligned buffer).
struct Loaded {
  tools::AlignedBuffer bytes;
  Model model;
  std::unique_ptr<tools::ArenaInterpreter> interpreter;
};

std::unique_ptr<Loaded> Load(const std::vector<uint8_t>& tflite) {
  auto l = std::make_unique<Loaded>();
  l->bytes = tools::AlignedBuffer(tflite.size());
  if (!tflite.empty()) std::memcpy(l->bytes.data(), tflite.data(), tflite.size());
  if (l->model.Load(l->bytes.data(), l->bytes.size()) != Status::kOk)
    throw std::runtime_error(std::string("exported model does not load: ") + l->model.error());
  l->interpreter = std::make_unique<tools::ArenaInterpreter>(l->model, Resolver());
  if (l->interpreter->Prepare() != Status::kOk)
    throw std::runtime_error(std::string("exported model does not prepare: ") + l->interpreter->error());
  return l;
}

}  // namespace

TfliteCheck CheckTflite(const std::vector<uint8_t>& tflite) {
  const auto l = Load(tflite);
  TfliteCheck c;
  c.file_bytes = tflite.size();
  c.arena_bytes = l->interpreter->interpreter().RequiredArenaBytes();
  return c;
}

std::vector<int8_t> RunTflite(const std::vector<uint8_t>& tflite, const int8_t* x, size_t count) {
  const auto l = Load(tflite);
  Interpreter& it = l->interpreter->interpreter();
  const size_t in_bytes = it.input_bytes(0);
  const size_t out_bytes = it.output_bytes(0);
  if (in_bytes != static_cast<size_t>(kModelFrames) * kModelFeatures || it.input(0)->type != TensorType::kInt8 ||
      it.output(0)->type != TensorType::kInt8)
    throw std::runtime_error("exported model: input is not int8 49x40 or output is not int8");
  std::vector<int8_t> scores(count * out_bytes);
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(it.input(0)->data, x + i * in_bytes, in_bytes);
    if (it.Invoke() != Status::kOk) throw std::runtime_error(std::string("exported model: invoke failed: ") + it.error());
    std::memcpy(scores.data() + i * out_bytes, it.output(0)->data, out_bytes);
  }
  return scores;
}

ModelStats MeasureArch(const ArchSpec& arch, const std::string& description) {
  const std::vector<uint8_t> file = ExportTflite(PlaceholderQuantModel(arch), description);
  const TfliteCheck c = CheckTflite(file);
  ModelStats s;
  s.params = arch.params();
  s.macs = arch.macs();
  s.file_bytes = c.file_bytes;
  s.arena_bytes = c.arena_bytes;
  return s;
}

ArchChoice PickArch(const std::string& arch, size_t size_budget, size_t arena_budget, const std::string& description) {
  if (arch == "auto") {
    // TC-ResNet learned the wake word better than DS-CNN of the same file
    // size in our runs; DS-CNN goes smaller when the budget is tight.
    try {
      return PickArch("tcresnet", size_budget, arena_budget, description);
    } catch (const std::runtime_error&) {
    }
    try {
      return PickArch("dscnn", size_budget, arena_budget, description);
    } catch (const std::runtime_error&) {
    }
    size_t smallest_file = SIZE_MAX, smallest_arena = SIZE_MAX;
    for (const ArchSpec& a : ModelZoo()) {
      const ModelStats s = MeasureArch(a, description);
      smallest_file = std::min(smallest_file, s.file_bytes);
      smallest_arena = std::min(smallest_arena, s.arena_bytes);
    }
    throw std::runtime_error("no model fits a size budget of " + std::to_string(size_budget) +
                             " bytes and an arena budget of " + std::to_string(arena_budget) +
                             " bytes (the smallest needs " + std::to_string(smallest_file) + " bytes of file and " +
                             std::to_string(smallest_arena) + " bytes of arena)");
  }
  std::vector<ArchSpec> candidates;
  std::string names;
  for (ArchSpec& a : ModelZoo()) {
    if (a.family == arch || a.name == arch) candidates.push_back(a);
  }
  if (candidates.empty())
    throw std::runtime_error("unknown architecture '" + arch +
                             "' (use auto, a family, tcresnet or dscnn, or an entry such as dscnn-w24-b3-k9)");
  bool found = false;
  ArchChoice best;
  size_t smallest_file = SIZE_MAX, smallest_arena = SIZE_MAX;
  for (const ArchSpec& a : candidates) {
    const ModelStats s = MeasureArch(a, description);
    smallest_file = std::min(smallest_file, s.file_bytes);
    smallest_arena = std::min(smallest_arena, s.arena_bytes);
    if (s.file_bytes > size_budget || s.arena_bytes > arena_budget) continue;
    if (!found || s.file_bytes > best.stats.file_bytes) {
      best.arch = a;
      best.stats = s;
      found = true;
    }
  }
  if (!found)
    throw std::runtime_error("no '" + arch + "' model fits a size budget of " + std::to_string(size_budget) +
                             " bytes and an arena budget of " + std::to_string(arena_budget) +
                             " bytes (the smallest needs " + std::to_string(smallest_file) + " bytes of file and " +
                             std::to_string(smallest_arena) + " bytes of arena)");
  return best;
}

Agreement CompareScores(const std::vector<int8_t>& reference, const std::vector<int8_t>& exported, size_t classes) {
  if (classes == 0 || reference.size() != exported.size() || reference.size() % classes != 0)
    throw std::invalid_argument("CompareScores: score arrays of different sizes");
  Agreement a;
  a.examples = reference.size() / classes;
  size_t same_top = 0, equal = 0;
  for (size_t e = 0; e < a.examples; ++e) {
    const int8_t* r = reference.data() + e * classes;
    const int8_t* x = exported.data() + e * classes;
    const size_t top_r = static_cast<size_t>(std::max_element(r, r + classes) - r);
    const size_t top_x = static_cast<size_t>(std::max_element(x, x + classes) - x);
    if (top_r == top_x) ++same_top;
    for (size_t c = 0; c < classes; ++c) {
      if (r[c] == x[c]) ++equal;
      a.max_abs_diff = std::max(a.max_abs_diff, std::abs(int32_t{r[c]} - int32_t{x[c]}));
    }
  }
  if (a.examples > 0) {
    a.top1 = static_cast<double>(same_top) / static_cast<double>(a.examples);
    a.equal_outputs = static_cast<double>(equal) / static_cast<double>(reference.size());
  }
  return a;
}

}  // namespace tinyml::train
