// Text in pictures: labels drawn with a TrueType font (DejaVu Sans from Debian's
// fonts-dejavu-core, rasterised by stb_truetype) and fitted to the room they have: shrunk,
// wrapped onto a second line, or cut with "..", never spilling out of their box. Without the
// font a small built-in bitmap font is used and a note says (once) how to install the real one.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace ae {

// A rectangle in pixels: x to the right, y down, from the top-left corner.
struct Box {
    int x = 0, y = 0, w = 0, h = 0;
};
// True when a and b share at least one pixel (empty boxes share none).
bool boxes_overlap(const Box& a, const Box& b);
// True when b lies wholly inside a canvas of width x height pixels.
bool box_inside(const Box& b, int width, int height);

// A greyscale canvas, one byte per pixel, row after row.
struct Canvas {
    int width = 0, height = 0;
    std::vector<unsigned char> pix;
    Canvas(int w, int h, unsigned char background)
        : width(w), height(h), pix(size_t(w) * size_t(h), background) {}
};

// A label fitted to a width: its lines, the pixel height of its font, and the box it takes
// (placed at x, y = 0 until the caller moves it).
struct FittedLabel {
    std::vector<std::string> lines;
    float px = 0;
    Box box;
};

class Font {
  public:
    // The font in the TrueType file at path; "" (or a file that does not load) gives the
    // built-in bitmap font, whose size is fixed.
    explicit Font(const std::string& path);
    // The program's font: the file font_file() finds, loaded once.
    static const Font& standard();
    bool truetype() const { return impl_ != nullptr; }
    int text_width(const std::string& line, float px) const;
    int line_height(float px) const;
    // Draws lines (one under the other, from box's top-left) with ink; clipped to box.
    void draw(Canvas& canvas, const FittedLabel& label, unsigned char ink) const;

  private:
    struct Impl;                        // the .ttf file and stb_truetype's view of it
    std::shared_ptr<const Impl> impl_;  // null: the bitmap font
};

// The TrueType font to use: $AE_FONT when it names a file, else DejaVu Sans where Debian's
// fonts-dejavu-core puts it; "" when none is there.
std::string font_file();

// text fitted into max_width pixels: on one line at px if it fits, else wrapped (at spaces,
// after '/' or '-') onto up to max_lines lines, else the same at a smaller size down to min_px,
// else cut to what fits with "..". The box is at most max_width wide (0 wide when not even
// ".." fits).
FittedLabel fit_label(const Font& font, const std::string& text, int max_width, float px,
                      int max_lines = 2, float min_px = 9.f);

}  // namespace ae
