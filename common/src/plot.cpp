// Image grids (stb_image_write) and gnuplot charts (see ae/plot.hpp).
#include "ae/plot.hpp"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ae/error.hpp"
#include "ae/image_grid.hpp"
#include "ae/io.hpp"
#include "ae/process.hpp"

namespace fs = std::filesystem;

namespace ae {

std::vector<std::string> short_class_names(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const std::string& n : names) out.push_back(n.substr(0, n.find('/')));
    return out;
}

bool gnuplot_available() {
    static const bool available = run_program({"gnuplot", "--version"}) == 0;
    return available;
}

namespace {

// Ten colours that stay distinct for ten classes (matplotlib's tab10).
const char* kTab10[10] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string csv_path(const std::string& png) {
    return fs::path(png).replace_extension(".csv").string();
}

// A gnuplot string literal. Single quotes: gnuplot runs `commands` in backquotes inside
// double-quoted strings, never inside single-quoted ones ('' is a literal quote). A line break
// would end the command, so control characters become spaces.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "''";
        else
            out += (static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
    return out + "'";
}

// A file of the chart's folder, named in the script relative to it: gnuplot runs there, so the
// folder the user chose (--out) never appears in a gnuplot script.
std::string local_file(const std::string& path) {
    return quoted(fs::path(path).filename().string());
}

std::string range(double lo, double hi) {
    auto f = [](double v) { return std::isnan(v) ? std::string("*") : std::to_string(v); };
    return "[" + f(lo) + ":" + f(hi) + "]";
}

std::string preamble(const Chart& c) {
    std::ostringstream s;
    s << "set terminal pngcairo size " << c.width << "," << c.height << " enhanced font 'Sans,11'\n"
      << "set datafile separator ','\n"
      << "set title " << quoted(c.title) << " noenhanced\n"
      << "set xlabel " << quoted(c.xlabel) << " noenhanced\n"
      << "set ylabel " << quoted(c.ylabel) << " noenhanced\n"
      << "set grid\nset key " << c.key << " noenhanced box opaque\n"
      << "set xrange " << range(c.xmin, c.xmax) << "\nset yrange " << range(c.ymin, c.ymax) << "\n";
    if (c.logx) s << "set logscale x\n";
    if (c.logy) s << "set logscale y\n";
    return s.str();
}

// A PNG is whole when it starts with the signature and ends with the IEND chunk.
bool png_complete(const std::string& path) {
    static const unsigned char kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char kEnd[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    unsigned char head[8] = {}, tail[12] = {};
    bool ok = std::fread(head, 1, 8, f) == 8 && std::fseek(f, -12, SEEK_END) == 0 &&
              std::fread(tail, 1, 12, f) == 12;
    std::fclose(f);
    return ok && std::memcmp(head, kSig, 8) == 0 && std::memcmp(tail, kEnd, 12) == 0;
}

// Runs gnuplot on script (which reads data files already written) and writes png atomically.
bool render(const std::string& png, const std::string& script) {
    if (!gnuplot_available()) {
        static bool told = false;
        if (!told) {
            std::cerr
                << "note: gnuplot is not installed, so charts are written as CSV only (next to "
                   "where the PNG would be).\n      Install it with: sudo apt-get install "
                   "gnuplot-nox (or bash scripts/install-deps.sh)\n";
            told = true;
        }
        return false;
    }
    atomic_write(png, [&](const std::string& tmp) {
        const std::string gp = tmp + ".gp", err_file = tmp + ".err";
        write_text(gp, "set output " + local_file(tmp) + "\n" + script);
        const std::string dir = fs::path(tmp).parent_path().string();
        const int rc = run_program({"gnuplot", fs::path(gp).filename().string()},
                                   {dir.empty() ? "." : dir, "", err_file});
        std::error_code ec;
        std::string err;
        if (rc != 0 && fs::exists(err_file, ec)) err = read_text(err_file);
        fs::remove(gp, ec);
        fs::remove(err_file, ec);
        if (rc != 0) {
            throw Error("gnuplot failed (exit status " + std::to_string(rc) + ") drawing " + png +
                        (err.empty() ? std::string(" (it printed nothing)") : ":\n" + err));
        }
        // gnuplot exits 0 even when its writes fail (a full disk): check the PNG is whole.
        if (!png_complete(tmp)) {
            throw Error("gnuplot wrote an incomplete " + png + " (" +
                        std::to_string(fs::file_size(tmp, ec)) +
                        " bytes, no PNG end marker): disk full, or over a file-size limit?");
        }
    });
    return true;
}

}  // namespace

bool line_chart(const std::string& png, const Chart& chart, const std::vector<Series>& series) {
    // One CSV with x,y pairs per series side by side (series may differ in length: padded blank).
    size_t n = 0;
    for (const auto& s : series) n = std::max(n, s.x.size());
    std::ostringstream csv;
    csv.precision(8);
    for (size_t k = 0; k < series.size(); ++k) {
        csv << (k ? "," : "") << "\"" << series[k].title << " x\",\"" << series[k].title << " y\"";
    }
    csv << "\n";
    for (size_t i = 0; i < n; ++i) {
        for (size_t k = 0; k < series.size(); ++k) {
            if (k) csv << ",";
            if (i < series[k].x.size()) {
                const double y = series[k].y[i];
                csv << series[k].x[i] << ",";
                if (std::isfinite(y))
                    csv << y;
                else
                    csv << "NaN";
            } else {
                csv << ",";
            }
        }
        csv << "\n";
    }
    const std::string data = csv_path(png);
    write_text(data, csv.str());
    if (n == 0) {  // nothing to draw (e.g. --epochs 0): gnuplot would fail on an empty range
        std::cout << "note: " << png << " not drawn: its series have no points\n";
        return false;
    }
    std::ostringstream s;
    s << preamble(chart) << "set datafile missing NaN\nplot ";
    for (size_t k = 0; k < series.size(); ++k) {
        s << (k ? ", " : "") << local_file(data) << " using " << 2 * k + 1 << ":" << 2 * k + 2
          << " skip 1 with " << series[k].style << " lw 2 title " << quoted(series[k].title);
    }
    s << "\n";
    return render(png, s.str());
}

bool scatter_by_class(const std::string& png, const Chart& chart, const Matrix& xy,
                      const Labels& labels, const std::vector<std::string>& class_names) {
    require_shape(xy, labels.size(), 2, "scatter_by_class: points");
    std::ostringstream csv;
    csv << "x,y,label\n";
    for (size_t i = 0; i < labels.size(); ++i)
        csv << xy(i, 0) << "," << xy(i, 1) << "," << labels[i] << "\n";
    const std::string data = csv_path(png);
    write_text(data, csv.str());
    std::ostringstream s;
    Chart c = chart;
    if (c.key == "top right") c.key = "outside right top";
    s << preamble(c) << "plot ";
    for (size_t k = 0; k < class_names.size(); ++k) {
        s << (k ? ", " : "") << local_file(data) << " using 1:($3==" << k
          << " ? $2 : 1/0) skip 1 with points pt 7 ps 0.4 lc rgb '" << kTab10[k % 10] << "' title "
          << quoted(class_names[k]);
    }
    s << "\n";
    return render(png, s.str());
}

bool histogram_chart(const std::string& png, const Chart& chart,
                     const std::vector<std::pair<std::string, std::vector<double>>>& samples,
                     int bins, bool density) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& [name, v] : samples) {
        for (double x : v) {
            if (!std::isfinite(x)) continue;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    }
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi <= lo) hi = lo + 1;
    const double width = (hi - lo) / bins;
    std::vector<Series> series;
    for (const auto& [name, v] : samples) {
        std::vector<double> counts(bins, 0.0);
        for (double x : v) {
            if (!std::isfinite(x)) continue;
            const int b = std::min(bins - 1, static_cast<int>((x - lo) / width));
            counts[b] += 1;
        }
        Series s{name, {}, {}, "steps"};
        for (int b = 0; b < bins; ++b) {
            s.x.push_back(lo + b * width);
            s.y.push_back(density && !v.empty() ? counts[b] / (v.size() * width) : counts[b]);
        }
        s.x.push_back(hi);  // close the last step
        s.y.push_back(s.y.back());
        series.push_back(std::move(s));
    }
    return line_chart(png, chart, series);
}

bool bar_chart(const std::string& png, const Chart& chart,
               const std::vector<std::string>& categories,
               const std::vector<std::string>& series_names,
               const std::vector<std::vector<double>>& values) {
    std::ostringstream csv;
    csv << "category";
    for (const auto& n : series_names) csv << ",\"" << n << "\"";
    csv << "\n";
    for (size_t c = 0; c < categories.size(); ++c) {
        csv << "\"" << categories[c] << "\"";
        for (const auto& v : values) csv << "," << v.at(c);
        csv << "\n";
    }
    const std::string data = csv_path(png);
    write_text(data, csv.str());
    std::ostringstream s;
    s << preamble(chart) << "set style data histograms\nset style histogram clustered gap 1\n"
      << "set style fill solid 0.8 border -1\nset xtics rotate by -30 noenhanced\n"
      << "set yrange " << range(std::isnan(chart.ymin) ? 0.0 : chart.ymin, chart.ymax) << "\nplot ";
    for (size_t k = 0; k < series_names.size(); ++k) {
        s << (k ? ", " : "") << local_file(data) << " using " << k + 2 << (k == 0 ? ":xtic(1)" : "")
          << " skip 1 title " << quoted(series_names[k]);
    }
    s << "\n";
    return render(png, s.str());
}

void save_image_grid(const std::string& png, const Matrix& images, size_t cols, size_t h, size_t w,
                     int scale, bool normalize, const std::vector<std::string>& row_labels,
                     const std::string& title, const std::vector<std::string>& col_labels) {
    const size_t n = images.shape()[0];
    require_shape(images, 0, h * w, "save_image_grid: images");
    if (n == 0 || cols == 0) throw Error("save_image_grid(" + png + "): no images to draw");
    const Font& font = Font::standard();
    const GridLayout layout =
        layout_image_grid(font, n, cols, h, w, scale, row_labels, title, col_labels);
    const Canvas canvas = draw_image_grid(font, layout, images, h, w, scale, normalize);
    // Encoded in memory through stb's callback, then written like every other file: to a
    // temporary with the write and the close checked, renamed into place only when whole.
    std::string encoded;
    const auto append = [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(data),
                                               static_cast<size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &encoded, canvas.width, canvas.height, 1, canvas.pix.data(),
                                canvas.width)) {
        throw Error("cannot encode " + png + " as PNG");
    }
    write_text(png, encoded);
}

}  // namespace ae
