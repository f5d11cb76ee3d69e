// TFLite Micro's Signal custom ops (its audio preprocessor: window, FFT,
// filter bank, noise reduction, PCAN, log), bit-exact with TFLM's signal
// library, on top of tinyml's frontend building blocks (src/frontend). A
// .tflite model names them as custom operators ("SignalWindow", ...); add
// them to a resolver with AddSignalOps.
//
// Stateful ops (SignalFilterBankSpectralSubtraction's noise estimate) keep
// their state in the interpreter's arena across Invoke() calls;
// Interpreter::Reset() clears it.
#ifndef TINYML_SIGNAL_OPS_H_
#define TINYML_SIGNAL_OPS_H_

#include "tinyml/op.h"
#include "tinyml/op_resolver.h"
#include "tinyml/status.h"

namespace tinyml {

const OpRegistration* Register_SIGNAL_WINDOW();
const OpRegistration* Register_SIGNAL_FFT_AUTO_SCALE();
const OpRegistration* Register_SIGNAL_RFFT();
const OpRegistration* Register_SIGNAL_ENERGY();
const OpRegistration* Register_SIGNAL_FILTER_BANK();
const OpRegistration* Register_SIGNAL_FILTER_BANK_SQUARE_ROOT();
const OpRegistration* Register_SIGNAL_FILTER_BANK_SPECTRAL_SUBTRACTION();
const OpRegistration* Register_SIGNAL_PCAN();
const OpRegistration* Register_SIGNAL_FILTER_BANK_LOG();

// Adds every Signal op under its custom name (9 resolver entries). Names
// already present are left as they are, so calling it twice is harmless.
template <int kCapacity>
Status AddSignalOps(StaticOpResolver<kCapacity>& r) {
  const struct {
    const char* name;
    const OpRegistration* (*reg)();
  } kAll[] = {
      {"SignalWindow", Register_SIGNAL_WINDOW},
      {"SignalFftAutoScale", Register_SIGNAL_FFT_AUTO_SCALE},
      {"SignalRfft", Register_SIGNAL_RFFT},
      {"SignalEnergy", Register_SIGNAL_ENERGY},
      {"SignalFilterBank", Register_SIGNAL_FILTER_BANK},
      {"SignalFilterBankSquareRoot", Register_SIGNAL_FILTER_BANK_SQUARE_ROOT},
      {"SignalFilterBankSpectralSubtraction", Register_SIGNAL_FILTER_BANK_SPECTRAL_SUBTRACTION},
      {"SignalPCAN", Register_SIGNAL_PCAN},
      {"SignalFilterBankLog", Register_SIGNAL_FILTER_BANK_LOG},
  };
  for (const auto& e : kAll) {
    if (r.FindCustom(e.name, static_cast<uint32_t>(strlen(e.name))) != nullptr) continue;
    TINYML_RETURN_IF_ERROR(r.AddCustom(e.name, e.reg()));
  }
  return Status::kOk;
}

}  // namespace tinyml

#endif  // TINYML_SIGNAL_OPS_H_
