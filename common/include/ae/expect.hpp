// A measured figure next to the range the lesson's README quotes, so a learner sees at once
// whether their run is right:  std::cout << "test MSE " << ae::against(mse, {0.0098, 0.0104},
// defaults);
#pragma once
#include <cstdio>
#include <string>

namespace ae {

// The range [lo, hi] a figure should fall in with the lesson's default flags on the full data.
struct Expected {
    double lo, hi;
};

// "0.01006 (expected 0.0098-0.0104: in range)" or "... (expected ...: OUTSIDE, check your code)";
// with default_run false (other flags or --quick) the range does not apply and only the value
// and "(the README's 0.0098-0.0104 is for the default run)" are printed.
inline std::string against(double value, Expected e, bool default_run) {
    char buf[160];
    const bool in = value >= e.lo && value <= e.hi;
    if (!default_run)
        std::snprintf(buf, sizeof buf, "%.4g (the README's %.4g-%.4g is for the default run)",
                      value, e.lo, e.hi);
    else
        std::snprintf(buf, sizeof buf, "%.4g (expected %.4g-%.4g: %s)", value, e.lo, e.hi,
                      in ? "in range" : "OUTSIDE the range, check your code");
    return buf;
}

}  // namespace ae
