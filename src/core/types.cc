#include "tinyml/builtin_ops.h"
#include "tinyml/types.h"

namespace tinyml {

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

const char* BuiltinOpName(int32_t code) {
#ifdef TINYML_STRIP_ERROR_STRINGS
  (void)code;
  return "";
#else
  static const char* const kNames[] = {
      "ADD",
      "AVERAGE_POOL_2D",
      "CONCATENATION",
      "CONV_2D",
      "DEPTHWISE_CONV_2D",
      "DEPTH_TO_SPACE",
      "DEQUANTIZE",
      "EMBEDDING_LOOKUP",
      "FLOOR",
      "FULLY_CONNECTED",
      "HASHTABLE_LOOKUP",
      "L2_NORMALIZATION",
      "L2_POOL_2D",
      "LOCAL_RESPONSE_NORMALIZATION",
      "LOGISTIC",
      "LSH_PROJECTION",
      "LSTM",
      "MAX_POOL_2D",
      "MUL",
      "RELU",
      "RELU_N1_TO_1",
      "RELU6",
      "RESHAPE",
      "RESIZE_BILINEAR",
      "RNN",
      "SOFTMAX",
      "SPACE_TO_DEPTH",
      "SVDF",
      "TANH",
      "CONCAT_EMBEDDINGS",
      "SKIP_GRAM",
      "CALL",
      "CUSTOM",
      "EMBEDDING_LOOKUP_SPARSE",
      "PAD",
      "UNIDIRECTIONAL_SEQUENCE_RNN",
      "GATHER",
      "BATCH_TO_SPACE_ND",
      "SPACE_TO_BATCH_ND",
      "TRANSPOSE",
      "MEAN",
      "SUB",
      "DIV",
      "SQUEEZE",
      "UNIDIRECTIONAL_SEQUENCE_LSTM",
      "STRIDED_SLICE",
      "BIDIRECTIONAL_SEQUENCE_RNN",
      "EXP",
      "TOPK_V2",
      "SPLIT",
      "LOG_SOFTMAX",
      "DELEGATE",
      "BIDIRECTIONAL_SEQUENCE_LSTM",
      "CAST",
      "PRELU",
      "MAXIMUM",
      "ARG_MAX",
      "MINIMUM",
      "LESS",
      "NEG",
      "PADV2",
      "GREATER",
      "GREATER_EQUAL",
      "LESS_EQUAL",
      "SELECT",
      "SLICE",
      "SIN",
      "TRANSPOSE_CONV",
      "SPARSE_TO_DENSE",
      "TILE",
      "EXPAND_DIMS",
      "EQUAL",
      "NOT_EQUAL",
      "LOG",
      "SUM",
      "SQRT",
      "RSQRT",
      "SHAPE",
      "POW",
      "ARG_MIN",
      "FAKE_QUANT",
      "REDUCE_PROD",
      "REDUCE_MAX",
      "PACK",
      "LOGICAL_OR",
      "ONE_HOT",
      "LOGICAL_AND",
      "LOGICAL_NOT",
      "UNPACK",
      "REDUCE_MIN",
      "FLOOR_DIV",
      "REDUCE_ANY",
      "SQUARE",
      "ZEROS_LIKE",
      "FILL",
      "FLOOR_MOD",
      "RANGE",
      "RESIZE_NEAREST_NEIGHBOR",
      "LEAKY_RELU",
      "SQUARED_DIFFERENCE",
      "MIRROR_PAD",
      "ABS",
      "SPLIT_V",
      "UNIQUE",
      "CEIL",
      "REVERSE_V2",
      "ADD_N",
      "GATHER_ND",
      "COS",
      "WHERE",
      "RANK",
      "ELU",
      "REVERSE_SEQUENCE",
      "MATRIX_DIAG",
      "QUANTIZE",
      "MATRIX_SET_DIAG",
      "ROUND",
      "HARD_SWISH",
      "IF",
      "WHILE",
      "NON_MAX_SUPPRESSION_V4",
      "NON_MAX_SUPPRESSION_V5",
      "SCATTER_ND",
      "SELECT_V2",
      "DENSIFY",
      "SEGMENT_SUM",
      "BATCH_MATMUL",
      "PLACEHOLDER_FOR_GREATER_OP_CODES",
      "CUMSUM",
      "CALL_ONCE",
      "BROADCAST_TO",
      "RFFT2D",
      "CONV_3D",
      "IMAG",
      "REAL",
      "COMPLEX_ABS",
      "HASHTABLE",
      "HASHTABLE_FIND",
      "HASHTABLE_IMPORT",
      "HASHTABLE_SIZE",
      "REDUCE_ALL",
      "CONV_3D_TRANSPOSE",
      "VAR_HANDLE",
      "READ_VARIABLE",
      "ASSIGN_VARIABLE",
      "BROADCAST_ARGS",
      "RANDOM_STANDARD_NORMAL",
      "BUCKETIZE",
      "RANDOM_UNIFORM",
      "MULTINOMIAL",
      "GELU",
      "DYNAMIC_UPDATE_SLICE",
      "RELU_0_TO_1",
      "UNSORTED_SEGMENT_PROD",
      "UNSORTED_SEGMENT_MAX",
      "UNSORTED_SEGMENT_SUM",
      "ATAN2",
      "UNSORTED_SEGMENT_MIN",
      "SIGN",
      "BITCAST",
      "BITWISE_XOR",
      "RIGHT_SHIFT",
  };
  if (code >= 0 && code < static_cast<int32_t>(sizeof(kNames) / sizeof(kNames[0]))) return kNames[code];
  if (code >= 162 && code <= 209) return "STABLEHLO_*";
  return "UNKNOWN";
#endif
}

}  // namespace tinyml
