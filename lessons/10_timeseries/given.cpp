// Lesson 10, what the lesson gives you (lesson.hpp): the synthetic ECG of McSharry et al. (2003)
// in its sum-of-Gaussians-per-beat form with labelled anomalies, the beat segmentation, and the
// autoencoder of lesson 02 trained on normal rows; the UCR and CSV readers: given_readers.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ae/todo.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"

namespace ae::l10 {

const char* kind_name(int kind) {
    static const char* names[] = {"normal",       "PVC",         "ST elevation",
                                  "missing beat", "noise burst", "baseline jump"};
    return kind >= 0 && kind < KindCount ? names[kind] : "unknown";
}

namespace {

constexpr double kPi = 3.14159265358979323846;
// McSharry et al. 2003, Table 1: angle (rad), amplitude a_i and width b_i of P, Q, R, S, T.
constexpr double kTheta[5] = {-kPi / 3, -kPi / 12, 0, kPi / 12, kPi / 2};
constexpr double kA[5] = {1.2, -5, 30, -7.5, 0.75};
constexpr double kB[5] = {0.25, 0.1, 0.1, 0.1, 0.4};
// z(theta) = sum a_i b_i^2 exp(-(theta - theta_i)^2 / (2 b_i^2)) integrates the model's z
// equation over one beat at constant angular speed; this factor puts the R peak near 1 mV.
constexpr double kScale = 1.0 / 0.3;

struct BeatShape {
    double a[5], b[5];
};

BeatShape normal_shape() {
    BeatShape s;
    for (int i = 0; i < 5; ++i) s.a[i] = kA[i], s.b[i] = kB[i];
    return s;
}

// A premature ventricular contraction: no P wave, a QRS 2.5 times as wide, a taller R, a T wave
// opposite to the QRS.
BeatShape pvc_shape() {
    BeatShape s = normal_shape();
    s.a[0] = 0;
    for (int i = 1; i <= 3; ++i) s.b[i] *= 2.5;
    s.a[2] *= 0.3, s.a[1] *= 0.3, s.a[3] *= 0.3;  // a wider Gaussian carries b^2 times more area
    s.a[4] = -1.2;
    return s;
}

// Adds one beat with its R peak at sample position r and period rr (samples).
void add_beat(std::vector<double>& sig, double r, double rr, const BeatShape& s, double st_mv) {
    const long lo = std::max(0L, long(r - 0.5 * rr)),
               hi = std::min(long(sig.size()), long(r + 0.6 * rr));
    for (long t = lo; t < hi; ++t) {
        const double th = 2 * kPi * (double(t) - r) / rr;
        double z = 0;
        for (int i = 0; i < 5; ++i) {
            const double d = th - kTheta[i];
            z += s.a[i] * s.b[i] * s.b[i] * std::exp(-d * d / (2 * s.b[i] * s.b[i]));
        }
        z *= kScale;
        if (st_mv != 0) {  // ST elevation: a raised plateau from the end of S into the T wave
            const double d = th - 0.75;
            z += st_mv * std::exp(-std::pow(d / 0.45, 4));
        }
        sig[size_t(t)] += z;
    }
}

}  // namespace

Ecg generate_ecg(const EcgConfig& c) {
    if (!(c.fs > 0 && c.seconds > 2 && c.hr_bpm >= 30 && c.hr_bpm <= 200))
        throw Error("generate_ecg: needs fs > 0, more than 2 seconds and a heart rate in 30-200");
    Rng rng(c.seed);
    Ecg e;
    e.fs = c.fs;
    const size_t n = size_t(c.seconds * c.fs);
    e.signal.assign(n, 0.0);
    const double mean_rr = 60.0 * c.fs / c.hr_bpm;  // samples
    const double phase = 2 * kPi * rng.uniform();
    // Heart-rate variability: respiratory sinus arrhythmia (0.25 Hz) plus a random part.
    auto next_rr = [&](double r) {
        const double t = r / c.fs;
        return mean_rr *
               (1 + c.hrv * (0.8 * std::sin(2 * kPi * 0.25 * t + phase) + 0.6 * rng.normal()));
    };
    double r = 0.5 * mean_rr;
    int previous = Normal;
    while (r + 0.7 * mean_rr < double(n)) {
        double rr = next_rr(r);
        int kind = Normal;
        if (previous == Normal && !e.r_peaks.empty() && c.anomaly_rate > 0 && !c.kinds.empty() &&
            rng.uniform() < c.anomaly_rate && r + 2 * mean_rr < double(n))
            kind = c.kinds[rng.index(c.kinds.size())];
        if (kind == Pvc) r -= 0.4 * rr;  // early: 60 % of the RR interval after the last beat
        Event ev{kind, 0, 0};
        auto span = [&](double a, double b) {
            ev.begin = size_t(std::max(0.0, r + a * rr));
            ev.end = std::min(n, size_t(r + b * rr));
        };
        switch (kind) {
            case Normal:
                add_beat(e.signal, r, rr, normal_shape(), 0);
                break;
            case Pvc:
                add_beat(e.signal, r, rr, pvc_shape(), 0), span(-0.2, 0.55);
                break;
            case StElevation:
                add_beat(e.signal, r, rr, normal_shape(), 0.25), span(-0.1, 0.45);
                break;
            case MissingBeat:
                span(-0.35, 0.55);
                break;
            case NoiseBurst:
                add_beat(e.signal, r, rr, normal_shape(), 0), span(-0.35, 0.55);
                for (size_t t = ev.begin; t < ev.end; ++t) e.signal[t] += 0.12 * rng.normal();
                break;
            case BaselineJump:
                add_beat(e.signal, r, rr, normal_shape(), 0), span(-0.35, 0.55);
                for (size_t t = ev.begin; t < ev.end; ++t) e.signal[t] += 0.4;
                break;
        }
        if (kind != Normal) e.events.push_back(ev);
        e.r_peaks.push_back(size_t(std::lround(r)));
        e.beat_kind.push_back(kind);
        previous = kind;
        r += kind == Pvc ? 1.4 * rr : rr;  // a PVC is followed by a compensatory pause
    }
    const double wphase = 2 * kPi * rng.uniform();
    for (size_t t = 0; t < n; ++t) {
        const double s = double(t) / c.fs;
        e.signal[t] += c.wander_mv * (std::sin(2 * kPi * 0.22 * s + wphase) +
                                      0.5 * std::sin(2 * kPi * 0.05 * s)) +
                       c.noise_mv * rng.normal();
    }
    return e;
}

std::vector<int> step_labels(const Ecg& ecg) {
    std::vector<int> lab(ecg.signal.size(), Normal);
    for (const Event& ev : ecg.events)
        for (size_t t = ev.begin; t < ev.end && t < lab.size(); ++t) lab[t] = ev.kind;
    return lab;
}

Beats segment_beats(const Ecg& ecg, size_t length) {
    Beats b;
    std::vector<std::vector<float>> rows;
    const auto& s = ecg.signal;
    for (size_t k = 1; k + 1 < ecg.r_peaks.size(); ++k) {
        const double r = double(ecg.r_peaks[k]);
        const double begin = r - 0.4 * (r - double(ecg.r_peaks[k - 1]));
        const double end = r + 0.6 * (double(ecg.r_peaks[k + 1]) - r);
        if (begin < 0 || end > double(s.size() - 1)) continue;
        std::vector<float> row(length);
        for (size_t j = 0; j < length; ++j) {
            const double pos = begin + (end - begin) * double(j) / double(length - 1);
            const size_t i = std::min(size_t(pos), s.size() - 2);
            const double f = pos - double(i);
            row[j] = float(s[i] * (1 - f) + s[i + 1] * f);
        }
        rows.push_back(std::move(row));
        b.kind.push_back(ecg.beat_kind[k]);
    }
    b.x = Matrix({rows.size(), length});
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < length; ++j) b.x(i, j) = rows[i][j];
    return b;
}

Data synthetic_data(const EcgConfig& test, double train_seconds) {
    EcgConfig train = test, val = test;
    train.anomaly_rate = val.anomaly_rate = 0;
    train.seconds = train_seconds, val.seconds = std::max(60.0, train_seconds / 2);
    train.seed = test.seed + 1, val.seed = test.seed + 2;
    const Ecg tr = generate_ecg(train), va = generate_ecg(val), te = generate_ecg(test);
    Data d;
    char buf[160];
    std::snprintf(buf, sizeof buf, "synthetic ECG (McSharry 2003), %.0f bpm, %.0f Hz", test.hr_bpm,
                  test.fs);
    d.beats_source = d.long_source = buf;
    d.beats_train = segment_beats(tr).x, d.beats_val = segment_beats(va).x;
    const Beats b = segment_beats(te);
    d.beats_test = b.x, d.beats_kind = b.kind;
    for (int k = 0; k < KindCount; ++k) d.kind_names.push_back(kind_name(k));
    d.long_train = tr.signal, d.long_val = va.signal, d.long_test = te.signal;
    d.step_kind = step_labels(te), d.events = te.events, d.fs = test.fs;
    return d;
}

l02::Autoencoder train_normal_ae(const Matrix& normal, const std::vector<size_t>& hidden,
                                 size_t latent, const TrainSpec& spec) {
    l02::AeConfig c;
    c.input = normal.shape()[1], c.hidden = hidden, c.latent = latent, c.loss = l02::Loss::Mse;
    Rng rng(spec.fit.seed);
    l02::Autoencoder model = l02::make_autoencoder(c, rng);
    l02::train_autoencoder(model, normal, spec);
    return model;
}

Matrix squared_errors(const Matrix& x_hat, const Matrix& x) {
    if (x_hat.shape() != x.shape())
        throw ShapeError("squared_errors: " + shape_str(x_hat) + " vs " + shape_str(x));
    return xt::square(x_hat - x);
}

std::string ThresholdRule::describe() const {
    char buf[96];
    if (quantile)
        std::snprintf(buf, sizeof buf, "%g%% quantile of the normal validation scores", 100 * q);
    else
        std::snprintf(buf, sizeof buf, "mean + %g std of the normal validation scores", k);
    return buf;
}

double ThresholdRule::apply(const std::vector<double>& v) const {
    std::vector<double> finite;
    for (double a : v)
        if (std::isfinite(a)) finite.push_back(a);
    return quantile ? threshold_quantile(finite, q) : threshold_mean_std(finite, k);
}

Evaluation evaluate(const std::string& detector, const std::vector<double>& val,
                    const std::vector<double>& test, const Labels& kind,
                    const ThresholdRule& rule) {
    Evaluation ev;
    ev.detector = detector;
    ev.threshold = rule.apply(val);
    double lowest = INFINITY;
    for (double a : test)
        if (std::isfinite(a)) lowest = std::min(lowest, a);
    std::vector<double> s = test;
    for (double& a : s)
        if (!std::isfinite(a)) a = lowest;  // never flagged, ranked with the least suspicious
    Labels anomalous(kind.size());
    for (size_t i = 0; i < kind.size(); ++i) anomalous[i] = kind[i] != Normal;
    ev.detection = l06::detect(s, anomalous, ev.threshold);
    ev.fpr = ev.detection.fpr;
    const bool both = std::count(anomalous.begin(), anomalous.end(), 1) > 0 &&
                      std::count(anomalous.begin(), anomalous.end(), 0) > 0;
    ev.auc_all = both ? l06::auc(l06::roc_curve(s, anomalous)) : NAN;
    const int kmax = kind.empty() ? 0 : *std::max_element(kind.begin(), kind.end());
    for (int k = 1; k <= kmax; ++k) {
        std::vector<double> sub;
        Labels lab;
        size_t flagged = 0;
        for (size_t i = 0; i < kind.size(); ++i) {
            if (kind[i] != Normal && kind[i] != k) continue;
            sub.push_back(s[i]);
            lab.push_back(kind[i] == k);
            if (kind[i] == k && s[i] > ev.threshold) ++flagged;
        }
        const size_t count = size_t(std::count(lab.begin(), lab.end(), 1));
        if (count == 0 || count == lab.size()) continue;
        KindResult r;
        r.kind = k, r.count = count, r.roc = l06::roc_curve(sub, lab);
        r.auc = l06::auc(r.roc), r.recall = double(flagged) / double(count);
        ev.kinds.push_back(std::move(r));
    }
    return ev;
}

void check_exercise_written() {
    const Signal s{0, 1, 0, 2, 0, 1};
    // sliding_windows(s, 3, 1), written out: the later calls do not wait for step 1.
    const Matrix w = {{0.f, 1.f, 0.f}, {1.f, 0.f, 2.f}, {0.f, 2.f, 0.f}, {2.f, 0.f, 1.f}};
    require_written(
        "10", {[&] { sliding_windows(s, 3, 1); },
               [&] { apply_scaler(fit_scaler(w, Scaling::Global), w); },
               [&] {
                   const Matrix f = classical_features(w, 0.5);
                   feature_scores(fit_feature_model(f), f);
               },
               [&] { step_scores(squared_errors(w, w), 1, s.size()); }, [&] { row_scores(w, w); },
               [&] {
                   threshold_mean_std({1, 2}, 3), threshold_quantile({1, 2}, 0.5);
               },
               [&] {
                   event_metrics({0, 1, 0}, {{Pvc, 1, 2}});
               }});
}

}  // namespace ae::l10
