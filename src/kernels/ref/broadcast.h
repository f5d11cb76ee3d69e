// Two-input broadcasting with TFLite's rules (NdArrayDesc semantics).
//
// Shapes are right-aligned: a rank-2 [4, 1] against a rank-3 [2, 1, 3]
// behaves as [1, 4, 1] against [2, 1, 3]. Each aligned pair of dims must be
// equal or contain a 1; the output dim is the other one (so a 1 against a 0
// gives 0). Output elements are visited in row-major order, and each one
// depends only on the two input elements it is built from, so the visiting
// order never changes a result.
#ifndef TINYML_KERNELS_REF_BROADCAST_H_
#define TINYML_KERNELS_REF_BROADCAST_H_

#include <stdint.h>

#include "tinyml/types.h"

namespace tinyml {
namespace ref {

// The broadcast shape of `a` and `b`. False (and *out untouched) when the
// shapes are incompatible.
inline bool BroadcastShape(const Shape& a, const Shape& b, Shape* out) {
  const int rank = a.rank > b.rank ? a.rank : b.rank;
  if (rank > kMaxRank) return false;
  Shape r;
  r.rank = rank;
  for (int i = 0; i < rank; ++i) {
    const int ia = a.rank - rank + i;
    const int ib = b.rank - rank + i;
    const int32_t da = ia >= 0 ? a.dims[ia] : 1;
    const int32_t db = ib >= 0 ? b.dims[ib] : 1;
    if (da == db || db == 1) {
      r.dims[i] = da;
    } else if (da == 1) {
      r.dims[i] = db;
    } else {
      return false;
    }
  }
  *out = r;
  return true;
}

// Output dims padded on the left to kMaxRank, and for each input the element
// stride to apply per output dim (0 where that input is broadcast).
struct BroadcastPlan {
  int32_t dims[kMaxRank];
  int32_t stride1[kMaxRank];
  int32_t stride2[kMaxRank];
};

// Precondition: BroadcastShape(in1, in2) == out.
inline void MakeBroadcastPlan(const Shape& in1, const Shape& in2, const Shape& out, BroadcastPlan* plan) {
  int32_t s1 = 1;
  int32_t s2 = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    const int io = out.rank - kMaxRank + d;
    const int i1 = in1.rank - kMaxRank + d;
    const int i2 = in2.rank - kMaxRank + d;
    const int32_t dim_out = io >= 0 ? out.dims[io] : 1;
    const int32_t dim1 = i1 >= 0 ? in1.dims[i1] : 1;
    const int32_t dim2 = i2 >= 0 ? in2.dims[i2] : 1;
    plan->dims[d] = dim_out;
    plan->stride1[d] = dim1 == dim_out ? s1 : 0;
    plan->stride2[d] = dim2 == dim_out ? s2 : 0;
    s1 *= dim1;
    s2 *= dim2;
  }
}

// out[o] = fn(in1[i1(o)], in2[i2(o)]) for every output element o.
// Precondition: BroadcastShape(shape1, shape2) == out_shape. `out` may alias
// an input of the output's size (each element is read before it is written).
template <typename In, typename Out, typename Fn>
void BroadcastBinary(const Shape& shape1, const In* in1, const Shape& shape2, const In* in2, const Shape& out_shape,
                     Out* out, Fn fn) {
  const int64_t n = out_shape.FlatSize();
  const int64_t n1 = shape1.FlatSize();
  const int64_t n2 = shape2.FlatSize();
  if (n1 == n && n2 == n) {
    for (int64_t i = 0; i < n; ++i) out[i] = fn(in1[i], in2[i]);
    return;
  }
  if (n2 == 1 && n1 == n) {
    for (int64_t i = 0; i < n; ++i) out[i] = fn(in1[i], in2[0]);
    return;
  }
  if (n1 == 1 && n2 == n) {
    for (int64_t i = 0; i < n; ++i) out[i] = fn(in1[0], in2[i]);
    return;
  }
  BroadcastPlan plan;
  MakeBroadcastPlan(shape1, shape2, out_shape, &plan);
  int32_t index[kMaxRank] = {};
  int64_t off1 = 0;
  int64_t off2 = 0;
  for (int64_t o = 0; o < n; ++o) {
    out[o] = fn(in1[off1], in2[off2]);
    // Odometer step: advance the innermost dim, carrying into outer ones.
    for (int d = kMaxRank - 1; d >= 0; --d) {
      if (++index[d] < plan.dims[d]) {
        off1 += plan.stride1[d];
        off2 += plan.stride2[d];
        break;
      }
      index[d] = 0;
      off1 -= static_cast<int64_t>(plan.stride1[d]) * (plan.dims[d] - 1);
      off2 -= static_cast<int64_t>(plan.stride2[d]) * (plan.dims[d] - 1);
    }
  }
}

}  // namespace ref
}  // namespace tinyml

#endif  // TINYML_KERNELS_REF_BROADCAST_H_
