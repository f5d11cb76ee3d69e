#include "tinyml/builtin_ops.h"
#include "tinyml/types.h"

namespace tinyml {

int64_t Shape::FlatSize() const {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= dims[i];
  return n;
}

float QuantView::scale(int i) const {
  float v;
  memcpy(&v, scales + 4 * i, 4);
  return v;
}

int64_t QuantView::zero_point(int i) const {
  // One zero point for many scales stands for all of them (TFLite Micro
  // accepts this space saving for per-channel weights).
  if (zero_point_count == 1) i = 0;
  if (i >= zero_point_count) return 0;
  int64_t v;
  memcpy(&v, zero_points + 8 * i, 8);
  return v;
}

const char* TensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::kFloat32: return "FLOAT32";
    case TensorType::kFloat16: return "FLOAT16";
    case TensorType::kInt32: return "INT32";
    case TensorType::kUInt8: return "UINT8";
    case TensorType::kInt64: return "INT64";
    case TensorType::kString: return "STRING";
    case TensorType::kBool: return "BOOL";
    case TensorType::kInt16: return "INT16";
    case TensorType::kComplex64: return "COMPLEX64";
    case TensorType::kInt8: return "INT8";
    case TensorType::kFloat64: return "FLOAT64";
    case TensorType::kComplex128: return "COMPLEX128";
    case TensorType::kUInt64: return "UINT64";
    case TensorType::kResource: return "RESOURCE";
    case TensorType::kVariant: return "VARIANT";
    case TensorType::kUInt32: return "UINT32";
    case TensorType::kUInt16: return "UINT16";
    case TensorType::kInt4: return "INT4";
  }
  return "UNKNOWN";
}

size_t TensorTypeBytes(TensorType type) {
  switch (type) {
    case TensorType::kFloat32: return 4;
    case TensorType::kFloat16: return 2;
    case TensorType::kInt32: return 4;
    case TensorType::kUInt8: return 1;
    case TensorType::kInt64: return 8;
    case TensorType::kBool: return 1;
    case TensorType::kInt16: return 2;
    case TensorType::kInt8: return 1;
    case TensorType::kFloat64: return 8;
    case TensorType::kUInt64: return 8;
    case TensorType::kUInt32: return 4;
    case TensorType::kUInt16: return 2;
    default: return 0;  // string, complex, resource, variant, int4: not stored
  }
}

uint64_t TensorDataBytes(TensorType type, uint64_t elements) {
  if (type == TensorType::kInt4) return (elements + 1) / 2;
  return elements * TensorTypeBytes(type);
}

const char* BuiltinOpName(int32_t code) {
  // The schema's names in code order, NUL-separated (no pointer table).
  static const char kNames[] =
      "ADD\0AVERAGE_POOL_2D\0CONCATENATION\0CONV_2D\0DEPTHWISE_CONV_2D\0DEPTH_TO_SPACE\0DEQUANTIZE\0"
      "EMBEDDING_LOOKUP\0FLOOR\0FULLY_CONNECTED\0HASHTABLE_LOOKUP\0L2_NORMALIZATION\0L2_POOL_2D\0"
      "LOCAL_RESPONSE_NORMALIZATION\0LOGISTIC\0LSH_PROJECTION\0LSTM\0MAX_POOL_2D\0MUL\0RELU\0RELU_N1_TO_1\0RELU6\0"
      "RESHAPE\0RESIZE_BILINEAR\0RNN\0SOFTMAX\0SPACE_TO_DEPTH\0SVDF\0TANH\0CONCAT_EMBEDDINGS\0SKIP_GRAM\0CALL\0"
      "CUSTOM\0EMBEDDING_LOOKUP_SPARSE\0PAD\0UNIDIRECTIONAL_SEQUENCE_RNN\0GATHER\0BATCH_TO_SPACE_ND\0"
      "SPACE_TO_BATCH_ND\0TRANSPOSE\0MEAN\0SUB\0DIV\0SQUEEZE\0UNIDIRECTIONAL_SEQUENCE_LSTM\0STRIDED_SLICE\0"
      "BIDIRECTIONAL_SEQUENCE_RNN\0EXP\0TOPK_V2\0SPLIT\0LOG_SOFTMAX\0DELEGATE\0BIDIRECTIONAL_SEQUENCE_LSTM\0CAST\0"
      "PRELU\0MAXIMUM\0ARG_MAX\0MINIMUM\0LESS\0NEG\0PADV2\0GREATER\0GREATER_EQUAL\0LESS_EQUAL\0SELECT\0SLICE\0SIN\0"
      "TRANSPOSE_CONV\0SPARSE_TO_DENSE\0TILE\0EXPAND_DIMS\0EQUAL\0NOT_EQUAL\0LOG\0SUM\0SQRT\0RSQRT\0SHAPE\0POW\0"
      "ARG_MIN\0FAKE_QUANT\0REDUCE_PROD\0REDUCE_MAX\0PACK\0LOGICAL_OR\0ONE_HOT\0LOGICAL_AND\0LOGICAL_NOT\0UNPACK\0"
      "REDUCE_MIN\0FLOOR_DIV\0REDUCE_ANY\0SQUARE\0ZEROS_LIKE\0FILL\0FLOOR_MOD\0RANGE\0RESIZE_NEAREST_NEIGHBOR\0"
      "LEAKY_RELU\0SQUARED_DIFFERENCE\0MIRROR_PAD\0ABS\0SPLIT_V\0UNIQUE\0CEIL\0REVERSE_V2\0ADD_N\0GATHER_ND\0COS\0"
      "WHERE\0RANK\0ELU\0REVERSE_SEQUENCE\0MATRIX_DIAG\0QUANTIZE\0MATRIX_SET_DIAG\0ROUND\0HARD_SWISH\0IF\0WHILE\0"
      "NON_MAX_SUPPRESSION_V4\0NON_MAX_SUPPRESSION_V5\0SCATTER_ND\0SELECT_V2\0DENSIFY\0SEGMENT_SUM\0BATCH_MATMUL\0"
      "PLACEHOLDER_FOR_GREATER_OP_CODES\0CUMSUM\0CALL_ONCE\0BROADCAST_TO\0RFFT2D\0CONV_3D\0IMAG\0REAL\0COMPLEX_ABS\0"
      "HASHTABLE\0HASHTABLE_FIND\0HASHTABLE_IMPORT\0HASHTABLE_SIZE\0REDUCE_ALL\0CONV_3D_TRANSPOSE\0VAR_HANDLE\0"
      "READ_VARIABLE\0ASSIGN_VARIABLE\0BROADCAST_ARGS\0RANDOM_STANDARD_NORMAL\0BUCKETIZE\0RANDOM_UNIFORM\0"
      "MULTINOMIAL\0GELU\0DYNAMIC_UPDATE_SLICE\0RELU_0_TO_1\0UNSORTED_SEGMENT_PROD\0UNSORTED_SEGMENT_MAX\0"
      "UNSORTED_SEGMENT_SUM\0ATAN2\0UNSORTED_SEGMENT_MIN\0SIGN\0BITCAST\0BITWISE_XOR\0RIGHT_SHIFT\0";
  constexpr int32_t kCount = 162;
  if (code >= 0 && code < kCount) {
    const char* p = kNames;
    for (int32_t i = 0; i < code; ++i) p += strlen(p) + 1;
    return p;
  }
  if (code >= 162 && code <= 209) return "STABLEHLO_*";
  return "UNKNOWN";
}

}  // namespace tinyml
