// One conformance case on the device: the model, the input and TFLM's
// reference output come from the host by semihosting; int8 (and other
// integer) outputs must match byte for byte, float outputs within the
// host suite's tolerance. With a stream stride, one interpreter invokes on
// a window sliding over the input and the outputs are concatenated.
#include "conformance.h"

#include <string.h>

#include "check.h"
#include "kernels.h"
#include "port.h"
#include "prepare.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"

namespace tinyml::device_test {
namespace {

// Same tolerance as tests/conformance (float models only).
constexpr float kFloatRelTolerance = 1e-5f;
constexpr float kFloatAbsTolerance = 1e-5f;

float Abs(float x) { return x < 0 ? -x : x; }

}  // namespace

int RunConformanceCase(const char* model_path, const char* input_path, const char* output_path, uint32_t stride,
                       bool int8_only) {
  size_t model_size = 0, input_size = 0, expected_size = 0;
  const uint8_t* model_bytes = PortLoadFile(model_path, &model_size);
  const uint8_t* input = PortLoadFile(input_path, &input_size);
  const uint8_t* expected = PortLoadFile(output_path, &expected_size);
  if (model_bytes == nullptr || input == nullptr || expected == nullptr) {
    ReportSkip("conformance case", "a file is missing (is ../shared present?)");
    return kSkipExitCode;
  }
  Model model;
  const Status load = model.Load(model_bytes, model_size);
  if (load != Status::kOk) {
    Print(model.error());
    Print("\n");
    TINYML_CHECK(load == Status::kOk);
    return 1;
  }
  static PortResolver resolver;
  TINYML_CHECK((int8_only ? PortAddInt8Kernels(model, resolver) : PortAddAllKernels(resolver)) == Status::kOk);

  const PreparedModel prepared = PortPrepareExact(model, resolver);
  if (prepared.interpreter == nullptr) {
    Print("memory pool too small for this case\n");
    return 1;
  }
  Interpreter* interpreter = prepared.interpreter;
  if (prepared.status == Status::kUnsupportedOp) {
    ReportSkip("conformance case", interpreter->error());
    return kSkipExitCode;
  }
  if (prepared.status != Status::kOk) {
    Print(interpreter->error());
    Print("\n");
    TINYML_CHECK(prepared.status == Status::kOk);
    return 1;
  }
  const size_t arena_bytes = prepared.arena_bytes;
  uint8_t* actual = static_cast<uint8_t*>(PortPoolAlloc(expected_size, 16));
  if (actual == nullptr) {
    Print("memory pool too small for this case\n");
    return 1;
  }
  Print("arena bytes ");
  PrintInt(static_cast<int64_t>(arena_bytes));
  Print("\n");

  size_t window = 0;
  for (int i = 0; i < interpreter->inputs_size(); ++i) window += interpreter->input_bytes(i);
  size_t produced = 0;
  bool size_ok = true;
  auto run = [&](const uint8_t* bytes) {
    size_t offset = 0;
    for (int i = 0; i < interpreter->inputs_size(); ++i) {
      memcpy(interpreter->input(i)->data, bytes + offset, interpreter->input_bytes(i));
      offset += interpreter->input_bytes(i);
    }
    const Status status = interpreter->Invoke();
    TINYML_CHECK(status == Status::kOk);
    if (status != Status::kOk) {
      Print(interpreter->error());
      Print("\n");
      return false;
    }
    for (int i = 0; i < interpreter->outputs_size(); ++i) {
      const size_t n = interpreter->output_bytes(i);
      if (produced + n > expected_size) {
        size_ok = false;
        return false;
      }
      memcpy(actual + produced, interpreter->output(i)->data, n);
      produced += n;
    }
    return true;
  };
  if (stride > 0) {
    for (size_t offset = 0; offset + window <= input_size; offset += stride)
      if (!run(input + offset)) break;
  } else {
    TINYML_CHECK_EQ(input_size, window);
    if (input_size == window) run(input);
  }
  TINYML_CHECK(size_ok);
  TINYML_CHECK_EQ(produced, expected_size);
  if (produced != expected_size) return 1;

  int32_t mismatches = 0;
  if (interpreter->output(0)->type == TensorType::kFloat32) {
    for (size_t i = 0; i + 4 <= produced; i += 4) {
      float a, e;
      memcpy(&a, actual + i, 4);
      memcpy(&e, expected + i, 4);
      if (!(Abs(a - e) <= kFloatAbsTolerance + kFloatRelTolerance * Abs(e)) && mismatches++ < 5) {
        Print("float output ");
        PrintInt(static_cast<int64_t>(i / 4));
        Print(" differs beyond tolerance (bits ");
        uint32_t abits, ebits;
        memcpy(&abits, &a, 4);
        memcpy(&ebits, &e, 4);
        PrintInt(abits);
        Print(" vs ");
        PrintInt(ebits);
        Print(")\n");
      }
    }
  } else {
    for (size_t i = 0; i < produced; ++i) {
      if (actual[i] != expected[i] && mismatches++ < 5) {
        Print("byte ");
        PrintInt(static_cast<int64_t>(i));
        Print(": got ");
        PrintInt(static_cast<int8_t>(actual[i]));
        Print(" want ");
        PrintInt(static_cast<int8_t>(expected[i]));
        Print("\n");
      }
    }
  }
  TINYML_CHECK_EQ(mismatches, 0);
  Print(mismatches == 0 ? "output matches TFLM (" : "output DIFFERS from TFLM (");
  PrintInt(static_cast<int64_t>(produced));
  Print(" bytes)\n");
  return GetTally().failures == 0 ? 0 : 1;
}

}  // namespace tinyml::device_test
