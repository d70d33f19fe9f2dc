// colormap.cpp: the shader path (R32F texture + colormap.vert/.frag in an ImDrawList callback) and
// its CPU fallback. See colormap.h.
#include "colormap.h"
#include "theme.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
static const char* kShaderDir = "/shaders";
static const char* kVersion = "#version 300 es";
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#ifdef CNN_SHADER_DIR
static const char* kShaderDir = CNN_SHADER_DIR;
#else
static const char* kShaderDir = "shaders";
#endif
static const char* kVersion = "#version 330 core";  // desktop GL 3.3 core: same GLSL, other header line
#endif

namespace {

struct Gpu {
  bool tried = false, ok = false;
  GLuint program = 0, vao = 0;
  GLint u_values = -1, u_mode = -1, u_scale = -1, u_lo = -1, u_hi = -1, u_rect = -1;
};
Gpu g_gpu;

struct DrawCmd {
  GLuint tex;
  int mode;
  float scale, lo, hi;
  ImVec2 p0, p1;
};
std::deque<DrawCmd> g_cmds;  // this frame's draws (the callbacks point into it)
int g_cmds_frame = -1;

bool g_logged = false;
// The shaders are unusable: said once, and the heatmaps are coloured on the CPU. Returns false.
bool Fail(const std::string& why) {
  g_gpu.ok = false;
  if (g_logged) return false;  // once
  g_logged = true;
  std::printf("cnn-sandbox: colour-map shaders unavailable (%s); colouring heatmaps on the CPU instead\n", why.c_str());
  return false;
}

// What the driver said about a shader that did not compile (program: a program that did not link).
std::string InfoLog(GLuint id, bool program) {
  char buf[1024] = {};
  if (program) glGetProgramInfoLog(id, sizeof buf, nullptr, buf);
  else glGetShaderInfoLog(id, sizeof buf, nullptr, buf);
  return buf;
}

bool ReadShader(const char* name, std::string* out) {
  std::string path = std::string(kShaderDir) + "/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  // The files start with "#version 300 es" (WebGL 2); desktop GL 3.3 core wants its own line.
  size_t nl = out->find('\n');
  if (out->compare(0, 8, "#version") == 0 && nl != std::string::npos) *out = std::string(kVersion) + out->substr(nl);
  return true;
}

GLuint Compile(GLenum kind, const std::string& src, std::string* log) {
  GLuint s = glCreateShader(kind);
  const char* p = src.c_str();
  glShaderSource(s, 1, &p, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    *log = InfoLog(s, false);
    glDeleteShader(s);
    return 0;
  }
  return s;
}

bool InitGpu() {
  if (g_gpu.tried) return g_gpu.ok;
  g_gpu.tried = true;
#ifdef __EMSCRIPTEN__
  // ?heatmaps=cpu: the CPU's colour mapping (RGBA8 textures), the same colours. The default in
  // WebKitGTK (WebKit on Linux, not Chromium): there its compositor thread crashed inside Mesa's
  // software rasterizer (swrast_dri.so) in 9 of 85 openings of the Inside tab with the R32F
  // textures and the shaders, and in none of 85 with this path (bench/RESULTS.md). ?heatmaps=gpu:
  // the shaders wherever they compile.
  // clang-format off
  const int choice = EM_ASM_INT({
    const q = new URLSearchParams(location.search).get('heatmaps');
    if (q === 'cpu') return 1;
    if (q === 'gpu') return 0;
    const ua = navigator.userAgent;
    return /Linux/.test(ua) && /AppleWebKit/.test(ua) && !/Chrome|Chromium|Android/.test(ua) ? 2 : 0;
  });
  // clang-format on
  if (choice == 1) return Fail("turned off (?heatmaps=cpu)");
  if (choice == 2) return Fail("WebKitGTK: its compositor crashed in Mesa with them; ?heatmaps=gpu to try");
#endif
  std::string vs, fs, log;
  if (!ReadShader("colormap.vert", &vs) || !ReadShader("colormap.frag", &fs))
    return Fail(std::string("shader files not found in ") + kShaderDir);
  GLuint v = Compile(GL_VERTEX_SHADER, vs, &log);
  if (!v) return Fail("vertex shader: " + log);
  GLuint f = Compile(GL_FRAGMENT_SHADER, fs, &log);
  if (!f) {
    glDeleteShader(v);
    return Fail("fragment shader: " + log);
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, v);
  glAttachShader(p, f);
  glLinkProgram(p);
  glDeleteShader(v);
  glDeleteShader(f);
  GLint linked = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &linked);
  if (!linked) return Fail("link: " + InfoLog(p, true));
  g_gpu.program = p;
  g_gpu.u_values = glGetUniformLocation(p, "u_values");
  g_gpu.u_mode = glGetUniformLocation(p, "u_mode");
  g_gpu.u_scale = glGetUniformLocation(p, "u_scale");
  g_gpu.u_lo = glGetUniformLocation(p, "u_lo");
  g_gpu.u_hi = glGetUniformLocation(p, "u_hi");
  g_gpu.u_rect = glGetUniformLocation(p, "u_rect");
  glGenVertexArrays(1, &g_gpu.vao);
  while (glGetError() != GL_NO_ERROR) {}
  g_gpu.ok = true;
  return true;
}

void DrawCallback(const ImDrawList*, const ImDrawCmd* cmd) {
  const DrawCmd& c = *static_cast<const DrawCmd*>(cmd->UserCallbackData);
  const ImDrawData* dd = ImGui::GetDrawData();
  if (!dd || dd->DisplaySize.x <= 0 || dd->DisplaySize.y <= 0) return;
  const ImVec2 pos = dd->DisplayPos, size = dd->DisplaySize, sc = dd->FramebufferScale;
  // scissor to this command's clip rect (the backend sets it only for its own draws)
  const float fb_h = size.y * sc.y;
  const ImVec4 cr = cmd->ClipRect;
  glEnable(GL_SCISSOR_TEST);
  glScissor(GLint((cr.x - pos.x) * sc.x), GLint(fb_h - (cr.w - pos.y) * sc.y), GLsizei((cr.z - cr.x) * sc.x),
            GLsizei((cr.w - cr.y) * sc.y));
  glUseProgram(g_gpu.program);
  glBindVertexArray(g_gpu.vao);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, c.tex);
  glUniform1i(g_gpu.u_values, 0);
  glUniform1i(g_gpu.u_mode, c.mode);
  glUniform1f(g_gpu.u_scale, c.scale);
  glUniform1f(g_gpu.u_lo, c.lo);
  glUniform1f(g_gpu.u_hi, c.hi);
  // clip space, y up; x0 y_bottom x1 y_top so that texture row 0 lands at the top (see the .vert)
  auto cx = [&](float x) { return (x - pos.x) / size.x * 2.0f - 1.0f; };
  auto cy = [&](float y) { return 1.0f - (y - pos.y) / size.y * 2.0f; };
  glUniform4f(g_gpu.u_rect, cx(c.p0.x), cy(c.p1.y), cx(c.p1.x), cy(c.p0.y));
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

}  // namespace

static ImVec4 Lerp3(ImVec4 a, ImVec4 b, float t) {
  return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1);
}

ImU32 ColormapColor(ColorMode mode, float t) {
  // the same ramps as shaders/colormap.frag
  if (!(t == t)) t = 0;
  if (mode == ColorMode::Diverging) {
    const ImVec4 neg(0.13f, 0.40f, 0.80f, 1), mid(0.97f, 0.97f, 0.97f, 1), pos(0.80f, 0.15f, 0.15f, 1);
    t = std::clamp(t, -1.0f, 1.0f);
    return ImGui::ColorConvertFloat4ToU32(t < 0 ? Lerp3(mid, neg, -t) : Lerp3(mid, pos, t));
  }
  t = std::clamp(t, 0.0f, 1.0f);
  const ImVec4 c0(0.05f, 0.03f, 0.15f, 1), c1(0.55f, 0.10f, 0.50f, 1), c2(0.98f, 0.55f, 0.20f, 1),
      c3(0.99f, 0.99f, 0.75f, 1);
  ImVec4 c = t < 0.5f ? Lerp3(c0, c1, t * 2)
                      : (t < 0.8f ? Lerp3(c1, c2, (t - 0.5f) / 0.3f) : Lerp3(c2, c3, (t - 0.8f) / 0.2f));
  return ImGui::ColorConvertFloat4ToU32(c);
}

float MaxAbs(const float* v, int64_t n) {
  float m = 0;
  for (int64_t i = 0; i < n; i++) m = std::max(m, std::fabs(v[i]));
  return std::max(m, 1e-12f);
}

ImU32 ClassColor(int k) { return Th().classes[((k % 10) + 10) % 10]; }

bool ColormapUsesGpu() { return InitGpu(); }

void HeatmapSet(Heatmap& hm, const float* values, int w, int h, ColorMode mode, float scale, float lo, float hi) {
  if (w <= 0 || h <= 0) {
    hm.valid = false;
    return;
  }
  hm.w = w;
  hm.h = h;
  hm.mode = mode;
  hm.scale = scale;
  hm.lo = lo;
  hm.hi = hi;
  if (InitGpu()) {
    if (!hm.tex) {
      GLuint id = 0;
      glGenTextures(1, &id);
      hm.tex = id;
    }
    glBindTexture(GL_TEXTURE_2D, hm.tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);  // R32F is not filterable in WebGL 2
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, w, h, 0, GL_RED, GL_FLOAT, values);
    GLenum e = glGetError();
    if (e == GL_NO_ERROR) {
      hm.valid = true;
      return;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "R32F upload failed, GL error 0x%x", unsigned(e));
    Fail(buf);
    g_gpu.tried = true;
  }
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (int i = 0; i < w * h; i++) {
    float t = mode == ColorMode::Diverging ? values[i] / std::max(scale, 1e-20f)
                                           : (values[i] - lo) / std::max(hi - lo, 1e-20f);
    ImU32 c = ColormapColor(mode, t);
    rgba[size_t(i) * 4 + 0] = uint8_t(c >> IM_COL32_R_SHIFT);
    rgba[size_t(i) * 4 + 1] = uint8_t(c >> IM_COL32_G_SHIFT);
    rgba[size_t(i) * 4 + 2] = uint8_t(c >> IM_COL32_B_SHIFT);
    rgba[size_t(i) * 4 + 3] = 255;
  }
  TextureUpload(hm.rgba, rgba.data(), w, h, true);
  hm.valid = true;
}

void HeatmapDraw(ImDrawList* dl, const Heatmap& hm, ImVec2 p0, ImVec2 p1) {
  if (!hm.valid) return;
  if (g_gpu.ok && hm.tex) {
    if (g_cmds_frame != ImGui::GetFrameCount()) {
      g_cmds.clear();
      g_cmds_frame = ImGui::GetFrameCount();
    }
    g_cmds.push_back(DrawCmd{hm.tex, int(hm.mode), hm.scale, hm.lo, hm.hi, p0, p1});
    dl->AddCallback(DrawCallback, &g_cmds.back());
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  } else if (hm.rgba.id) {
    dl->AddImage(hm.rgba.Id(), p0, p1);
  }
}
