// Deliberately not freestanding: the freestanding check must reject this
// library (heap, global constructor, stdio), proving the check can fail.
#include <cstdio>
#include <cstdlib>

namespace {
struct NeedsConstructor {
  NeedsConstructor() { std::puts("constructed"); }
};
NeedsConstructor instance;
}  // namespace

void* UsesHeap(size_t n) { return std::malloc(n); }
