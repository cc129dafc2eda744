// Gradient checking by central differences (see ae/gradcheck.hpp).
// Error measure per entry: |a - n| / max(|a| + |n|, floor), floor = 1e-3 x the largest |n| seen,
// so entries whose gradient is ~0 are judged on the gradient's own scale, not on noise.
#include "ae/gradcheck.hpp"

#include <cmath>
#include <sstream>

namespace ae {
namespace {

// Which flat entries of a parameter of n entries to check: all, or a seeded sample.
std::vector<size_t> gradcheck_entries(size_t n, size_t max_entries, Rng& rng) {
    std::vector<size_t> all = rng.permutation(n);
    if (max_entries != 0 && max_entries < n) all.resize(max_entries);
    std::sort(all.begin(), all.end());
    return all;
}

struct GradCheckEntry {
    std::string where;
    double analytic, numeric;
};

}  // namespace

GradCheckResult check_gradients(const std::vector<Param>& params,
                                const std::function<double()>& loss,
                                const GradCheckOptions& options) {
    Rng rng(options.seed);
    std::vector<GradCheckEntry> entries;
    double largest = 0;
    for (const auto& p : params) {
        const size_t cols = p.value->shape()[1];
        for (size_t k : gradcheck_entries(p.value->size(), options.max_entries, rng)) {
            float& w = p.value->data()[k];
            const float saved = w;
            const float up_w = static_cast<float>(saved + options.h);
            const float down_w = static_cast<float>(saved - options.h);
            w = up_w;
            const double up = loss();
            w = down_w;
            const double down = loss();
            w = saved;
            // Divide by the step float32 really took, not by the h that was asked for.
            const double numeric = (up - down) / (static_cast<double>(up_w) - down_w);
            largest = std::max(largest, std::abs(numeric));
            std::ostringstream where;
            where << p.name << "[" << k / cols << ", " << k % cols << "]";
            entries.push_back({where.str(), p.grad->data()[k], numeric});
        }
    }
    GradCheckResult result;
    result.checked = entries.size();
    const double floor = std::max(1e-3 * largest, 1e-12);
    for (const auto& e : entries) {
        const double rel = std::abs(e.analytic - e.numeric) /
                           std::max(std::abs(e.analytic) + std::abs(e.numeric), floor);
        if (rel >= result.max_rel_error && (result.worst.empty() || rel > result.max_rel_error)) {
            result.max_rel_error = rel;
            std::ostringstream s;
            s << e.where << ": analytic " << e.analytic << ", numeric " << e.numeric;
            result.worst = s.str();
        }
    }
    return result;
}

}  // namespace ae
