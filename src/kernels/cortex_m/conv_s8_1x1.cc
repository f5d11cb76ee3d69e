// 1x1, stride-1, unpadded int8 convolution: output pixel i is a matmul of
// input pixel i's channels, so columns are widened straight from the input.
#include "kernels/cortex_m/conv_s8.h"

namespace tinyml {
namespace cortex_m {

void ConvS8_1x1(const ConvS8Params& params, const ChannelQuant& quant, const Shape& input_shape,
                const int8_t* input, const Shape& filter_shape, const int8_t* filter, const Shape& output_shape,
                int8_t* output, void* scratch) {
  const int32_t depth = input_shape.dims[3];
  const int32_t channels = filter_shape.dims[0];
  const int32_t total = output_shape.dims[0] * output_shape.dims[1] * output_shape.dims[2];
  const Widen widen = MakeWiden(params.input_offset, params.out);
  alignas(8) uint32_t stack_cols[kConvS8StackColumnBytes / sizeof(uint32_t)];
  uint32_t* cols = ConvS8ScratchBytes(depth) == 0 ? stack_cols : static_cast<uint32_t*>(scratch);
  for (int32_t first = 0; first < total; first += 4) {
    const int32_t pixels = total - first < 4 ? total - first : 4;
    for (int32_t p = 0; p < 4; ++p) {
      const int32_t pixel = first + (p < pixels ? p : pixels - 1);
      WidenRun(cols, p, 0, input + pixel * depth, depth, widen);
      WidenPadTail(cols, p, depth);
    }
    MatMulS8Cols4(cols, depth, filter, channels, quant, params.out, pixels, output + first * channels);
  }
}

}  // namespace cortex_m
}  // namespace tinyml
