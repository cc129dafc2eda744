// Labels in pictures (see ae/text.hpp): a TrueType font rasterised by stb_truetype, the small
// stb_easy_font bitmap font when no TrueType file is installed, and fitting a label to a width.
#include "ae/text.hpp"

#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_easy_font.h>
#include <stb/stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace ae {

bool boxes_overlap(const Box& a, const Box& b) {
    if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0) return false;
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

bool box_inside(const Box& b, int width, int height) {
    return b.x >= 0 && b.y >= 0 && b.w >= 0 && b.h >= 0 && b.x + b.w <= width &&
           b.y + b.h <= height;
}

struct Font::Impl {
    std::vector<unsigned char> ttf;
    stbtt_fontinfo info{};
    int ascent = 0, descent = 0;
};

namespace {

constexpr int kBitmapLineHeight = 11;  // stb_easy_font: 7 px capitals, descenders, 2 px apart
const char* const kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// UTF-8 to code points; a malformed byte becomes '?'.
std::vector<int> codepoints(const std::string& s) {
    std::vector<int> out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int len = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (len == 0 || i + size_t(len) > s.size()) {
            out.push_back('?'), ++i;
            continue;
        }
        int cp = len == 1 ? c : c & (0x7f >> len);
        for (int k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        out.push_back(cp), i += size_t(len);
    }
    return out;
}

bool is_file(const std::string& p) {
    std::error_code ec;
    return !p.empty() && std::filesystem::is_regular_file(p, ec);
}

void blend(Canvas& c, int x, int y, unsigned char ink, int coverage) {
    unsigned char& p = c.pix[size_t(y) * size_t(c.width) + size_t(x)];
    p = static_cast<unsigned char>((p * (255 - coverage) + ink * coverage + 127) / 255);
}

}  // namespace

std::string font_file() {
    if (const char* env = std::getenv("AE_FONT"); env && is_file(env)) return env;
    for (const char* p : {kDejaVu, "/usr/share/fonts/TTF/DejaVuSans.ttf",
                          "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"})
        if (is_file(p)) return p;
    return "";
}

Font::Font(const std::string& path) {
    if (!is_file(path)) return;
    std::ifstream in(path, std::ios::binary);
    auto impl = std::make_shared<Impl>();
    impl->ttf.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const unsigned char* d = impl->ttf.data();
    const int offset = impl->ttf.size() < 12 ? -1 : stbtt_GetFontOffsetForIndex(d, 0);
    if (offset < 0 || !stbtt_InitFont(&impl->info, d, offset)) return;
    int gap = 0;
    stbtt_GetFontVMetrics(&impl->info, &impl->ascent, &impl->descent, &gap);
    impl_ = impl;
}

const Font& Font::standard() {
    static const Font font = [] {
        const std::string path = font_file();
        Font f(path);
        if (!f.truetype())
            std::cerr << "note: labels in pictures use a small bitmap font: "
                      << (path.empty()
                              ? "no TrueType font found ($AE_FONT, " + std::string(kDejaVu) + ")"
                              : path + " does not load as a TrueType font")
                      << ".\n      Install one with: sudo apt-get install fonts-dejavu-core (or "
                         "bash scripts/install-deps.sh), or point AE_FONT at a .ttf file\n";
        return f;
    }();
    return font;
}

int Font::text_width(const std::string& line, float px) const {
    if (!impl_) return stb_easy_font_width(const_cast<char*>(line.c_str()));
    const float scale = stbtt_ScaleForPixelHeight(&impl_->info, px);
    const std::vector<int> cps = codepoints(line);
    float w = 0;
    for (size_t i = 0; i < cps.size(); ++i) {
        int advance = 0, bearing = 0;
        stbtt_GetCodepointHMetrics(&impl_->info, cps[i], &advance, &bearing);
        w += advance * scale;
        if (i + 1 < cps.size())
            w += scale * stbtt_GetCodepointKernAdvance(&impl_->info, cps[i], cps[i + 1]);
    }
    return int(std::ceil(w));
}

int Font::line_height(float px) const {
    if (!impl_) return kBitmapLineHeight;
    const float scale = stbtt_ScaleForPixelHeight(&impl_->info, px);
    return int(std::ceil((impl_->ascent - impl_->descent) * scale)) + 1;
}

void Font::draw(Canvas& canvas, const FittedLabel& label, unsigned char ink) const {
    const Box& b = label.box;
    const int x_end = std::min(b.x + b.w, canvas.width), y_end = std::min(b.y + b.h, canvas.height);
    auto put = [&](int x, int y, int coverage) {
        if (x >= std::max(b.x, 0) && x < x_end && y >= std::max(b.y, 0) && y < y_end)
            blend(canvas, x, y, ink, coverage);
    };
    const int lh = line_height(label.px);
    for (size_t l = 0; l < label.lines.size(); ++l) {
        const int top = b.y + int(l) * lh;
        if (!impl_) {
            std::vector<char> buf(label.lines[l].size() * 300 + 64);  // <= ~270 bytes a char
            unsigned char white[4] = {255, 255, 255, 255};
            const int quads = stb_easy_font_print(0, 0, const_cast<char*>(label.lines[l].c_str()),
                                                  white, buf.data(), int(buf.size()));
            const float* v = reinterpret_cast<const float*>(buf.data());  // x, y, z, colour
            for (int q = 0; q < quads; ++q)
                for (int y = int(v[q * 16 + 1]); y < int(v[q * 16 + 9]); ++y)
                    for (int x = int(v[q * 16]); x < int(v[q * 16 + 8]); ++x)
                        put(b.x + x, top + 1 + y, 255);
            continue;
        }
        const stbtt_fontinfo& info = impl_->info;
        const float scale = stbtt_ScaleForPixelHeight(&info, label.px);
        const int baseline = top + int(std::lround(impl_->ascent * scale));
        const std::vector<int> cps = codepoints(label.lines[l]);
        float pen = float(b.x);
        for (size_t i = 0; i < cps.size(); ++i) {
            const float shift = pen - std::floor(pen);
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            stbtt_GetCodepointBitmapBoxSubpixel(&info, cps[i], scale, scale, shift, 0, &x0, &y0,
                                                &x1, &y1);
            if (x1 > x0 && y1 > y0) {
                std::vector<unsigned char> glyph(size_t(x1 - x0) * size_t(y1 - y0));
                stbtt_MakeCodepointBitmapSubpixel(&info, glyph.data(), x1 - x0, y1 - y0, x1 - x0,
                                                  scale, scale, shift, 0, cps[i]);
                for (int y = 0; y < y1 - y0; ++y)
                    for (int x = 0; x < x1 - x0; ++x)
                        if (int a = glyph[size_t(y * (x1 - x0) + x)])
                            put(int(std::floor(pen)) + x0 + x, baseline + y0 + y, a);
            }
            int advance = 0, bearing = 0;
            stbtt_GetCodepointHMetrics(&info, cps[i], &advance, &bearing);
            pen += advance * scale;
            if (i + 1 < cps.size())
                pen += scale * stbtt_GetCodepointKernAdvance(&info, cps[i], cps[i + 1]);
        }
    }
}

}  // namespace ae
