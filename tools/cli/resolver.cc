#include <stdexcept>
#include <string>

#include "cli/cli_common.h"
#include "tinyml/signal_ops.h"

namespace tinyml::cli {

const OpResolver& AllOpsResolver() {
  static StaticOpResolver<64> resolver;
  // Builtins plus TFLM's Signal custom ops (the audio preprocessor models).
  static const Status status = AddAllBuiltins(resolver) == Status::kOk ? AddSignalOps(resolver) : Status::kInternal;
  if (status != Status::kOk)
    throw std::runtime_error(std::string("cannot register the builtin ops: ") + StatusName(status));
  return resolver;
}

}  // namespace tinyml::cli
