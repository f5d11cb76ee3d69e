// TRANSPOSE glue: constant int32 permutation, any storable element type.
#include <string.h>

#include "kernels/ops/op_common.h"
#include "kernels/ref/transpose.h"
#include "tinyml/builtin_ops.h"

namespace tinyml {
namespace {

constexpr int kInput = 0;
constexpr int kPerm = 1;

struct TransposeOpData {
  ref::TransposeParams params;
  uint32_t element_bytes;
};

Status Setup(OpContext& ctx, TransposeOpData* s) {
  if (ctx.num_inputs() != 2 || !ctx.has_input(kInput) || !ctx.has_input(kPerm))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects inputs (input, perm); inputs given:"),
                    ctx.num_inputs());
  if (ctx.num_outputs() != 1)
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("expects 1 output; outputs given:"), ctx.num_outputs());
  const TensorMeta input = ctx.input_meta(kInput);
  const TensorMeta perm = ctx.input_meta(kPerm);
  const TensorMeta output = ctx.output_meta(0);
  if (input.type != output.type)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("input and output types differ; output type"),
                    static_cast<int>(output.type));
  const size_t element_bytes = TensorTypeBytes(input.type);
  if (element_bytes != 1 && element_bytes != 2 && element_bytes != 4 && element_bytes != 8)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("element type not supported:"),
                    static_cast<int>(input.type));
  const int rank = input.shape.rank;
  if (perm.type != TensorType::kInt32)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("perm must be int32; type"), static_cast<int>(perm.type));
  if (!perm.is_constant())
    return ctx.Fail(Status::kUnsupportedOp, TINYML_MSG("non-constant perm tensor is not supported"));
  if (perm.shape.rank != 1 || perm.shape.dims[0] != rank)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("perm must be 1-D with one entry per input dim; entries"),
                    perm.shape.FlatSize());
  if (perm.const_bytes < 4u * static_cast<uint32_t>(rank))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("perm buffer shorter than its shape; bytes"), perm.const_bytes);
  if (output.shape.rank != rank)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output rank differs from the input rank:"), output.shape.rank);
  bool seen[kMaxRank] = {};
  s->params.rank = rank;
  for (int i = 0; i < rank; ++i) {
    int32_t p;
    memcpy(&p, perm.const_data + 4 * i, 4);
    if (p < 0 || p >= rank || seen[p])
      return ctx.Fail(Status::kInvalidModel, TINYML_MSG("perm is not a permutation of the input dims; entry"), p);
    seen[p] = true;
    s->params.perm[i] = p;
    if (output.shape.dims[i] != input.shape.dims[p])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output dim differs from the permuted input dim; dim"), i);
  }
  s->element_bytes = static_cast<uint32_t>(element_bytes);
  FbTable options;
  return GetOptions(ctx, options_type::kTranspose, &options);
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  TransposeOpData s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = sizeof(TransposeOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<TransposeOpData>()); }

Status Eval(OpContext& ctx) {
  const TransposeOpData* data = ctx.op_data_as<TransposeOpData>();
  const Tensor& input = ctx.input(kInput);
  ref::Transpose(data->params, input.shape(), input.data, data->element_bytes, ctx.output(0).data);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_TRANSPOSE() {
  static const OpRegistration kRegistration = {"TRANSPOSE", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
