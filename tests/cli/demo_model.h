// A small int8 network written by the project itself, used by the CLI tests
// and by the README until the wake-word model exists:
//   input int8 [1,16,16,1]
//   -> CONV_2D 3x3x8 stride 2 SAME, RELU      [1,8,8,8]   per-channel weights
//   -> DEPTHWISE_CONV_2D 3x3 SAME, RELU      [1,8,8,8]   per-channel weights
//   -> AVERAGE_POOL_2D 2x2 stride 2 VALID     [1,4,4,8]
//   -> FULLY_CONNECTED 10 units               [1,10]
//   -> SOFTMAX                                [1,10]      scale 1/256, zero point -128
// Weights and biases come from a seeded generator with the same sequence on
// every platform.
#ifndef TINYML_TESTS_CLI_DEMO_MODEL_H_
#define TINYML_TESTS_CLI_DEMO_MODEL_H_

#include <cstdint>
#include <vector>

namespace tinyml::demo {

constexpr uint32_t kDefaultSeed = 1234;

// MACs of the network above: conv 8*8*8*9 + depthwise 8*8*8*9 + FC 10*128.
constexpr int64_t kDemoModelMacs = 8 * 8 * 8 * 9 + 8 * 8 * 8 * 9 + 10 * 128;

std::vector<uint8_t> BuildDemoModel(uint32_t seed = kDefaultSeed);

}  // namespace tinyml::demo

#endif  // TINYML_TESTS_CLI_DEMO_MODEL_H_
