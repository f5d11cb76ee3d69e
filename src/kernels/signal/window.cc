// SignalWindow: multiplies each frame by a fixed-point window.
//   inputs: 0 int16 signal (rank >= 1, a whole number of windows),
//           1 int16 window (rank 1)
//   output: int16, same shape as the signal
//   options: shift (fractional bits of the window, 0..31)
#include "frontend/window.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

struct WindowOpData {
  int32_t shift;
  int32_t size;
  int32_t window_size;
};

Status Setup(OpContext& ctx, WindowOpData* d) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 2, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta window = ctx.input_meta(1);
  const TensorMeta output = ctx.output_meta(0);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kInt16, -1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, window, "input 1 (window)", TensorType::kInt16, 1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kInt16, input.shape.rank));
  if (input.shape.rank < 1) return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must have rank >= 1"));
  const int64_t size = input.shape.FlatSize();
  const int32_t window_size = window.shape.dims[0];
  if (window_size < 1 || size % window_size != 0)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input size is not a multiple of the window size"),
                    window_size);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckSize(ctx, output, "output 0", size));
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  TINYML_RETURN_IF_ERROR(signal_ops::GetInt32Option(ctx, options, "shift", 0, 31, &d->shift));
  d->size = static_cast<int32_t>(size);
  d->window_size = window_size;
  return Status::kOk;
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  WindowOpData d;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &d));
  memory->persistent_bytes = sizeof(WindowOpData);
  return Status::kOk;
}

Status Prepare(OpContext& ctx) { return Setup(ctx, ctx.op_data_as<WindowOpData>()); }

Status Eval(OpContext& ctx) {
  const WindowOpData* d = ctx.op_data_as<WindowOpData>();
  const int16_t* input = ctx.input_data<int16_t>(0);
  const int16_t* window = ctx.input_data<int16_t>(1);
  int16_t* output = ctx.output_data<int16_t>(0);
  for (int32_t i = 0; i < d->size; i += d->window_size)
    frontend::ApplyWindowS16(input + i, window, d->window_size, d->shift, output + i);
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_WINDOW() {
  static const OpRegistration kRegistration = {"SignalWindow", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
