// Host-side writer of standard .tflite files (Debian's flatbuffers + our
// schema subset in tflite_schema.fbs). Used by tests, the fuzzer seeds and
// the bundled demo model to build models op by op.
//
//   ModelBuilder b;
//   int in = b.AddTensor(TensorType::kInt8, {1, 8, 8, 3}, QuantParams::PerTensor(0.5f, -3));
//   int w = b.AddConst<int8_t>(TensorType::kInt8, {4, 3, 3, 3}, weights, QuantParams::PerChannel(scales, 0));
//   ...
//   b.AddOperator(BuiltinOp::kConv2d, {in, w, bias}, {out}, Conv2DOptions{...});
//   b.SetInputs({in}); b.SetOutputs({out});
//   std::vector<uint8_t> file = b.Finish();
#ifndef TINYML_TOOLS_WRITER_MODEL_BUILDER_H_
#define TINYML_TOOLS_WRITER_MODEL_BUILDER_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tinyml/builtin_ops.h"
#include "tinyml/types.h"

namespace tinyml::writer {

struct QuantParams {
  std::vector<float> scale;         // empty: not quantized
  std::vector<int64_t> zero_point;  // same length as scale
  int32_t quantized_dimension = 0;

  static QuantParams PerTensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }
  static QuantParams PerChannel(std::vector<float> scales, int32_t dimension) {
    QuantParams q;
    q.zero_point.assign(scales.size(), 0);
    q.scale = std::move(scales);
    q.quantized_dimension = dimension;
    return q;
  }
};

// TFLite's packed INT4 constant layout: two values a byte, the first in the
// low nibble (an odd count leaves the last high nibble 0). Throws
// std::invalid_argument for a value outside [-8, 7].
std::vector<uint8_t> PackInt4(const std::vector<int8_t>& values);

// .tflite enum values.
enum class Padding : int8_t { kSame = 0, kValid = 1 };
enum class Activation : int8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4 };

struct Conv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  Activation activation = Activation::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
};
struct DepthwiseConv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t depth_multiplier = 1;
  Activation activation = Activation::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
};
struct Pool2DOptions {
  Padding padding = Padding::kValid;
  int32_t stride_w = 1, stride_h = 1;
  int32_t filter_width = 1, filter_height = 1;
  Activation activation = Activation::kNone;
};
struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
};
struct SoftmaxOptions { float beta = 1.0f; };
struct ConcatenationOptions { int32_t axis = 0; Activation activation = Activation::kNone; };
struct AddOptions { Activation activation = Activation::kNone; };
struct SubOptions { Activation activation = Activation::kNone; };
struct MulOptions { Activation activation = Activation::kNone; };
struct DivOptions { Activation activation = Activation::kNone; };
struct ReshapeOptions { std::vector<int32_t> new_shape; };
struct ReducerOptions { bool keep_dims = false; };
struct StridedSliceOptions {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
};
struct CastOptions { TensorType in_type = TensorType::kFloat32, out_type = TensorType::kFloat32; };
struct LeakyReluOptions { float alpha = 0.2f; };
// Empty options tables (the schema has them; TFLite accepts them absent too).
struct PadOptions {};
struct TransposeOptions {};
struct DequantizeOptions {};
struct QuantizeOptions {};
struct MaximumMinimumOptions {};

using OpOptions = std::variant<std::monostate, Conv2DOptions, DepthwiseConv2DOptions, Pool2DOptions,
                               FullyConnectedOptions, SoftmaxOptions, ConcatenationOptions, AddOptions,
                               SubOptions, MulOptions, DivOptions, ReshapeOptions, ReducerOptions,
                               StridedSliceOptions, CastOptions, LeakyReluOptions, PadOptions,
                               TransposeOptions, DequantizeOptions, QuantizeOptions, MaximumMinimumOptions>;

class ModelBuilder {
 public:
  ModelBuilder();
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;

  // An activation (non-constant) tensor. Returns its index.
  int AddTensor(TensorType type, std::vector<int32_t> shape, QuantParams quant = {}, std::string name = "");
  // A constant tensor holding `bytes` raw little-endian bytes.
  int AddConstTensor(TensorType type, std::vector<int32_t> shape, const void* data, size_t bytes,
                     QuantParams quant = {}, std::string name = "");
  template <typename T>
  int AddConst(TensorType type, std::vector<int32_t> shape, const std::vector<T>& values,
               QuantParams quant = {}, std::string name = "") {
    return AddConstTensor(type, std::move(shape), values.data(), values.size() * sizeof(T),
                          std::move(quant), std::move(name));
  }
  // A constant INT4 tensor holding `values` (-8..7), packed by PackInt4.
  int AddInt4Const(std::vector<int32_t> shape, const std::vector<int8_t>& values, QuantParams quant = {},
                   std::string name = "");
  // Marks a tensor as a variable (state kept across invokes).
  void SetVariable(int tensor);

  // Adds a builtin op; -1 in `inputs` marks an omitted optional input.
  // `version` is the operator code version written to the file.
  void AddOperator(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                   OpOptions options = {}, int32_t version = 1);
  void AddCustomOperator(const std::string& name, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                         std::vector<uint8_t> custom_options = {});

  void SetInputs(std::vector<int32_t> inputs);
  void SetOutputs(std::vector<int32_t> outputs);
  void SetDescription(std::string description);

  // Serializes a standard .tflite file (schema version 3, identifier TFL3).
  std::vector<uint8_t> Finish();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace tinyml::writer

#endif  // TINYML_TOOLS_WRITER_MODEL_BUILDER_H_
