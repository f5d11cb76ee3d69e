#include <stdexcept>
#include <string>

#include "cli/cli_common.h"

namespace tinyml::cli {

const OpResolver& AllOpsResolver() {
  static StaticOpResolver<64> resolver;
  static const Status status = AddAllBuiltins(resolver);
  if (status != Status::kOk)
    throw std::runtime_error(std::string("cannot register the builtin ops: ") + StatusName(status));
  return resolver;
}

}  // namespace tinyml::cli
