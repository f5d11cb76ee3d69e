// Zero-copy view of a standard .tflite model, verified once at load.
//
// The model bytes are read in place (flash on a device) and must outlive the
// Model. Load() checks the file identifier, the schema version and every
// offset, index, size and shape the runtime will use; after a successful
// Load() the accessors below never read out of bounds. Only subgraph 0 (the
// main graph) is executed.
#ifndef TINYML_MODEL_H_
#define TINYML_MODEL_H_

#include <stddef.h>
#include <stdint.h>

#include "tinyml/flatbuffer.h"
#include "tinyml/status.h"
#include "tinyml/types.h"

namespace tinyml {

// A tensor as the model describes it.
struct TensorMeta {
  TensorType type = TensorType::kFloat32;
  Shape shape;
  QuantView quant;
  const char* name = nullptr;    // may be nullptr
  uint32_t name_length = 0;
  const uint8_t* const_data = nullptr;  // constant (weights) data, or nullptr
  uint32_t const_bytes = 0;
  bool is_variable = false;

  bool is_constant() const { return const_data != nullptr; }
  // FlatSize() * element bytes.
  uint64_t Bytes() const;
};

// An operator as the model describes it. Tensor index lists point into the
// model (little-endian int32; -1 = optional input not given).
struct OperatorMeta {
  int32_t builtin_code = 0;          // BuiltinOp value; kCustom for custom ops
  const char* custom_name = nullptr;  // for custom ops
  uint32_t custom_name_length = 0;
  int32_t version = 1;
  const int32_t* inputs = nullptr;
  int32_t num_inputs = 0;
  const int32_t* outputs = nullptr;
  int32_t num_outputs = 0;
  uint8_t options_type = 0;  // BuiltinOptions union tag
  FbTable options;           // !ok() when absent
  const uint8_t* custom_options = nullptr;
  uint32_t custom_options_bytes = 0;
};

class Model {
 public:
  // Largest model accepted (flatbuffers are limited to 2 GiB).
  static constexpr size_t kMaxBytes = 0x7fffffff;

  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Verifies `data` as a .tflite model. `data` must be 4-byte aligned (16 is
  // recommended so weights keep their alignment) and outlive this Model.
  Status Load(const void* data, size_t size);
  bool loaded() const { return loaded_; }
  // One line saying what was wrong after a failed Load() (empty with
  // TINYML_ERROR_MESSAGES=0).
  const char* error() const { return error_; }

  uint32_t schema_version() const { return version_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }

  int32_t num_tensors() const { return num_tensors_; }
  int32_t num_operators() const { return num_operators_; }
  int32_t num_inputs() const { return inputs_.length; }
  int32_t num_outputs() const { return outputs_.length; }
  int32_t num_subgraphs() const { return num_subgraphs_; }
  // The model's `description` string (Model.description in the schema):
  // !present when absent, !ok when corrupt; not NUL-terminated.
  FbString description() const;
  int32_t input_tensor(int i) const { return inputs_.Get<int32_t>(i); }
  int32_t output_tensor(int i) const { return outputs_.Get<int32_t>(i); }

  // Preconditions: loaded(), index in range.
  TensorMeta tensor(int32_t index) const;
  OperatorMeta op(int32_t index) const;
  // The tensor's dims as stored in the model (int32, rank entries; may be
  // nullptr for rank 0).
  const int32_t* tensor_dims(int32_t index) const;

 private:
#if TINYML_ERROR_MESSAGES
  Status Fail(Status status, const char* what, int64_t index = -1, const char* detail = nullptr);
#else
  Status Fail(Status status, const char*, int64_t = -1, const char* = nullptr) { return status; }
#endif
  Status VerifyTensor(int32_t index);
  Status VerifyOperator(int32_t index);
  Status VerifyIndexList(const FbVector& v, const char* what, int32_t index, bool allow_optional);

  const uint8_t* base_ = nullptr;
  uint32_t size_ = 0;
  uint32_t version_ = 0;
  FbTable root_;
  FbTable subgraph_;
  FbVector operator_codes_;
  FbVector buffers_;
  FbVector tensors_;
  FbVector operators_;
  FbVector inputs_;
  FbVector outputs_;
  int32_t num_tensors_ = 0;
  int32_t num_operators_ = 0;
  int32_t num_subgraphs_ = 0;
  bool loaded_ = false;
  char error_[TINYML_ERROR_MESSAGES ? 160 : 1] = {};
};

}  // namespace tinyml

#endif  // TINYML_MODEL_H_
