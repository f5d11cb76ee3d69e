// tinyml bench --target cortex-m4|m7|m33|m55: instructions per invoke,
// arena, stack and flash on an emulated Cortex-M core (QEMU + tinyml's
// counting plugin). See ports/cortex_m/README.md for the method.
#ifndef TINYML_TOOLS_CLI_BENCH_CORTEX_M_H_
#define TINYML_TOOLS_CLI_BENCH_CORTEX_M_H_

#include <string>

namespace tinyml::cli {

// True for the targets RunCortexMBench handles.
bool IsCortexMTarget(const std::string& target);

// Builds (if needed) and runs the bench firmware for `target`, links a
// size probe for the model, and prints the report. Returns the exit code;
// throws tools::FileError / std::runtime_error with a one-line message.
// `kernels` is "ref" (build/cortex-mN) or "cortex_m" (build/cortex-mN-opt).
int RunCortexMBench(const std::string& model_path, const std::string& target, const std::string& kernels, bool json);

// Instructions per 20 ms hop of the wake-word pipeline ("micro_speech":
// frontend + model + detector) in the examples/wake_word_m4 firmware, with
// estimated cycles and average power.
int RunCortexMPipelineBench(const std::string& pipeline, const std::string& target, const std::string& kernels,
                            int32_t stride,
                            bool json);

}  // namespace tinyml::cli

#endif  // TINYML_TOOLS_CLI_BENCH_CORTEX_M_H_
