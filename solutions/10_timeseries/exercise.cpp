// Lesson 10 reference solution: sliding windows, [0, 1] scaling fitted on training data,
// classical features and their z-score detector, reconstruction scores per row and per step,
// thresholds from normal validation scores, event-level precision and recall.
#include <algorithm>
#include <cmath>
#include <string>

#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l10 {

Matrix sliding_windows(const Signal& signal, size_t length, size_t stride) {
    if (stride == 0) throw Error("sliding_windows: stride 0 (use a stride of at least 1)");
    if (length == 0) throw Error("sliding_windows: window length 0");
    if (length > signal.size())
        throw Error("sliding_windows: window of " + std::to_string(length) +
                    " samples is longer than the signal (" + std::to_string(signal.size()) +
                    " samples)");
    for (size_t i = 0; i < signal.size(); ++i)
        if (!std::isfinite(signal[i]))
            throw Error("sliding_windows: sample " + std::to_string(i) +
                        " is not a number (NaN or inf): clean or interpolate the signal first");
    const size_t w = (signal.size() - length) / stride + 1;
    Matrix out({w, length});
    for (size_t r = 0; r < w; ++r)
        for (size_t j = 0; j < length; ++j) out(r, j) = float(signal[r * stride + j]);
    return out;
}

Scaler fit_scaler(const Matrix& train, Scaling mode) {
    if (train.size() == 0) throw Error("fit_scaler: no training rows");
    Scaler s;
    s.mode = mode;
    if (mode == Scaling::PerWindow) return s;
    s.lo = double(xt::amin(train)()), s.hi = double(xt::amax(train)());
    if (!(s.hi > s.lo))
        throw Error("fit_scaler: the training data is constant (" + std::to_string(s.lo) +
                    "): no scale can be fitted");
    return s;
}

Matrix apply_scaler(const Scaler& s, const Matrix& x) {
    Matrix out = x;
    for (size_t i = 0; i < x.shape()[0]; ++i) {
        double lo = s.lo, hi = s.hi;
        if (s.mode == Scaling::PerWindow) {
            auto row = xt::row(x, long(i));
            lo = double(xt::amin(row)()), hi = double(xt::amax(row)());
            if (!(hi > lo))
                throw Error("apply_scaler: row " + std::to_string(i) +
                            " is constant, it cannot be scaled by its own range");
        }
        for (size_t j = 0; j < x.shape()[1]; ++j) out(i, j) = float((x(i, j) - lo) / (hi - lo));
    }
    return out;
}

namespace {

size_t count_peaks(const std::vector<double>& v, double prominence) {
    size_t count = 0;
    const size_t n = v.size();
    for (size_t i = 1; i + 1 < n; ++i) {
        if (!(v[i] > v[i - 1] && v[i] >= v[i + 1])) continue;
        double left = v[i], right = v[i];
        for (size_t j = i; j-- > 0 && v[j] <= v[i];) left = std::min(left, v[j]);
        for (size_t j = i + 1; j < n && v[j] <= v[i]; ++j) right = std::min(right, v[j]);
        if (v[i] - std::max(left, right) >= prominence) ++count;
    }
    return count;
}

}  // namespace

Matrix classical_features(const Matrix& x, double prominence) {
    const size_t n = x.shape()[0], t = x.shape()[1];
    Matrix f({n, size_t(FeatureCount)});
    for (size_t i = 0; i < n; ++i) {
        std::vector<double> v(t);
        for (size_t j = 0; j < t; ++j) v[j] = x(i, j);
        double sum = 0, sq = 0;
        for (double a : v) sum += a;
        const double mean = sum / double(t);
        for (double a : v) sq += (a - mean) * (a - mean);
        std::vector<double> s = v;
        std::sort(s.begin(), s.end());
        const double median = t % 2 ? s[t / 2] : 0.5 * (s[t / 2 - 1] + s[t / 2]);
        f(i, FMin) = float(s.front()), f(i, FMax) = float(s.back()), f(i, FMean) = float(mean);
        f(i, FMedian) = float(median), f(i, FStd) = float(std::sqrt(sq / double(t)));
        f(i, FPeaks) = float(count_peaks(v, prominence));
    }
    return f;
}

FeatureModel fit_feature_model(const Matrix& features) {
    const size_t n = features.shape()[0], k = features.shape()[1];
    if (n < 2)
        throw Error("fit_feature_model: needs at least 2 normal rows, got " + std::to_string(n));
    FeatureModel m;
    for (size_t j = 0; j < k; ++j) {
        double s = 0, sq = 0;
        for (size_t i = 0; i < n; ++i) s += features(i, j);
        const double mean = s / double(n);
        for (size_t i = 0; i < n; ++i) sq += (features(i, j) - mean) * (features(i, j) - mean);
        const double sd = std::sqrt(sq / double(n));
        m.mean.push_back(mean);
        m.std.push_back(sd > 0 ? sd : 1.0);
    }
    return m;
}

std::vector<double> feature_scores(const FeatureModel& m, const Matrix& features) {
    const size_t n = features.shape()[0], k = features.shape()[1];
    if (k != m.mean.size())
        throw ShapeError("feature_scores: " + std::to_string(k) + " features, the model has " +
                         std::to_string(m.mean.size()));
    std::vector<double> out(n);
    for (size_t i = 0; i < n; ++i) {
        double s = 0;
        for (size_t j = 0; j < k; ++j) {
            const double z = (features(i, j) - m.mean[j]) / m.std[j];
            s += z * z;
        }
        out[i] = s / double(k);
    }
    return out;
}

std::vector<double> row_scores(const Matrix& x_hat, const Matrix& x) {
    if (x_hat.shape() != x.shape())
        throw ShapeError("row_scores: x_hat " + shape_str(x_hat) + " vs x " + shape_str(x));
    std::vector<double> out(x.shape()[0]);
    for (size_t i = 0; i < x.shape()[0]; ++i) {
        double s = 0;
        for (size_t j = 0; j < x.shape()[1]; ++j) {
            const double d = double(x_hat(i, j)) - double(x(i, j));
            s += d * d;
        }
        out[i] = s / double(x.shape()[1]);
    }
    return out;
}

std::vector<double> step_scores(const Matrix& errors, size_t stride, size_t n) {
    const size_t w = errors.shape()[0], l = errors.shape()[1];
    if (w > 0 && (w - 1) * stride + l > n)
        throw Error("step_scores: " + std::to_string(w) + " windows of " + std::to_string(l) +
                    " with stride " + std::to_string(stride) + " do not fit in " +
                    std::to_string(n) + " steps");
    std::vector<double> sum(n, 0.0), count(n, 0.0);
    for (size_t r = 0; r < w; ++r)
        for (size_t j = 0; j < l; ++j)
            sum[r * stride + j] += errors(r, j), count[r * stride + j] += 1;
    for (size_t t = 0; t < n; ++t) sum[t] = count[t] > 0 ? sum[t] / count[t] : NAN;
    return sum;
}

namespace {
void check_scores(const std::vector<double>& v, const char* fn) {
    if (v.empty()) throw Error(std::string(fn) + ": no normal scores to fit a threshold on");
    for (double a : v)
        if (!std::isfinite(a)) throw Error(std::string(fn) + ": a score is NaN or inf");
}
}  // namespace

double threshold_mean_std(const std::vector<double>& normal, double k) {
    check_scores(normal, "threshold_mean_std");
    double s = 0, sq = 0;
    for (double a : normal) s += a;
    const double mean = s / double(normal.size());
    for (double a : normal) sq += (a - mean) * (a - mean);
    return mean + k * std::sqrt(sq / double(normal.size()));
}

double threshold_quantile(const std::vector<double>& normal, double q) {
    check_scores(normal, "threshold_quantile");
    if (!(q >= 0 && q <= 1)) throw Error("threshold_quantile: q must lie in [0, 1]");
    std::vector<double> s = normal;
    std::sort(s.begin(), s.end());
    const double pos = q * double(s.size() - 1);
    const size_t i = size_t(std::floor(pos));
    if (i + 1 >= s.size()) return s.back();
    return s[i] + (pos - double(i)) * (s[i + 1] - s[i]);
}

EventMetrics event_metrics(const std::vector<int>& flagged, const std::vector<Event>& events) {
    EventMetrics m;
    m.events = events.size();
    for (const Event& e : events) {
        for (size_t t = e.begin; t < e.end && t < flagged.size(); ++t)
            if (flagged[t]) {
                ++m.found;
                break;
            }
    }
    for (size_t t = 0; t < flagged.size();) {
        if (!flagged[t]) {
            ++t;
            continue;
        }
        size_t end = t;
        while (end < flagged.size() && flagged[end]) ++end;
        ++m.alarms;
        for (const Event& e : events)
            if (e.begin < end && t < e.end) {
                ++m.true_alarms;
                break;
            }
        t = end;
    }
    m.recall = m.events ? double(m.found) / double(m.events) : 0;
    m.precision = m.alarms ? double(m.true_alarms) / double(m.alarms) : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    return m;
}

}  // namespace ae::l10
