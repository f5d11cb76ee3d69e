#include "writer/model_builder.h"

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "tflite_schema_generated.h"

namespace tinyml::writer {
namespace {

namespace fb = flatbuffers;

// TFLite's converter writes every builtin code into the legacy int8 field
// too, with 127 standing for "look at builtin_code" once codes outgrew int8.
constexpr int32_t kPlaceholderForGreaterOpCodes = 127;
constexpr uint32_t kSchemaVersion = 3;
// Constant data is aligned so kernels may read weights in place with any
// vector width the targets use.
constexpr size_t kBufferAlignment = 16;

struct TensorDef {
  TensorType type;
  std::vector<int32_t> shape;
  QuantParams quant;
  std::string name;
  uint32_t buffer = 0;  // 0: activation (the empty sentinel buffer)
  bool is_variable = false;
};

struct OpCodeDef {
  int32_t builtin_code;
  std::string custom_name;
  int32_t version;

  bool operator==(const OpCodeDef& o) const {
    return std::tie(builtin_code, custom_name, version) == std::tie(o.builtin_code, o.custom_name, o.version);
  }
};

struct OperatorDef {
  uint32_t opcode_index;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  OpOptions options;
  bool custom = false;
  std::vector<uint8_t> custom_options;
};

tflite::ActivationFunctionType ToFb(Activation a) { return static_cast<tflite::ActivationFunctionType>(a); }
tflite::Padding ToFb(Padding p) { return static_cast<tflite::Padding>(p); }
tflite::TensorType ToFb(TensorType t) { return static_cast<tflite::TensorType>(static_cast<int8_t>(t)); }

using OptionsPair = std::pair<tflite::BuiltinOptions, fb::Offset<void>>;

// Serializes one options variant as the matching BuiltinOptions union member.
struct OptionsWriter {
  fb::FlatBufferBuilder& fbb;

  OptionsPair operator()(const std::monostate&) const { return {tflite::BuiltinOptions::NONE, 0}; }
  OptionsPair operator()(const Conv2DOptions& o) const {
    return {tflite::BuiltinOptions::Conv2DOptions,
            tflite::CreateConv2DOptions(fbb, ToFb(o.padding), o.stride_w, o.stride_h, ToFb(o.activation),
                                        o.dilation_w, o.dilation_h).Union()};
  }
  OptionsPair operator()(const DepthwiseConv2DOptions& o) const {
    return {tflite::BuiltinOptions::DepthwiseConv2DOptions,
            tflite::CreateDepthwiseConv2DOptions(fbb, ToFb(o.padding), o.stride_w, o.stride_h, o.depth_multiplier,
                                                 ToFb(o.activation), o.dilation_w, o.dilation_h).Union()};
  }
  OptionsPair operator()(const Pool2DOptions& o) const {
    return {tflite::BuiltinOptions::Pool2DOptions,
            tflite::CreatePool2DOptions(fbb, ToFb(o.padding), o.stride_w, o.stride_h, o.filter_width,
                                        o.filter_height, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const FullyConnectedOptions& o) const {
    return {tflite::BuiltinOptions::FullyConnectedOptions,
            tflite::CreateFullyConnectedOptions(fbb, ToFb(o.activation),
                                                tflite::FullyConnectedOptionsWeightsFormat::DEFAULT,
                                                o.keep_num_dims).Union()};
  }
  OptionsPair operator()(const SoftmaxOptions& o) const {
    return {tflite::BuiltinOptions::SoftmaxOptions, tflite::CreateSoftmaxOptions(fbb, o.beta).Union()};
  }
  OptionsPair operator()(const ConcatenationOptions& o) const {
    return {tflite::BuiltinOptions::ConcatenationOptions,
            tflite::CreateConcatenationOptions(fbb, o.axis, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const AddOptions& o) const {
    return {tflite::BuiltinOptions::AddOptions, tflite::CreateAddOptions(fbb, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const SubOptions& o) const {
    return {tflite::BuiltinOptions::SubOptions, tflite::CreateSubOptions(fbb, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const MulOptions& o) const {
    return {tflite::BuiltinOptions::MulOptions, tflite::CreateMulOptions(fbb, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const DivOptions& o) const {
    return {tflite::BuiltinOptions::DivOptions, tflite::CreateDivOptions(fbb, ToFb(o.activation)).Union()};
  }
  OptionsPair operator()(const ReshapeOptions& o) const {
    // An empty new_shape is left out: TFLite then takes the shape from the
    // second input or the output tensor.
    const auto shape = o.new_shape.empty() ? fb::Offset<fb::Vector<int32_t>>() : fbb.CreateVector(o.new_shape);
    return {tflite::BuiltinOptions::ReshapeOptions, tflite::CreateReshapeOptions(fbb, shape).Union()};
  }
  OptionsPair operator()(const ReducerOptions& o) const {
    return {tflite::BuiltinOptions::ReducerOptions, tflite::CreateReducerOptions(fbb, o.keep_dims).Union()};
  }
  OptionsPair operator()(const StridedSliceOptions& o) const {
    return {tflite::BuiltinOptions::StridedSliceOptions,
            tflite::CreateStridedSliceOptions(fbb, o.begin_mask, o.end_mask, o.ellipsis_mask, o.new_axis_mask,
                                              o.shrink_axis_mask, o.offset).Union()};
  }
  OptionsPair operator()(const CastOptions& o) const {
    return {tflite::BuiltinOptions::CastOptions,
            tflite::CreateCastOptions(fbb, ToFb(o.in_type), ToFb(o.out_type)).Union()};
  }
  OptionsPair operator()(const LeakyReluOptions& o) const {
    return {tflite::BuiltinOptions::LeakyReluOptions, tflite::CreateLeakyReluOptions(fbb, o.alpha).Union()};
  }
  OptionsPair operator()(const PadOptions&) const {
    return {tflite::BuiltinOptions::PadOptions, tflite::CreatePadOptions(fbb).Union()};
  }
  OptionsPair operator()(const TransposeOptions&) const {
    return {tflite::BuiltinOptions::TransposeOptions, tflite::CreateTransposeOptions(fbb).Union()};
  }
  OptionsPair operator()(const DequantizeOptions&) const {
    return {tflite::BuiltinOptions::DequantizeOptions, tflite::CreateDequantizeOptions(fbb).Union()};
  }
  OptionsPair operator()(const QuantizeOptions&) const {
    return {tflite::BuiltinOptions::QuantizeOptions, tflite::CreateQuantizeOptions(fbb).Union()};
  }
  OptionsPair operator()(const MaximumMinimumOptions&) const {
    return {tflite::BuiltinOptions::MaximumMinimumOptions, tflite::CreateMaximumMinimumOptions(fbb).Union()};
  }
};

// Writes each distinct vector or string once and points every later use at
// the first copy: a FlatBuffer may reference one object from many places
// (the TFLite and tinyml verifiers only check that offsets are in bounds).
// Used for tensor fields only (shapes, names, scales, zero points): a
// model's per-channel zero points are all 0 and its shapes repeat by layer.
class SharedObjects {
 public:
  explicit SharedObjects(fb::FlatBufferBuilder& fbb) : fbb_(fbb) {}

  template <typename T>
  fb::Offset<fb::Vector<T>> Vector(const std::vector<T>& v) {
    std::string key(1, static_cast<char>(sizeof(T)));
    key.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    auto it = vectors_.find(key);
    if (it == vectors_.end()) it = vectors_.emplace(key, fbb_.CreateVector(v).o).first;
    return fb::Offset<fb::Vector<T>>(it->second);
  }
  fb::Offset<fb::String> String(const std::string& s) { return fbb_.CreateSharedString(s); }

 private:
  fb::FlatBufferBuilder& fbb_;
  // Element size + bytes: a vector is its length and its bytes, so equal
  // bytes of equal element size are the same object whatever the type.
  std::map<std::string, fb::uoffset_t> vectors_;
};

}  // namespace

struct ModelBuilder::Impl {
  std::vector<TensorDef> tensors;
  std::vector<std::vector<uint8_t>> buffers{std::vector<uint8_t>()};  // [0]: empty sentinel
  std::vector<OpCodeDef> opcodes;
  std::vector<OperatorDef> operators;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::string description = "tinyml model_builder";

  uint32_t OpCodeIndex(const OpCodeDef& code) {
    for (size_t i = 0; i < opcodes.size(); ++i)
      if (opcodes[i] == code) return static_cast<uint32_t>(i);
    opcodes.push_back(code);
    return static_cast<uint32_t>(opcodes.size() - 1);
  }
};

ModelBuilder::ModelBuilder() : impl_(new Impl) {}
ModelBuilder::~ModelBuilder() { delete impl_; }

int ModelBuilder::AddTensor(TensorType type, std::vector<int32_t> shape, QuantParams quant, std::string name) {
  impl_->tensors.push_back(TensorDef{type, std::move(shape), std::move(quant), std::move(name)});
  return static_cast<int>(impl_->tensors.size() - 1);
}

int ModelBuilder::AddConstTensor(TensorType type, std::vector<int32_t> shape, const void* data, size_t bytes,
                                 QuantParams quant, std::string name) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  impl_->buffers.emplace_back(p, p + bytes);
  const int index = AddTensor(type, std::move(shape), std::move(quant), std::move(name));
  impl_->tensors[index].buffer = static_cast<uint32_t>(impl_->buffers.size() - 1);
  return index;
}

void ModelBuilder::SetVariable(int tensor) { impl_->tensors.at(tensor).is_variable = true; }

void ModelBuilder::AddOperator(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                               OpOptions options, int32_t version) {
  OperatorDef def;
  def.opcode_index = impl_->OpCodeIndex(OpCodeDef{static_cast<int32_t>(op), "", version});
  def.inputs = std::move(inputs);
  def.outputs = std::move(outputs);
  def.options = std::move(options);
  impl_->operators.push_back(std::move(def));
}

void ModelBuilder::AddCustomOperator(const std::string& name, std::vector<int32_t> inputs,
                                     std::vector<int32_t> outputs, std::vector<uint8_t> custom_options) {
  if (name.empty()) throw std::invalid_argument("ModelBuilder: custom operator needs a name");
  OperatorDef def;
  def.opcode_index = impl_->OpCodeIndex(OpCodeDef{static_cast<int32_t>(BuiltinOp::kCustom), name, 1});
  def.inputs = std::move(inputs);
  def.outputs = std::move(outputs);
  def.custom = true;
  def.custom_options = std::move(custom_options);
  impl_->operators.push_back(std::move(def));
}

std::vector<uint8_t> PackInt4(const std::vector<int8_t>& values) {
  std::vector<uint8_t> packed((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const int v = values[i];
    if (v < -8 || v > 7) throw std::invalid_argument("PackInt4: value outside [-8, 7]: " + std::to_string(v));
    packed[i / 2] |= static_cast<uint8_t>((v & 0x0f) << (i % 2 == 0 ? 0 : 4));
  }
  return packed;
}

int ModelBuilder::AddInt4Const(std::vector<int32_t> shape, const std::vector<int8_t>& values, QuantParams quant,
                               std::string name) {
  const std::vector<uint8_t> packed = PackInt4(values);
  return AddConstTensor(TensorType::kInt4, std::move(shape), packed.data(), packed.size(), std::move(quant),
                        std::move(name));
}

void ModelBuilder::SetInputs(std::vector<int32_t> inputs) { impl_->inputs = std::move(inputs); }
void ModelBuilder::SetOutputs(std::vector<int32_t> outputs) { impl_->outputs = std::move(outputs); }
void ModelBuilder::SetDescription(std::string description) { impl_->description = std::move(description); }

// The builder writes exactly what it was told (bad indices, mismatched data
// sizes included): tests use it to produce malformed models, and
// Model::Load() is the verifier.
std::vector<uint8_t> ModelBuilder::Finish() {
  const Impl& m = *impl_;
  fb::FlatBufferBuilder fbb(1024);
  SharedObjects shared(fbb);

  std::vector<fb::Offset<tflite::Buffer>> buffers;
  buffers.reserve(m.buffers.size());
  for (size_t i = 0; i < m.buffers.size(); ++i) {
    if (i == 0) {
      buffers.push_back(tflite::CreateBuffer(fbb));
      continue;
    }
    const std::vector<uint8_t>& bytes = m.buffers[i];
    // CreateVector alone aligns only to the element size; the schema's
    // force_align must be applied by hand before the vector is started.
    fbb.ForceVectorAlignment(bytes.size(), sizeof(uint8_t), kBufferAlignment);
    const auto data = fbb.CreateVector(bytes);
    buffers.push_back(tflite::CreateBuffer(fbb, data));
  }

  std::vector<fb::Offset<tflite::Tensor>> tensors;
  tensors.reserve(m.tensors.size());
  for (const TensorDef& t : m.tensors) {
    const auto shape = shared.Vector(t.shape);
    const auto name = shared.String(t.name);
    // Like the converter, every tensor gets a quantization table (empty when
    // it is not quantized).
    fb::Offset<fb::Vector<float>> scale;
    fb::Offset<fb::Vector<int64_t>> zero_point;
    if (!t.quant.scale.empty()) scale = shared.Vector(t.quant.scale);
    if (!t.quant.zero_point.empty()) zero_point = shared.Vector(t.quant.zero_point);
    const auto quant = tflite::CreateQuantizationParameters(fbb, 0, 0, scale, zero_point,
                                                             tflite::QuantizationDetails::NONE, 0,
                                                             t.quant.quantized_dimension);
    tensors.push_back(tflite::CreateTensor(fbb, shape, ToFb(t.type), t.buffer, name, quant, t.is_variable));
  }

  std::vector<fb::Offset<tflite::Operator>> operators;
  operators.reserve(m.operators.size());
  for (const OperatorDef& op : m.operators) {
    const auto inputs = fbb.CreateVector(op.inputs);
    const auto outputs = fbb.CreateVector(op.outputs);
    const OptionsPair options = std::visit(OptionsWriter{fbb}, op.options);
    fb::Offset<fb::Vector<uint8_t>> custom_options;
    if (op.custom && !op.custom_options.empty()) custom_options = fbb.CreateVector(op.custom_options);
    operators.push_back(tflite::CreateOperator(fbb, op.opcode_index, inputs, outputs, options.first,
                                               options.second, custom_options));
  }

  std::vector<fb::Offset<tflite::OperatorCode>> opcodes;
  opcodes.reserve(m.opcodes.size());
  for (const OpCodeDef& code : m.opcodes) {
    const int8_t deprecated = static_cast<int8_t>(
        code.builtin_code < kPlaceholderForGreaterOpCodes ? code.builtin_code : kPlaceholderForGreaterOpCodes);
    const auto custom = code.custom_name.empty() ? fb::Offset<fb::String>() : fbb.CreateString(code.custom_name);
    opcodes.push_back(tflite::CreateOperatorCode(fbb, deprecated, custom, code.version,
                                                 static_cast<tflite::BuiltinOperator>(code.builtin_code)));
  }

  const auto subgraph = tflite::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(m.inputs),
                                               fbb.CreateVector(m.outputs), fbb.CreateVector(operators),
                                               fbb.CreateString("main"));
  const auto model = tflite::CreateModel(fbb, kSchemaVersion, fbb.CreateVector(opcodes),
                                         fbb.CreateVector(std::vector<fb::Offset<tflite::SubGraph>>{subgraph}),
                                         fbb.CreateString(m.description), fbb.CreateVector(buffers));
  tflite::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace tinyml::writer
