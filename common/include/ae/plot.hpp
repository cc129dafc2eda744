// Pictures: image grids written with stb, and charts (axes, labels, legends) drawn by gnuplot.
// Every chart also writes the numbers behind it as CSV next to the PNG; when gnuplot is
// missing, the CSV is still written and a message says (once) how to install it.
#pragma once
#include <cmath>  // NAN
#include <string>
#include <utility>
#include <vector>

#include "ae/tensor.hpp"

namespace ae {

struct Series {
    std::string title;
    std::vector<double> x, y;
    std::string style = "lines";  // gnuplot style: lines, points, linespoints, steps, boxes
};

struct Chart {
    std::string title, xlabel, ylabel;
    bool logx = false, logy = false;
    double xmin = NAN, xmax = NAN, ymin = NAN, ymax = NAN;  // NAN = automatic
    std::string key = "top right";                          // legend position
    int width = 800, height = 560;
};

// Each returns true when the PNG was drawn (false: gnuplot missing; the CSV is there).
bool line_chart(const std::string& png, const Chart& chart, const std::vector<Series>& series);
// xy: (N, 2) points coloured by labels, legend with class names.
bool scatter_by_class(const std::string& png, const Chart& chart, const Matrix& xy,
                      const Labels& labels, const std::vector<std::string>& class_names);
// One histogram per named sample, overlaid, same bins; density = normalise to area 1.
bool histogram_chart(const std::string& png, const Chart& chart,
                     const std::vector<std::pair<std::string, std::vector<double>>>& samples,
                     int bins = 50, bool density = true);
// Grouped bars: one group per category, one bar per series (values[s][c]).
bool bar_chart(const std::string& png, const Chart& chart,
               const std::vector<std::string>& categories,
               const std::vector<std::string>& series_names,
               const std::vector<std::vector<double>>& values);

// images: (N, h*w) with values in [0, 1] (clipped) -> one PNG, `cols` images per row,
// `scale` pixels per image pixel, 1 px grey gaps. normalize: stretch each image to [0, 1].
// row_labels (one per row, e.g. "original", "reconstruction"), title and col_labels (one per
// column above the grid; an empty label continues the one before it, so {"query", "pixel
// neighbours", "", "", "latent neighbours", "", ""} labels groups of columns) are drawn as text.
void save_image_grid(const std::string& png, const Matrix& images, size_t cols, size_t h = 28,
                     size_t w = 28, int scale = 2, bool normalize = false,
                     const std::vector<std::string>& row_labels = {}, const std::string& title = "",
                     const std::vector<std::string>& col_labels = {});

// Class names without their alternative after a '/': "T-shirt/top" -> "T-shirt" (a column label
// too long for its column is wrapped or shrunk by save_image_grid, never cut short silently).
std::vector<std::string> short_class_names(const std::vector<std::string>& names);

bool gnuplot_available();

}  // namespace ae
