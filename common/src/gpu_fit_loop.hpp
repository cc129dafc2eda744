// Private to common/src: the epoch loop shared by the GPU trainers (device.cpp, gpu_vae.cpp).
// Same data order (seed), epoch log, NaN guard and History as ae::fit; only the epoch runs on
// the device. Defined in device.cpp when the build has CUDA.
#pragma once
#include <functional>
#include <vector>

#include "ae/train.hpp"

namespace ae::detail {

// run_epoch(perm): one epoch on the device in the order perm, returns the mean step loss.
// sync_weights: copies the device weights into the CPU models (before on_epoch_end and at the
// end). n: number of training examples. lr: only for the advice when training diverges.
History gpu_fit_loop(size_t n, const FitOptions& o, float lr,
                     const std::function<double(const std::vector<size_t>&)>& run_epoch,
                     const std::function<void()>& sync_weights, const EpochFn& on_epoch_end);

// Throws ae::Error for an empty training set or a non-positive batch size.
void gpu_fit_checks(const Matrix& x, const FitOptions& o);

}  // namespace ae::detail
