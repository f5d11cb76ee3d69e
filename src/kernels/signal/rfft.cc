// SignalRfft: real FFT of each frame (KISS FFT fixed-point arithmetic).
//   input:  0 int16, frames along the last dimension (each zero-padded to
//           fft_length)
//   output: 0 int16, same outer shape, last dimension fft_length + 2:
//           fft_length / 2 + 1 interleaved (re, im) bins per frame
//   options: T (element type; only int16 = 7 is implemented), fft_length
//            (even, >= the frame length)
#include <string.h>

#include "frontend/rfft.h"
#include "kernels/signal/signal_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

constexpr int64_t kTypeInt16 = 7;  // .tflite TensorType INT16

struct RfftOpData {
  frontend::RfftS16 plan;
  int32_t frame_length;  // input samples per frame
  int32_t frames;
  int32_t output_stride;  // int16 values per output frame
};

struct RfftSetup {
  int32_t fft_length = 0;
  int32_t frame_length = 0;
  int32_t frames = 0;
  int32_t output_stride = 0;
};

Status Setup(OpContext& ctx, RfftSetup* s) {
  TINYML_RETURN_IF_ERROR(signal_ops::CheckArity(ctx, 1, 1));
  const TensorMeta input = ctx.input_meta(0);
  const TensorMeta output = ctx.output_meta(0);
  flex::Map options;
  TINYML_RETURN_IF_ERROR(signal_ops::ParseOptions(ctx, &options));
  int64_t type = kTypeInt16;
  if (options.GetInt("T", &type) && type != kTypeInt16)
    return ctx.Fail(Status::kUnsupportedType, TINYML_MSG("only the int16 FFT is implemented; option T ="), type);
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, input, "input 0", TensorType::kInt16, -1));
  TINYML_RETURN_IF_ERROR(signal_ops::CheckTensor(ctx, output, "output 0", TensorType::kInt16, input.shape.rank));
  if (input.shape.rank < 1) return ctx.Fail(Status::kInvalidShape, TINYML_MSG("input must have rank >= 1"));
  TINYML_RETURN_IF_ERROR(
      signal_ops::GetInt32Option(ctx, options, "fft_length", 2, frontend::kRfftMaxLength, &s->fft_length));
  if (!frontend::RfftS16LengthSupported(s->fft_length))
    return ctx.Fail(Status::kInvalidModel, TINYML_MSG("fft_length must be even"), s->fft_length);
  const int32_t rank = input.shape.rank;
  s->frame_length = input.shape.dims[rank - 1];
  if (s->frame_length < 1 || s->frame_length > s->fft_length)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("frame length must be in 1..fft_length; got"),
                    s->frame_length);
  for (int i = 0; i < rank - 1; ++i)
    if (output.shape.dims[i] != input.shape.dims[i])
      return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output outer dimensions differ from the input's; dim"), i);
  s->output_stride = s->fft_length + 2;
  if (output.shape.dims[rank - 1] != s->output_stride)
    return ctx.Fail(Status::kInvalidShape, TINYML_MSG("output last dimension must be fft_length + 2; got"),
                    output.shape.dims[rank - 1]);
  s->frames = static_cast<int32_t>(input.shape.FlatSize() / s->frame_length);
  return Status::kOk;
}

size_t TableOffset() { return signal_ops::AlignUp(sizeof(RfftOpData), signal_ops::kOpDataAlign); }
size_t PaddedFrameBytes(int32_t fft_length) {
  return signal_ops::AlignUp(sizeof(int16_t) * static_cast<size_t>(fft_length), signal_ops::kOpDataAlign);
}

Status Plan(OpContext& ctx, OpMemory* memory) {
  RfftSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  memory->persistent_bytes = static_cast<uint32_t>(TableOffset() + frontend::RfftS16TableBytes(s.fft_length));
  memory->scratch_bytes =
      static_cast<uint32_t>(PaddedFrameBytes(s.fft_length) + frontend::RfftS16ScratchBytes(s.fft_length));
  return Status::kOk;
}

Status Prepare(OpContext& ctx) {
  RfftSetup s;
  TINYML_RETURN_IF_ERROR(Setup(ctx, &s));
  RfftOpData* d = ctx.op_data_as<RfftOpData>();
  uint8_t* table = static_cast<uint8_t*>(ctx.op_data()) + TableOffset();
  if (!frontend::RfftS16Init(s.fft_length, table, frontend::RfftS16TableBytes(s.fft_length), &d->plan))
    return ctx.Fail(Status::kInternal, TINYML_MSG("FFT tables could not be prepared for fft_length"), s.fft_length);
  d->frame_length = s.frame_length;
  d->frames = s.frames;
  d->output_stride = s.output_stride;
  return Status::kOk;
}

Status Eval(OpContext& ctx) {
  const RfftOpData* d = ctx.op_data_as<RfftOpData>();
  const int32_t fft_length = d->plan.fft_length;
  int16_t* padded = static_cast<int16_t*>(ctx.scratch());
  uint8_t* fft_scratch = static_cast<uint8_t*>(ctx.scratch()) + PaddedFrameBytes(fft_length);
  const int16_t* input = ctx.input_data<int16_t>(0);
  int16_t* output = ctx.output_data<int16_t>(0);
  const size_t frame_bytes = sizeof(int16_t) * static_cast<size_t>(d->frame_length);
  memset(padded + d->frame_length, 0, sizeof(int16_t) * static_cast<size_t>(fft_length - d->frame_length));
  for (int32_t f = 0; f < d->frames; ++f) {
    memcpy(padded, input + static_cast<size_t>(f) * d->frame_length, frame_bytes);
    frontend::RfftS16Apply(d->plan, padded, output + static_cast<size_t>(f) * d->output_stride, fft_scratch);
  }
  return Status::kOk;
}

}  // namespace

const OpRegistration* Register_SIGNAL_RFFT() {
  static const OpRegistration kRegistration = {"SignalRfft", Plan, Prepare, Eval, nullptr, kOpFlagNone};
  return &kRegistration;
}

}  // namespace tinyml
