/* Region markers for the QEMU instruction-counting plugin
   (tools/qemu_plugin): it counts every instruction executed from the first
   instruction of BenchBegin up to the first instruction of BenchEnd. */
#ifndef TINYML_PORTS_CORTEX_M_BENCH_MARKERS_H_
#define TINYML_PORTS_CORTEX_M_BENCH_MARKERS_H_

#ifdef __cplusplus
extern "C" {
#endif

__attribute__((noinline, noipa)) void BenchBegin(void);
__attribute__((noinline, noipa)) void BenchEnd(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PORTS_CORTEX_M_BENCH_MARKERS_H_ */
