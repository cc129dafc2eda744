// Gradient checking by central differences: compares the gradients your backward pass puts in
// params' .grad with (loss(w + h) - loss(w - h)) / 2h for every (or a sample of) entries.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ae/optim.hpp"

namespace ae {

struct GradCheckResult {
    double max_rel_error = 0;  // over all checked entries
    std::string worst;         // "enc.0.W[12, 3]: analytic 0.0123, numeric 0.0125"
    size_t checked = 0;
    bool ok(double tol) const { return max_rel_error <= tol; }
};

struct GradCheckOptions {
    double h = 1e-2;          // step (float32 parameters: 1e-2..1e-3 balances truncation/rounding)
    size_t max_entries = 64;  // per parameter, sampled deterministically; 0 = all
    uint64_t seed = 1;
};

// loss(): recomputes the loss (accumulate in double) from the current parameter values.
// params' gradients must already hold the analytic gradient of that same loss.
GradCheckResult check_gradients(const std::vector<Param>& params,
                                const std::function<double()>& loss,
                                const GradCheckOptions& options = {});

}  // namespace ae
