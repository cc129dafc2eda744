// Lesson 10, the program's flags and the report of one run (report.hpp): terminal summary,
// pictures, CSV files and summary.json. Nothing here trains a model; main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"

namespace ae::l10 {

void add_flags(CLI::App& app, Settings& set, std::string& ucr, std::string& csv,
               std::string& column, std::string& scaling, std::string& rule, int& normal_class,
               double& minutes, double& rate) {
    app.add_option("--ucr", ucr,
                   "beats from a UCR-format file (label first), e.g. ECG5000_TRAIN.txt")
        ->check(CLI::ExistingFile);
    app.add_option("--normal-class", normal_class, "the normal class of --ucr")
        ->capture_default_str();
    app.add_option("--csv", csv, "a long signal from a CSV file (needs --column)")
        ->check(CLI::ExistingFile);
    app.add_option("--column", column, "the column of --csv holding the signal");
    app.add_option("--window", set.window, "window length along the long signal (samples)")
        ->capture_default_str()
        ->check(CLI::Range(size_t(2), size_t(4096)));
    app.add_option("--stride", set.stride, "window stride (samples)")
        ->capture_default_str()
        ->check(CLI::Range(size_t(1), size_t(4096)));
    app.add_option("--scaling", scaling, "how rows are scaled to [0, 1]")
        ->capture_default_str()
        ->check(CLI::IsMember({"global", "per-window"}));
    app.add_option("--threshold", rule, "threshold rule on normal validation scores")
        ->capture_default_str()
        ->check(CLI::IsMember({"quantile", "mean-std"}));
    app.add_option("--q", set.rule.q, "quantile of --threshold quantile")
        ->capture_default_str()
        ->check(CLI::Range(0.5, 1.0));
    app.add_option("--k", set.rule.k, "k of --threshold mean-std")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 20.0));
    app.add_option("--prominence", set.prominence, "peak prominence the features count (mV)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--minutes", minutes, "length of the synthetic test record (training: as long)")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 120.0));
    app.add_option("--anomaly-rate", rate, "probability that a test beat starts an anomaly")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.5));
}

EventFigures events_found(const std::vector<double>& steps, double threshold,
                          const std::vector<Event>& events, size_t kinds) {
    EventFigures f;
    f.flagged.resize(steps.size());
    for (size_t t = 0; t < steps.size(); ++t) f.flagged[t] = steps[t] > threshold;
    f.all = event_metrics(f.flagged, events);
    for (size_t k = 0; k < kinds; ++k) {
        std::vector<Event> of;
        for (const Event& e : events)
            if (size_t(e.kind) == k) of.push_back(e);
        f.events.push_back(of.size());
        f.recall.push_back(of.empty() ? NAN : event_metrics(f.flagged, of).recall);
    }
    return f;
}

void print_data(const Data& d) {
    std::printf(
        "Beats: %s\n  train %zu normal, validation %zu normal, test %zu:", d.beats_source.c_str(),
        d.beats_train.shape()[0], d.beats_val.shape()[0], d.beats_test.shape()[0]);
    for (size_t k = 0; k < d.kind_names.size(); ++k)
        std::printf(" %s %zu%s", d.kind_names[k].c_str(),
                    size_t(std::count(d.beats_kind.begin(), d.beats_kind.end(), int(k))),
                    k + 1 < d.kind_names.size() ? "," : "\n");
    std::printf("Long signal: %s\n  train %zu, validation %zu, test %zu samples, %zu events\n",
                d.long_source.c_str(), d.long_train.size(), d.long_val.size(), d.long_test.size(),
                d.events.size());
}

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

Json kinds_json(const Evaluation& e, const std::vector<std::string>& names) {
    Json j;
    for (const KindResult& k : e.kinds)
        j.set(names[size_t(k.kind)],
              Json().set("count", k.count).set("auc", k.auc).set("recall_at_threshold", k.recall));
    return j;
}

Json eval_json(const Evaluation& e, const std::vector<std::string>& names) {
    return Json()
        .set("threshold", e.threshold)
        .set("auc_all_kinds", e.auc_all)
        .set("false_positive_rate", e.fpr)
        .set("precision", e.detection.precision)
        .set("recall", e.detection.recall)
        .set("per_kind", kinds_json(e, names));
}

Json events_json(const EventFigures& f, const std::vector<std::string>& names) {
    Json per;
    for (size_t k = 1; k < names.size() && k < f.events.size(); ++k)
        if (f.events[k])
            per.set(names[k], Json().set("events", f.events[k]).set("recall", f.recall[k]));
    return Json()
        .set("events", f.all.events)
        .set("found", f.all.found)
        .set("alarms", f.all.alarms)
        .set("true_alarms", f.all.true_alarms)
        .set("precision", f.all.precision)
        .set("recall", f.all.recall)
        .set("f1", f.all.f1)
        .set("per_kind", per);
}

void print_table(const Data& d, const BeatResults& b, const LongResults& l) {
    std::printf("\n%-16s %6s | %-17s | %-17s | %s\n", "beats: kind", "count", "AUC  AE   features",
                "recall AE  feat.", "winner (AUC)");
    for (size_t i = 0; i < b.ae.kinds.size() && i < b.feat.kinds.size(); ++i) {
        const KindResult &a = b.ae.kinds[i], &f = b.feat.kinds[i];
        std::printf("%-16s %6zu |      %.3f  %.3f |      %.2f  %.2f | %s\n",
                    d.kind_names[size_t(a.kind)].c_str(), a.count, a.auc, f.auc, a.recall, f.recall,
                    std::abs(a.auc - f.auc) < 0.01 ? "tie"
                    : a.auc > f.auc                ? "autoencoder"
                                                   : "features");
    }
    std::printf("normal test beats flagged (FPR): AE %.3f, features %.3f\n", b.ae.fpr, b.feat.fpr);
    if (d.events.empty()) return;
    std::printf("\nLong signal, events (found if any step is flagged):\n");
    for (const auto* e : {&l.ae_events, &l.feat_events})
        std::printf(
            "  %-12s precision %.3f recall %.3f F1 %.3f (%zu/%zu events, %zu/%zu alarms true)\n",
            e == &l.ae_events ? "autoencoder" : "features", e->all.precision, e->all.recall,
            e->all.f1, e->all.found, e->all.events, e->all.true_alarms, e->all.alarms);
    std::printf("  per kind recall (AE / features):");
    for (size_t k = 1; k < d.kind_names.size(); ++k)
        if (l.ae_events.events[k])
            std::printf(" %s %.2f/%.2f;", d.kind_names[k].c_str(), l.ae_events.recall[k],
                        l.feat_events.recall[k]);
    std::printf("\n  time steps: AUC AE %.3f, features %.3f\n", l.ae.auc_all, l.feat.auc_all);
}

}  // namespace

void report(const Options& opt, bool default_run, const Data& d, const Settings& set,
            const BeatResults& b, const LongResults& l, const Timer& total) {
    const std::string& out = opt.out;
    std::printf("\nThreshold: %s (beats: AE %.5f, features %.3f)\n", set.rule.describe().c_str(),
                b.ae.threshold, b.feat.threshold);
    print_table(d, b, l);
    std::printf("  beat AUC, AE, all kinds:       %s\n",
                against(b.ae.auc_all, {0.93, 0.99}, default_run).c_str());
    std::printf("  beat AUC, features, all kinds: %s\n",
                against(b.feat.auc_all, {0.85, 0.97}, default_run).c_str());
    if (!d.events.empty())
        std::printf("  event F1, AE:                  %s\n",
                    against(l.ae_events.all.f1, {0.6, 0.95}, default_run).c_str());

    make_dirs(out);
    beat_pictures(out, d, b);
    histogram(out + "/hist_ae.png", "Autoencoder", d, b.ae_test, d.beats_kind, b.ae.threshold);
    histogram(out + "/hist_features.png", "Classical-feature", d, b.feat_test, d.beats_kind,
              b.feat.threshold);
    roc_pictures(out, d, b);
    long_pictures(out, d, l);
    std::vector<double> step(d.long_test.size()), kind(d.long_test.size(), 0.0), fa, ff;
    for (size_t i = 0; i < step.size(); ++i) {
        step[i] = double(i);
        if (!d.step_kind.empty()) kind[i] = d.step_kind[i];
        fa.push_back(l.ae_events.flagged[i]), ff.push_back(l.feat_events.flagged[i]);
    }
    std::vector<double> bkind(d.beats_kind.begin(), d.beats_kind.end());
    save_csv(out + "/beat_scores.csv", {"kind", "ae_score", "feature_score"},
             {bkind, b.ae_test, b.feat_test});
    save_csv(out + "/long_scores.csv",
             {"step", "signal", "kind", "ae_score", "ae_flag", "feature_score", "feature_flag"},
             {step, d.long_test, kind, l.ae_test, fa, l.feat_test, ff});
    Json summary;
    summary.set("lesson", "10_timeseries")
        .set("beats_source", d.beats_source)
        .set("long_source", d.long_source)
        .set("kinds", d.kind_names)
        .set("epochs", opt.epochs)
        .set("latent", opt.latent)
        .set("seed", double(opt.seed))
        .set("window", set.window)
        .set("stride", set.stride)
        .set("scaling", set.scaling == Scaling::Global ? "global" : "per-window")
        .set("prominence_mv", set.prominence)
        .set("threshold_rule", set.rule.describe())
        .set("beats_train", d.beats_train.shape()[0])
        .set("beats_validation", d.beats_val.shape()[0])
        .set("beats_test", d.beats_test.shape()[0])
        .set("beats_autoencoder", eval_json(b.ae, d.kind_names))
        .set("beats_features", eval_json(b.feat, d.kind_names))
        .set("steps_autoencoder", eval_json(l.ae, d.kind_names))
        .set("steps_features", eval_json(l.feat, d.kind_names))
        .set("events_autoencoder", events_json(l.ae_events, d.kind_names))
        .set("events_features", events_json(l.feat_events, d.kind_names))
        .set("seconds", total.seconds());
    summary.save(out + "/summary.json");
    std::printf("\nPictures, long_scores.csv and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                total.seconds());
}

}  // namespace ae::l10
