// Lesson 10 program: anomalies in an ECG, found by lesson 02's autoencoder trained on normal data
// only and by classical features, on single beats and along the long signal (every time step).
// Run: ./workshop run 10 [--quick] [--ucr FILE] [--csv FILE --column NAME] (--help: all flags)
#include <iostream>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l10;

namespace {

// Beats: scaled by a scaler fitted on the normal training beats; features on the raw beats.
BeatResults detect_beats(const Data& d, const Options& opt, const Settings& set) {
    BeatResults r;
    const Scaler s = fit_scaler(d.beats_train, set.scaling);
    const Matrix train = apply_scaler(s, d.beats_train), val = apply_scaler(s, d.beats_val);
    r.test = apply_scaler(s, d.beats_test);
    l02::Autoencoder ae =
        train_normal_ae(train, {64, 32}, size_t(opt.latent), train_spec(opt, "beat AE"));
    r.recon = l02::reconstruct(ae, r.test);
    r.ae_val = row_scores(l02::reconstruct(ae, val), val);
    r.ae_test = row_scores(r.recon, r.test);
    const FeatureModel fm = fit_feature_model(classical_features(d.beats_train, set.prominence));
    r.feat_val = feature_scores(fm, classical_features(d.beats_val, set.prominence));
    r.feat_test = feature_scores(fm, classical_features(d.beats_test, set.prominence));
    r.ae = evaluate("autoencoder", r.ae_val, r.ae_test, d.beats_kind, set.rule);
    r.feat = evaluate("features", r.feat_val, r.feat_test, d.beats_kind, set.rule);
    return r;
}

// A window's score (its mean squared error, or its feature score) given to every step of it,
// then averaged per step over the windows covering it.
std::vector<double> spread(const std::vector<double>& window_scores, const Signal& x,
                           const Settings& set) {
    Matrix e({window_scores.size(), set.window});
    for (size_t i = 0; i < window_scores.size(); ++i) xt::row(e, long(i)) = float(window_scores[i]);
    return step_scores(e, set.stride, x.size());
}

std::vector<double> ae_steps(l02::Autoencoder& ae, const Scaler& s, const Signal& x,
                             const Settings& set) {
    const Matrix w = apply_scaler(s, sliding_windows(x, set.window, set.stride));
    return spread(row_scores(l02::reconstruct(ae, w), w), x, set);
}

std::vector<double> feature_steps(const FeatureModel& fm, const Signal& x, const Settings& set) {
    const Matrix w = sliding_windows(x, set.window, set.stride);
    return spread(feature_scores(fm, classical_features(w, set.prominence)), x, set);
}

LongResults detect_long(const Data& d, const Options& opt, const Settings& set) {
    LongResults r;
    const Matrix raw = sliding_windows(d.long_train, set.window, set.stride);
    const Scaler s = fit_scaler(raw, set.scaling);
    l02::Autoencoder ae = train_normal_ae(apply_scaler(s, raw), {128, 32}, size_t(opt.latent),
                                          train_spec(opt, "window AE"));
    r.ae_val = ae_steps(ae, s, d.long_val, set), r.ae_test = ae_steps(ae, s, d.long_test, set);
    const FeatureModel fm = fit_feature_model(classical_features(raw, set.prominence));
    r.feat_val = feature_steps(fm, d.long_val, set),
    r.feat_test = feature_steps(fm, d.long_test, set);
    const Labels kind = d.step_kind.empty() ? Labels(d.long_test.size(), Normal) : d.step_kind;
    r.ae = evaluate("autoencoder", r.ae_val, r.ae_test, kind, set.rule);
    r.feat = evaluate("features", r.feat_val, r.feat_test, kind, set.rule);
    r.ae_events = events_found(r.ae_test, r.ae.threshold, d.events, d.kind_names.size());
    r.feat_events = events_found(r.feat_test, r.feat.threshold, d.events, d.kind_names.size());
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults = lesson_defaults(30, 8, 64, 8);
        defaults.max_latent = 64;
        CommandLine cli({"10", "10_timeseries", "Lesson 10: anomaly detection in time series"},
                        defaults);
        Flags f;
        add_flags(cli.app(), f);
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (!f.csv.empty() && f.column.empty()) {
            std::cerr << "--csv needs --column NAME (the header name of the signal's column)\n";
            return 2;
        }
        Settings& set = f.set;
        set.scaling = f.scaling == "global" ? Scaling::Global : Scaling::PerWindow;
        set.rule.quantile = f.rule == "quantile";
        check_exercise_written();
        Timer total;

        EcgConfig test;
        test.seconds = (opt.quick ? 0.3 : 1.0) * f.minutes * 60, test.anomaly_rate = f.rate;
        test.seed = opt.seed;
        Data d = synthetic_data(test, test.seconds);
        if (!f.ucr.empty()) use_ucr(d, f.ucr, f.normal_class, opt.seed);
        if (!f.csv.empty()) use_csv(d, f.csv, f.column);
        check_data(d, set.window);  // no anomaly, or too short a signal: fail before training
        sliding_windows(d.long_test, set.window,
                        set.stride);  // bad window flags fail before training
        print_data(d);

        const BeatResults beats = detect_beats(d, opt, set);
        const LongResults along = detect_long(d, opt, set);
        // The README's ranges: the synthetic ECG with every flag at its default.
        report(opt, cli.changed_flags().empty(), d, set, beats, along, total);
        return 0;
    });
}
