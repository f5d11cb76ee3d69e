#include "bench_markers.h"

/* Different stored values keep the two bodies distinct, so identical-code
   folding cannot merge the markers into one address. */
volatile int g_bench_marker_state;
void BenchBegin(void) { g_bench_marker_state = 1; }
void BenchEnd(void) { g_bench_marker_state = 2; }
