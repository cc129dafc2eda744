// Lesson 10, the pictures of one run (report.hpp): a typical beat of each kind with its
// reconstruction, the score histograms, the ROC curves per kind, and 30 s of the long signal with
// what each detector flagged. Drawn by report() after the terminal summary.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "ae/plot.hpp"
#include "report.hpp"

namespace ae::l10 {

namespace {

std::string slug(std::string s) {
    for (char& c : s) c = std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
    return s;
}

std::vector<double> row_of(const Matrix& m, size_t i) {
    return std::vector<double>(xt::row(m, long(i)).begin(), xt::row(m, long(i)).end());
}

// One typical beat of each kind (median autoencoder score) with its reconstruction, the error
// between them shaded.
void beat_pictures(const std::string& out, const Data& d, const BeatResults& b) {
    const size_t t = b.test.shape()[1];
    std::vector<double> x(t);
    for (size_t j = 0; j < t; ++j) x[j] = double(j);
    for (size_t k = 0; k < d.kind_names.size(); ++k) {
        std::vector<size_t> idx;
        for (size_t i = 0; i < d.beats_kind.size(); ++i)
            if (size_t(d.beats_kind[i]) == k) idx.push_back(i);
        if (idx.empty()) continue;
        std::sort(idx.begin(), idx.end(),
                  [&](size_t a, size_t c) { return b.ae_test[a] < b.ae_test[c]; });
        const size_t i = idx[idx.size() / 2];
        const std::vector<double> in = row_of(b.test, i), re = row_of(b.recon, i);
        std::vector<double> err(t);
        for (size_t j = 0; j < t; ++j) err[j] = std::abs(in[j] - re[j]);
        char title[200];
        std::snprintf(title, sizeof title, "%s beat (median AE score %.4f, threshold %.4f)",
                      d.kind_names[k].c_str(), b.ae_test[i], b.ae.threshold);
        Chart c{title, "sample (beat resampled to " + std::to_string(t) + ")", "scaled value"};
        c.ymin = -0.3, c.ymax = 1.4;
        line_chart(
            out + "/beat_" + slug(d.kind_names[k]) + ".png", c,
            {{"|input - reconstruction|", x, err, "filledcurves y1=0 fs transparent solid 0.35"},
             {"input", x, in, "lines"},
             {"AE reconstruction", x, re, "lines dt 2"}});
    }
}

// log10 of the scores, one overlaid histogram per kind, the threshold as a vertical line.
void histogram(const std::string& png, const std::string& what, const Data& d,
               const std::vector<double>& scores, const Labels& kind, double threshold) {
    const int bins = 40;
    double lo = INFINITY, hi = -INFINITY;
    auto lg = [](double v) { return std::log10(std::max(v, 1e-9)); };
    for (double s : scores) lo = std::min(lo, lg(s)), hi = std::max(hi, lg(s));
    lo = std::min(lo, lg(threshold)), hi = std::max(hi, lg(threshold)) + 1e-9;
    const double w = (hi - lo) / bins;
    std::vector<Series> series;
    double top = 0;
    for (size_t k = 0; k < d.kind_names.size(); ++k) {
        std::vector<double> cnt(bins + 1, 0.0), x(bins + 1);
        size_t n = 0;
        for (size_t i = 0; i < scores.size(); ++i)
            if (size_t(kind[i]) == k)
                ++cnt[size_t(std::min(bins - 1, int((lg(scores[i]) - lo) / w)))], ++n;
        if (n == 0) continue;
        for (int j = 0; j <= bins; ++j) x[j] = lo + j * w, cnt[j] /= double(n);
        cnt[bins] = cnt[bins - 1];
        top = std::max(top, *std::max_element(cnt.begin(), cnt.end()));
        series.push_back({d.kind_names[k] + " (" + std::to_string(n) + ")", x, cnt, "steps"});
    }
    series.push_back(
        {"threshold", {lg(threshold), lg(threshold)}, {0, top}, "lines dt 2 lc rgb 'black'"});
    Chart c{what + " score: normal test beats vs each anomaly kind", "log10 score",
            "fraction of beats"};
    c.key = "outside right", c.width = 1000;
    line_chart(png, c, series);
}

void roc_pictures(const std::string& out, const Data& d, const BeatResults& b) {
    for (size_t i = 0; i < b.ae.kinds.size() && i < b.feat.kinds.size(); ++i) {
        const KindResult &a = b.ae.kinds[i], &f = b.feat.kinds[i];
        const std::string name = d.kind_names[size_t(a.kind)];
        char ta[64], tf[64];
        std::snprintf(ta, sizeof ta, "autoencoder (AUC %.3f)", a.auc);
        std::snprintf(tf, sizeof tf, "classical features (AUC %.3f)", f.auc);
        Chart c{"ROC, " + name + " beats vs normal test beats", "false-positive rate",
                "true-positive rate"};
        c.xmin = c.ymin = 0, c.xmax = c.ymax = 1, c.key = "bottom right";
        line_chart(out + "/roc_" + slug(name) + ".png", c,
                   {{ta, a.roc.fpr, a.roc.tpr, "lines"},
                    {tf, f.roc.fpr, f.roc.tpr, "lines"},
                    {"chance", {0, 1}, {0, 1}, "lines dt 3"}});
    }
    std::vector<std::string> cats;
    std::vector<std::vector<double>> v(2);
    for (size_t i = 0; i < b.ae.kinds.size() && i < b.feat.kinds.size(); ++i) {
        cats.push_back(d.kind_names[size_t(b.ae.kinds[i].kind)]);
        v[0].push_back(b.ae.kinds[i].auc), v[1].push_back(b.feat.kinds[i].auc);
    }
    Chart c{"Beat AUC per anomaly kind", "", "AUC"};
    c.ymin = 0.4, c.ymax = 1.02;
    c.key = "outside right", c.width = 960;
    bar_chart(out + "/auc_by_kind.png", c, cats, {"autoencoder", "classical features"}, v);
}

// The 30 s of the test signal holding the most kinds of event.
size_t excerpt_start(const Data& d, size_t len) {
    size_t best = 0, best_kinds = 0;
    for (const Event& e : d.events) {
        const size_t s = e.begin > len / 10 ? e.begin - len / 10 : 0;
        std::vector<int> kinds;
        for (const Event& f : d.events)
            if (f.begin >= s && f.end <= s + len &&
                std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end())
                kinds.push_back(f.kind);
        if (kinds.size() > best_kinds) best_kinds = kinds.size(), best = s;
    }
    return std::min(best, d.long_test.size() > len ? d.long_test.size() - len : 0);
}

void long_pictures(const std::string& out, const Data& d, const LongResults& l) {
    const size_t len = std::min(d.long_test.size(), size_t(30 * d.fs));
    const size_t s0 = excerpt_start(d, len);
    std::vector<double> t, sig, truth, flag, score, truth_s, thr;
    double lo = INFINITY, hi = -INFINITY, smax = l.ae.threshold * 1.5;
    for (size_t i = s0; i < s0 + len; ++i) {
        lo = std::min(lo, d.long_test[i]), hi = std::max(hi, d.long_test[i]);
        if (std::isfinite(l.ae_test[i])) smax = std::max(smax, l.ae_test[i]);
    }
    for (size_t i = s0; i < s0 + len; ++i) {
        const bool anomalous = !d.step_kind.empty() && d.step_kind[i] != Normal;
        t.push_back(double(i) / d.fs), sig.push_back(d.long_test[i]);
        truth.push_back(anomalous ? hi + 0.1 : lo - 0.3);
        flag.push_back(l.ae_events.flagged[i] && i % 4 == 0 ? lo - 0.2 : NAN);
        score.push_back(l.ae_test[i]), truth_s.push_back(anomalous ? smax : 0);
        thr.push_back(l.ae.threshold);
    }
    Chart c{"Test signal: true anomalies shaded, steps the autoencoder flags marked", "time (s)",
            "mV"};
    c.xmin = t.front(), c.xmax = t.back();
    c.ymin = lo - 0.3, c.ymax = hi + 0.1, c.width = 1400, c.height = 480, c.key = "outside bottom";
    line_chart(out + "/long_signal.png", c,
               {{"true anomaly", t, truth, "filledcurves y1=-100 fs transparent solid 0.2"},
                {"ECG", t, sig, "lines"},
                {"flagged by the AE", t, flag, "points pt 7 ps 0.4"}});
    Chart s{"Autoencoder score per time step (windows covering it), same stretch", "time (s)",
            "mean squared error"};
    s.xmin = t.front(), s.xmax = t.back();
    s.ymin = 0, s.ymax = smax, s.width = 1400, s.height = 360, s.key = "outside bottom";
    line_chart(out + "/long_score.png", s,
               {{"true anomaly", t, truth_s, "filledcurves y1=0 fs transparent solid 0.2"},
                {"AE step score", t, score, "lines"},
                {"threshold", t, thr, "lines dt 2"}});
}
}  // namespace

void draw_pictures(const std::string& out, const Data& d, const BeatResults& b,
                   const LongResults& l) {
    beat_pictures(out, d, b);
    histogram(out + "/hist_ae.png", "Autoencoder", d, b.ae_test, d.beats_kind, b.ae.threshold);
    histogram(out + "/hist_features.png", "Classical-feature", d, b.feat_test, d.beats_kind,
              b.feat.threshold);
    roc_pictures(out, d, b);
    long_pictures(out, d, l);
}

}  // namespace ae::l10
