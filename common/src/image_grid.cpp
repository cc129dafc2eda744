// Image grids laid out and drawn (see ae/image_grid.hpp): labels fitted to their room, no two
// boxes overlapping, images scaled up pixel by pixel.
#include "ae/image_grid.hpp"

#include <algorithm>
#include <cmath>

#include "ae/error.hpp"

namespace ae {

namespace {

constexpr float kLabelPx = 13.f, kTitlePx = 15.f;
constexpr int kMargin = 6, kMaxRowLabel = 180, kMaxWidth = 900;

// The largest size up to kLabelPx whose line fits a row of cell_h pixels (0: none does).
float row_label_px(const Font& font, int cell_h) {
    for (float px = kLabelPx; px >= 6.f; px -= 1.f)
        if (font.line_height(px) <= cell_h) return px;
    return 0.f;
}

}  // namespace

GridLayout layout_image_grid(const Font& font, size_t n, size_t cols, size_t h, size_t w, int scale,
                             const std::vector<std::string>& row_labels, const std::string& title,
                             const std::vector<std::string>& col_labels) {
    if (n == 0 || cols == 0 || h == 0 || w == 0 || scale < 1)
        throw Error("layout_image_grid: nothing to lay out (n, cols, h, w and scale must be >= 1)");
    GridLayout g;
    g.cols = std::min(cols, n), g.rows = (n + g.cols - 1) / g.cols;
    g.cell_w = int(w) * scale + 1, g.cell_h = int(h) * scale + 1;
    g.grid.w = int(g.cols) * g.cell_w + 1, g.grid.h = int(g.rows) * g.cell_h + 1;

    const float row_px = row_label_px(font, g.cell_h);
    const int row_lines =
        row_px > 0 ? std::max(1, std::min(2, g.cell_h / font.line_height(row_px))) : 0;
    int left = 0;
    for (size_t r = 0; r < row_labels.size() && r < g.rows; ++r) {
        g.row_labels.push_back(
            row_lines ? fit_label(font, row_labels[r], kMaxRowLabel, row_px, row_lines, row_px)
                      : FittedLabel{});
        left = std::max(left, g.row_labels.back().box.w);
    }
    g.grid.x = left > 0 ? kMargin + left + kMargin : 0;

    const int natural = font.text_width(title, kTitlePx) + 2 * kMargin;
    g.width = std::max(g.grid.x + g.grid.w, title.empty() ? 0 : std::min(natural, kMaxWidth));
    g.title = fit_label(font, title, g.width - 2 * kMargin, kTitlePx, 2, 11.f);
    g.title.box.x = kMargin, g.title.box.y = 5;
    const int title_h = g.title.box.h > 0 ? g.title.box.h + 8 : 0;

    int labels_h = 0;
    for (size_t c = 0; c < col_labels.size() && c < g.cols; ++c) {
        size_t end = c + 1;
        while (end < g.cols && end < col_labels.size() && col_labels[end].empty()) ++end;
        const int room = int(end - c) * g.cell_w - 4;
        FittedLabel l = fit_label(font, col_labels[c], room, kLabelPx, 2, 9.f);
        // Centred over one column; a group's label starts at its first column.
        l.box.x = g.grid.x + 2 + int(c) * g.cell_w + (end - c == 1 ? (room - l.box.w) / 2 : 0);
        l.box.y = title_h + 3;
        labels_h = std::max(labels_h, l.box.h + 6);
        g.col_labels.push_back(l);
    }
    g.grid.y = title_h + labels_h;
    for (size_t r = 0; r < g.row_labels.size(); ++r) {
        Box& b = g.row_labels[r].box;
        b.x = kMargin, b.y = g.grid.y + 1 + int(r) * g.cell_h + (g.cell_h - 1 - b.h) / 2;
    }
    g.height = g.grid.y + g.grid.h;
    return g;
}

Canvas draw_image_grid(const Font& font, const GridLayout& g, const Matrix& images, size_t h,
                       size_t w, int scale, bool normalize) {
    const size_t n = images.shape()[0];
    require_shape(images, 0, h * w, "draw_image_grid: images");
    if (n > g.rows * g.cols) throw Error("draw_image_grid: more images than the layout has cells");
    Canvas canvas(g.width, g.height, 255);
    for (int y = g.grid.y; y < g.grid.y + g.grid.h; ++y)  // grey gaps between the images
        std::fill_n(canvas.pix.begin() + long(y) * g.width + g.grid.x, g.grid.w, 96);
    font.draw(canvas, g.title, 0);
    for (const FittedLabel& l : g.col_labels) font.draw(canvas, l, 0);
    for (const FittedLabel& l : g.row_labels) font.draw(canvas, l, 0);
    for (size_t k = 0; k < n; ++k) {
        const float* img = images.data() + k * h * w;
        float lo = 0.f, hi = 1.f;
        if (normalize) {
            lo = *std::min_element(img, img + h * w);
            hi = *std::max_element(img, img + h * w);
            if (hi - lo < 1e-12f) hi = lo + 1.f;
        }
        const size_t ox = size_t(g.image_x(k)), oy = size_t(g.image_y(k));
        for (size_t y = 0; y < h * size_t(scale); ++y) {
            for (size_t x = 0; x < w * size_t(scale); ++x) {
                float v = (img[(y / size_t(scale)) * w + x / size_t(scale)] - lo) / (hi - lo);
                v = std::isfinite(v) ? std::min(1.f, std::max(0.f, v)) : 0.f;
                canvas.pix[(oy + y) * size_t(g.width) + ox + x] =
                    static_cast<unsigned char>(std::lround(v * 255.f));
            }
        }
    }
    return canvas;
}

}  // namespace ae
