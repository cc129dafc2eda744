// A measured figure next to the range the lesson's README quotes, so a learner sees at once
// whether their run is right. Each lesson keeps its ranges once, in one table at the top of its
// report.cpp, which scripts/check-lessons.sh checks against the README:
//   const ExpectedFigures kExpected = {{"test_mse", {0.0098, 0.0104}}, ...};
//   std::cout << "test MSE " << kExpected.against("test_mse", mse, default_run);
#pragma once
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

// A lesson's expected figures, each under a name (the summary.json key where there is one).
class ExpectedFigures {
  public:
    ExpectedFigures(std::initializer_list<std::pair<const char*, Expected>> figures)
        : figures_(figures) {}

    // The range of one figure; a name not in the table is a programming error.
    Expected operator[](const std::string& name) const {
        for (const auto& f : figures_)
            if (name == f.first) return f.second;
        throw std::logic_error("no expected range named '" + name + "' in this lesson's table");
    }
    bool has(const std::string& name) const {
        for (const auto& f : figures_)
            if (name == f.first) return true;
        return false;
    }
    std::string against(const std::string& name, double value, bool default_run) const {
        return ae::against(value, (*this)[name], default_run);
    }

  private:
    std::vector<std::pair<const char*, Expected>> figures_;
};

}  // namespace ae
