// Lesson 09, the report of one run (report.hpp): the accuracy table, what wins, the pictures,
// accuracy.csv and summary.json. Nothing here trains a model; main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"
#include "exercise.hpp"

namespace ae::l09 {

const std::vector<std::pair<std::string, std::string>>& methods() {
    static const std::vector<std::pair<std::string, std::string>> m{
        {"scratch", "scratch (same net)"},           {"probe_plain", "linear probe, plain AE"},
        {"probe_masked", "linear probe, masked AE"}, {"finetune_plain", "fine-tune, plain AE"},
        {"finetune_masked", "fine-tune, masked AE"}, {"knn_plain", "kNN (k=5), plain AE codes"},
        {"knn_masked", "kNN (k=5), masked AE codes"}};
    return m;
}

namespace {

// The README's figure for the default run: the classifier from scratch at 100 labels per class.
const ExpectedFigures kExpected = {{"scratch_100_per_class", {0.79, 0.82}}};

constexpr double kFlat = 0.01;  // a curve whose late_change stays within this has finished

struct Stat {
    double mean = NAN, sd = 0;
    size_t n = 0;
};
Stat stat(const std::vector<double>& v) {
    if (v.empty()) return {};
    const MeanSd m = mean_sd(v);  // sample standard deviation
    return {m.mean, m.sd, v.size()};
}
Stat stat_of(const Results& r, const std::string& id, size_t per) {
    auto m = r.acc.find(id);
    if (m == r.acc.end()) return {};
    auto a = m->second.find(per);
    return a == m->second.end() ? Stat{} : stat(a->second);
}

void print_table(const Results& r) {
    std::printf("\nTest accuracy on the whole test set, mean +- sd over the draws:\n%-28s", "");
    for (size_t i = 0; i < r.labels.size(); ++i)
        std::printf(" %5d/class (%d draw%s)", r.labels[i], r.draws[i], r.draws[i] > 1 ? "s" : "");
    std::printf("\n");
    for (const auto& [id, name] : methods()) {
        std::printf("%-28s", name.c_str());
        for (int per : r.labels) {
            const Stat s = stat_of(r, id, size_t(per));
            std::printf("      %.4f +- %.4f", s.mean, s.sd);
        }
        std::printf("\n");
    }
}

// Per label count: the best method, and how far it is from scratch in units of the spread.
void print_winners(const Results& r, bool default_run) {
    for (int per : r.labels) {
        std::string best;
        Stat bs;
        for (const auto& [id, name] : methods()) {
            const Stat s = stat_of(r, id, size_t(per));
            if (best.empty() || s.mean > bs.mean) best = name, bs = s;
        }
        const Stat sc = stat_of(r, "scratch", size_t(per));
        std::printf("%5d labels/class: best %s %.4f; scratch %.4f (difference %+.4f)\n", per,
                    best.c_str(), bs.mean, sc.mean, bs.mean - sc.mean);
    }
    const Stat s100 = stat_of(r, "scratch", 100);
    if (s100.n)
        std::cout << "scratch at 100/class: "
                  << kExpected.against("scratch_100_per_class", s100.mean, default_run) << "\n";
}

void accuracy_chart(const std::string& out, const Results& r) {
    Chart c{"Test accuracy against labels per class (mean, bars: +-1 sd over draws)",
            "labels per class (log scale)", "test accuracy"};
    c.logx = true, c.key = "bottom right", c.width = 900, c.height = 640;
    std::vector<Series> s;
    const auto& m = methods();
    for (size_t k = 0; k < m.size(); ++k) {
        const double shift = 1.0 + 0.025 * (double(k) - 3.0);  // spread the bars apart
        Series mean{m[k].second, {}, {}, "linespoints lc " + std::to_string(k + 1) + " pt 7"};
        for (int per : r.labels) {
            const Stat st = stat_of(r, m[k].first, size_t(per));
            mean.x.push_back(per * shift), mean.y.push_back(st.mean);
            if (st.n > 1)  // a vertical segment from mean - sd to mean + sd, no legend entry
                s.push_back({"",
                             {per * shift, per * shift},
                             {st.mean - st.sd, st.mean + st.sd},
                             "lines lc " + std::to_string(k + 1)});
        }
        s.insert(s.begin() + long(k), mean);
    }
    line_chart(out + "/accuracy_vs_labels.png", c, s);
}

// One test image per class: masked input, the masked AE's and the plain AE's reconstruction of
// it, and the original.
void masked_picture(const std::string& out, const DataSplit& data, l02::Autoencoder& plain,
                    l02::Autoencoder& masked, const MaskSpec& spec) {
    const Matrix x = gather_rows(data.test.images, first_of_each_class(data.test));
    Rng rng(1234);
    const Matrix m = patch_mask(x.shape()[0], spec.side, spec.patch, spec.fraction, rng);
    const Matrix xin = apply_mask(x, m);
    // The masked input shows the masked patches mid-grey, so they stand out from black pixels.
    const Matrix shown = xin + 0.5f * m;
    char title[120];
    std::snprintf(title, sizeof title, "Test images, %.0f%% of %zux%zu patches masked (grey)",
                  100.0 * spec.fraction, spec.patch, spec.patch);
    save_image_rows(out + "/masked_reconstructions.png",
                    {{"masked input", shown},
                     {"masked AE", l02::reconstruct(masked, xin)},
                     {"plain AE", l02::reconstruct(plain, xin)},
                     {"original", x}},
                    title, data.class_names, 4);
}

void curves_chart(const std::string& out, size_t per,
                  const std::map<std::string, std::vector<CurvePoint>>& curves) {
    std::vector<Series> acc, loss;
    for (const auto& [id, name] : methods()) {
        auto c = curves.find(id);
        if (c == curves.end()) continue;
        Series a{name, {}, {}, "linespoints"}, l{name, {}, {}, "linespoints"};
        for (const CurvePoint& p : c->second) {
            a.x.push_back(p.step), a.y.push_back(p.test_accuracy);
            l.x.push_back(p.step), l.y.push_back(p.train_loss);
        }
        acc.push_back(a), loss.push_back(l);
    }
    const std::string at = std::to_string(per) + " labels per class, first draw: ";
    Chart ca{at + "test accuracy (first 2,000 test images)", "optimiser steps", "test accuracy"};
    ca.key = "bottom right";
    line_chart(out + "/curves_" + std::to_string(per) + "_accuracy.png", ca, acc);
    Chart cl{at + "training loss (mean cross-entropy per epoch)", "optimiser steps",
             "training cross-entropy"};
    cl.logy = true;
    line_chart(out + "/curves_" + std::to_string(per) + "_loss.png", cl, loss);
}

// Prints, per label count, how much each trained method's curve still rises at its end.
void print_flatness(const Results& r) {
    if (r.curves.empty()) return;
    std::printf(
        "\nFlat at the end? Test accuracy (first 2,000 test images), last quarter of the "
        "steps minus the quarter before, first draw:\n");
    std::vector<std::string> rising;
    for (const auto& [per, curves] : r.curves) {
        std::printf("%5zu/class:", per);
        for (const auto& [id, name] : methods()) {
            auto c = curves.find(id);
            if (c == curves.end()) continue;
            const double d = late_change(c->second);
            std::printf("  %s %+.4f", id.c_str(), d);
            if (!(std::fabs(d) <= kFlat)) rising.push_back(id + " at " + std::to_string(per));
        }
        std::printf("\n");
    }
    if (rising.empty())
        std::printf(
            "Every curve moves less than %.2f: each method has finished learning at this "
            "budget.\n",
            kFlat);
    else
        for (const auto& s : rising)
            std::printf(
                "warning: %s/class still moves by more than %.2f at its end: the table "
                "compares it before it has finished; give more --steps (--probe-steps for a "
                "probe).\n",
                s.c_str(), kFlat);
}

Json summary(const Options& opt, const Results& r, const Timer& total) {
    Json j;
    std::vector<double> labels(r.labels.begin(), r.labels.end()),
        draws(r.draws.begin(), r.draws.end());
    j.set("lesson", "09_backbone").set("labels_per_class", labels).set("draws", draws);
    j.set("pretrain_epochs", opt.epochs).set("seed", int(opt.seed));
    Json b;
    b.set("min_steps", r.budget.min_steps).set("probe_steps", r.budget.probe_steps);
    b.set("epochs", r.budget.epochs);
    b.set("batch", r.budget.batch).set("head_lr", double(r.budget.head_lr));
    b.set("encoder_lr", double(r.budget.encoder_lr));
    j.set("budget", b);
    Json mk;
    mk.set("patch", r.mask.patch).set("fraction", double(r.mask.fraction));
    j.set("mask", mk).set("plain_ae", r.plain_from).set("masked_ae", r.masked_from);
    Json table;
    for (const auto& [id, name] : methods()) {
        Json m;
        m.set("name", name);
        for (int per : r.labels) {
            const Stat s = stat_of(r, id, size_t(per));
            Json e;
            e.set("mean", s.mean).set("sd", s.sd);
            e.set("draws", r.acc.at(id).at(size_t(per)));
            m.set(std::to_string(per), e);
        }
        table.set(id, m);
    }
    Json late;  // labels per class -> method id -> late_change of its curve
    for (const auto& [per, curves] : r.curves) {
        Json at;
        for (const auto& [id, c] : curves) at.set(id, late_change(c));
        late.set(std::to_string(per), at);
    }
    j.set("test_accuracy", table).set("late_change", late).set("seconds", total.seconds());
    return j;
}

}  // namespace

std::string Results::draw_line(size_t per_class, size_t d) const {
    std::ostringstream s;
    s.precision(3);
    for (const auto& [id, name] : methods()) {
        auto m = acc.find(id);
        if (m == acc.end() || !m->second.count(per_class) || m->second.at(per_class).size() <= d)
            continue;
        s << (s.tellp() > 0 ? " | " : "") << id << " " << std::fixed << m->second.at(per_class)[d];
    }
    return s.str();
}

void report(const Options& opt, bool default_run, const DataSplit& data, l02::Autoencoder& plain,
            l02::Autoencoder& masked, const Results& r, const Timer& total) {
    print_table(r);
    print_winners(r, default_run);
    print_flatness(r);
    const std::string out = opt.out;
    accuracy_chart(out, r);
    masked_picture(out, data, plain, masked, r.mask);
    for (const auto& [per, curves] : r.curves) curves_chart(out, per, curves);
    std::ostringstream csv;
    csv << "method,labels_per_class,draw,test_accuracy\n";
    for (const auto& [id, per_map] : r.acc)
        for (const auto& [per, v] : per_map)
            for (size_t d = 0; d < v.size(); ++d)
                csv << id << "," << per << "," << d + 1 << "," << v[d] << "\n";
    write_text(out + "/accuracy.csv", csv.str());
    const Json j = summary(opt, r, total);
    j.save(out + "/summary.json");
    std::cout << "\nsummary.json:\n" << j.dump(2) << "\n";
    std::printf(
        "Wrote %s/{accuracy_vs_labels,masked_reconstructions,curves_N_accuracy,"
        "curves_N_loss}.png (N: each label count), accuracy.csv, summary.json (%.1f s in all)\n",
        out.c_str(), total.seconds());
}

}  // namespace ae::l09
