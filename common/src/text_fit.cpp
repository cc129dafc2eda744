// Fitting a label to the width it has (see ae/text.hpp, fit_label): one line if it fits, else
// wrapped at spaces or after '/' and '-', else smaller, else cut with "..".
#include <algorithm>

#include "ae/text.hpp"

namespace ae {

namespace {

// The pieces a line may break after: words, with a '/' or '-' kept at the end of its piece.
// spaced[i]: a space separates piece i from piece i + 1 when they stay on one line.
struct Pieces {
    std::vector<std::string> text;
    std::vector<bool> spaced;
};

Pieces split(const std::string& s) {
    Pieces p;
    std::string cur;
    auto flush = [&](bool spaced) {
        if (cur.empty()) {
            if (spaced && !p.spaced.empty()) p.spaced.back() = true;
            return;
        }
        p.text.push_back(cur), p.spaced.push_back(spaced), cur.clear();
    };
    for (char c : s) {
        if (c == ' ') {
            flush(true);
            continue;
        }
        cur += c;
        if (c == '/' || c == '-') flush(false);
    }
    flush(false);
    return p;
}

// Greedy wrap of pieces into lines no wider than max_width where possible.
std::vector<std::string> wrap(const Font& f, const Pieces& p, int max_width, float px) {
    std::vector<std::string> lines;
    for (size_t i = 0; i < p.text.size(); ++i) {
        if (!lines.empty()) {
            const std::string joined = lines.back() + (p.spaced[i - 1] ? " " : "") + p.text[i];
            if (f.text_width(joined, px) <= max_width) {
                lines.back() = joined;
                continue;
            }
        }
        lines.push_back(p.text[i]);
    }
    return lines;
}

bool fits(const Font& f, const std::vector<std::string>& lines, int max_width, float px) {
    for (const auto& l : lines)
        if (f.text_width(l, px) > max_width) return false;
    return true;
}

// line shortened (whole UTF-8 characters) until line + ".." fits; "" when ".." alone does not.
std::string cut(const Font& f, std::string line, int max_width, float px) {
    while (!line.empty() && f.text_width(line + "..", px) > max_width) {
        line.pop_back();
        while (!line.empty() && (static_cast<unsigned char>(line.back()) & 0xc0) == 0x80)
            line.pop_back();
    }
    const std::string shown = line + "..";
    return f.text_width(shown, px) <= max_width ? shown : "";
}

FittedLabel finish(const Font& f, std::vector<std::string> lines, float px) {
    FittedLabel out;
    out.px = px;
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (const auto& l : lines) out.box.w = std::max(out.box.w, f.text_width(l, px));
    out.box.h = int(lines.size()) * f.line_height(px);
    out.lines = std::move(lines);
    return out;
}

}  // namespace

FittedLabel fit_label(const Font& font, const std::string& text, int max_width, float px,
                      int max_lines, float min_px) {
    if (text.empty() || max_width <= 0 || max_lines < 1) return finish(font, {}, px);
    const Pieces pieces = split(text);
    // The bitmap font has one size: only the first pass applies.
    const float smallest = font.truetype() ? std::min(px, min_px) : px;
    for (float size = px; size >= smallest; size -= 1.f) {
        if (font.text_width(text, size) <= max_width) return finish(font, {text}, size);
        const auto lines = wrap(font, pieces, max_width, size);
        if (int(lines.size()) <= max_lines && fits(font, lines, max_width, size))
            return finish(font, lines, size);
    }
    // Too long even at the smallest size: keep max_lines lines, the rest cut with "..".
    auto lines = wrap(font, pieces, max_width, smallest);
    if (int(lines.size()) > max_lines) {
        std::string rest = lines[size_t(max_lines) - 1];
        for (size_t i = size_t(max_lines); i < lines.size(); ++i) rest += " " + lines[i];
        lines.resize(size_t(max_lines));
        lines.back() = cut(font, rest, max_width, smallest);
    }
    for (auto& l : lines)
        if (font.text_width(l, smallest) > max_width) l = cut(font, l, max_width, smallest);
    return finish(font, lines, smallest);
}

}  // namespace ae
