#include "tinyml/model.h"

#include <float.h>
#include <string.h>

#include "tinyml/builtin_ops.h"
#include "tinyml/message.h"

namespace tinyml {
namespace {

// Field ids from the .tflite schema.
namespace model_field { enum { kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4 }; }
namespace subgraph_field { enum { kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3 }; }
namespace tensor_field {
enum { kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kIsVariable = 5, kSparsity = 6 };
}
namespace quant_field { enum { kScale = 2, kZeroPoint = 3, kDetailsType = 4, kQuantizedDimension = 6 }; }
namespace buffer_field { enum { kData = 0, kOffset = 1, kSize = 2 }; }
namespace opcode_field { enum { kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3 }; }
namespace operator_field {
enum {
  kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kOptionsType = 3, kOptions = 4, kCustomOptions = 5,
  kLargeCustomOptionsOffset = 9,
};
}

constexpr uint32_t kSchemaVersion = 3;
constexpr uint32_t kMaxTensorBytes = 0x7fffffff;

// Effective builtin code: newer files use builtin_code, older ones only the
// deprecated int8 field; TFLite takes the larger of the two.
int32_t BuiltinCode(const FbTable& code) {
  const int32_t deprecated = code.Scalar<int8_t>(opcode_field::kDeprecatedBuiltinCode, 0);
  const int32_t extended = code.Scalar<int32_t>(opcode_field::kBuiltinCode, 0);
  return extended > deprecated ? extended : deprecated;
}

}  // namespace

uint64_t TensorMeta::Bytes() const { return TensorDataBytes(type, static_cast<uint64_t>(shape.FlatSize())); }

#if TINYML_ERROR_MESSAGES
Status Model::Fail(Status status, const char* what, int64_t index, const char* detail) {
  MessageBuilder msg(error_, sizeof(error_));
  msg.Add(what);
  if (index >= 0) msg.Add(" ").Add(index);
  if (detail != nullptr) msg.Add(": ").Add(detail);
  return status;
}
#endif

Status Model::Load(const void* data, size_t size) {
  loaded_ = false;
  error_[0] = '\0';
  base_ = static_cast<const uint8_t*>(data);
  if (base_ == nullptr) return Fail(Status::kInvalidArgument, TINYML_MSG("model data is null"));
  if (reinterpret_cast<uintptr_t>(base_) % 4 != 0)
    return Fail(Status::kMisaligned, TINYML_MSG("model data must be 4-byte aligned"));
  if (size < 8) return Fail(Status::kInvalidModel, TINYML_MSG("file too small to be a .tflite model"));
  if (size > kMaxBytes) return Fail(Status::kInvalidModel, TINYML_MSG("file larger than 2 GiB"));
  size_ = static_cast<uint32_t>(size);
  if (memcmp(base_ + 4, "TFL3", 4) != 0)
    return Fail(Status::kInvalidModel, TINYML_MSG("missing .tflite file identifier 'TFL3'"));
  root_ = FbTable::Root(base_, size_);
  if (!root_.ok()) return Fail(Status::kInvalidModel, TINYML_MSG("root table out of bounds"));
  version_ = root_.Scalar<uint32_t>(model_field::kVersion, 0);
  if (version_ != kSchemaVersion)
    return Fail(Status::kInvalidModel, TINYML_MSG("unsupported schema version"), version_, TINYML_MSG("expected 3"));

  operator_codes_ = root_.Vector(model_field::kOperatorCodes, 4);
  if (!operator_codes_.ok) return Fail(Status::kInvalidModel, TINYML_MSG("operator_codes out of bounds"));
  for (uint32_t i = 0; i < operator_codes_.length; ++i) {
    const FbTable code = root_.TableAt(operator_codes_, i);
    if (!code.ok() || !code.FieldFits(opcode_field::kDeprecatedBuiltinCode, 1) ||
        !code.FieldFits(opcode_field::kVersion, 4) || !code.FieldFits(opcode_field::kBuiltinCode, 4))
      return Fail(Status::kInvalidModel, TINYML_MSG("operator code"), i, TINYML_MSG("out of bounds"));
    if (!code.String(opcode_field::kCustomCode).ok)
      return Fail(Status::kInvalidModel, TINYML_MSG("operator code"), i, TINYML_MSG("custom name out of bounds"));
    if (BuiltinCode(code) < 0)
      return Fail(Status::kInvalidModel, TINYML_MSG("operator code"), i, TINYML_MSG("negative builtin code"));
  }

  const FbVector subgraphs = root_.Vector(model_field::kSubgraphs, 4);
  if (!subgraphs.ok) return Fail(Status::kInvalidModel, TINYML_MSG("subgraphs out of bounds"));
  if (subgraphs.length == 0) return Fail(Status::kInvalidModel, TINYML_MSG("model has no subgraph"));
  num_subgraphs_ = static_cast<int32_t>(subgraphs.length);
  subgraph_ = root_.TableAt(subgraphs, 0);
  if (!subgraph_.ok()) return Fail(Status::kInvalidModel, TINYML_MSG("subgraph 0 out of bounds"));

  buffers_ = root_.Vector(model_field::kBuffers, 4);
  if (!buffers_.ok) return Fail(Status::kInvalidModel, TINYML_MSG("buffers out of bounds"));
  for (uint32_t i = 0; i < buffers_.length; ++i) {
    const FbTable buffer = root_.TableAt(buffers_, i);
    if (!buffer.ok() || !buffer.FieldFits(buffer_field::kOffset, 8))
      return Fail(Status::kInvalidModel, TINYML_MSG("buffer"), i, TINYML_MSG("out of bounds"));
    if (!buffer.Vector(buffer_field::kData, 1).ok)
      return Fail(Status::kInvalidModel, TINYML_MSG("buffer"), i, TINYML_MSG("data out of bounds"));
    if (buffer.Scalar<uint64_t>(buffer_field::kOffset, 0) > 1)
      return Fail(Status::kInvalidModel, TINYML_MSG("buffer"), i,
                  TINYML_MSG("stored outside the flatbuffer (models over 2 GB are not supported)"));
  }

  tensors_ = subgraph_.Vector(subgraph_field::kTensors, 4);
  operators_ = subgraph_.Vector(subgraph_field::kOperators, 4);
  inputs_ = subgraph_.Vector(subgraph_field::kInputs, 4);
  outputs_ = subgraph_.Vector(subgraph_field::kOutputs, 4);
  if (!tensors_.ok || !operators_.ok || !inputs_.ok || !outputs_.ok)
    return Fail(Status::kInvalidModel, TINYML_MSG("subgraph 0 tensor/operator/input/output list out of bounds"));
  if (tensors_.length > 0x7fffffff || operators_.length > 0x7fffffff)
    return Fail(Status::kInvalidModel, TINYML_MSG("too many tensors or operators"));
  num_tensors_ = static_cast<int32_t>(tensors_.length);
  num_operators_ = static_cast<int32_t>(operators_.length);

  for (int32_t i = 0; i < num_tensors_; ++i) TINYML_RETURN_IF_ERROR(VerifyTensor(i));
  TINYML_RETURN_IF_ERROR(VerifyIndexList(inputs_, TINYML_MSG("subgraph input"), -1, false));
  // Inputs are written by the caller: a constant input would mean writing
  // into the model (flash on a device).
  for (uint32_t k = 0; k < inputs_.length; ++k) {
    if (tensor(inputs_.Get<int32_t>(k)).is_constant())
      return Fail(Status::kInvalidModel, TINYML_MSG("subgraph input"), k, TINYML_MSG("is a constant tensor"));
  }
  TINYML_RETURN_IF_ERROR(VerifyIndexList(outputs_, TINYML_MSG("subgraph output"), -1, false));
  for (int32_t i = 0; i < num_operators_; ++i) TINYML_RETURN_IF_ERROR(VerifyOperator(i));
  loaded_ = true;
  return Status::kOk;
}

Status Model::VerifyIndexList(const FbVector& v, const char* what, int32_t index, bool allow_optional) {
  for (uint32_t k = 0; k < v.length; ++k) {
    const int32_t t = v.Get<int32_t>(k);
    if ((t == -1 && allow_optional) || (t >= 0 && t < num_tensors_)) continue;
#if TINYML_ERROR_MESSAGES
    MessageBuilder msg(error_, sizeof(error_));
    msg.Add(what);
    if (index >= 0) msg.Add(" ").Add(index);
    msg.Add(TINYML_MSG(": tensor index ")).Add(t).Add(TINYML_MSG(" out of range [0, "))
        .Add(num_tensors_).Add(")");
#endif
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

Status Model::VerifyTensor(int32_t index) {
  const FbTable t = subgraph_.TableAt(tensors_, static_cast<uint32_t>(index));
  const char* kWhat = TINYML_MSG("tensor");
  // Structure first: every field tensor() reads must be in bounds.
  if (!t.ok() || !t.FieldFits(tensor_field::kType, 1) || !t.FieldFits(tensor_field::kBuffer, 4) ||
      !t.FieldFits(tensor_field::kIsVariable, 1))
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("out of bounds"));
  const FbVector shape = t.Vector(tensor_field::kShape, 4);
  if (!shape.ok) return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("shape out of bounds"));
  if (shape.length > static_cast<uint32_t>(kMaxRank))
    return Fail(Status::kUnsupportedType, kWhat, index, TINYML_MSG("rank above 6"));
  if (!t.String(tensor_field::kName).ok)
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("name out of bounds"));
  if (t.Has(tensor_field::kSparsity))
    return Fail(Status::kUnsupportedType, kWhat, index, TINYML_MSG("sparse tensors are not supported"));
  const uint32_t buffer_index = t.Scalar<uint32_t>(tensor_field::kBuffer, 0);
  if (buffer_index >= buffers_.length && !(buffer_index == 0 && buffers_.length == 0))
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("buffer index out of range"));
  if (t.Has(tensor_field::kQuantization)) {
    const FbTable q = t.Table(tensor_field::kQuantization);
    if (!q.ok() || !q.FieldFits(quant_field::kDetailsType, 1) || !q.FieldFits(quant_field::kQuantizedDimension, 4))
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("quantization out of bounds"));
    if (!q.Vector(quant_field::kScale, 4).ok || !q.Vector(quant_field::kZeroPoint, 8).ok)
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("quantization arrays out of bounds"));
    if (q.Scalar<uint8_t>(quant_field::kDetailsType, 0) != 0)
      return Fail(Status::kUnsupportedType, kWhat, index, TINYML_MSG("custom quantization is not supported"));
  }

  // Then the values, decoded as the accessors will see them.
  const TensorMeta m = tensor(index);
  // 32-bit and exact: elements <= kMaxTensorBytes throughout, and for n >= 1,
  // elements * n > kMaxTensorBytes exactly when elements > kMaxTensorBytes / n.
  uint32_t elements = 1;
  for (int32_t d = 0; d < m.shape.rank; ++d) {
    const int32_t dim = m.shape.dims[d];
    if (dim < 0) return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("negative or dynamic dimension"));
    if (dim != 0 && elements > kMaxTensorBytes / static_cast<uint32_t>(dim))
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("too large"));
    elements *= static_cast<uint32_t>(dim);
  }
  if (m.type == TensorType::kInt4) {
    // Packed weights (two a byte) for int8 convolutions and fully connected
    // layers: the runtime never writes or plans int4 memory.
    if (m.const_bytes == 0)
      return Fail(Status::kUnsupportedType, kWhat, index,
                  TINYML_MSG("INT4 is supported only for constant weights (this tensor has no data)"));
    if (m.const_bytes != (static_cast<uint64_t>(elements) + 1) / 2)
      return Fail(Status::kInvalidModel, kWhat, index,
                  TINYML_MSG("constant data size does not match its shape (INT4: two values a byte)"));
  } else if (TensorTypeBytes(m.type) == 0) {
#if TINYML_ERROR_MESSAGES
    MessageBuilder msg(error_, sizeof(error_));
    msg.Add(kWhat).Add(" ").Add(index).Add(TINYML_MSG(": type ")).Add(TensorTypeName(m.type))
        .Add(TINYML_MSG(" is not supported"));
#endif
    return Status::kUnsupportedType;
  }
  const uint32_t element_bytes = static_cast<uint32_t>(TensorTypeBytes(m.type));
  if (element_bytes > 0 && elements > kMaxTensorBytes / element_bytes)
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("too large"));
  if (m.const_bytes > 0 && element_bytes > 0) {
    if (m.const_bytes != elements * element_bytes)
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("constant data size does not match its shape"));
    if (reinterpret_cast<uintptr_t>(m.const_data) % element_bytes != 0)
      return Fail(Status::kMisaligned, kWhat, index, TINYML_MSG("constant data misaligned for its type"));
  }
  const QuantView& q = m.quant;
  if (q.count > 0) {
    // Every op may then rely on finite, non-negative scales.
    for (int32_t i = 0; i < q.count; ++i) {
      const float scale = q.scale(i);
      if (!(scale >= 0.0f && scale <= FLT_MAX))
        return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("quantization scale negative or not finite"));
    }
    if (q.zero_point_count > 1 && q.zero_point_count != q.count)
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("scale and zero_point counts differ"));
    if (q.count > 1) {
      // Some converters write a meaningless quantized_dimension on rank-1
      // per-channel biases (person_detect: 3 on a [8] bias); TFLite
      // accepts them, so a scale per element is accepted whatever the
      // dimension says.
      const bool one_per_element = static_cast<uint32_t>(q.count) == elements;  // count >= 0
      const int32_t qdim = q.quantized_dimension;
      if (qdim < 0 || (qdim >= m.shape.rank && !one_per_element))
        return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("quantized_dimension out of range"));
      if (!one_per_element && m.shape.dims[qdim] != q.count)
        return Fail(Status::kInvalidModel, kWhat, index,
                    TINYML_MSG("per-channel scale count does not match the quantized dimension"));
    }
  }
  return Status::kOk;
}

Status Model::VerifyOperator(int32_t index) {
  const FbTable op = subgraph_.TableAt(operators_, static_cast<uint32_t>(index));
  const char* kWhat = TINYML_MSG("operator");
  if (!op.ok() || !op.FieldFits(operator_field::kOpcodeIndex, 4) || !op.FieldFits(operator_field::kOptionsType, 1))
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("out of bounds"));
  const uint32_t opcode_index = op.Scalar<uint32_t>(operator_field::kOpcodeIndex, 0);
  if (opcode_index >= operator_codes_.length)
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("opcode index out of range"));
  const FbVector inputs = op.Vector(operator_field::kInputs, 4);
  const FbVector outputs = op.Vector(operator_field::kOutputs, 4);
  if (!inputs.ok || !outputs.ok)
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("input/output list out of bounds"));
  TINYML_RETURN_IF_ERROR(VerifyIndexList(inputs, kWhat, index, true));
  TINYML_RETURN_IF_ERROR(VerifyIndexList(outputs, kWhat, index, false));
  for (uint32_t k = 0; k < outputs.length; ++k) {
    if (tensor(outputs.Get<int32_t>(k)).is_constant())
      return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("writes a constant tensor"));
  }
  if (op.Has(operator_field::kOptions) && !op.Table(operator_field::kOptions).ok())
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("options out of bounds"));
  if (!op.Vector(operator_field::kCustomOptions, 1).ok)
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("custom options out of bounds"));
  if (op.Has(operator_field::kLargeCustomOptionsOffset))
    return Fail(Status::kInvalidModel, kWhat, index, TINYML_MSG("large custom options are not supported"));
  return Status::kOk;
}

FbString Model::description() const {
  if (!loaded_) return FbString();
  return root_.String(model_field::kDescription);
}

TensorMeta Model::tensor(int32_t index) const {
  TensorMeta m;
  const FbTable t = subgraph_.TableAt(tensors_, static_cast<uint32_t>(index));
  const FbVector shape = t.Vector(tensor_field::kShape, 4);
  m.shape.rank = static_cast<int32_t>(shape.length);
  for (uint32_t d = 0; d < shape.length; ++d) m.shape.dims[d] = shape.Get<int32_t>(d);
  m.type = static_cast<TensorType>(t.Scalar<int8_t>(tensor_field::kType, 0));
  const FbString name = t.String(tensor_field::kName);
  m.name = name.data;
  m.name_length = name.length;
  m.is_variable = t.Scalar<uint8_t>(tensor_field::kIsVariable, 0) != 0;
  if (buffers_.length > 0) {
    const uint32_t buffer_index = t.Scalar<uint32_t>(tensor_field::kBuffer, 0);
    const FbVector data = root_.TableAt(buffers_, buffer_index).Vector(buffer_field::kData, 1);
    if (data.length > 0) {
      m.const_data = data.data;
      m.const_bytes = data.length;
    }
  }
  const FbTable q = t.Table(tensor_field::kQuantization);
  if (q.ok()) {
    const FbVector scale = q.Vector(quant_field::kScale, 4);
    const FbVector zero_point = q.Vector(quant_field::kZeroPoint, 8);
    m.quant.scales = scale.data;
    m.quant.count = static_cast<int32_t>(scale.length);
    m.quant.zero_points = zero_point.data;
    m.quant.zero_point_count = static_cast<int32_t>(zero_point.length);
    m.quant.quantized_dimension = q.Scalar<int32_t>(quant_field::kQuantizedDimension, 0);
  }
  return m;
}

const int32_t* Model::tensor_dims(int32_t index) const {
  const FbTable t = subgraph_.TableAt(tensors_, static_cast<uint32_t>(index));
  return reinterpret_cast<const int32_t*>(t.Vector(tensor_field::kShape, 4).data);
}

OperatorMeta Model::op(int32_t index) const {
  OperatorMeta m;
  const FbTable op = subgraph_.TableAt(operators_, static_cast<uint32_t>(index));
  const FbTable code = root_.TableAt(operator_codes_, op.Scalar<uint32_t>(operator_field::kOpcodeIndex, 0));
  m.builtin_code = BuiltinCode(code);
  const FbString custom = code.String(opcode_field::kCustomCode);
  m.custom_name = custom.data;
  m.custom_name_length = custom.length;
  m.version = code.Scalar<int32_t>(opcode_field::kVersion, 1);
  const FbVector inputs = op.Vector(operator_field::kInputs, 4);
  const FbVector outputs = op.Vector(operator_field::kOutputs, 4);
  m.inputs = reinterpret_cast<const int32_t*>(inputs.data);
  m.num_inputs = static_cast<int32_t>(inputs.length);
  m.outputs = reinterpret_cast<const int32_t*>(outputs.data);
  m.num_outputs = static_cast<int32_t>(outputs.length);
  m.options_type = op.Scalar<uint8_t>(operator_field::kOptionsType, 0);
  m.options = op.Table(operator_field::kOptions);
  const FbVector custom_options = op.Vector(operator_field::kCustomOptions, 1);
  m.custom_options = custom_options.data;
  m.custom_options_bytes = custom_options.length;
  return m;
}

}  // namespace tinyml
