// SPDX-License-Identifier: Apache-2.0
// A standalone SVG for looking at a track: one lane per mouth/eye/brow curve, the phones and the
// dominant viseme underneath, on a shared time axis. Meant for eyeballing timing (does the jaw
// open on the vowel, do the lips close on "p"), so it favours legibility over completeness.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "export/number_format.h"
#include "export/track_curves.h"
#include "voxface/export.h"

namespace voxface {
namespace {

using export_internal::AppendRounded;

float JawOpen(const Track& t, int f) { return t.weight(f, kJawOpen); }
float MouthClose(const Track& t, int f) { return t.weight(f, kMouthClose); }
float BrowInnerUp(const Track& t, int f) { return t.weight(f, kBrowInnerUp); }

struct Curve {
  const char* label;
  const char* color;
  float max_value;  // The top of the lane.
  float (*value)(const Track&, int frame);
};

constexpr Curve kCurves[] = {
    {"jawOpen", "#1f77b4", 1.0f, JawOpen},
    {"mouthClose", "#d62728", 1.0f, MouthClose},
    // Lip opening adds lip raisers to the jaw and so can exceed 1.
    {"lip opening", "#ff7f0e", 1.8f, export_internal::LipOpening},
    {"rounding", "#9467bd", 1.0f, export_internal::LipRounding},
    {"smile", "#2ca02c", 1.0f, export_internal::Smile},
    {"blink", "#8c564b", 1.0f, export_internal::Blink},
    {"browInnerUp", "#e377c2", 1.0f, BrowInnerUp},
};

constexpr double kLeft = 120.0;  // Lane labels.
constexpr double kRight = 20.0;
constexpr double kTop = 56.0;  // Title and legend.
constexpr double kLaneHeight = 56.0;
constexpr double kLaneGap = 10.0;
constexpr double kTextLaneHeight = 24.0;
constexpr double kAxisHeight = 30.0;
// A 2 s clip fills a normal window; long clips scroll at 200 px/s, which leaves room for phone
// labels, until a width that browsers still render without trouble.
constexpr double kMinPlotWidth = 1060.0;
constexpr double kPixelsPerSecond = 200.0;
constexpr double kMaxPlotWidth = 30000.0;
constexpr double kMaxSeconds = 24.0 * 3600.0;

// Text and attribute values: the five XML escapes, and control characters (illegal in XML 1.0)
// replaced so that an odd phone label cannot make the file unreadable.
void AppendEscaped(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&apos;");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out->push_back('?');
        } else {
          out->push_back(c);
        }
    }
  }
}

class SvgWriter {
 public:
  std::string& out() { return out_; }

  void Number(double value) { AppendRounded(&out_, value, 1); }

  void Line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1.0) {
    out_.append("<line x1=\"");
    Number(x1);
    out_.append("\" y1=\"");
    Number(y1);
    out_.append("\" x2=\"");
    Number(x2);
    out_.append("\" y2=\"");
    Number(y2);
    out_.append("\" stroke=\"");
    out_.append(stroke);
    out_.append("\" stroke-width=\"");
    Number(width);
    out_.append("\"/>\n");
  }

  void Rect(double x, double y, double w, double h, const char* fill, std::string_view tooltip) {
    out_.append("<rect x=\"");
    Number(x);
    out_.append("\" y=\"");
    Number(y);
    out_.append("\" width=\"");
    Number(std::max(w, 0.0));
    out_.append("\" height=\"");
    Number(h);
    out_.append("\" fill=\"");
    out_.append(fill);
    if (tooltip.empty()) {
      out_.append("\"/>\n");
      return;
    }
    out_.append("\"><title>");
    AppendEscaped(&out_, tooltip);
    out_.append("</title></rect>\n");
  }

  // anchor: "start", "middle" or "end".
  void Text(double x, double y, std::string_view text, const char* anchor, int size,
            const char* fill = "#333") {
    out_.append("<text x=\"");
    Number(x);
    out_.append("\" y=\"");
    Number(y);
    out_.append("\" font-size=\"");
    out_.append(std::to_string(size));
    out_.append("\" text-anchor=\"");
    out_.append(anchor);
    out_.append("\" fill=\"");
    out_.append(fill);
    out_.append("\">");
    AppendEscaped(&out_, text);
    out_.append("</text>\n");
  }

 private:
  std::string out_;
};

// Geometry shared by the lanes.
struct Layout {
  double fps;  // The track's, or 60 when it has none usable.
  double seconds;
  double px_per_s;
  double plot_width;
  double x(double t) const { return kLeft + t * px_per_s; }
  double frame_x(int frame) const { return x(frame / fps); }
};

void DrawCurve(SvgWriter& svg, const Track& track, const Layout& layout, const Curve& curve,
               double top) {
  const int frames = track.num_frames();
  const auto y = [&](float v) {
    const double clipped = std::isfinite(v) ? std::clamp(v / curve.max_value, 0.0f, 1.0f) : 0.0;
    return top + kLaneHeight * (1.0 - clipped);
  };
  std::string& out = svg.out();
  out.append("<polyline fill=\"none\" stroke=\"");
  out.append(curve.color);
  out.append("\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"");
  const auto point = [&](double x, float v) {
    svg.Number(x);
    out.push_back(',');
    svg.Number(y(v));
    out.push_back(' ');
  };
  const double frames_per_px = layout.fps / layout.px_per_s;
  if (frames_per_px <= 2.0) {
    for (int i = 0; i < frames; ++i) point(layout.frame_x(i), curve.value(track, i));
  } else {
    // More frames than pixels: one min and one max per pixel column keeps blinks and closures
    // visible that plain decimation would skip.
    int begin = 0;
    for (int column = 0; begin < frames; ++column) {
      const int end =
          static_cast<int>(std::min<double>(frames, std::ceil((column + 1) * frames_per_px)));
      if (end <= begin) continue;
      int lo = begin;
      int hi = begin;
      for (int i = begin; i < end; ++i) {
        if (curve.value(track, i) < curve.value(track, lo)) lo = i;
        if (curve.value(track, i) > curve.value(track, hi)) hi = i;
      }
      const int first = std::min(lo, hi);
      const int second = std::max(lo, hi);
      point(layout.frame_x(first), curve.value(track, first));
      if (second != first) point(layout.frame_x(second), curve.value(track, second));
      begin = end;
    }
  }
  if (out.back() == ' ') out.pop_back();
  out.append("\"/>\n");
}

// Boxes with centred labels, alternately shaded so that neighbours stay apart.
struct Span {
  double start_s;
  double end_s;
  std::string label;
};

void DrawSpans(SvgWriter& svg, const Layout& layout, const std::vector<Span>& spans, double top,
               const char* even_fill, const char* odd_fill) {
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    const double x0 = layout.x(span.start_s);
    const double width = layout.x(span.end_s) - x0;
    char tooltip_times[64];
    std::snprintf(tooltip_times, sizeof(tooltip_times), " %.3f-%.3f s", span.start_s, span.end_s);
    svg.Rect(x0, top, width, kTextLaneHeight, i % 2 == 0 ? even_fill : odd_fill,
             span.label + tooltip_times);
    // Labels that do not fit are left to the tooltip rather than overprinting the neighbours.
    if (width >= 6.5 * span.label.size() + 2.0) {
      svg.Text(x0 + width / 2, top + kTextLaneHeight / 2 + 4, span.label, "middle", 11);
    }
  }
}

std::vector<Span> PhoneSpans(const Track& track) {
  std::vector<Span> spans;
  for (const PhoneSegment& phone : track.phones) {
    if (phone.end_s > phone.start_s) spans.push_back({phone.start_s, phone.end_s, phone.phone});
  }
  return spans;
}

// Runs of the frame-wise strongest viseme; frames where every viseme is 0 belong to no run.
std::vector<Span> VisemeSpans(const Track& track, double fps) {
  std::vector<Span> spans;
  const int width = static_cast<int>(track.viseme_names.size());
  if (width == 0) return spans;
  const int frames = std::min(track.num_frames(), static_cast<int>(track.visemes.size() / width));
  int run_viseme = -1;
  int run_start = 0;
  const auto close_run = [&](int end_frame) {
    if (run_viseme >= 0 && end_frame > run_start) {
      spans.push_back({run_start / fps, end_frame / fps, track.viseme_names[run_viseme]});
    }
  };
  for (int i = 0; i < frames; ++i) {
    const float* row = track.visemes.data() + static_cast<size_t>(i) * width;
    int best = static_cast<int>(std::max_element(row, row + width) - row);
    if (!(row[best] > 0.0f)) best = -1;
    if (best != run_viseme) {
      close_run(i);
      run_viseme = best;
      run_start = i;
    }
  }
  close_run(frames);
  return spans;
}

// Seconds between labelled ticks: the smallest step that keeps labels ~40 px apart.
int TickStep(double px_per_s) {
  for (int step : {1, 2, 5, 10, 30, 60, 300}) {
    if (step * px_per_s >= 40.0) return step;
  }
  return 600;
}

}  // namespace

std::string RenderTrackSvg(const Track& track) {
  Layout layout;
  layout.fps = track.fps > 0.0 && track.fps <= 1e6 ? track.fps : 60.0;
  layout.seconds = export_internal::TrackLength(track);
  if (!(layout.seconds > 0.0)) layout.seconds = 1.0;  // Still draw axes for an empty track.
  // A stray phone time (1e300 from a bad file) must not turn the tick loop into billions of lines.
  layout.seconds = std::min(layout.seconds, kMaxSeconds);
  layout.plot_width = std::clamp(layout.seconds * kPixelsPerSecond, kMinPlotWidth, kMaxPlotWidth);
  layout.px_per_s = layout.plot_width / layout.seconds;

  constexpr int kCurveCount = static_cast<int>(std::size(kCurves));
  const double curves_bottom = kTop + kCurveCount * (kLaneHeight + kLaneGap);
  const double phone_top = curves_bottom;
  const double viseme_top = phone_top + kTextLaneHeight + kLaneGap;
  const double axis_top = viseme_top + kTextLaneHeight + kLaneGap;
  const double width = kLeft + layout.plot_width + kRight;
  const double height = axis_top + kAxisHeight;

  SvgWriter svg;
  std::string& out = svg.out();
  out.reserve(static_cast<size_t>(track.num_frames()) * kCurveCount * 14 + 65536);
  out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  svg.Number(width);
  out.append("\" height=\"");
  svg.Number(height);
  out.append("\" viewBox=\"0 0 ");
  svg.Number(width);
  out.push_back(' ');
  svg.Number(height);
  out.append("\" font-family=\"sans-serif\">\n");
  svg.Rect(0, 0, width, height, "#ffffff", "");

  char title[256];
  std::snprintf(title, sizeof(title), "%.2f s, %d frames at %g fps, %zu phones", layout.seconds,
                track.num_frames(), track.fps, track.phones.size());
  std::string heading = "voxface track: " + std::string(title);
  if (!track.analyzer.empty()) heading += ", analyzer " + track.analyzer;
  svg.Text(10, 20, heading, "start", 14, "#000");

  // Legend.
  out.append("<g class=\"legend\">\n");
  double legend_x = 10;
  for (const Curve& curve : kCurves) {
    svg.Line(legend_x, 40, legend_x + 18, 40, curve.color, 3);
    svg.Text(legend_x + 22, 44, curve.label, "start", 12);
    legend_x += 34 + 7.0 * std::string_view(curve.label).size();
  }
  out.append("</g>\n");

  // Second grid across every lane, labelled under the lanes; whole seconds get a faint line only
  // while they are far enough apart to be told apart.
  const int step = TickStep(layout.px_per_s);
  const int grid_step = layout.px_per_s >= 8.0 ? 1 : step;
  out.append("<g class=\"axis\">\n");
  for (int t = 0; t <= layout.seconds + 1e-9; t += grid_step) {
    const bool labelled = t % step == 0;
    svg.Line(layout.x(t), kTop - 4, layout.x(t), axis_top + (labelled ? 6 : 2),
             labelled ? "#bbbbbb" : "#e4e4e4");
    if (labelled) svg.Text(layout.x(t), axis_top + 20, std::to_string(t) + " s", "middle", 11);
  }
  svg.Line(kLeft, axis_top, kLeft + layout.plot_width, axis_top, "#888888");
  out.append("</g>\n");

  for (int lane = 0; lane < kCurveCount; ++lane) {
    const Curve& curve = kCurves[lane];
    const double top = kTop + lane * (kLaneHeight + kLaneGap);
    out.append("<g class=\"lane\">\n");
    svg.Line(kLeft, top, kLeft + layout.plot_width, top, "#eeeeee");
    svg.Line(kLeft, top + kLaneHeight, kLeft + layout.plot_width, top + kLaneHeight, "#cccccc");
    svg.Text(kLeft - 8, top + kLaneHeight / 2 + 4, curve.label, "end", 12, curve.color);
    char range[32];
    std::snprintf(range, sizeof(range), "0-%g", curve.max_value);
    svg.Text(kLeft - 8, top + kLaneHeight / 2 + 18, range, "end", 9, "#999");
    DrawCurve(svg, track, layout, curve, top);
    out.append("</g>\n");
  }

  out.append("<g class=\"phones\">\n");
  svg.Text(kLeft - 8, phone_top + kTextLaneHeight / 2 + 4, "phones", "end", 12);
  DrawSpans(svg, layout, PhoneSpans(track), phone_top, "#e6eef7", "#cddcee");
  out.append("</g>\n<g class=\"visemes\">\n");
  svg.Text(kLeft - 8, viseme_top + kTextLaneHeight / 2 + 4, "visemes", "end", 12);
  DrawSpans(svg, layout, VisemeSpans(track, layout.fps), viseme_top, "#f4ece1", "#e8d8c0");
  out.append("</g>\n</svg>\n");
  return out;
}

}  // namespace voxface
