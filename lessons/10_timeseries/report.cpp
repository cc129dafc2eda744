// Lesson 10, the report of one run (report.hpp): terminal summary, CSV
// files and summary.json; the pictures are drawn in report_pictures.cpp. Nothing here trains a
// model; main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/run_record.hpp"

namespace ae::l10 {

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

// The README's figures for the default run (the synthetic ECG, default flags).
const ExpectedFigures kExpected = {{"beat_auc_ae", {0.93, 0.99}},
                                   {"beat_auc_features", {0.85, 0.97}},
                                   {"event_f1_ae", {0.6, 0.95}}};

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
                kExpected.against("beat_auc_ae", b.ae.auc_all, default_run).c_str());
    std::printf("  beat AUC, features, all kinds: %s\n",
                kExpected.against("beat_auc_features", b.feat.auc_all, default_run).c_str());
    if (!d.events.empty())
        std::printf("  event F1, AE:                  %s\n",
                    kExpected.against("event_f1_ae", l.ae_events.all.f1, default_run).c_str());

    make_dirs(out);
    draw_pictures(out, d, b, l);
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
    Json summary;  // the data and the settings, then each detector's figures
    summary.set("lesson", "10_timeseries").set("beats_source", d.beats_source);
    summary.set("long_source", d.long_source).set("kinds", d.kind_names);
    summary.set("epochs", opt.epochs)
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
        .set("events_features", events_json(l.feat_events, d.kind_names));
    finish_run(summary, out, total, "Pictures, long_scores.csv and summary.json");
}

}  // namespace ae::l10
